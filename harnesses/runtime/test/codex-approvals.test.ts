import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ToolRule } from '../src/api.ts';
import type { RuntimeEvent } from '../src/events.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';
import { collect, ofType } from './harness.ts';
import { pidsMatching } from './procs.ts';

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
/** This runtime's `codex app-server` processes (the wrapper and the binary): their arguments name its mock model. */
const appServers = async () => (await pidsMatching(h.mock.url)).filter((pid) => pid !== process.pid);

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
    // The call went out before the pause; only its result follows.
    expect(ofType(second, 'tool.call')).toEqual([]);
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
    expect(ofType(second, 'tool.call')).toEqual([]);
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
    await expect(readFile(path.join(h.workspace, 'ask-denied.txt'), 'utf8')).rejects.toThrow();
  });

  it('a paused turn whose Codex process is gone (the session re-attached): the decision is carried out and Codex is told', async () => {
    await h.client.attach(h.attachRequest({ sessionId: 'gone', toolPolicy: POLICY }));
    const first = await collect(h.client.startTurn({ turnId: 'ask-3', content: '/tool touch ask-rehydrated.txt' }));
    const [asked] = ofType(first, 'tool.approval_requested');
    // A new sandbox (or a restarted runtime) gets the conversation from the platform.
    await h.client.attach(
      h.attachRequest({
        sessionId: 'gone',
        toolPolicy: POLICY,
        history: [
          { role: 'user', content: '/tool touch ask-rehydrated.txt' },
          { role: 'assistant', content: '', toolCalls: [{ id: asked!.id, name: asked!.name, input: asked!.input }] },
        ],
      }),
    );
    const second = await collect(h.client.startTurn({ turnId: 'ask-3', content: '', resume: { decisions: [{ toolCallId: asked!.id, approved: true }] } }));
    expect(second[1]).toMatchObject({ type: 'tool.result', id: asked?.id, isError: false, output: '' });
    await expect(readFile(path.join(h.workspace, 'ask-rehydrated.txt'), 'utf8')).resolves.toBe('');
    expect(reply(second)).toContain("A person approved your command `/bin/bash -lc 'touch ask-rehydrated.txt'`, and it ran.");
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
  });

  it('a paused turn whose Codex process died: the decision is carried out and the same Codex thread goes on', async () => {
    await h.client.attach(h.attachRequest({ sessionId: 'died', toolPolicy: POLICY }));
    const first = await collect(h.client.startTurn({ turnId: 'ask-6', content: '/tool touch ask-died.txt' }));
    const [asked] = ofType(first, 'tool.approval_requested');
    const held = await appServers();
    expect(held).not.toEqual([]);
    for (const pid of held) process.kill(pid, 'SIGKILL');
    await expect.poll(appServers, { timeout: 10_000 }).toEqual([]);
    const second = await collect(h.client.startTurn({ turnId: 'ask-6', content: '', resume: { decisions: [{ toolCallId: asked!.id, approved: true }] } }));
    expect(second[1]).toMatchObject({ type: 'tool.result', id: asked?.id, isError: false });
    await expect(readFile(path.join(h.workspace, 'ask-died.txt'), 'utf8')).resolves.toBe('');
    // The thread was resumed, not replayed from a transcript: the note is the new message.
    expect(reply(second)).toMatch(/^You said: \[Paddock\] The tool calls that waited for approval were decided\./);
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
  });

  it('a paused turn that is not resumed (cancelled) leaves the next turn a working Codex', async () => {
    await h.client.attach(h.attachRequest({ sessionId: 'dropped', toolPolicy: POLICY }));
    const first = await collect(h.client.startTurn({ turnId: 'ask-4', content: '/tool touch ask-dropped.txt' }));
    expect(first.at(-1)).toMatchObject({ type: 'turn.paused' });
    const next = await collect(h.client.startTurn({ turnId: turnId(), content: 'still there?' }));
    expect(reply(next)).toMatch(/^You said: still there\?/);
    expect(next.at(-1)).toMatchObject({ type: 'turn.completed' });
    await expect(readFile(path.join(h.workspace, 'ask-dropped.txt'), 'utf8')).rejects.toThrow();
    // The Codex that waited was stopped, and the one of the finished turn has exited.
    await expect.poll(appServers, { timeout: 10_000 }).toEqual([]);
  });

  it('file changes ask too: a denied patch is not applied', async () => {
    // Codex offers its apply_patch tool to models it knows.
    await h.client.attach(h.attachRequest({ sessionId: 'patch', model: 'gpt-5.5', toolPolicy: [{ tool: 'apply_patch', action: 'ASK' }] }));
    const patch = '*** Begin Patch\n*** Add File: patched.txt\n+hi\n*** End Patch\n';
    const first = await collect(h.client.startTurn({ turnId: 'ask-5', content: `/call apply_patch ${JSON.stringify({ input: patch })}` }));
    const [call] = ofType(first, 'tool.call');
    const [asked] = ofType(first, 'tool.approval_requested');
    expect(call).toMatchObject({ name: 'apply_patch', input: { changes: [{ path: path.join(h.workspace, 'patched.txt'), kind: 'add' }] } });
    expect(asked).toMatchObject({ id: call?.id, name: 'apply_patch', input: call?.input, rule: { index: 0, tool: 'apply_patch', action: 'ASK' } });
    const second = await collect(
      h.client.startTurn({ turnId: 'ask-5', content: '', resume: { decisions: [{ toolCallId: asked!.id, approved: false, reason: null }] } }),
    );
    expect(ofType(second, 'tool.result')[0]).toMatchObject({ id: asked?.id, isError: true, output: 'Denied by a person: no reason given.' });
    expect(second.at(-1)).toMatchObject({ type: 'turn.completed' });
    await expect(readFile(path.join(h.workspace, 'patched.txt'), 'utf8')).rejects.toThrow();
  });
});
