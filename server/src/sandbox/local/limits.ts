import { mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HarnessDefinition } from '../../harnesses/definition.ts';

/** One sandbox's resource limits, from its harness definition (the numbers its Kubernetes pod gets). */
export type SandboxLimits = {
  memoryBytes: number;
  /** CPUs (1 = one core); the quota is enforced, the request sets the share. */
  cpu: number;
  cpuRequest: number;
  pids: number;
};

/** What a harness without `resources` gets. */
const DEFAULT_MEMORY = 1024 ** 3;
const DEFAULT_CPU = 1;

const SUFFIX: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes quantity (`1Gi`, `500M`, `250m`, `2`) as a number; `m` is milli. */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!match) throw new Error(`"${value}" is not a Kubernetes quantity like 500m or 1Gi`);
  const amount = Number(match[1]);
  return match[2] === 'm' ? amount / 1000 : amount * SUFFIX[match[2] ?? '']!;
}

export function sandboxLimits(harness: HarnessDefinition, pids: number): SandboxLimits {
  const { requests, limits } = harness.resources;
  const cpu = limits?.cpu ?? requests?.cpu;
  const memory = limits?.memory ?? requests?.memory;
  const cpuLimit = cpu === undefined ? DEFAULT_CPU : parseQuantity(cpu);
  return {
    memoryBytes: Math.floor(memory === undefined ? DEFAULT_MEMORY : parseQuantity(memory)),
    cpu: cpuLimit,
    cpuRequest: requests?.cpu === undefined ? cpuLimit : parseQuantity(requests.cpu),
    pids,
  };
}

/** How limits are enforced on this host: cgroup v2, the v1 controllers, or rlimits. */
export type LimitEnforcement =
  { kind: 'cgroup2'; root: string } | { kind: 'cgroup1'; roots: { memory: string; pids: string; cpu: string } } | { kind: 'rlimit'; reason: string };

const CGROUP_FS = '/sys/fs/cgroup';
const GROUP_NAME = 'paddock';

/** This process's cgroup path in each hierarchy, from /proc/self/cgroup (`id:controllers:path`). */
function ownCgroups(): Map<string, string> {
  const paths = new Map<string, string>();
  const text = existsSync('/proc/self/cgroup') ? readFileSync('/proc/self/cgroup', 'utf8') : '';
  for (const line of text.split('\n')) {
    const [, controllers, dir] = line.split(':');
    if (controllers === undefined || dir === undefined) continue;
    for (const controller of controllers === '' ? ['unified'] : controllers.split(',')) paths.set(controller, dir);
  }
  return paths;
}

/** A directory Paddock may create sandbox groups in, or null when this host does not allow it. */
async function writableGroup(base: string): Promise<string | null> {
  const dir = path.join(base, GROUP_NAME);
  try {
    await mkdir(dir, { recursive: true });
    const probe = path.join(dir, `probe-${process.pid}`);
    await mkdir(probe);
    await rmdir(probe);
    return dir;
  } catch {
    return null;
  }
}

/**
 * Picks cgroup v2 when the unified hierarchy offers the memory, pids and cpu controllers,
 * else the v1 controllers where the host mounts them, else rlimits. Groups go below
 * this process's own cgroup, so an operator's limits on Paddock still cover its sandboxes.
 */
export async function detectLimitEnforcement(): Promise<LimitEnforcement> {
  const own = ownCgroups();
  const unified = existsSync(path.join(CGROUP_FS, 'cgroup.controllers')) ? CGROUP_FS : path.join(CGROUP_FS, 'unified');
  const controllers = await readFile(path.join(unified, 'cgroup.controllers'), 'utf8').catch(() => '');
  const available = new Set(controllers.trim().split(/\s+/));
  if (['memory', 'pids', 'cpu'].every((c) => available.has(c))) {
    const base = path.join(unified, own.get('unified') ?? '/');
    const root = await writableGroup(base);
    if (root) {
      // Children of a v2 group only get the controllers its parent hands down.
      await writeFile(path.join(root, 'cgroup.subtree_control'), '+memory +pids +cpu').catch(() => undefined);
      return { kind: 'cgroup2', root };
    }
  }
  const v1: Record<string, string | null> = {};
  for (const controller of ['memory', 'pids', 'cpu'] as const) {
    const mount = path.join(CGROUP_FS, controller);
    v1[controller] = existsSync(path.join(mount, 'cgroup.procs')) ? await writableGroup(path.join(mount, own.get(controller) ?? '/')) : null;
  }
  if (v1.memory && v1.pids && v1.cpu) return { kind: 'cgroup1', roots: { memory: v1.memory, pids: v1.pids, cpu: v1.cpu } };
  return { kind: 'rlimit', reason: 'no writable cgroup (v2 with memory, pids and cpu, or the v1 memory, pids and cpu controllers)' };
}

const CPU_PERIOD_US = 100_000;

/** The cgroup directories of one sandbox (one per v1 controller, one in v2). */
export function groupDirs(enforcement: LimitEnforcement, name: string): string[] {
  if (enforcement.kind === 'cgroup2') return [path.join(enforcement.root, name)];
  if (enforcement.kind === 'cgroup1') return Object.values(enforcement.roots).map((root) => path.join(root, name));
  return [];
}

/** Creates the sandbox's groups with its limits; `attach` then moves a process in. */
export async function createGroups(enforcement: LimitEnforcement, name: string, limits: SandboxLimits): Promise<void> {
  const quota = String(Math.max(1_000, Math.round(limits.cpu * CPU_PERIOD_US)));
  if (enforcement.kind === 'cgroup2') {
    const dir = path.join(enforcement.root, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined);
    await writeFile(path.join(dir, 'pids.max'), String(limits.pids));
    await writeFile(path.join(dir, 'cpu.max'), `${quota} ${CPU_PERIOD_US}`);
    await writeFile(path.join(dir, 'cpu.weight'), String(Math.min(10_000, Math.max(1, Math.round(limits.cpuRequest * 100))))).catch(() => undefined);
  } else if (enforcement.kind === 'cgroup1') {
    const { memory, pids, cpu } = enforcement.roots;
    for (const root of [memory, pids, cpu]) await mkdir(path.join(root, name), { recursive: true });
    await writeFile(path.join(memory, name, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // Without swap accounting this file is absent; there is no swap to escape into then either.
    await writeFile(path.join(memory, name, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
    await writeFile(path.join(pids, name, 'pids.max'), String(limits.pids));
    await writeFile(path.join(cpu, name, 'cpu.cfs_period_us'), String(CPU_PERIOD_US));
    await writeFile(path.join(cpu, name, 'cpu.cfs_quota_us'), quota);
    await writeFile(path.join(cpu, name, 'cpu.shares'), String(Math.max(2, Math.round(limits.cpuRequest * 1024)))).catch(() => undefined);
  }
}

export async function attachToGroups(enforcement: LimitEnforcement, name: string, pid: number): Promise<void> {
  for (const dir of groupDirs(enforcement, name)) await writeFile(path.join(dir, 'cgroup.procs'), String(pid));
}

/** Removes the sandbox's groups once its processes are gone (a group with members cannot be removed). */
export async function removeGroups(enforcement: LimitEnforcement, name: string): Promise<void> {
  for (const dir of groupDirs(enforcement, name)) {
    for (let attempt = 0; attempt < 20; attempt++) {
      try {
        await rmdir(dir);
        break;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code !== 'EBUSY') throw error;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/**
 * RLIMIT_DATA counts writable address space, not memory used: Node reserves several
 * hundred MiB of it at startup, so a smaller limit would stop the runtime itself.
 */
const MIN_RLIMIT_DATA = 1024 ** 3;

/** The shell lines that apply rlimits where no cgroup is available: data size and, per uid, processes. */
export function rlimitCommands(limits: SandboxLimits, perSandboxUid: boolean): string {
  const lines = [`ulimit -d ${Math.ceil(Math.max(limits.memoryBytes, MIN_RLIMIT_DATA) / 1024)}`];
  // RLIMIT_NPROC counts every process of the uid; only a uid of the sandbox's own makes it per sandbox.
  if (perSandboxUid) lines.push(`ulimit -u ${limits.pids}`);
  return lines.join(' && ');
}
