import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RuntimeClient } from '@paddock/harness-runtime/client';
import { loadConfig } from '../../config/index.ts';
import { loadHarnesses } from '../../harnesses/loader.ts';
import { createLogger } from '../../log/index.ts';
import { sandboxName, type SandboxSpec } from '../driver.ts';
import { detectIsolation, LocalSandboxDriver } from './driver.ts';

const log = createLogger('local-driver-test', 'silent');
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** Processes started for this session, found by the environment the driver gave them. */
async function processesOf(sessionId: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`PADDOCK_SESSION_ID=${sessionId}`)) found.push(Number(entry));
  }
  return found;
}

async function spec(): Promise<SandboxSpec> {
  const harness = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;
  const sessionId = randomUUID();
  return {
    name: sandboxName(sessionId),
    sessionId,
    agentId: randomUUID(),
    agentName: 'test',
    teamId: randomUUID(),
    harness,
    harnessFile: harness.file,
    token: 'local-driver-test-token',
    env: { GREETING: 'hello from CONTAINER_ENV' },
    egressAllow: [],
  };
}

describe('local sandbox driver', () => {
  it('starts an isolated runtime with only its own environment, deprioritised, and removes the whole tree', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-local-'));
    dirs.push(dataDir);
    const isolation = detectIsolation(log);
    const driver = new LocalSandboxDriver({ dataDir, log, isolation });
    const s = await spec();
    const phases: string[] = [];
    const { url } = await driver.start(s, { deadline: Date.now() + 30_000, report: (phase) => phases.push(phase) });
    expect(phases).toEqual(['PROVISIONING', 'READY']);
    expect(await driver.list()).toEqual([s.name]);

    const runtime = new RuntimeClient({ baseUrl: url, token: s.token });
    const probe = await runtime.exec({ command: 'echo "$GREETING|${DATABASE_URL:-none}|$(id -u)"; ls /proc | grep -c "^[0-9]"; touch /tmp/x && echo tmp-ok; touch /usr/x 2>/dev/null || echo usr-readonly' });
    const [env, procCount, tmp, usr] = probe.stdout.trim().split('\n');
    expect(env).toMatch(/^hello from CONTAINER_ENV\|none\|/);
    expect([tmp, usr]).toEqual(['tmp-ok', 'usr-readonly']);
    if (isolation === 'bwrap') {
      // Its own PID namespace: only the sandbox's few processes are visible.
      expect(Number(procCount)).toBeLessThan(10);
      const hidden = await runtime.exec({ command: `ls ${dataDir} | grep -v sandboxes | wc -l` });
      expect(hidden.stdout.trim()).toBe('0');
    }
    const pids = await processesOf(s.sessionId);
    expect(pids.length).toBeGreaterThan(0);
    expect(os.getPriority(pids[0]!)).toBeGreaterThan(0);

    await driver.destroy(s.name);
    expect(await processesOf(s.sessionId)).toEqual([]);
    expect(await driver.list()).toEqual([]);
    await driver.close();
  });

  it('fails by the deadline with the log file named when the runtime cannot start', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-local-'));
    dirs.push(dataDir);
    const driver = new LocalSandboxDriver({ dataDir, log, isolation: 'none' });
    const s = await spec();
    // An empty token makes the runtime refuse to start.
    await expect(driver.start({ ...s, token: '' }, { deadline: Date.now() + 10_000, report: () => undefined })).rejects.toThrow(/exited with code 1 while starting; see .*runtime\.log/);
    await driver.close();
  });
});
