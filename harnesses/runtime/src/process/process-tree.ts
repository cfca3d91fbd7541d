import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid from `/proc/<pid>/stat`; the command name may hold spaces and parentheses, so parse after the last `)`. */
function parentOf(pid: string): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[1]);
  } catch {
    return undefined;
  }
}

/**
 * Every descendant of `root`, found through /proc (empty where there is none). A process
 * group is not enough: agents run commands in new sessions (a PTY per command), which
 * leave the group but stay children.
 */
export function descendantsOf(root: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    const parent = parentOf(entry);
    if (parent === undefined) continue;
    const list = children.get(parent) ?? [];
    list.push(Number(entry));
    children.set(parent, list);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() ?? -1) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** Signals `root`'s process group and each given pid; processes already gone are fine. */
export function signalAll(root: number, pids: Iterable<number>, signal: NodeJS.Signals): void {
  const send = (target: number) => {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  };
  send(-root);
  for (const pid of pids) send(pid);
}

/**
 * Kills processes that commands left behind after leaving their process group and
 * their parent (`setsid cmd &`, double forks). Only inside a sandbox's own PID
 * namespace, where the runtime is a child of the namespace's init (pid 1): orphans are
 * re-parented to that init, so every other child of pid 1 is a leftover. Elsewhere
 * there is no telling a leftover from an unrelated process, so nothing is done.
 */
export function killLeftovers(): void {
  if (process.ppid !== 1) return;
  const orphans: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return;
  }
  for (const entry of entries) {
    const pid = Number(entry);
    if (pid !== process.pid && pid !== 1 && parentOf(entry) === 1) orphans.push(pid);
  }
  for (const orphan of orphans) {
    const tree = descendantsOf(orphan);
    for (const pid of [orphan, ...tree]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}
