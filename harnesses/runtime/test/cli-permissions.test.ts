import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/adapters/registry.ts';
import type { CliConfig } from '../src/harness/cli-config.ts';
import { collect, ofType, startHarness, type Harness } from './harness.ts';

/**
 * What the offline mock cannot make the real CLI do: make a call again after being told
 * it was approved. A scripted program speaking Claude Code's stream-json and control
 * protocol stands in for the CLI: it makes one Bash call, asks permission for it, and
 * reports the answer it got as its reply.
 */
const SCRIPT = `
const rl = require('node:readline').createInterface({ input: process.stdin });
const out = (line) => process.stdout.write(JSON.stringify(line) + '\\n');
let step = 0;
rl.on('line', (line) => {
  if (step++ === 0) {
    out({ type: 'system', subtype: 'init', session_id: 'scripted' });
    const input = { command: 'echo again', description: 'worded anew' };
    out({ type: 'assistant', parent_tool_use_id: null, message: { id: 'm1', content: [{ type: 'tool_use', id: 'tu_again', name: 'Bash', input }] } });
    out({ type: 'control_request', request_id: 'r1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input, tool_use_id: 'tu_again' } });
    return;
  }
  const answer = JSON.parse(line).response.response;
  out({ type: 'user', parent_tool_use_id: null, message: { content: [{ type: 'tool_result', tool_use_id: 'tu_again', content: 'again' }] } });
  out({ type: 'assistant', parent_tool_use_id: null, message: { id: 'm2', content: [{ type: 'text', text: 'answer: ' + answer.behavior }] } });
  out({ type: 'result', subtype: 'success', result: 'done', usage: { input_tokens: 1, output_tokens: 1 } });
});
`;

let h: Harness | undefined;
const stateDir = path.join(tmpdir(), `paddock-scripted-cli-${process.pid}`);
afterEach(async () => {
  await h?.close();
  h = undefined;
  await rm(stateDir, { recursive: true, force: true });
});

describe('a decision whose CLI process is gone', () => {
  it('lets the new run make the approved call without asking again', async () => {
    const cli: CliConfig = { command: [process.execPath, '-e', SCRIPT, '--'], args: [], env: {}, resume: false };
    h = await startHarness({ tokensPerSecond: 0 }, process.env, () => createAdapter({ name: 'scripted', adapter: 'claude-code', cli }, stateDir));
    // A rehydrated runtime: the call the turn paused on is open in the history.
    await h.client.attach(
      h.attachRequest({
        toolPolicy: [{ tool: 'Bash', commandPattern: 'echo again', action: 'ASK' }],
        history: [
          { role: 'user', content: 'run it' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'tu_paused', name: 'Bash', input: { command: 'echo again', description: 'first wording' } }] },
        ],
      }),
    );
    const events = await collect(h.client.startTurn({ turnId: 't', content: '', resume: { decisions: [{ toolCallId: 'tu_paused', approved: true }] } }));
    expect(ofType(events, 'tool.approval_requested')).toEqual([]);
    expect(ofType(events, 'tool.result').map((r) => r.id)).toEqual(['tu_paused', 'tu_again']);
    expect(ofType(events, 'message.completed').at(-1)?.content).toBe('answer: allow');
    expect(events.at(-1)?.type).toBe('turn.completed');

    // Only that one call: the same command asked about later is held again.
    const later = await collect(h.client.startTurn({ turnId: 't2', content: 'again please' }));
    expect(ofType(later, 'tool.approval_requested').map((e) => e.id)).toEqual(['tu_again']);
    expect(later.at(-1)).toMatchObject({ type: 'turn.paused', toolCallId: 'tu_again' });
  });
});
