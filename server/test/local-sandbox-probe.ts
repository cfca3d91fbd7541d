/**
 * Run as an unprivileged user by the local driver's tests: starts one sandbox with the
 * local driver as that user, attacks it from inside, and prints what it found as JSON.
 * Usage: local-sandbox-probe.ts DATA_DIR
 */
import { randomUUID } from 'node:crypto';
import { RuntimeClient } from '@paddock/harness-runtime/client';
import { loadConfig } from '../src/config/index.ts';
import { loadHarnesses } from '../src/harnesses/loader.ts';
import { createLogger } from '../src/log/index.ts';
import { sandboxName } from '../src/sandbox/driver.ts';
import { LocalSandboxDriver } from '../src/sandbox/local/driver.ts';

const dataDir = process.argv[2]!;
const log = createLogger('local-sandbox-probe', 'silent');
const driver = await LocalSandboxDriver.create({ dataDir, log, isolation: 'bwrap', pidsLimit: 128 });
const chat = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;
const sessionId = randomUUID();
const name = sandboxName(sessionId);
const token = randomUUID();
const harness = { ...chat, resources: { limits: { memory: '1Gi', cpu: '1' } } };
const { url } = await driver.start({ name, harness, harnessFile: chat.file, token, env: {} }, { deadline: Date.now() + 60_000, report: () => undefined });
const runtime = new RuntimeClient({ baseUrl: url, token });
const sh = async (command: string) => runtime.exec({ command, timeoutMs: 60_000 });
const status = await sh(
  'id -u; grep ^CapEff /proc/self/status | cut -f2; ls /root /home /etc/shadow 2>/dev/null | wc -l; mount -t tmpfs none /tmp 2>/dev/null || echo mount-refused; cat /proc/2/environ >/dev/null 2>&1 || echo environ-refused',
);
const oom = await sh('node -e "const a = []; for (let i = 0; i < 128; i++) a.push(Buffer.alloc(1 << 24, 1)); console.log(\'allocated\')"');
const after = await sh('echo alive');
console.log(
  JSON.stringify({
    isolation: driver.isolation,
    limits: driver.limits.kind,
    hostUid: process.getuid?.(),
    status: status.stdout.trim().split('\n'),
    oom: { exitCode: oom.exitCode, stdout: oom.stdout.trim() },
    after: after.stdout.trim(),
  }),
);
await driver.destroy(name);
await driver.close();
