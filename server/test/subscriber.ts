import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type LiveEvent = { seq: number; type: string; messageId: string | null; delta: string | null; payload: Record<string, unknown> | null };

const SELECTION = 'seq type messageId delta payload';

/** A graphql-ws subscriber that records every event it receives, in order; `selection` picks the fields of each. */
export class Subscriber<E extends LiveEvent = LiveEvent> {
  readonly events: E[] = [];
  /** When each event arrived (epoch ms), parallel to `events`. */
  readonly receivedAt: number[] = [];
  readonly #client: Client;
  #unsubscribe: (() => void) | null = null;
  readonly #selection: string;
  #waiters: { predicate: (e: E[]) => boolean; resolve: () => void }[] = [];
  error: unknown = null;

  constructor(baseUrl: string, key: string, selection = SELECTION) {
    this.#selection = selection;
    this.#client = createClient({
      url: `${baseUrl.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
    });
  }

  subscribe(sessionId: string, after?: number): this {
    this.#unsubscribe = this.#client.subscribe<{ sessionEvents: E }>(
      {
        query: `subscription($s: ID!, $after: Int) { sessionEvents(sessionId: $s, after: $after) { ${this.#selection} } }`,
        variables: { s: sessionId, after },
      },
      {
        next: (result) => {
          if (result.errors) this.error = result.errors;
          if (result.data) {
            this.events.push(result.data.sessionEvents);
            this.receivedAt.push(Date.now());
          }
          this.#check();
        },
        error: (error) => {
          this.error = error;
          this.#check();
        },
        complete: () => undefined,
      },
    );
    return this;
  }

  get lastSeq(): number {
    return this.events.at(-1)?.seq ?? 0;
  }

  waitFor(predicate: (events: E[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (predicate(this.events)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `timed out; got ${this.events.map((e) => e.type).join(',')} failure=${JSON.stringify(this.events.find((e) => e.type === 'turn.failed')?.payload)} error=${JSON.stringify(this.error)}`,
            ),
          ),
        timeoutMs,
      );
      this.#waiters.push({ predicate, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  waitForType(type: string, count = 1, timeoutMs?: number): Promise<void> {
    return this.waitFor((events) => events.filter((e) => e.type === type).length >= count, timeoutMs);
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    await this.#client.dispose();
  }

  #check(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.predicate(this.events)) return true;
      w.resolve();
      return false;
    });
  }
}

/** The assistant text of one message, rebuilt from its deltas. */
export function textOf(events: LiveEvent[], messageId: string): string {
  return events
    .filter((e) => e.type === 'message.delta' && e.messageId === messageId)
    .map((e) => e.delta)
    .join('');
}
