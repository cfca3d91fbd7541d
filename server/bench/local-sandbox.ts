/**
 * `pnpm bench:local-sandbox`: how long a local sandbox takes from start to ready (the
 * runtime answering its authenticated health call), started one after another with
 * the isolation and limits this host supports.
 *
 * Options: --runs 20
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/index.ts';
import { loadHarnesses } from '../src/harnesses/loader.ts';
import { createLogger } from '../src/log/index.ts';
import { sandboxName } from '../src/sandbox/driver.ts';
import { LocalSandboxDriver } from '../src/sandbox/local/driver.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);
const log = createLogger('bench-local-sandbox', process.env.PADDOCK_BENCH_LOG_LEVEL ?? 'warn');
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-bench-'));
const driver = await LocalSandboxDriver.create({ dataDir, log, isolation: 'auto', pidsLimit: 512 });
const harness = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;

const samples: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const sessionId = randomUUID();
  const name = sandboxName(sessionId);
  const started = performance.now();
  await driver.start({ name, harness, harnessFile: harness.file, token: randomUUID(), env: {} }, { deadline: Date.now() + 60_000, report: () => undefined });
  samples.push(performance.now() - started);
  await driver.destroy(name);
}
await driver.close();
await rm(dataDir, { recursive: true, force: true });

const sorted = [...samples].sort((a, b) => a - b);
const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
console.log(
  JSON.stringify({
    isolation: driver.isolation,
    limits: driver.limits.kind,
    runs: RUNS,
    p50Ms: Math.round(at(0.5)),
    p90Ms: Math.round(at(0.9)),
    minMs: Math.round(sorted[0]!),
    maxMs: Math.round(sorted.at(-1)!),
  }),
);
