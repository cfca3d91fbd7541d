import { readlink } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalDecision, ToolRule } from '../src/api.ts';
import type { RuntimeEvent } from '../src/events.ts';
import { startCliHarness, type CliHarness } from './cli-harness.ts';
import { collect, ofType } from './harness.ts';
import { pidsMatching } from './procs.ts';

/**
 * Claude Code under a tool policy: the real CLI asks the runtime before each tool call
 * (`--permission-prompt-tool stdio`), the runtime applies the agent's rules, and a call
 * held for a person pauses the turn with the CLI waiting for the answer.
 */

const POLICY: ToolRule[] = [
  { tool: 'Bash', commandPattern: 'rm *', action: 'DENY' },
  { tool: 'Bash', commandPattern: 'echo ask*', action: 'ASK' },
  { tool: 'Read', action: 'ASK' },
];

// The CLI that waits on a decision: started with the permission flag, in this runtime's workspace.
const waitingClis = async () => {
  const pids = await pidsMatching('--permission-prompt-tool');
  const cwds = await Promise.all(pids.map((pid) => readlink(`/proc/${pid}/cwd`).catch(() => '')));
  return pids.filter((_, i) => cwds[i] === h.workspace);
};

let h: CliHarness;
let n = 0;
const turnId = () => `approval-turn-${++n}`;
const turn = (content: string) => collect(h.client.startTurn({ turnId: turnId(), content }));
const resume = (decisions: ApprovalDecision[]) => collect(h.client.startTurn({ turnId: turnId(), content: '', resume: { decisions } }));
const reply = (events: RuntimeEvent[]) =>
  ofType(events, 'message.completed')
    .map((e) => e.content)
    .join('\n');
const attach = (sessionId: string, overrides = {}) => h.client.attach({ ...h.attachRequest({ sessionId }), toolPolicy: POLICY, ...overrides });

/** Sends `content` and expects the turn to pause on one call; returns that call's id and the pause's events. */
async function pause(content: string): Promise<{ id: string; events: RuntimeEvent[] }> {
  const events = await turn(content);
  const last = events.at(-1);
  expect(last?.type).toBe('turn.paused');
  const [asked] = ofType(events, 'tool.approval_requested');
  expect(asked).toBeDefined();
  expect(last).toMatchObject({ toolCallId: asked?.id });
  return { id: asked!.id, events };
}

beforeAll(async () => {
  h = await startCliHarness('claude-code');
});
afterAll(() => h?.close());

describe('claude-code tool policy (real CLI)', { timeout: 120_000 }, () => {
  it('lets calls no rule matches run, even with a policy', async () => {
    await attach('allow');
    const events = await turn('/tool echo plain-$((2+2))');
    expect(ofType(events, 'tool.approval_requested')).toEqual([]);
    expect(ofType(events, 'tool.result')[0]).toMatchObject({ isError: false, output: expect.stringContaining('plain-4') });
    expect(events.at(-1)?.type).toBe('turn.completed');
  });

  it('DENY refuses the call without asking; the model reads why and the turn completes', async () => {
    await attach('deny-rule');
    const events = await turn('/tool rm -rf precious');
    expect(ofType(events, 'tool.approval_requested')).toEqual([]);
    const [call] = ofType(events, 'tool.call');
    expect(ofType(events, 'tool.result')[0]).toEqual({
      type: 'tool.result',
      t: expect.any(Number),
      id: call?.id,
      isError: true,
      output: 'Denied by the agent\'s tool policy: rule 1 (tool "Bash", command "rm *": DENY).',
    });
    expect(reply(events)).toContain('Denied by the agent');
    expect(events.at(-1)?.type).toBe('turn.completed');
  });

  it('ASK pauses after the tool.call; approving lets the waiting CLI run it', async () => {
    await attach('approve');
    const { id, events } = await pause('/tool echo ask-yes');
    const [call] = ofType(events, 'tool.call');
    expect(call?.id).toBe(id);
    expect(ofType(events, 'tool.approval_requested')[0]).toMatchObject({
      name: 'Bash',
      input: { command: 'echo ask-yes' },
      rule: { index: 1, tool: 'Bash', commandPattern: 'echo ask*', action: 'ASK' },
    });
    expect(ofType(events, 'tool.result')).toEqual([]);
    expect(await waitingClis()).not.toEqual([]);

    const resumed = await resume([{ toolCallId: id, approved: true }]);
    expect(resumed[0]?.type).toBe('turn.started');
    expect(ofType(resumed, 'tool.result')).toEqual([expect.objectContaining({ id, isError: false, output: expect.stringContaining('ask-yes') })]);
    expect(reply(resumed)).toBe('Ran `echo ask-yes`. First line of output: ask-yes');
    expect(resumed.at(-1)?.type).toBe('turn.completed');
    // The resumed turn reports the run's usage, which the CLI gives once it is over.
    const end = resumed.at(-1);
    if (end?.type === 'turn.completed') expect(end.usage.outputTokens).toBeGreaterThan(0);
  });

  it("ASK then deny: the person's reason is the tool's error and the turn completes", async () => {
    await attach('deny-person');
    const { id } = await pause('/tool echo ask-no');
    const resumed = await resume([{ toolCallId: id, approved: false, reason: 'not on a Friday' }]);
    expect(ofType(resumed, 'tool.result')).toEqual([expect.objectContaining({ id, isError: true, output: 'Denied by a person: not on a Friday.' })]);
    expect(reply(resumed)).toContain('Denied by a person: not on a Friday.');
    expect(resumed.at(-1)?.type).toBe('turn.completed');
  });

  it('asks about tools Claude Code would run without asking (Read)', async () => {
    await attach('read');
    const { events } = await pause(`/call Read ${JSON.stringify({ file_path: `${h.workspace}/missing.txt` })}`);
    expect(ofType(events, 'tool.approval_requested')[0]).toMatchObject({ name: 'Read', rule: { index: 2, tool: 'Read', action: 'ASK' } });
    // A new message instead of a decision (the platform cancelled the paused turn): the waiting CLI goes.
    const next = await turn('moving on');
    expect(next.at(-1)?.type).toBe('turn.completed');
    await expect.poll(waitingClis, { timeout: 10_000 }).toEqual([]);
  });

  it('a decision whose CLI is gone settles the call and is told to a new run', async () => {
    await attach('lost');
    const { id } = await pause('/tool echo ask-lost');
    // A new runtime (sandbox replaced) gets the conversation from the platform: the call is still open.
    await attach('lost', {
      history: [
        { role: 'user', content: '/tool echo ask-lost' },
        { role: 'assistant', content: '', toolCalls: [{ id, name: 'Bash', input: { command: 'echo ask-lost' } }] },
      ],
    });
    await expect.poll(waitingClis, { timeout: 10_000 }).toEqual([]);
    const resumed = await resume([{ toolCallId: id, approved: true }]);
    const [settled] = ofType(resumed, 'tool.result');
    expect(settled).toMatchObject({ id, isError: true });
    expect(settled?.output).toMatch(/^Approved by a person, but the claude-code process that asked had ended/);
    // The offline mock echoes its prompt: the new run was told the decision.
    expect(reply(resumed)).toContain('A person approved your call to Bash with {"command":"echo ask-lost"}');
    expect(resumed.at(-1)?.type).toBe('turn.completed');
  });

  it('a decision whose CLI crashed while waiting resumes its session with the decision', async () => {
    await attach('crashed');
    const { id } = await pause('/tool echo ask-crash');
    for (const pid of await waitingClis()) process.kill(pid, 'SIGKILL');
    await expect.poll(waitingClis, { timeout: 10_000 }).toEqual([]);
    const resumed = await resume([{ toolCallId: id, approved: false, reason: 'too late' }]);
    expect(ofType(resumed, 'tool.result')).toEqual([expect.objectContaining({ id, isError: true, output: 'Denied by a person: too late.' })]);
    // The CLI's own session goes on (`--resume`: the prompt is the note alone, no folded transcript), told of the decision.
    expect(reply(resumed)).toMatch(
      /^You said: \[Paddock\] A person denied your call to Bash with \{"command":"echo ask-crash".*: too late\. Go on without it\./,
    );
    expect(resumed.at(-1)?.type).toBe('turn.completed');
  });
});
