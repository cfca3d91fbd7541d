import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { raw, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ tokensPerSecond: 0 }, { ...process.env, PADDOCK_RUNTIME_TOKEN: 'must-not-leak', SANDBOX_VAR: 'from-sandbox' });
});
afterAll(() => h.close());

describe('POST /v1/exec', () => {
  it('runs a command in the workspace', async () => {
    const result = await h.client.exec({ command: 'pwd; echo out; echo err >&2' });
    expect(result).toEqual({ exitCode: 0, stdout: `${h.workspace}\nout\n`, stderr: 'err\n', timedOut: false, truncated: false });
  });

  it('returns the exit code', async () => {
    expect((await h.client.exec({ command: 'exit 7' })).exitCode).toBe(7);
  });

  it('sees the sandbox env and the session secrets, never the runtime token', async () => {
    const before = await h.client.exec({ command: 'echo "$SANDBOX_VAR ${PADDOCK_RUNTIME_TOKEN:-unset} ${AGENT_KEY:-unset}"' });
    expect(before.stdout).toBe('from-sandbox unset unset\n');
    await h.client.attach(h.attachRequest({ env: { AGENT_KEY: 'k-123' } }));
    const after = await h.client.exec({ command: 'echo "${PADDOCK_RUNTIME_TOKEN:-unset} $AGENT_KEY"' });
    expect(after.stdout).toBe('unset k-123\n');
  });

  it('runs commands without network when the session says so', async () => {
    // /proc/net/dev lists two header lines plus one per interface: only loopback in a private namespace.
    const interfaces = async () => Number((await h.client.exec({ command: 'tail -n +3 /proc/net/dev | wc -l' })).stdout.trim());
    await h.client.attach(h.attachRequest({ limits: { commandNetwork: 'none' } }));
    expect(await interfaces()).toBe(1);
    const connect = await h.client.exec({
      command: `node -e "require('net').connect(${new URL(h.url).port}, '127.0.0.1').on('connect', () => { console.log('reached'); process.exit(0) }).on('error', () => { console.log('blocked'); process.exit(0) })"`,
    });
    expect(connect.stdout).toBe('blocked\n');
    await h.client.attach(h.attachRequest({ limits: { commandNetwork: 'host' } }));
    expect(await interfaces()).toBeGreaterThanOrEqual(1);
    await expect(h.client.attach(h.attachRequest({ limits: { commandNetwork: 'off' as 'none' } }))).rejects.toThrow(/commandNetwork must be "host" or "none"/);
  });

  it('kills a command at its timeout', async () => {
    const started = performance.now();
    const result = await h.client.exec({ command: 'sleep 20', timeoutMs: 200 });
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBe(128 + 15);
  });

  it('does not hang on a background job that keeps its pipes open', async () => {
    const started = performance.now();
    const result = await h.client.exec({ command: 'sleep 30 & echo started' });
    expect(result.stdout).toBe('started\n');
    // Returns without waiting for the 30 s background job.
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('truncates huge output', async () => {
    const result = await h.client.exec({ command: 'head -c 3000000 /dev/zero | tr "\\0" a' });
    expect(result.truncated).toBe(true);
    expect(result.stdout).toMatch(/\[output truncated: 1951424 more bytes\]$/);
  });

  it('replaces NUL bytes in output, which text storage refuses', async () => {
    const result = await h.client.exec({ command: "printf 'a\\000b'" });
    expect(result.stdout).toBe('a\uFFFDb');
  });

  it('rejects bad input with 400 and a message naming the field', async () => {
    for (const [body, message] of [
      ['nope', /not valid JSON/],
      ['[]', /^The request body must be a JSON object\.$/],
      ['{}', /^command must be a string\.$/],
      [JSON.stringify({ command: ' ' }), /^command must not be empty\.$/],
      [JSON.stringify({ command: 'true', timeoutMs: -1 }), /^timeoutMs must be an integer from 1 to 600000\.$/],
      [JSON.stringify({ command: 'true', timeoutMs: '5' }), /^timeoutMs must be an integer from 1 to 600000\.$/],
    ] as const) {
      const res = await raw(h, '/v1/exec', { method: 'POST', body });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(message);
    }
  });
});
