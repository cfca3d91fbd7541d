import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeClient, unixEndpoint } from '../src/client.ts';
import type { RuntimeEvent } from '../src/events.ts';
import { closedPort, collect, ofType } from './harness.ts';

const packageDir = path.resolve(import.meta.dirname, '..');
let mock: MockLlm;
let dir: string;

beforeAll(async () => {
  // What the sandboxes run: built from the source under test.
  await promisify(execFile)(process.execPath, [path.join(packageDir, 'build.mjs')]);
  mock = await startMockLlm({ tokensPerSecond: 0 });
  dir = await mkdtemp(path.join(tmpdir(), 'paddock-bundle-'));
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/** Starts dist/runtime.mjs the way the images do, on a Unix socket, from a directory far from the package. */
async function startBundle(harness: string): Promise<{ client: RuntimeClient; stop: () => Promise<number | null> }> {
  const socket = path.join(dir, `${harness}.sock`);
  const child = spawn(process.execPath, ['--liftoff-only', path.join(packageDir, 'dist', 'runtime.mjs')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      PADDOCK_RUNTIME_TOKEN: 'tok',
      PADDOCK_RUNTIME_SOCKET: socket,
      PADDOCK_WORKSPACE: path.join(dir, `ws-${harness}`),
      PADDOCK_HARNESS: harness,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for await (const line of createInterface({ input: child.stdout })) if (line.includes('"listening"')) break;
  child.stdout.resume();
  return {
    client: new RuntimeClient({ baseUrl: unixEndpoint(socket), token: 'tok' }),
    stop: () => {
      child.kill('SIGTERM');
      return exit;
    },
  };
}

describe('the bundled runtime (dist/runtime.mjs)', () => {
  it('streams a turn, and loads the MCP client when a session has MCP servers', async () => {
    const { client, stop } = await startBundle('chat');
    const attach = { sessionId: 's', systemPrompt: '', model: 'paddock-mock', gateway: { baseUrl: mock.url, apiKey: '' }, env: {}, history: [] };
    await client.attach(attach);
    const events = await collect(client.startTurn({ turnId: 't1', content: '/long 200' }));
    expect(
      ofType(events, 'message.delta')
        .map((e) => e.delta)
        .join(''),
    ).toBe(Array.from({ length: 200 }, (_, i) => `tok${i + 1}`).join(' '));
    expect(events.at(-1)?.type).toBe('turn.completed');

    const port = await closedPort();
    await client.attach({
      ...attach,
      mcpServers: [{ name: 'docs', url: `http://127.0.0.1:${port}/mcp`, transport: 'STREAMABLE_HTTP', headers: {}, allowedTools: [] }],
    });
    const withMcp: RuntimeEvent[] = await collect(client.startTurn({ turnId: 't2', content: 'hello' }));
    expect(ofType(withMcp, 'mcp.error')).toEqual([
      expect.objectContaining({ server: 'docs', phase: 'connect', error: expect.stringContaining('ECONNREFUSED') }),
    ]);
    expect(withMcp.at(-1)?.type).toBe('turn.completed');
    expect(await stop()).toBe(0);
  });

  it('finds the harness definitions beside its package', async () => {
    const { client, stop } = await startBundle('codex');
    expect((await client.health()).harness).toBe('codex');
    expect(await stop()).toBe(0);
  });
});
