import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRule } from '../src/api.ts';
import type { RuntimeEvent } from '../src/events.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';
import { collect, ofType } from './harness.ts';

/**
 * A Codex agent with a tool policy: the real CLI over `codex app-server` against the mock
 * model, Codex asking before each command and the policy (and the person) answering.
 */

const POLICY: ToolRule[] = [
  { tool: 'shell', commandPattern: 'rm *', action: 'DENY' },
  { tool: 'shell', commandPattern: 'touch ask*', action: 'ASK' },
];

let h: CliHarness;
let n = 0;
const turnId = () => `codex-policy-turn-${++n}`;
const reply = (events: RuntimeEvent[]) =>
  ofType(events, 'message.completed')
    .map((e) => e.content)
    .join('\n');

beforeAll(async () => {
  h = await startCliHarness('codex');
});
afterAll(() => h?.close());

describe('codex harness with a tool policy (real CLI, app-server)', { timeout: 120_000 }, () => {
  it('allows what no rule holds: events like the exec path', async () => {
    await h.client.attach(h.attachRequest({ sessionId: 'allow', toolPolicy: POLICY }));
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool echo paddock-$((6*7))' }));
    const [call] = ofType(events, 'tool.call');
    expect(call).toMatchObject({ name: 'shell', input: { command: "/bin/bash -lc 'echo paddock-$((6*7))'" } });
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ id: call?.id, isError: false, output: 'paddock-42\n' });
    expect(reply(events)).toBe('Ran `echo paddock-$((6*7))`. First line of output: paddock-42');
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed' });
  });

  it('DENY declines without asking and tells the model which rule', async () => {
    const events = await collect(h.client.startTurn({ turnId: turnId(), content: '/tool rm -rf important' }));
    expect(ofType(events, 'tool.approval_requested')).toEqual([]);
    const result = ofType(events, 'tool.result')[0];
    expect(result).toMatchObject({ isError: true, output: 'Denied by the agent\'s tool policy: rule 1 (tool "shell", command "rm *": DENY).' });
    expect(reply(events)).toContain('rule 1 (tool "shell", command "rm *": DENY)');
    expect(events.at(-1)).toMatchObject({ type: 'turn.completed' });
  });

  it('ASK pauses with the request held; approving runs the command in the same Codex', async () => {
    const first = await collect(h.client.startTurn({ turnId: 'ask-1', content: '/tool touch ask-approved.txt' }));
    const [asked] = ofType(first, 'tool.approval_requested');
    expect(asked).toMatchObject({ name: 'shell', rule: { index: 1, action: 'ASK' } });
    expect(first.at(-1)).toMatchObject({ type: 'turn.paused', toolCallId: asked?.id });
    expect(ofType(first, 'tool.result')).toEqual([]);
    const second = await collect(h.client.startTurn({ turnId: 'ask-1', content: '', resume: { decisions: [{ toolCallId: asked!.id, approved: true }] } }));
    expect(ofType(second, 'tool.result')[0]).toMatchObject({ id: asked?.id, isError: false });
    expect(reply(second)).toBe('Ran `touch ask-approved.txt`. First line of output: ');
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
    await expect(readFile(path.join(h.workspace, 'ask-approved.txt'), 'utf8')).resolves.toBe('');
  });

  it('ASK then deny: the reason is the result and reaches the model; the turn completes', async () => {
    const first = await collect(h.client.startTurn({ turnId: 'ask-2', content: '/tool touch ask-denied.txt' }));
    const [asked] = ofType(first, 'tool.approval_requested');
    const second = await collect(
      h.client.startTurn({ turnId: 'ask-2', content: '', resume: { decisions: [{ toolCallId: asked!.id, approved: false, reason: 'not in this repo' }] } }),
    );
    expect(ofType(second, 'tool.result')[0]).toEqual(
      expect.objectContaining({ id: asked?.id, isError: true, output: 'Denied by a person: not in this repo.' }),
    );
    expect(reply(second)).toContain('Denied by a person: not in this repo.');
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
    await expect(readFile(path.join(h.workspace, 'ask-denied.txt'), 'utf8')).rejects.toThrow();
  });
});
