import type { ServerResponse } from 'node:http';
import { eventTime, type UnstampedEvent } from '../events.ts';

/**
 * A blank line is sent after this much silence (a long tool call, a slow model) so
 * proxies and client body timeouts do not cut an idle but healthy stream. NDJSON
 * readers skip blank lines.
 */
export const HEARTBEAT_MS = 15_000;

/**
 * Writes turn events to an HTTP response as NDJSON, one write per event so each reaches
 * the socket at once (chunked encoding, Nagle off). Writes after the client left are dropped.
 */
export class EventStream {
  readonly #res: ServerResponse;
  readonly #heartbeat: NodeJS.Timeout;
  #lastWrite = performance.now();
  #count = 0;

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
    if (this.#res.destroyed || this.#res.writableEnded) return;
    this.#lastWrite = performance.now();
    this.#res.write(text);
  }

  emit(event: UnstampedEvent): void {
    this.#count++;
    this.#write(`${JSON.stringify({ ...event, t: eventTime() })}\n`);
  }

  end(): void {
    clearInterval(this.#heartbeat);
    if (!this.#res.writableEnded) this.#res.end();
  }
}
