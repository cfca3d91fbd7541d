import { describe, expect, it } from 'vitest';
import { execItemOf } from '../src/adapters/codex/app-items.ts';
import { scriptOf } from '../src/adapters/codex/shell-script.ts';
import { toolCallOf, toolResultOf } from '../src/adapters/codex/tool-items.ts';

describe('Codex app-server items', () => {
  it('become the items codex exec prints, so both paths name calls and results alike', () => {
    const command = execItemOf({
      type: 'commandExecution',
      id: 'call_1',
      command: "/bin/bash -lc 'echo hi'",
      status: 'completed',
      aggregatedOutput: 'hi\n',
      exitCode: 0,
    });
    expect(toolCallOf(command!)).toEqual({ id: 'call_1', name: 'shell', input: { command: "/bin/bash -lc 'echo hi'" } });
    expect(toolResultOf(command!)).toEqual({ output: 'hi\n', isError: false });
    const patch = execItemOf({ type: 'fileChange', id: 'call_2', changes: [{ path: '/w/a.txt', kind: { type: 'add' }, diff: 'hi\n' }], status: 'declined' });
    expect(toolCallOf(patch!)).toEqual({ id: 'call_2', name: 'apply_patch', input: { changes: [{ path: '/w/a.txt', kind: 'add' }] } });
    expect(toolResultOf(patch!).isError).toBe(true);
    const mcp = execItemOf({
      type: 'mcpToolCall',
      id: 'call_3',
      server: 'docs',
      tool: 'search',
      arguments: { q: 1 },
      status: 'completed',
      result: { content: [{ type: 'text', text: 'found' }] },
    });
    expect(toolCallOf(mcp!)).toEqual({ id: 'call_3', name: 'mcp__docs__search', input: { q: 1 } });
    expect(toolResultOf(mcp!)).toEqual({ output: 'found', isError: false });
    expect(execItemOf({ type: 'userMessage', id: 'u', content: [] })).toBeUndefined();
  });
});

describe('the script of a Codex shell command, which command patterns match', () => {
  it('unwraps the shell Codex runs it in, whatever the quoting', () => {
    expect(scriptOf("/bin/bash -lc 'git push origin main'")).toBe('git push origin main');
    expect(scriptOf("/bin/sh -c 'echo '\"'\"'quoted'\"'\"''")).toBe("echo 'quoted'");
    expect(scriptOf('zsh -lc "rm -rf \\"$HOME\\""')).toBe('rm -rf "$HOME"');
  });

  it('leaves other commands as they are', () => {
    for (const command of ['git push', "/bin/bash -lc 'a' extra", "python -c 'print(1)'", "bash -lc 'unbalanced"]) expect(scriptOf(command)).toBe(command);
  });
});
