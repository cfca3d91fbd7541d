import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log/index.ts';
import { isDatabaseShutdown } from '../db/errors.ts';
import { metrics, metricsEnabled } from '../telemetry/metrics.ts';

/** One session event as it travels between processes; the same unit that is stored. */
export type BusEvent = {
  sessionId: string;
  seq: number;
  type: string;
  messageId: string | null;
  delta: string | null;
  payload: unknown;
  createdAt: string;
};

/** Small out-of-band messages between processes, e.g. "cancel this turn", "this API key was revoked". */
export type ControlMessage =
  | { kind: 'cancel'; sessionId: string; turnId: string }
  | { kind: 'key-revoked'; keyId: string }
  /** The egress proxy refused a request; the worker running the session's turn records it. */
  | { kind: 'egress.blocked'; sessionId: string; host: string; port: number; reason: string };

/**
 * Publishes session events to every process. Producers publish an event only once it is
 * stored. An implementation must deliver each session's events in publish order; when
 * it may have missed some (a lost connection), it calls every subscriber's `onResync`,
 * and subscribers catch up from the stored log.
 */
export interface EventBus {
  publish(events: BusEvent[]): void;
  subscribe(sessionId: string, listener: (event: BusEvent) => void, onResync?: () => void): () => void;
  publishControl(message: ControlMessage): void;
  onControl(listener: (message: ControlMessage) => void): () => void;
  close(): Promise<void>;
}

const EVENTS_CHANNEL = 'paddock_events';
const CONTROL_CHANNEL = 'paddock_control';
/** NOTIFY payloads must stay under 8000 bytes (UTF-8). */
const MAX_PAYLOAD = 7_500;
const RECONNECT_MS = 500;
const RETRY_MAX_MS = 2_000;

/**
 * A notification: `{"o": origin, "t": sent at (epoch ms, for the delivery-lag metric; only
 * with metrics on), "e": [events]}`, with `o` first so a process recognises its own by prefix.
 */

/** Payload of an event that was too large to travel inline; read it from the log. */
export const STORED_MARKER = { $stored: true } as const;

export function isStoredMarker(payload: unknown): boolean {
  return typeof payload === 'object' && payload !== null && (payload as { $stored?: unknown }).$stored === true;
}

/**
 * The default bus: PostgreSQL LISTEN/NOTIFY, so it needs nothing beyond the database.
 * Listeners in the publishing process are called at once without a round trip. Remote
 * delivery sends one NOTIFY query at a time: whatever is published while one is in
 * flight goes out in the next, packed into as few notifications as fit, all in one
 * query. So under load the number of queries (and of messages every listening
 * process must read) grows with round trips, not with events, and since one query
 * commits before the next is sent, each session's events reach listeners in order.
 */
export class PgEventBus implements EventBus {
  readonly #origin = randomUUID();
  readonly #url: string;
  readonly #log: Logger;
  readonly #listeners = new Map<string, Set<(event: BusEvent) => void>>();
  readonly #resyncs = new Set<() => void>();
  readonly #controlListeners = new Set<(message: ControlMessage) => void>();
  readonly #publisher: pg.Pool;
  /** The LISTEN connection; the lost one stays here until its replacement listens. */
  #listener: pg.Client | null = null;
  #reconnecting = false;
  /** Start of every notification this process sends; its own come back and are skipped unparsed. */
  readonly #ownPrefix = `{"o":"${this.#origin}"`;
  #pending: BusEvent[] = [];
  #flushScheduled = false;
  /** The NOTIFY query in flight, if any. */
  #sending: Promise<void> | null = null;
  #closed = false;
  /** Consecutive failed NOTIFY queries, for the retry backoff. */
  #failures = 0;

  private constructor(url: string, log: Logger) {
    this.#url = url;
    this.#log = log.child({ component: 'event-bus' });
    this.#publisher = new pg.Pool({ connectionString: url, max: 2 });
    this.#publisher.on('error', (error) => this.#log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'publisher connection error'));
  }

  static async connect(url: string, log: Logger): Promise<PgEventBus> {
    const bus = new PgEventBus(url, log);
    await bus.#listen();
    return bus;
  }

  publish(events: BusEvent[]): void {
    if (events.length === 0) return;
    for (const event of events) this.#deliver(event);
    this.#pending.push(...events);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  subscribe(sessionId: string, listener: (event: BusEvent) => void, onResync?: () => void): () => void {
    let set = this.#listeners.get(sessionId);
    if (!set) this.#listeners.set(sessionId, (set = new Set()));
    set.add(listener);
    if (onResync) this.#resyncs.add(onResync);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.#listeners.delete(sessionId);
      if (onResync) this.#resyncs.delete(onResync);
    };
  }

  publishControl(message: ControlMessage): void {
    for (const listener of this.#controlListeners) listener(message);
    this.#notify(CONTROL_CHANNEL, JSON.stringify({ o: this.#origin, m: message }));
  }

  onControl(listener: (message: ControlMessage) => void): () => void {
    this.#controlListeners.add(listener);
    return () => this.#controlListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#flush();
    while (this.#sending) await this.#sending;
    await this.#listener?.end().catch(() => undefined);
    await this.#publisher.end().catch(() => undefined);
  }

  #deliver(event: BusEvent): void {
    const set = this.#listeners.get(event.sessionId);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch (error) {
        this.#log.error({ err: error }, 'event listener failed');
      }
    }
  }

  #flush(): void {
    this.#flushScheduled = false;
    // The query in flight sends what accumulated once it is done.
    if (this.#sending || this.#pending.length === 0) return;
    const events = this.#pending;
    this.#pending = [];
    // Each event is serialised once; a notification is those texts joined, never re-serialised.
    const head = metricsEnabled() ? `{"o":"${this.#origin}","t":${Date.now()},"e":[` : `${this.#ownPrefix},"e":[`;
    const payloads: string[] = [];
    let texts: string[] = [];
    let size = head.length + 2;
    for (const event of events) {
      let text = JSON.stringify(event);
      // The limit is in bytes: text outside ASCII takes up to three per character.
      let bytes = Buffer.byteLength(text);
      if (bytes > MAX_PAYLOAD) {
        // Too big for NOTIFY: receivers load it from the persisted log instead.
        text = JSON.stringify({ ...event, delta: null, payload: STORED_MARKER });
        bytes = Buffer.byteLength(text);
      }
      if (texts.length > 0 && size + bytes + 1 > MAX_PAYLOAD) {
        payloads.push(`${head}${texts.join(',')}]}`);
        texts = [];
        size = head.length + 2;
      }
      texts.push(text);
      size += bytes + 1;
    }
    payloads.push(`${head}${texts.join(',')}]}`);
    // One query, one transaction: its notifications are delivered in this order.
    const query =
      payloads.length === 1
        ? this.#publisher.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, payloads[0]])
        : this.#publisher.query('SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS n(p, i) ORDER BY i', [EVENTS_CHANNEL, payloads]);
    this.#sending = query.then(
      () => {
        this.#failures = 0;
      },
      async (error: unknown) => {
        // Sent again, ahead of anything newer, so remote subscribers still get every event in order.
        this.#failures += 1;
        if (this.#failures === 1) this.#log.warn({ err: error, events: events.length }, 'NOTIFY failed; retrying');
        this.#pending = [...events, ...this.#pending];
        if (!this.#closed) await new Promise((resolve) => setTimeout(resolve, Math.min(RETRY_MAX_MS, 50 * 2 ** this.#failures)));
      },
    );
    void this.#sending.then(() => {
      this.#sending = null;
      if (this.#closed && this.#failures > 0) return;
      this.#flush();
    });
  }

  #notify(channel: string, payload: string): void {
    if (this.#closed && channel === CONTROL_CHANNEL) return;
    this.#publisher.query('SELECT pg_notify($1, $2)', [channel, payload]).catch((error: unknown) => {
      this.#log.warn({ err: error, channel }, 'NOTIFY of a control message failed; other processes did not get it');
    });
  }

  async #listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#url });
    client.on('notification', (msg) => this.#receive(msg.channel, msg.payload));
    client.on('error', (error) => {
      this.#log[isDatabaseShutdown(error) ? 'debug' : 'warn']({ err: error }, 'listener connection lost; reconnecting');
      this.#reconnect(client);
    });
    client.on('end', () => this.#reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
      await client.query(`LISTEN ${CONTROL_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    const reconnected = this.#listener !== null;
    this.#listener = client;
    // Whatever was sent while no connection listened is only in the log now.
    if (reconnected) {
      this.#log.info('listener reconnected; subscribers catch up from the log');
      for (const resync of this.#resyncs) resync();
    }
  }

  #reconnect(client: pg.Client): void {
    if (this.#closed || this.#listener !== client || this.#reconnecting) return;
    this.#reconnecting = true;
    client.end().catch(() => undefined);
    const attempt = () => {
      if (this.#closed) return;
      this.#listen().then(
        () => {
          this.#reconnecting = false;
        },
        (error: unknown) => {
          this.#log.warn({ err: error }, 'listener reconnect failed; retrying');
          setTimeout(attempt, RECONNECT_MS).unref();
        },
      );
    };
    setTimeout(attempt, RECONNECT_MS).unref();
  }

  #receive(channel: string, payload: string | undefined): void {
    if (!payload || payload.startsWith(this.#ownPrefix)) return;
    let parsed: { o?: string; t?: number; e?: BusEvent[]; m?: ControlMessage };
    try {
      parsed = JSON.parse(payload) as typeof parsed;
    } catch {
      this.#log.warn({ channel }, 'ignoring malformed notification');
      return;
    }
    if (parsed.o === this.#origin) return;
    if (channel === EVENTS_CHANNEL) {
      if (typeof parsed.t === 'number') metrics.busDeliveryLag.observe({}, Math.max(0, Date.now() - parsed.t) / 1000);
      for (const event of parsed.e ?? []) this.#deliver(event);
    } else if (channel === CONTROL_CHANNEL && parsed.m) for (const listener of this.#controlListeners) listener(parsed.m);
  }
}
