import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import net from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeClient, unixEndpoint } from '../src/client.ts';
import { closedPort } from './harness.ts';
import type { RuntimeEvent } from '../src/events.ts';

const packageDir = path.resolve(import.meta.dirname, '..');
let mock: MockLlm;
let dir: string;

beforeAll(async () => {
  mock = await startMockLlm({ tokensPerSecond: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'paddock-main-'));
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

function spawnRuntime(env: Record<string, string>): { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: packageDir,
    env: { PATH: process.env.PATH ?? '', PADDOCK_WORKSPACE: path.join(dir, 'ws'), PADDOCK_RUNTIME_HOST: '127.0.0.1', ...env },
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, lines, exit };
}

async function listeningPort(lines: AsyncIterator<string>): Promise<number> {
  for (;;) {
    const { value, done } = await lines.next();
    if (done) throw new Error('runtime exited before listening');
    const line = JSON.parse(value) as { event?: string; port?: number };
    if (line.event === 'listening' && typeof line.port === 'number') return line.port;
  }
}

describe('the runtime process', () => {
  it('reads its token from a pipe, listens on a Unix socket and relays a loopback port to the egress socket', async () => {
    const socket = path.join(dir, 'runtime.sock');
    const egressSocket = path.join(dir, 'egress.sock');
    const seen: string[] = [];
    const egress = net.createServer((conn) => conn.once('data', (chunk) => conn.end(`relayed:${chunk.toString()}`)));
    await new Promise<void>((resolve) => egress.listen(egressSocket, resolve));
    const egressPort = await closedPort();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageDir,
      env: {
        PATH: process.env.PATH ?? '',
        PADDOCK_WORKSPACE: path.join(dir, 'ws-socket'),
        PADDOCK_RUNTIME_TOKEN_FD: '3',
        PADDOCK_RUNTIME_SOCKET: socket,
        PADDOCK_EGRESS_SOCKET: egressSocket,
        PADDOCK_EGRESS_PORT: String(egressPort),
      },
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    });
    (child.stdio[3] as NodeJS.WritableStream).end('piped-token\n');
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    for (;;) {
      const { value, done } = await lines.next();
      if (done) throw new Error('runtime exited before listening');
      const line = JSON.parse(value) as { event?: string; socket?: string };
      if (line.event === 'listening') {
        expect(line.socket).toBe(socket);
        break;
      }
    }
    const client = new RuntimeClient({ baseUrl: unixEndpoint(socket), token: 'piped-token' });
    expect((await client.health()).ok).toBe(true);
    await expect(new RuntimeClient({ baseUrl: unixEndpoint(socket), token: 'wrong' }).health()).rejects.toMatchObject({ status: 401 });
    // Commands do not get the token's pipe either.
    const probe = await client.exec({
      command: 'echo "${PADDOCK_RUNTIME_TOKEN:-none} ${PADDOCK_RUNTIME_TOKEN_FD:-none}"; cat /proc/self/fd/3 2>&1 | head -c 100 || true',
    });
    expect(probe.stdout).not.toContain('piped-token');
    expect(probe.stdout.split('\n')[0]).toBe('none none');
    const reply = await new Promise<string>((resolve, reject) => {
      const conn = net.connect(egressPort, '127.0.0.1', () => conn.write('CONNECT example.com:443 HTTP/1.1\r\n\r\n'));
      let data = '';
      conn.on('data', (chunk) => (data += chunk.toString()));
      conn.on('end', () => resolve(data));
      conn.on('error', reject);
    });
    seen.push(reply);
    expect(seen).toEqual(['relayed:CONNECT example.com:443 HTTP/1.1\r\n\r\n']);
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    egress.close();
  });

  it('exits 1 with a clear message when the token is missing', async () => {
    const { child, exit } = spawnRuntime({});
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exit).toBe(1);
    expect(stderr).toMatch(/PADDOCK_RUNTIME_TOKEN is required/);
  });

  it('exits 1 naming PADDOCK_LOG_LEVEL when it is not a level', async () => {
    const { child, exit } = spawnRuntime({ PADDOCK_RUNTIME_TOKEN: 'tok', PADDOCK_LOG_LEVEL: 'loud' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await exit).toBe(1);
    expect(stderr).toMatch(/PADDOCK_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got \\?"loud/);
  });

  it('announces its port, logs JSON, and on SIGTERM cancels the turn and exits 0', async () => {
    const { child, lines, exit } = spawnRuntime({ PADDOCK_RUNTIME_TOKEN: 'tok', PADDOCK_RUNTIME_PORT: '0' });
    const port = await listeningPort(lines);
    const client = new RuntimeClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'tok' });
    await client.attach({
      sessionId: 's',
      systemPrompt: '',
      model: 'paddock-mock',
      gateway: { baseUrl: mock.url, apiKey: '' },
      env: { HIDDEN: 'value-never-logged' },
      history: [],
    });
    const events: RuntimeEvent[] = [];
    for await (const event of client.startTurn({ turnId: 't1', content: '/long 1000 rate=50' })) {
      events.push(event);
      if (events.length === 3) child.kill('SIGTERM');
    }
    expect(events.at(-1)?.type).toBe('turn.cancelled');
    expect(await exit).toBe(0);
    const logged: string[] = [];
    for (;;) {
      const { value, done } = await lines.next();
      if (done) break;
      logged.push(value);
    }
    const records = logged.map((l) => JSON.parse(l) as { msg?: string });
    expect(records.map((r) => r.msg)).toEqual(expect.arrayContaining(['session attached', 'turn cancelled', 'shutting down']));
    expect(logged.join('\n')).not.toContain('value-never-logged');
  });

  it('runs the harness its definition names, and refuses a definition for another adapter', async () => {
    const { child, lines, exit } = spawnRuntime({ PADDOCK_RUNTIME_TOKEN: 'tok', PADDOCK_RUNTIME_PORT: '0', PADDOCK_HARNESS: 'codex', HOME: dir });
    const port = await listeningPort(lines);
    const health = await new RuntimeClient({ baseUrl: `http://127.0.0.1:${port}`, token: 'tok' }).health();
    expect(health.harness).toBe('codex');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);

    const wrong = spawnRuntime({
      PADDOCK_RUNTIME_TOKEN: 'tok',
      PADDOCK_HARNESS: 'codex',
      PADDOCK_HARNESS_FILE: path.join(packageDir, '..', 'claude-code.yaml'),
    });
    let output = '';
    wrong.child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    expect(await wrong.exit).toBe(1);
    // The fatal log line is JSON, so its quotes arrive escaped.
    expect(output).toMatch(/claude-code\.yaml uses the \W+claude-code\W+ adapter, but PADDOCK_HARNESS asks for \W+codex/);
  });
});
