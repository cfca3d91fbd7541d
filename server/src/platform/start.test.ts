import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The real `pnpm start` of the checkout, as an operator types it, in its own process group. */
const ROOT = path.resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function pnpmStart(env: Record<string, string>): Started {
  let output = '';
  const child = spawn('pnpm', ['start'], {
    cwd: ROOT,
    detached: true, // own process group, like a terminal's foreground job
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', PADDOCK_SANDBOX_ISOLATION: 'none', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** pnpm's own lines: the `> pkg script` banner and its ELIFECYCLE summary. */
const ownLines = (text: string) => text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('> ') && !/ELIFECYCLE|ERR_PNPM/.test(l));

let first: Started | undefined;
let dataDir: string;
let otherDataDir: string;
let port: number;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-start-'));
  otherDataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-start-other-'));
  await rm(otherDataDir, { recursive: true });
  port = await freePort();
});
afterAll(async () => {
  if (first?.child.pid && groupAlive(first.child.pid)) process.kill(-first.child.pid, 'SIGKILL');
  await rm(dataDir, { recursive: true, force: true });
  await rm(otherDataDir, { recursive: true, force: true });
});

describe('pnpm start', () => {
  it('runs, refuses a second start on the same port with one line, and stops cleanly on Ctrl-C', { timeout: 600_000 }, async () => {
    first = pnpmStart({ PORT: String(port), PADDOCK_DATA_DIR: dataDir });
    for (const deadline = Date.now() + 420_000; !first.output().includes('Paddock is running');) {
      if (Date.now() > deadline || first.child.exitCode !== null) throw new Error(`pnpm start did not come up:\n${first.output()}`);
      await sleep(250);
    }

    // A second start on the busy port: one line naming the port and PORT, nothing built or migrated.
    const second = pnpmStart({ PORT: String(port), PADDOCK_DATA_DIR: otherDataDir });
    expect(await second.exited).not.toBe(0);
    const lines = ownLines(second.output());
    expect(lines, second.output()).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`Port ${port}\\b.*\\bPORT\\b`));
    expect(second.output()).not.toMatch(/vite|built in|migrat/i);
    await expect(stat(otherDataDir)).rejects.toThrow();

    // Ctrl-C: SIGINT to the whole foreground group, embedded PostgreSQL included.
    const pgid = first.child.pid!;
    const before = first.output().length;
    const sent = Date.now();
    process.kill(-pgid, 'SIGINT');
    while (groupAlive(pgid) && Date.now() - sent < 30_000) await sleep(100);
    const took = Date.now() - sent;
    const shutdown = first.output().slice(before);
    expect(took, shutdown).toBeLessThan(10_000);
    expect(shutdown).not.toContain('57P01');
    expect(shutdown).not.toMatch(/"level":(50|60)/);
    expect(shutdown).not.toMatch(/Unhandled|uncaught|\n\s+at /i);
    expect(shutdown).toContain('"msg":"shutting down"');
  });
});

describe('bin/toolchain.sh', () => {
  it('leaves the shell options of the shell that sources it alone', async () => {
    const { stdout } = await run(
      'bash',
      ['-c', 'set +euo pipefail; source bin/toolchain.sh; echo "status=$?"; set -o | grep -E "^(errexit|nounset|pipefail)\\s"; false; echo "still running"'],
      { cwd: ROOT },
    );
    expect(stdout).toContain('status=0');
    expect(stdout).toMatch(/errexit\s+off/);
    expect(stdout).toMatch(/nounset\s+off/);
    expect(stdout).toMatch(/pipefail\s+off/);
    expect(stdout).toContain('still running');
  });
});
