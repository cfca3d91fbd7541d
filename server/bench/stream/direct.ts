/**
 * The floor: the same N × rate load read straight from harness runtimes the bench
 * starts itself (no worker, bus, database or API in between), timed with the same
 * clock. Whatever latency this shows, the platform cannot beat.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { RuntimeClient } from '@paddock/harness-runtime/client';
import { resolveRuntimeEntry } from '../../src/sandbox/local/runtime-entry.ts';
import { busyCores, cpuBetween, deprioritise, snapshotCpu, machineCpu, startChild, type Child, type CpuTarget } from './procs.ts';
import { checkReply, countTokens, monotonicUs, now, Samples, type ReplyCheck } from './stats.ts';
import { MOCK_GATEWAY_KEY } from '../mock-gateway.ts';

/** Latency is also reported for tokens received this long after the turns were started. */
export const STEADY_AFTER_MS = 3_000;

export type WindowResult = {
  latency: Samples;
  steady: Samples;
  checks: ReplyCheck[];
  deltaEvents: number;
  firstReceipt: number;
  lastReceipt: number;
  windowSeconds: number;
  /** The measured window on CLOCK_MONOTONIC in µs, the clock of V8 CPU profiles. */
  windowUs: [number, number];
  cpu: Record<string, number>;
  machineBusyCores: number;
  failures: string[];
};

export async function runDirect(opts: {
  sessions: number;
  tokens: number;
  rate: number;
  mockUrl: string;
  mockPid: number;
  dir: string;
  logDir: string;
  deadline: number;
  /** Nice value for the runtimes and the mock LLM (0 = as started). */
  sandboxNice: number;
  /** When set, runtime 0 writes a V8 CPU profile here (runtime-0.cpuprofile). */
  profileDir?: string | undefined;
  say: (message: string) => void;
}): Promise<WindowResult> {
  const { sessions, tokens, rate } = opts;
  const children: Child[] = [];
  const started = performance.now();
  try {
    const runtimes = await Promise.all(
      Array.from({ length: sessions }, async (_, i) => {
        const workspace = path.join(opts.dir, `runtime-${i}`);
        await mkdir(workspace, { recursive: true });
        const token = randomBytes(16).toString('hex');
        const { child, ready } = await startChild({
          name: `runtime ${i}`,
          argv: [
            process.execPath,
            ...(opts.profileDir && i === 0 ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`, '--cpu-prof-name=runtime-0.cpuprofile'] : []),
            resolveRuntimeEntry().path,
          ],
          cwd: workspace,
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            HOME: workspace,
            LANG: 'C.UTF-8',
            PADDOCK_RUNTIME_TOKEN: token,
            PADDOCK_RUNTIME_PORT: '0',
            PADDOCK_RUNTIME_HOST: '127.0.0.1',
            PADDOCK_WORKSPACE: workspace,
            PADDOCK_HARNESS: 'chat',
          },
          logFile: path.join(opts.logDir, `runtime-${i}.log`),
          ready: (line) => {
            if (!line.includes('"listening"')) return undefined;
            const parsed = JSON.parse(line) as { port?: number };
            return typeof parsed.port === 'number' ? parsed.port : undefined;
          },
          timeoutMs: Math.max(1_000, opts.deadline - Date.now()),
        });
        children.push(child);
        const client = new RuntimeClient({ baseUrl: `http://127.0.0.1:${ready!}`, token });
        await client.attach({
          sessionId: randomUUID(),
          systemPrompt: 'You are a benchmark.',
          model: 'paddock-mock',
          gateway: { baseUrl: opts.mockUrl, apiKey: MOCK_GATEWAY_KEY },
          env: {},
          history: [],
        });
        return client;
      }),
    );
    opts.say(`  ${sessions} runtimes up in ${((performance.now() - started) / 1000).toFixed(1)} s; warming up`);
    if (opts.sandboxNice !== 0) deprioritise([...children.map((c) => c.pid), opts.mockPid], opts.sandboxNice);

    // Warm-up: one short turn each, so every process has run the streaming path once.
    await Promise.all(
      runtimes.map(async (client) => {
        for await (const _ of client.startTurn({ turnId: randomUUID(), content: '/long 3 rate=0' })) void _;
      }),
    );
    await new Promise((r) => setTimeout(r, 1_000));

    const latency = new Samples();
    const steady = new Samples();
    const targets: CpuTarget[] = [
      { name: 'runtimes', pids: children.map((c) => c.pid) },
      { name: 'mock', pids: [opts.mockPid] },
    ];
    const failures: string[] = [];
    let deltaEvents = 0;
    let firstReceipt = Number.POSITIVE_INFINITY;
    let lastReceipt = 0;
    const cpuBefore = snapshotCpu(targets);
    const machineBefore = machineCpu();
    const clientBefore = process.cpuUsage();
    const windowStart = performance.now();
    const windowStartUs = monotonicUs();
    const steadyFrom = now() + STEADY_AFTER_MS;
    const texts = await Promise.all(
      runtimes.map(async (client, i) => {
        const parts: string[] = [];
        const abort = AbortSignal.timeout(Math.max(1_000, opts.deadline - Date.now()));
        try {
          for await (const event of client.startTurn({ turnId: randomUUID(), content: `/long ${tokens} rate=${rate}` }, { signal: abort })) {
            const received = now();
            if (event.type === 'message.delta') {
              latency.add(received - event.t, countTokens(event.delta));
              if (received >= steadyFrom) steady.add(received - event.t, countTokens(event.delta));
              parts.push(event.delta);
              deltaEvents++;
              if (received < firstReceipt) firstReceipt = received;
              if (received > lastReceipt) lastReceipt = received;
            } else if (event.type === 'turn.failed') failures.push(`runtime ${i}: ${event.error}`);
          }
        } catch (error) {
          failures.push(`runtime ${i}: ${error instanceof Error ? error.message : String(error)}`);
        }
        return parts.join('');
      }),
    );
    const windowSeconds = (performance.now() - windowStart) / 1000;
    const windowUs: [number, number] = [windowStartUs, monotonicUs()];
    const clientCpu = process.cpuUsage(clientBefore);
    const machineAfter = machineCpu();
    const cpu = cpuBetween(cpuBefore, snapshotCpu(targets));
    cpu.client = (clientCpu.user + clientCpu.system) / 1e6;
    return {
      latency,
      steady,
      checks: texts.map((text) => checkReply(text, tokens)),
      deltaEvents,
      firstReceipt,
      lastReceipt,
      windowSeconds,
      windowUs,
      cpu,
      machineBusyCores: busyCores(machineBefore, machineAfter),
      failures,
    };
  } finally {
    await Promise.all(children.map((c) => c.stop(5_000)));
  }
}
