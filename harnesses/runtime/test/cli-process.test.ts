import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../src/adapters/cli/cli-process.ts';
import { foldHistory } from '../src/adapters/cli/fold-history.ts';
import { resolveProgram } from '../src/adapters/cli/resolve-program.ts';
import { redact } from '../src/adapters/cli/run-environment.ts';
import { pidsMatching } from './procs.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'paddock-cli-process-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('CliProcess', () => {
  it('delivers stdout lines in order, keeps a stderr tail and reports the exit', async () => {
    const lines: string[] = [];
    const proc = new CliProcess({
      program: '/bin/sh',
      args: ['-c', 'cat; echo "{\\"b\\":2}"; echo oops >&2; exit 3'],
      env: { PATH: '/usr/bin:/bin' },
      cwd: dir,
      stdin: '{"a":1}\n',
      onLine: (line) => lines.push(line),
    });
    expect(await proc.exited).toEqual({ code: 3, signal: null });
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(proc.stderrTail).toBe('oops\n');
  });

  it('stops the whole tree, including children in sessions of their own', async () => {
    const marker = `paddock-tree-${process.pid}`;
    // `setsid` puts the grandchild in a new session: a process-group kill would miss it. Both
    // ignore SIGTERM. Only the grandchild's command line holds the marker's value (the shell's
    // holds `$MARKER`), and it starts after the trap is set, so the stop cannot come before it.
    const proc = new CliProcess({
      program: '/bin/sh',
      args: ['-c', `trap '' TERM; setsid sh -c "while :; do sleep 0.1; done # $MARKER" & while :; do sleep 0.1; done`],
      env: { PATH: '/usr/bin:/bin', MARKER: marker },
      cwd: dir,
      stdin: '',
      onLine: () => undefined,
    });
    await expect.poll(() => pidsMatching(marker), { timeout: 10_000 }).not.toEqual([]);
    proc.stop();
    const exit = await proc.exited;
    expect(exit.signal).toBe('SIGKILL'); // It ignored SIGTERM.
    await expect.poll(() => pidsMatching(marker), { timeout: 10_000 }).toEqual([]);
  });

  it('reports a program that cannot start', async () => {
    const proc = new CliProcess({ program: path.join(dir, 'missing'), args: [], env: {}, cwd: dir, stdin: '', onLine: () => undefined });
    expect((await proc.exited).error?.message).toMatch(/ENOENT/);
  });
});

describe('CLI helpers', () => {
  it('finds programs on PATH, then among the runtime package binaries', async () => {
    const program = path.join(dir, 'agent-cli');
    await writeFile(program, '#!/bin/sh\n');
    await chmod(program, 0o755);
    expect(resolveProgram('agent-cli', `/nowhere:${dir}`)).toBe(program);
    expect(resolveProgram(program, '')).toBe(program);
    expect(resolveProgram('agent-cli', '/nowhere')).toBeUndefined();
    expect(resolveProgram('codex', '/nowhere')).toMatch(/node_modules\/\.bin\/codex$/);
  });

  it('folds earlier messages into the first prompt of a new CLI session', () => {
    expect(foldHistory([], 'hi')).toBe('hi');
    const prompt = foldHistory(
      [
        { role: 'user', content: 'list files' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'c', name: 'Bash', input: { command: 'ls' } }] },
        { role: 'tool', toolCallId: 'c', content: 'a.txt' },
        { role: 'assistant', content: 'One file.' },
      ],
      'and now?',
    );
    expect(prompt).toContain('User: list files\n\nAssistant: \n[called tool Bash with {"command":"ls"}]\n\n[tool result]\na.txt\n\nAssistant: One file.');
    expect(prompt.endsWith("The user's new message:\n\nand now?")).toBe(true);
  });

  it('scrubs secrets from text shown to people', () => {
    expect(redact('key sk-123456 and tok-abcdef', ['sk-123456', 'tok-abcdef'])).toBe('key [redacted] and [redacted]');
  });
});
