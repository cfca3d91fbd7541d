import { describe, expect, it } from 'vitest';
import { NOT_RUN, conversation, pendingCalls } from '../src/adapters/chat/wire.ts';
import type { ToolRule } from '../src/api.ts';
import { decide, globMatches } from '../src/policy/tool-policy.ts';

describe('tool policy globs', () => {
  it('* spans any characters (slashes and spaces too), ? one, the rest is literal', () => {
    expect(globMatches('github__*', 'github__create_issue')).toBe(true);
    expect(globMatches('git push*', 'git push origin main --force')).toBe(true);
    expect(globMatches('rm *', 'rm -rf /tmp/x')).toBe(true);
    expect(globMatches('read_?ile', 'read_file')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('(x)+', '(x)+')).toBe(true);
    expect(globMatches('run_command', 'run_command_2')).toBe(false);
  });
});

describe('decide', () => {
  const policy: ToolRule[] = [
    { tool: 'run_command', commandPattern: 'rm *', action: 'DENY' },
    { tool: 'run_command', commandPattern: 'git push*', action: 'ASK' },
    { tool: 'docs__*', action: 'ASK' },
    { tool: '*', action: 'ALLOW' },
  ];

  it('takes the first rule that matches', () => {
    expect(decide(policy, 'run_command', { command: 'rm -rf x' })).toMatchObject({ action: 'DENY', rule: { index: 0 } });
    expect(decide(policy, 'run_command', { command: '  git push origin' })).toMatchObject({ action: 'ASK', rule: { index: 1 } });
    expect(decide(policy, 'docs__search', { query: 'git push' })).toMatchObject({ action: 'ASK', rule: { index: 2 } });
    expect(decide(policy, 'run_command', { command: 'ls' })).toMatchObject({ action: 'ALLOW', rule: { index: 3 } });
  });

  it('a command pattern matches only calls that run a command; no rule allows', () => {
    expect(decide([{ tool: '*', commandPattern: '*', action: 'DENY' }], 'read_file', { path: 'a' })).toEqual({ action: 'ALLOW', rule: null });
    expect(decide([{ tool: 'Bash', commandPattern: 'curl *', action: 'ASK' }], 'Bash', { command: 'curl x' }).action).toBe('ASK');
    expect(decide([], 'anything', {})).toEqual({ action: 'ALLOW', rule: null });
  });
});

describe('conversation with calls that never ran', () => {
  const call = { id: 'c1', name: 'run_command', input: { command: 'ls' } };
  it("answers them before the next message, and leaves the last step's to a resumed turn", () => {
    const history = [
      { role: 'user' as const, content: 'go' },
      { role: 'assistant' as const, content: '', toolCalls: [call] },
    ];
    expect(pendingCalls(history)).toEqual([call]);
    expect(conversation('', history).filter((m) => m.role === 'tool')).toEqual([]);
    const next = conversation('', [...history, { role: 'user', content: 'again' }]);
    expect(next[2]).toEqual({ role: 'tool', tool_call_id: 'c1', content: NOT_RUN });
    expect(pendingCalls([...history, { role: 'tool', toolCallId: 'c1', content: 'ok' }])).toEqual([]);
  });
});
