import { rm } from 'node:fs/promises';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../src/events.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';
import { collect, ofType } from './harness.ts';
import { pidsMatching } from './procs.ts';

export interface CliExpectations {
  /** The CLI's own name for its shell tool. */
  shellTool: string;
  /** Whether text arrives token by token (Claude Code) or as whole messages (Codex). */
  streamsTokens: boolean;
  /** Whether the CLI keeps the gateway key out of the commands it runs (Codex can; Claude Code passes its environment on). */
  hidesGatewayKey: boolean;
}

/** The scenarios every command-line harness must pass, run against the real CLI and the mock model. */
export function describeCliHarness(harness: 'claude-code' | 'codex', expected: CliExpectations): void {
  let h: CliHarness;
  let n = 0;
  const turnId = () => `${harness}-turn-${++n}`;
  const turn = (content: string) => collect(h.client.startTurn({ turnId: turnId(), content }));
  const reply = (events: RuntimeEvent[]) =>
    ofType(events, 'message.completed')
      .map((e) => e.content)
      .join('\n');

  beforeAll(async () => {
    h = await startCliHarness(harness);
  });
  afterAll(() => h.close());

  describe(`${harness} harness (real CLI)`, () => {
    it('streams a text reply with usage', async () => {
      await h.client.attach(h.attachRequest());
      const events = await turn('hello there');
      expect(events[0]?.type).toBe('turn.started');
      const deltas = ofType(events, 'message.delta');
      expect(deltas.map((d) => d.delta).join('')).toBe(reply(events));
      expect(reply(events)).toMatch(/^You said: hello there \(\d+ messages\)/);
      if (expected.streamsTokens) expect(deltas.length).toBeGreaterThan(5);
      const last = events.at(-1);
      expect(last?.type).toBe('turn.completed');
      if (last?.type === 'turn.completed') {
        expect(last.usage.inputTokens).toBeGreaterThan(0);
        expect(last.usage.outputTokens).toBeGreaterThan(0);
      }
    });

    it('streams thinking as message.thinking', async () => {
      const events = await turn('/think about tests');
      expect(
        ofType(events, 'message.thinking')
          .map((e) => e.delta)
          .join(''),
      ).toBe('The user wants me to think about: about tests');
      expect(reply(events)).toBe('You said: about tests');
      expect(events.at(-1)?.type).toBe('turn.completed');
    });

    it('runs a tool call round trip with its own shell tool', async () => {
      const events = await turn('/tool echo paddock-$((6*7))');
      const [call] = ofType(events, 'tool.call');
      const [result] = ofType(events, 'tool.result');
      expect(call?.name).toBe(expected.shellTool);
      expect(JSON.stringify(call?.input)).toContain('echo paddock-$((6*7))');
      expect(result).toMatchObject({ id: call?.id, isError: false });
      expect(result?.output).toContain('paddock-42');
      expect(reply(events)).toBe('Ran `echo paddock-$((6*7))`. First line of output: paddock-42');
      const types = events.map((e) => e.type);
      expect(types.indexOf('tool.call')).toBeLessThan(types.indexOf('tool.result'));
      expect(types.indexOf('tool.result')).toBeLessThan(types.indexOf('message.completed'));
      expect(events.at(-1)?.type).toBe('turn.completed');
    });

    it('continues its own session on the second turn', async () => {
      await h.client.attach(h.attachRequest({ sessionId: 'resume' }));
      const first = reply(await turn('first message'));
      const second = reply(await turn('second message'));
      const count = (text: string) => Number(/\((\d+) messages\)/.exec(text)?.[1]);
      // The mock saw the first exchange again: the CLI resumed its session rather than starting over.
      expect(count(second)).toBeGreaterThan(count(first));
      expect(second).toMatch(/^You said: second message/);
    });

    it('rehydrates a fresh session from the platform history', async () => {
      await h.client.attach(
        h.attachRequest({
          sessionId: 'rehydrated',
          history: [
            { role: 'user', content: 'my name is Ada' },
            { role: 'assistant', content: 'Hello Ada.' },
          ],
        }),
      );
      const folded = reply(await turn('what is my name?'));
      expect(folded).toContain('User: my name is Ada');
      expect(folded).toContain('Assistant: Hello Ada.');
      expect(folded).toMatch(/new message:\s+what is my name\?/);
      // From then on the CLI's own session carries the conversation.
      expect(reply(await turn('thanks'))).toMatch(/^You said: thanks/);
    });

    it('starts afresh from the conversation when the CLI lost its session', async () => {
      await h.client.attach(h.attachRequest({ sessionId: 'forgotten' }));
      await turn('remember the word kumquat');
      await rm(h.stateDir, { recursive: true, force: true });
      const events = await turn('which word?');
      expect(events.at(-1)?.type).toBe('turn.completed');
      expect(reply(events)).toContain('User: remember the word kumquat');
    });

    it('cancels a running command and its process tree at once', async () => {
      await h.client.attach(h.attachRequest({ sessionId: 'cancel' }));
      const id = turnId();
      // A loop, not one long `sleep`: Claude Code refuses a standalone sleep.
      const marker = `paddock-cancel-${harness}-${n}`;
      const events: RuntimeEvent[] = [];
      let cancelMs = 0;
      for await (const event of h.client.startTurn({ turnId: id, content: `/tool while :; do sleep 0.2; done # ${marker}` })) {
        events.push(event);
        if (event.type === 'tool.call') {
          await expect.poll(() => pidsMatching(marker), { timeout: 30_000 }).not.toEqual([]);
          const started = performance.now();
          expect(await h.client.cancel(id)).toBe(true);
          cancelMs = performance.now() - started;
        }
      }
      expect(events.at(-1)?.type).toBe('turn.cancelled');
      // From the runtime, or from the CLI itself if it reported the interruption before exiting.
      expect(ofType(events, 'tool.result')[0]).toMatchObject({ isError: true });
      // A hang detector: the cancel itself answers in well under a second on an idle machine.
      expect(cancelMs).toBeLessThan(10_000);
      expect(await pidsMatching(marker)).toEqual([]);
      // The conversation goes on after a cancel.
      expect((await turn('after cancel')).at(-1)?.type).toBe('turn.completed');
    });

    it('cancels while the model streams, aborting its request', async () => {
      const id = turnId();
      const events: RuntimeEvent[] = [];
      for await (const event of h.client.startTurn({ turnId: id, content: '/long 1000 rate=50' })) {
        events.push(event);
        if (event.type === 'turn.started') {
          await expect.poll(() => h.mock.stats().generating, { timeout: 30_000 }).toBe(1);
          await h.client.cancel(id);
        }
      }
      expect(events.at(-1)?.type).toBe('turn.cancelled');
      await expect.poll(() => h.mock.stats().generating, { timeout: 15_000 }).toBe(0);
    });

    it('fails the turn with the gateway error', async () => {
      const events = await turn('/fail 400');
      const last = events.at(-1);
      expect(last?.type).toBe('turn.failed');
      expect(last?.type === 'turn.failed' && last.error).toMatch(/failed on purpose/);
    });

    it(`gives commands the agent secrets${expected.hidesGatewayKey ? ' but not the gateway key' : ''}`, async () => {
      await h.client.attach(h.attachRequest({ sessionId: 'secrets', env: { AGENT_API_TOKEN: 'agent-secret-value' } }));
      const events = await turn('/tool env');
      const output = ofType(events, 'tool.result')[0]?.output ?? '';
      expect(output).toContain('AGENT_API_TOKEN=agent-secret-value');
      expect(output).not.toContain('PADDOCK_RUNTIME_TOKEN');
      if (expected.hidesGatewayKey) expect(output).not.toContain('sk-test');
    });
  });
}
