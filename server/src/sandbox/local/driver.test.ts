import { randomUUID } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chown, mkdir, mkdtemp, open, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RuntimeClient } from '@paddock/harness-runtime/client';
import { loadConfig } from '../../config/index.ts';
import { loadHarnesses, type LoadedHarness } from '../../harnesses/loader.ts';
import { createLogger } from '../../log/index.ts';
import { sandboxName, type SandboxSpec } from '../driver.ts';
import { LocalSandboxDriver } from './driver.ts';
import { TEST_EGRESS_CA } from '../../../test/fake-kube/driver-harness.ts';
import { groupDirs } from './limits.ts';
import { registry } from '../../telemetry/metrics.ts';

const log = createLogger('local-driver-test', 'silent');
const REPO_ROOT = path.resolve(import.meta.dirname, '../../../..');
let dataDir: string;
let driver: LocalSandboxDriver;
let chat: LoadedHarness;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-local-'));
  await writeFile(path.join(dataDir, 'secret-key'), 'not-for-sandboxes', { mode: 0o600 });
  driver = await LocalSandboxDriver.create({ dataDir, log, isolation: 'auto', pidsLimit: 64 });
  chat = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;
});
afterAll(async () => {
  await driver.close();
  await rm(dataDir, { recursive: true, force: true });
});

/** Processes started for this session, found by the environment the driver gave them. */
async function processesOf(sessionId: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`TEST_SANDBOX_ID=${sessionId}`)) found.push(Number(entry));
  }
  return found;
}

function spec(overrides: Partial<SandboxSpec> = {}): SandboxSpec {
  const sessionId = randomUUID();
  return {
    name: sandboxName(sessionId),
    sessionId,
    agentId: randomUUID(),
    agentName: 'test',
    teamId: randomUUID(),
    harness: chat,
    harnessFile: chat.file,
    token: `local-driver-test-token-${randomUUID()}`,
    // Marks the sandbox's processes on the host, for processesOf.
    env: { GREETING: 'hello from CONTAINER_ENV', TEST_SANDBOX_ID: sessionId },
    egressAllow: [],
    ...overrides,
  };
}

async function start(s: SandboxSpec): Promise<RuntimeClient> {
  const { url } = await driver.start(s, { deadline: Date.now() + 60_000, report: () => undefined });
  return new RuntimeClient({ baseUrl: url, token: s.token });
}

async function startWith(d: LocalSandboxDriver, s: SandboxSpec): Promise<RuntimeClient> {
  const { url } = await d.start(s, { deadline: Date.now() + 60_000, report: () => undefined });
  return new RuntimeClient({ baseUrl: url, token: s.token });
}

const sh = async (runtime: RuntimeClient, command: string) => (await runtime.exec({ command, timeoutMs: 60_000 })).stdout.trim();

const isolated = () => driver.isolation === 'bwrap';

describe('local sandbox driver', () => {
  it('runs the runtime in namespaces of its own, as an unprivileged uid without capabilities, on a minimal read-only root', async () => {
    const s = spec();
    const phases: string[] = [];
    const { url } = await driver.start(s, { deadline: Date.now() + 60_000, report: (phase) => phases.push(phase) });
    expect(phases).toEqual(['PROVISIONING', 'READY']);
    expect(url).toMatch(/^unix:\//);
    expect(await driver.list()).toEqual([s.name]);
    const runtime = new RuntimeClient({ baseUrl: url, token: s.token });

    const env = await sh(runtime, 'echo "$GREETING|${DATABASE_URL:-none}|${PADDOCK_RUNTIME_TOKEN:-none}"; env');
    expect(env.split('\n')[0]).toBe('hello from CONTAINER_ENV|none|none');
    expect(env).not.toContain(s.token);
    const pids = await processesOf(s.sessionId);
    expect(pids.length).toBeGreaterThan(0);
    expect(os.getPriority(pids[0]!)).toBeGreaterThan(0);
    if (!isolated()) return void (await driver.destroy(s.name));

    const status = await sh(runtime, 'id -u; grep -E "^(CapEff|CapPrm|CapBnd|NoNewPrivs)" /proc/self/status');
    expect(status.split('\n')).toEqual(['1000', 'CapPrm:\t0000000000000000', 'CapEff:\t0000000000000000', 'CapBnd:\t0000000000000000', 'NoNewPrivs:\t1']);
    // Every namespace differs from the platform's.
    const namespaces = ['user', 'pid', 'ipc', 'uts', 'mnt', 'net'];
    const inside = (await sh(runtime, namespaces.map((ns) => `readlink /proc/self/ns/${ns}`).join('; '))).split('\n');
    const outside = await Promise.all(namespaces.map((ns) => readlink(`/proc/self/ns/${ns}`)));
    inside.forEach((link, i) => expect(link).not.toBe(outside[i]));
    // On the host, each sandbox runs as a uid of its own, never root.
    for (const pid of pids) {
      const uid = /^Uid:\s+(\d+)/m.exec(await readFile(`/proc/${pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).not.toBe(0);
      if (process.getuid?.() !== 0) expect(Number(uid)).toBe(process.getuid?.());
    }

    expect((await sh(runtime, 'ls /')).split('\n')).toEqual(expect.arrayContaining(['etc', 'opt', 'proc', 'run', 'tmp', 'usr', 'workspace']));
    expect(await sh(runtime, 'ls /')).not.toMatch(/^(root|home|work|var|srv|mnt|media)$/m);
    const files = await sh(
      runtime,
      [
        `ls ${dataDir} /root /home ${path.join(REPO_ROOT, 'server')} /etc/shadow 2>/dev/null | wc -l`,
        'ls /etc | sort | tr "\\n" " "; echo',
        'ls /proc | grep -c "^[0-9]"',
        'touch /usr/x 2>/dev/null || echo usr-readonly',
        'touch /opt/paddock/harnesses/x 2>/dev/null || echo code-readonly',
        'touch /tmp/x && echo tmp-ok',
        'echo hi > /workspace/made-inside && echo workspace-ok',
        'mount -t tmpfs none /tmp 2>/dev/null || echo mount-refused',
        'mount -o remount,rw /opt/paddock/harnesses 2>/dev/null || echo remount-refused',
        'umount /tmp 2>/dev/null || umount -l /workspace 2>/dev/null || echo umount-refused',
        'unshare -U true 2>/dev/null || echo userns-refused',
        'cat /opt/paddock/runtime-node >/dev/null 2>&1 || echo runtime-node-unreadable',
      ].join('; '),
    );
    const lines = files.split('\n');
    expect(lines[0]).toBe('0');
    expect(lines[1]).toContain('passwd');
    expect(lines[1]).toContain('resolv.conf');
    expect(lines[1]).not.toContain('shadow');
    expect(Number(lines[2])).toBeLessThan(10);
    expect(lines.slice(3)).toEqual([
      'usr-readonly',
      'code-readonly',
      'tmp-ok',
      'workspace-ok',
      'mount-refused',
      'remount-refused',
      'umount-refused',
      'userns-refused',
      'runtime-node-unreadable',
    ]);
    const made = await stat(path.join(driver.workspaceOf(s.name), 'made-inside'));
    if (process.getuid?.() === 0) expect(made.uid).not.toBe(0);

    // The runtime is not dumpable: same uid, yet its memory, environment and fds are closed to commands.
    const probe = await sh(
      runtime,
      'for f in environ mem fd; do cat /proc/2/$f >/dev/null 2>&1 && echo "$f readable" || echo "$f refused"; done; cat /proc/2/cmdline | tr "\\0" " "',
    );
    expect(probe.split('\n').slice(0, 3)).toEqual(['environ refused', 'mem refused', 'fd refused']);
    expect(probe).toContain('runtime/dist/runtime.mjs');

    const groups = groupDirs(driver.limits, s.name);
    if (driver.limits.kind === 'cgroup1') {
      const memory = groups.find((g) => g.includes('/memory/'))!;
      expect(await readFile(path.join(memory, 'memory.limit_in_bytes'), 'utf8')).toBe(`${1024 ** 3}\n`);
      expect((await readFile(path.join(memory, 'cgroup.procs'), 'utf8')).trim().split('\n').length).toBeGreaterThan(1);
      // The chat harness's limits: one CPU, and the driver's process limit.
      expect(
        await readFile(
          path.join(
            groups.find((g) => g.includes('/cpu/'))!,
            'cpu.cfs_quota_us',
          ),
          'utf8',
        ),
      ).toBe('100000\n');
      expect(
        await readFile(
          path.join(
            groups.find((g) => g.includes('/pids/'))!,
            'pids.max',
          ),
          'utf8',
        ),
      ).toBe('64\n');
    } else if (driver.limits.kind === 'cgroup2') {
      expect(await readFile(path.join(groups[0]!, 'memory.max'), 'utf8')).toBe(`${1024 ** 3}\n`);
      expect(await readFile(path.join(groups[0]!, 'cpu.max'), 'utf8')).toBe('100000 100000\n');
      expect(await readFile(path.join(groups[0]!, 'pids.max'), 'utf8')).toBe('64\n');
    }

    await driver.destroy(s.name);
    expect(await processesOf(s.sessionId)).toEqual([]);
    expect(await driver.list()).toEqual([]);
    for (const group of groups) await expect(stat(group)).rejects.toThrow(/ENOENT/);
  });

  it('kills what a command leaves behind when it ends', async () => {
    const s = spec();
    const runtime = await start(s);
    await sh(runtime, '(setsid sleep 1001 >/dev/null 2>&1 &); sleep 1002 >/dev/null 2>&1 & nohup sleep 1003 >/dev/null 2>&1 & echo started');
    const after = await sh(runtime, 'ps -eo args');
    expect(after).not.toMatch(/sleep 100[123]/);
    await driver.destroy(s.name);
  });

  it('kills a command that allocates past the memory limit, reports it, and keeps serving', async () => {
    const s = spec({ harness: { ...chat, resources: { limits: { memory: '192Mi', cpu: '1' } } } });
    const runtime = await start(s);
    const result = await runtime.exec({ command: 'node -e "const a = []; for (;;) a.push(Buffer.alloc(1 << 24, 1))"', timeoutMs: 60_000 });
    expect(result.exitCode).toBe(137);
    expect(result.stderr).toMatch(/memory limit of 192 MiB/);
    expect(await sh(runtime, 'echo still-here')).toBe('still-here');
    await driver.destroy(s.name);
  });

  it('limits how many processes a sandbox may run', async () => {
    const s = spec();
    const runtime = await start(s);
    const result = await runtime.exec({ command: 'for i in $(seq 200); do sleep 30 & done 2>&1; echo spawned', timeoutMs: 60_000 });
    expect(result.stdout + result.stderr).toMatch(/fork|Resource temporarily unavailable/i);
    expect(await sh(runtime, 'echo recovered')).toBe('recovered');
    await driver.destroy(s.name);
  });

  it('leaves the sandbox no network but loopback and the egress socket it is given', async () => {
    if (!isolated()) return;
    const host = net.createServer((c) => c.end('host port reached'));
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    const hostPort = (host.address() as net.AddressInfo).port;
    const socketDir = path.join(dataDir, `egress-${randomUUID().slice(0, 8)}`);
    await mkdir(socketDir, { mode: 0o755 });
    const socketPath = path.join(socketDir, 'proxy.sock');
    const requests: string[] = [];
    const egress = net.createServer((c) =>
      c.once('data', (chunk) => {
        requests.push(chunk.toString());
        c.end('HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\negress');
      }),
    );
    await new Promise<void>((resolve) => egress.listen(socketPath, resolve));
    const s = spec({ egress: { socketPath, caPem: TEST_EGRESS_CA } });
    const runtime = await start(s);
    // No proxy credentials before a session brings them.
    expect(await sh(runtime, 'echo "${HTTP_PROXY-none}"; cat /proc/[0-9]*/environ 2>/dev/null | tr "\\0" "\\n" | grep -c paddock: || true')).toBe('none\n0');
    await runtime.attach({
      sessionId: 'driver-test',
      systemPrompt: '',
      model: 'mock',
      gateway: { baseUrl: 'http://gateway.test/v1', apiKey: '' },
      env: {},
      egress: { token: 'runtime-token-1', commandToken: 'proxy-token-1' },
      history: [],
    });
    const out = await sh(
      runtime,
      [
        'echo "$HTTP_PROXY|$HTTPS_PROXY|$ALL_PROXY|${NO_PROXY-unset}"',
        `curl -s -m 5 --noproxy '*' http://127.0.0.1:${hostPort}/ || echo direct-refused`,
        'curl -s -m 5 http://example.test/path',
      ].join('; '),
    );
    const [proxyVars, direct, viaProxy] = out.split('\n');
    expect(proxyVars).toBe(Array(3).fill('http://paddock:proxy-token-1@127.0.0.1:3128').join('|') + '|');
    expect(direct).toBe('direct-refused');
    expect(viaProxy).toBe('egress');
    expect(requests[0]).toMatch(/^GET http:\/\/example\.test\/path HTTP\/1\.1\r\n/);
    expect(requests[0]).toContain(`Proxy-Authorization: Basic ${Buffer.from('paddock:proxy-token-1').toString('base64')}`);
    await driver.destroy(s.name);
    host.close();
    egress.close();
  });

  it('passes no descriptor the worker inherited into the sandbox', async () => {
    if (!isolated()) return;
    const inheritedFile = path.join(dataDir, 'worker-only.txt');
    await writeFile(inheritedFile, 'worker-only contents');
    const handle = await open(inheritedFile, 'r');
    try {
      // The worker, in a process of its own, inherits the file as descriptors 9 and 23.
      const stdio: ('ignore' | 'pipe' | 'inherit' | number)[] = ['ignore', 'pipe', 'inherit'];
      while (stdio.length < 24) stdio.push('ignore');
      stdio[9] = handle.fd;
      stdio[23] = handle.fd;
      const command = 'ls -l /proc/self/fd/ | tail -n +2; cat /proc/self/fd/9 /proc/self/fd/23 2>&1; echo end';
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'inherited-fd.fixture.ts'), dataDir, command], {
        cwd: path.join(REPO_ROOT, 'server'),
        stdio,
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(0);
      const { output } = JSON.parse(out) as { output: string };
      expect(output).toMatch(/end\n?$/);
      // Neither the file's contents nor a link to it.
      expect(output).not.toContain('worker-only');
    } finally {
      await handle.close();
    }
  });

  it('fails by the deadline with the log file named when the runtime cannot start, and leaves nothing behind', async () => {
    // An empty token makes the runtime refuse to start.
    const s = spec({ token: '' });
    await expect(driver.start(s, { deadline: Date.now() + 30_000, report: () => undefined })).rejects.toThrow(
      /exited with code 1 while starting; see .*runtime\.log/,
    );
    expect(await driver.list()).toEqual([]);
    for (const group of groupDirs(driver.limits, s.name)) await expect(stat(group)).rejects.toThrow(/ENOENT/);
  });
});

/** paddock_sandbox_starts_waiting by kind. */
async function waitingStarts(): Promise<Record<string, number>> {
  const { values } = await registry.getSingleMetric('paddock_sandbox_starts_waiting')!.get();
  return Object.fromEntries(values.map((v) => [String(v.labels.kind), v.value]));
}

describe('local sandbox starts (PADDOCK_LOCAL_START_CONCURRENCY)', () => {
  it('starts no more at once than the limit, sessions before the warm pool, and says why a start waits', async () => {
    const capped = await LocalSandboxDriver.create({ dataDir, log, isolation: 'auto', pidsLimit: 64, startConcurrency: 1 });
    const order: string[] = [];
    const waits: string[] = [];
    let starting = 0;
    let mostAtOnce = 0;
    const launch = (label: string, background: boolean) => {
      const s = spec();
      const report = (phase: 'PROVISIONING' | 'READY', message: string) => {
        if (message.startsWith('waiting to start')) return void waits.push(`${label}: ${message}`);
        if (phase === 'PROVISIONING') {
          order.push(label);
          mostAtOnce = Math.max(mostAtOnce, ++starting);
        } else starting--;
      };
      return capped.start(s, { deadline: Date.now() + 60_000, report, background }).then(({ url }) => ({ s, url }));
    };
    try {
      // The warm-pool start queues behind the sessions that arrive after it.
      const starts = [launch('first', false), launch('warm', true), launch('second', false), launch('third', false)];
      expect(await waitingStarts()).toEqual({ session: 2, warm: 1 });
      const started = await Promise.all(starts);
      expect(await waitingStarts()).toEqual({ session: 0, warm: 0 });
      expect(order).toEqual(['first', 'second', 'third', 'warm']);
      expect(mostAtOnce).toBe(1);
      expect(waits).toEqual([
        'warm: waiting to start: 1 sandboxes starting, 0 queued ahead',
        'second: waiting to start: 1 sandboxes starting, 0 queued ahead',
        'third: waiting to start: 1 sandboxes starting, 1 queued ahead',
      ]);
      for (const { s, url } of started) expect((await new RuntimeClient({ baseUrl: url, token: s.token }).health()).ok).toBe(true);
    } finally {
      for (const name of await capped.list()) await capped.destroy(name);
      await capped.close();
    }
  });
});

describe('local sandbox workspace disk limit (PADDOCK_SANDBOX_DISK_MB)', () => {
  it('stops a command writing past it, keeps serving, and keeps the workspace across a suspend', async () => {
    if (process.getuid?.() !== 0 || !isolated()) return; // mounting the workspace image needs root
    const limited = await LocalSandboxDriver.create({ dataDir, log, isolation: 'auto', pidsLimit: 64, diskMb: 16 });
    const s = spec();
    try {
      let runtime = await startWith(limited, s);
      const out = await sh(runtime, 'echo kept > note; head -c 64M /dev/zero 2>&1 > big; echo "exit=$?"; df -m /workspace | tail -1; ls');
      expect(out).toMatch(/No space left on device/);
      expect(out).toMatch(/exit=1/);
      expect(out).not.toContain('lost+found');
      expect(
        Number(
          out
            .split('\n')
            .find((l) => l.includes('/workspace'))!
            .trim()
            .split(/\s+/)[1],
        ),
      ).toBeLessThanOrEqual(16);
      expect(await sh(runtime, 'rm big; echo recovered')).toBe('recovered');
      // The image takes host disk only as the sandbox writes, never more than the limit.
      const image = await stat(path.join(dataDir, 'sandboxes', s.name, 'workspace.img'));
      expect(image.blocks * 512).toBeLessThanOrEqual(17 * 1024 * 1024);
      await limited.suspend(s.name);
      runtime = await startWith(limited, s);
      expect(await sh(runtime, 'cat note')).toBe('kept');
    } finally {
      await limited.destroy(s.name);
    }
    expect(await readFile('/proc/self/mountinfo', 'utf8')).not.toContain(s.name);
    await expect(stat(path.join(dataDir, 'sandboxes', s.name))).rejects.toThrow(/ENOENT/);
  });
});

describe('local sandbox driver run by an unprivileged user', () => {
  it('isolates the same way, and limits memory with rlimits where it may not create cgroups', async () => {
    if (process.getuid?.() !== 0) return; // already covered above when the tests themselves run unprivileged
    const user = 65_534;
    const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-unprivileged-'));
    await chown(dir, user, user);
    try {
      const probe = path.join(REPO_ROOT, 'server/test/local-sandbox-probe.ts');
      const { stdout, stderr, code } = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', probe, path.join(dir, 'data')], {
          cwd: path.join(REPO_ROOT, 'server'),
          uid: user,
          gid: user,
          env: { PATH: process.env.PATH ?? '', HOME: dir, TMPDIR: dir },
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('close', (exit) => resolve({ stdout: out, stderr: err, code: exit }));
      });
      expect({ code, stderr: stderr.slice(-2000) }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        isolation: string;
        limits: string;
        hostUid: number;
        status: string[];
        oom: { exitCode: number; stdout: string };
        after: string;
      };
      expect(report).toMatchObject({ isolation: 'bwrap', limits: 'rlimit', hostUid: user, after: 'alive' });
      expect(report.status).toEqual(['1000', '0000000000000000', '0', 'mount-refused', 'environ-refused']);
      // A 2 GiB allocation under a 1 GiB limit fails; the sandbox lives on.
      expect(report.oom.exitCode).not.toBe(0);
      expect(report.oom.stdout).not.toContain('allocated');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
