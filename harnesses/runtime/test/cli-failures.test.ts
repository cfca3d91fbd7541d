import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/adapters/registry.ts';
import type { CliConfig } from '../src/harness/cli-config.ts';
import { collect, startHarness, type Harness } from './harness.ts';

let h: Harness | undefined;
const stateDir = path.join(tmpdir(), `paddock-fake-cli-${process.pid}`);
afterEach(async () => {
  await h?.close();
  h = undefined;
  await rm(stateDir, { recursive: true, force: true });
});

/** A runtime whose codex harness runs `command` instead of the real CLI. */
async function withCommand(command: string[]): Promise<Harness> {
  const cli: CliConfig = { command, args: [], env: { PADDOCK_GATEWAY_API_KEY: '${gateway.apiKey}' }, resume: true };
  h = await startHarness({ tokensPerSecond: 0 }, process.env, () => createAdapter({ name: 'fake', adapter: 'codex', cli }, stateDir));
  await h.client.attach(h.attachRequest({ gateway: { baseUrl: h.mock.url, apiKey: 'sk-gateway-secret' }, env: { AGENT_TOKEN: 'agent-secret' } }));
  return h;
}

const lastOf = async (harness: Harness) => (await collect(harness.client.startTurn({ turnId: 't', content: 'hi' }))).at(-1);

describe('CLI failures', () => {
  it('says so when the program is not installed', async () => {
    const last = await lastOf(await withCommand(['no-such-agent-cli']));
    expect(last).toMatchObject({ type: 'turn.failed', error: expect.stringMatching(/could not find the program "no-such-agent-cli"/) });
  });

  it('reports an early exit with the end of stderr, secrets scrubbed', async () => {
    const last = await lastOf(await withCommand(['/bin/sh', '-c', 'echo "bad key $PADDOCK_GATEWAY_API_KEY for $AGENT_TOKEN" >&2; exit 2', 'sh']));
    expect(last?.type).toBe('turn.failed');
    const error = last?.type === 'turn.failed' ? last.error : '';
    expect(error).toBe('/bin/sh ended (exit code 2) before finishing the turn: bad key [redacted] for [redacted]');
  });

  it('fails a CLI that exits cleanly without finishing the turn', async () => {
    const last = await lastOf(await withCommand(['/bin/sh', '-c', 'echo "{\\"type\\":\\"turn.started\\"}"', 'sh']));
    expect(last).toMatchObject({ type: 'turn.failed', error: '/bin/sh ended (exit code 0) before finishing the turn' });
  });
});
