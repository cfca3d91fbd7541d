/** The bench's GraphQL client side: plain fetch for setup, graphql-ws for the streams. */
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { countTokens, now, type Samples } from './stats.ts';

export async function graphql<T>(url: string, key: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { data?: T | null; errors?: { message: string }[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL request failed (${res.status}): ${JSON.stringify(body.errors)}`);
  return body.data;
}

/** A new team with a MEMBER key and one chat agent in it: what each bench drives its sessions through. */
export async function benchTeam(
  url: string,
  adminKey: string,
  team: string,
  agent: { name: string; systemPrompt?: string },
): Promise<{ key: string; agentId: string }> {
  const { createTeam } = await graphql<{ createTeam: { id: string } }>(
    url,
    adminKey,
    `
      mutation ($n: String!) {
        createTeam(input: { name: $n }) {
          id
        }
      }
    `,
    {
      n: team,
    },
  );
  const { createApiKey } = await graphql<{ createApiKey: { key: string } }>(
    url,
    adminKey,
    `
      mutation ($t: ID!) {
        createApiKey(input: { teamId: $t, name: "bench", role: MEMBER }) {
          key
        }
      }
    `,
    { t: createTeam.id },
  );
  const { createAgent } = await graphql<{ createAgent: { id: string } }>(
    url,
    createApiKey.key,
    `
      mutation ($in: CreateAgentInput!) {
        createAgent(input: $in) {
          id
        }
      }
    `,
    { in: { harness: 'chat', ...agent } },
  );
  return { key: createApiKey.key, agentId: createAgent.id };
}

export type StreamEvent = {
  seq: number;
  type: string;
  messageId: string | null;
  delta: string | null;
  payload: Record<string, unknown> | null;
  createdAt?: string;
};

const SUBSCRIPTION = `subscription($s: ID!, $after: Int) { sessionEvents(sessionId: $s, after: $after) { seq type messageId delta payload } }`;
/** Also asks for `createdAt`, the moment the worker gave the event its seq (ms precision). */
const SUBSCRIPTION_WITH_TIME = `subscription($s: ID!, $after: Int) { sessionEvents(sessionId: $s, after: $after) { seq type messageId delta payload createdAt } }`;

/** Latency split at the worker: emit→seq (runtime → worker) and seq→receipt (bus → API → client). */
export type Split = { toWorker: Samples; fromWorker: Samples };

/** Where subscribers put their latency samples; `steady` only takes tokens received after `steadyFrom`. */
export type Sinks = { latency: Samples; steady: Samples; steadyFrom: number; split: Split | null };

export function wsClient(url: string, key: string, onConnected?: () => void): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${key}` },
    retryAttempts: 0,
    lazy: true,
    ...(onConnected ? { on: { connected: onConnected } } : {}),
  });
}

/**
 * One dashboard-like subscriber of a session, on its own WebSocket: checks that seqs
 * arrive gapless and in order, and, for the measured turn (events after `mark()`),
 * records each token's emit→receipt latency and the reply text. Kept lean: the bench
 * shares the machine with what it measures.
 */
export class SessionWatch {
  readonly sessionId: string;
  readonly #client: Client;
  readonly #sinks: Sinks;
  #dispose: (() => void) | null = null;
  lastSeq = 0;
  seqGaps = 0;
  seqDuplicates = 0;
  error: string | null = null;
  /** Events with seq above this belong to the measured turn (none until `expectTurn(true)`). */
  #mark = Number.POSITIVE_INFINITY;
  #turnEnded = false;
  #waiting: { resolve: () => void; reject: (error: Error) => void } | null = null;
  /** Terminal event type of the current turn (turn.completed, turn.failed, …). */
  terminal: string | null = null;
  parts: string[] = [];
  tokens = 0;
  deltaEvents = 0;
  firstReceipt = Number.NaN;
  lastReceipt = Number.NaN;

  constructor(url: string, key: string, sessionId: string, sinks: Sinks) {
    this.sessionId = sessionId;
    this.#client = wsClient(url, key);
    this.#sinks = sinks;
  }

  subscribe(after = 0): this {
    this.lastSeq = after;
    this.#dispose = this.#client.subscribe<{ sessionEvents: StreamEvent }>(
      { query: this.#sinks.split ? SUBSCRIPTION_WITH_TIME : SUBSCRIPTION, variables: { s: this.sessionId, after } },
      {
        next: (result) => {
          const received = now();
          const event = result.data?.sessionEvents;
          if (!event) {
            this.#fail(`subscription error: ${JSON.stringify(result.errors)}`);
            return;
          }
          this.#onEvent(event, received);
        },
        error: (error) => this.#fail(`subscription failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`),
        complete: () => this.#fail('subscription completed unexpectedly'),
      },
    );
    return this;
  }

  /** Starts a new turn: it ends at its terminal event followed by the session going IDLE. */
  expectTurn(measure: boolean): Promise<void> {
    this.#turnEnded = false;
    this.terminal = null;
    if (measure) this.#mark = this.lastSeq;
    const done = new Promise<void>((resolve, reject) => (this.#waiting = { resolve, reject }));
    done.catch(() => undefined); // the caller may not be awaiting yet when it fails
    return done;
  }

  get text(): string {
    return this.parts.join('');
  }

  async close(): Promise<void> {
    this.#dispose?.();
    await this.#client.dispose();
  }

  #onEvent(event: StreamEvent, received: number): void {
    if (event.seq === this.lastSeq + 1) this.lastSeq = event.seq;
    else if (event.seq <= this.lastSeq) this.seqDuplicates++;
    else {
      this.seqGaps += event.seq - this.lastSeq - 1;
      this.lastSeq = event.seq;
    }
    const type = event.type;
    if (type === 'message.delta') {
      if (event.seq > this.#mark && event.delta) {
        const tokens = countTokens(event.delta);
        const t = event.payload?.t;
        if (typeof t === 'number') {
          const sinks = this.#sinks;
          sinks.latency.add(received - t, tokens);
          if (received >= sinks.steadyFrom) sinks.steady.add(received - t, tokens);
          if (sinks.split && event.createdAt) {
            const stamped = Date.parse(event.createdAt);
            sinks.split.toWorker.add(stamped - t, tokens);
            sinks.split.fromWorker.add(received - stamped, tokens);
          }
        }
        this.parts.push(event.delta);
        this.tokens += tokens;
        this.deltaEvents++;
        if (Number.isNaN(this.firstReceipt)) this.firstReceipt = received;
        this.lastReceipt = received;
      }
      return;
    }
    if (type === 'turn.completed' || type === 'turn.failed' || type === 'turn.cancelled') {
      this.#turnEnded = true;
      this.terminal = type;
      if (type !== 'turn.completed') this.error = `${type}: ${JSON.stringify(event.payload)}`;
    } else if (type === 'session.status' && this.#turnEnded && event.payload?.status !== 'RUNNING') {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.resolve();
    }
  }

  #fail(message: string): void {
    this.error ??= message;
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.reject(new Error(`session ${this.sessionId}: ${message}`));
  }
}

export type OpenTiming = { connectedMs: number; firstMs: number; caughtUpMs: number; events: number };

/**
 * Opens a subscription on its own new WebSocket and reports how long until the
 * connection was acknowledged, until its first event, and until it has replayed up
 * to `untilSeq`.
 */
export function timeFirstEvent(url: string, key: string, sessionId: string, untilSeq: number, timeoutMs: number): Promise<OpenTiming> {
  const started = now();
  let connectedMs = Number.NaN;
  const client = wsClient(url, key, () => (connectedMs = now() - started));
  let firstMs = Number.NaN;
  let events = 0;
  return new Promise<OpenTiming>((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`no full replay of ${sessionId} within ${timeoutMs} ms (${events} events)`)), timeoutMs);
    let dispose: (() => void) | null = null;
    let done = false;
    const finish = (error: Error | null, caughtUpMs = Number.NaN) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      dispose?.();
      void client.dispose();
      if (error) reject(error);
      else resolve({ connectedMs, firstMs, caughtUpMs, events });
    };
    dispose = client.subscribe<{ sessionEvents: StreamEvent }>(
      { query: SUBSCRIPTION, variables: { s: sessionId, after: 0 } },
      {
        next: (result) => {
          const at = now() - started;
          if (Number.isNaN(firstMs)) firstMs = at;
          events++;
          const seq = result.data?.sessionEvents.seq ?? 0;
          if (!result.data) finish(new Error(`subscription error: ${JSON.stringify(result.errors)}`));
          else if (seq >= untilSeq) finish(null, at);
        },
        error: (error) => finish(new Error(`subscription failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`)),
        complete: () => finish(new Error('subscription completed before the replay did')),
      },
    );
  });
}
