import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber, textOf, type LiveEvent } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';

/**
 * Claude Code and Codex turns end to end: API, worker, a local sandbox running the
 * harness's shipped definition (its `claude` / `codex` command resolved from the
 * installed packages) and the real CLI talking to the mock model's Anthropic Messages
 * and OpenAI Responses endpoints.
 */

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;
const subscribers: Subscriber[] = [];

// A CLI starts in seconds on an idle machine; give a busy one room.
const TURN_TIMEOUT_MS = 90_000;

beforeAll(async () => {
  t = await startTestPlatform();
  worker = await startTestWorker(t, { PADDOCK_SANDBOX_IDLE_SECONDS: '600' });
  ({ client, key } = await t.newTeam());
});
afterAll(async () => {
  await Promise.all(subscribers.map((s) => s.close()));
  await worker?.close();
  await t?.close();
});

type StoredMessage = {
  role: string;
  status: string;
  content: string;
  toolCalls: { id: string; name: string; output?: string }[] | null;
  toolCallId: string | null;
};

const CASES = [
  { harness: 'claude-code', shellTool: 'Bash' },
  { harness: 'codex', shellTool: 'shell' },
] as const;

describe.each(CASES)('a $harness agent', ({ harness, shellTool }) => {
  let sessionId: string;

  it(
    'runs a turn with a tool call in a local sandbox and stores what was streamed',
    async () => {
      const agentId = (
        await client.ok<{ createAgent: { id: string; harness: { name: string } } }>(
          `mutation($n: String!, $h: String!) { createAgent(input: { name: $n, harness: $h }) { id harness { name } } }`,
          { n: `${harness}-agent`, h: harness },
        )
      ).createAgent.id;
      sessionId = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
        .createSession.id;

      const live = new Subscriber(t.url, key);
      subscribers.push(live);
      live.subscribe(sessionId);
      await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, {
        s: sessionId,
        c: `/tool echo paddock-$((6*7))`,
      });
      await live.waitFor((events) => events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed'), TURN_TIMEOUT_MS);
      const failed = live.events.find((e) => e.type === 'turn.failed');
      expect(failed?.payload ?? null).toBeNull();
      await live.waitFor((events) => events.at(-1)?.type === 'session.status' && events.at(-1)?.payload?.status === 'IDLE');

      const ofType = (type: string): LiveEvent[] => live.events.filter((e) => e.type === type);
      const types = live.events.map((e) => e.type);
      const [call] = ofType('tool.call');
      const [result] = ofType('tool.result');
      expect(call?.payload).toMatchObject({ name: shellTool });
      expect(JSON.stringify(call?.payload?.input)).toContain('echo paddock-$((6*7))');
      // The command really ran in the sandbox: the shell expanded it.
      expect(result?.payload).toMatchObject({ id: call?.payload?.id, isError: false });
      expect(String(result?.payload?.output)).toContain('paddock-42');
      expect(types.indexOf('turn.started')).toBeLessThan(types.indexOf('tool.call'));
      expect(types.indexOf('tool.call')).toBeLessThan(types.indexOf('tool.result'));
      expect(types.lastIndexOf('message.completed')).toBeLessThan(types.indexOf('turn.completed'));
      const completed = ofType('turn.completed')[0]!;
      expect(completed.payload).toMatchObject({ usage: { inputTokens: expect.any(Number), outputTokens: expect.any(Number) } });
      expect(live.events.map((e) => e.seq)).toEqual(live.events.map((_, i) => i + 1));

      // The final answer streamed as deltas is the stored assistant message.
      const lastMessageId = ofType('message.completed').at(-1)!.messageId!;
      const streamed = textOf(live.events, lastMessageId);
      expect(streamed).toBe('Ran `echo paddock-$((6*7))`. First line of output: paddock-42');

      const stored = await client.ok<{
        session: { status: string; usage: { outputTokens: number }; messages: { edges: { node: StoredMessage & { id: string } }[] } };
      }>(`query($s: ID!) { session(id: $s) { status usage { outputTokens } messages { edges { node { id role status content toolCalls toolCallId } } } } }`, {
        s: sessionId,
      });
      const messages = stored.session.messages.edges.map((e) => e.node);
      expect(stored.session.status).toBe('IDLE');
      expect(stored.session.usage.outputTokens).toBeGreaterThan(0);
      expect(messages.map((m) => [m.role, m.status])).toEqual([
        ['USER', 'COMPLETE'],
        ['ASSISTANT', 'COMPLETE'],
        ['TOOL', 'COMPLETE'],
        ['ASSISTANT', 'COMPLETE'],
      ]);
      expect(messages[0]!.content).toBe('/tool echo paddock-$((6*7))');
      expect(messages[1]!.toolCalls?.[0]).toMatchObject({ id: call?.payload?.id, name: shellTool });
      expect(messages[2]!.toolCallId).toBe(call?.payload?.id);
      expect(messages[2]!.content).toContain('paddock-42');
      expect(messages[3]!.id).toBe(lastMessageId);
      expect(messages[3]!.content).toBe(streamed);
    },
    TURN_TIMEOUT_MS + 30_000,
  );

  it(
    'streams its thinking on the next turn, in the same sandbox',
    async () => {
      const live = new Subscriber(t.url, key);
      subscribers.push(live);
      const before = (await client.ok<{ session: { lastSeq: number } }>(`query($s: ID!) { session(id: $s) { lastSeq } }`, { s: sessionId })).session.lastSeq;
      live.subscribe(sessionId, before);
      await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, {
        s: sessionId,
        c: '/think about resuming',
      });
      await live.waitFor((events) => events.some((e) => e.type === 'turn.completed' || e.type === 'turn.failed'), TURN_TIMEOUT_MS);
      expect(live.events.find((e) => e.type === 'turn.failed')?.payload ?? null).toBeNull();

      const thinking = live.events
        .filter((e) => e.type === 'message.thinking')
        .map((e) => e.delta)
        .join('');
      expect(thinking).toBe('The user wants me to think about: about resuming');
      const messageId = live.events.filter((e) => e.type === 'message.completed').at(-1)!.messageId!;
      expect(textOf(live.events, messageId)).toBe('You said: about resuming');
      // The running sandbox took the turn: nothing was provisioned again.
      expect(live.events.filter((e) => e.type === 'session.status').map((e) => e.payload?.status)).not.toContain('PROVISIONING');

      const stored = await client.ok<{ session: { messages: { edges: { node: { id: string; role: string; content: string } }[] } } }>(
        `query($s: ID!) { session(id: $s) { messages(last: 1) { edges { node { id role content } } } } }`,
        { s: sessionId },
      );
      expect(stored.session.messages.edges[0]!.node).toEqual({ id: messageId, role: 'ASSISTANT', content: 'You said: about resuming' });
    },
    TURN_TIMEOUT_MS + 30_000,
  );
});
