import type { GraphqlClient } from './graphql-client.ts';
import { Subscriber, type LiveEvent } from './subscriber.ts';

const TURN_END = /^turn\.(completed|failed|cancelled)$/;

/** The statuses a session's live events went through, in order. */
export const statuses = (events: LiveEvent[]): string[] =>
  events.filter((e) => e.type === 'session.status').map((e) => (e.payload as { status: string }).status);

/** The `tool.result` of one call, as the session streamed it. */
export const resultOf = (live: Subscriber, id: string) =>
  live.events.find((e) => e.type === 'tool.result' && (e.payload as { id: string }).id === id)?.payload as { output: string; isError: boolean } | undefined;

/**
 * One team's sessions driven through the public API, each watched live from its creation:
 * what the approval and MCP tests share. `waitMs` bounds every wait (CLI harnesses start
 * in seconds on an idle machine; a busy one needs room).
 */
export class LiveSessions {
  readonly #subscribers: Subscriber[] = [];

  constructor(
    private readonly url: string,
    private readonly client: GraphqlClient,
    private readonly key: string,
    private readonly waitMs = 60_000,
  ) {}

  async create(agentId: string): Promise<{ sessionId: string; live: Subscriber }> {
    const { createSession } = await this.client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, {
      a: agentId,
    });
    const live = new Subscriber(this.url, this.key);
    this.#subscribers.push(live);
    live.subscribe(createSession.id);
    return { sessionId: createSession.id, live };
  }

  send(sessionId: string, content: string): Promise<unknown> {
    return this.client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
  }

  /** Sends the message and waits until the turn pauses on a new call; returns that call awaiting approval. */
  async pause(sessionId: string, live: Subscriber, content: string): Promise<{ toolCallId: string; payload: Record<string, unknown> }> {
    const requested = (events: LiveEvent[]) => events.filter((e) => e.type === 'tool.approval_requested');
    const before = requested(live.events).length;
    await this.send(sessionId, content);
    await live.waitFor((events) => requested(events).length > before && statuses(events).at(-1) === 'AWAITING_APPROVAL', this.waitMs);
    const payload = requested(live.events).at(-1)!.payload as Record<string, unknown>;
    return { toolCallId: String(payload.toolCallId), payload };
  }

  /** Waits until `count` turns have ended; returns the latest end event. */
  async turnEnd(live: Subscriber, count = 1): Promise<LiveEvent> {
    const ends = (events: LiveEvent[]) => events.filter((e) => TURN_END.test(e.type));
    await live.waitFor((events) => ends(events).length >= count, this.waitMs);
    return ends(live.events).at(-1)!;
  }

  approve(sessionId: string, toolCallId: string): Promise<unknown> {
    return this.client.ok(`mutation($s: ID!, $c: String!) { approveToolCall(sessionId: $s, toolCallId: $c) { status } }`, { s: sessionId, c: toolCallId });
  }

  async close(): Promise<void> {
    await Promise.all(this.#subscribers.map((s) => s.close()));
  }
}
