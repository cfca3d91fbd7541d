import type { ServerResponse } from 'node:http';
import { eventTime, type UnstampedEvent } from '../events.ts';

/**
 * A blank line is sent after this much silence (a long tool call, a slow model) so
 * proxies and client body timeouts do not cut an idle but healthy stream. NDJSON
 * readers skip blank lines.
 */
export const HEARTBEAT_MS = 15_000;

/**
 * Writes turn events to an HTTP response as NDJSON. Events emitted in one turn of the
 * event loop (the tokens of one read from the model) go out in one write at the end of
 * it, so each still reaches the socket at once (chunked encoding, Nagle off) without a
 * write and a chunk frame per event. Writes after the client left are dropped.
 */
export class EventStream {
  readonly #res: ServerResponse;
  readonly #heartbeat: NodeJS.Timeout;
  #lastWrite = performance.now();
  #count = 0;
  #pending = '';
  #flushScheduled = false;

  constructor(res: ServerResponse) {
    this.#res = res;
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.flushHeaders();
    this.#heartbeat = setInterval(() => {
      if (performance.now() - this.#lastWrite >= HEARTBEAT_MS - 50) this.#write('\n');
    }, HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  get count(): number {
    return this.#count;
  }

  #write(text: string): void {
    this.#lastWrite = performance.now();
    this.#pending += text;
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    setImmediate(() => this.#flush());
  }

  #flush(): void {
    this.#flushScheduled = false;
    const text = this.#pending;
    this.#pending = '';
    if (text === '' || this.#res.destroyed || this.#res.writableEnded) return;
    this.#res.write(text);
  }

  emit(event: UnstampedEvent): void {
    this.#count++;
    this.#write(`${JSON.stringify({ ...event, t: eventTime() })}\n`);
  }

  end(): void {
    clearInterval(this.#heartbeat);
    if (this.#res.writableEnded) return;
    this.#flush();
    this.#res.end();
  }
}
