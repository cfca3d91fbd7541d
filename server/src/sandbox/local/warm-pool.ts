import { randomBytes } from 'node:crypto';
import type { LoadedHarness } from '../../harnesses/loader.ts';
import type { Logger } from '../../log/index.ts';

/** A started sandbox no session owns yet, with the credentials it was started with (egress credentials come with its session). */
export type WarmSandbox = {
  name: string;
  url: string;
  harnessName: string;
  /** The runtime's bearer token. */
  token: string;
};

/** A failed start is retried after this long, doubling up to the maximum, so a broken harness does not spin. */
const RETRY_MS = 2_000;
const MAX_RETRY_MS = 60_000;
const PREFIX = 'pw-';

/**
 * `pw-<worker pid>-<random>`: a DNS-1035 label that names the worker process keeping it,
 * so another worker on the same data directory leaves it alone while that process lives.
 */
export function warmSandboxName(): string {
  return `${PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** True for a warm sandbox that a live worker process other than this one keeps. */
export function keptByAnotherWorker(name: string): boolean {
  const match = /^pw-(\d+)-/.exec(name);
  if (!match) return false;
  const pid = Number(match[1]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Pre-started, not yet attached local sandboxes, `size` per harness in use, refilled in
 * the background one at a time. Each is started exactly like a cold one (same isolation,
 * limits and egress), and leaves the pool for good when a session takes it: a sandbox is
 * never returned to the pool or shared.
 */
export class WarmPool {
  readonly #size: number;
  readonly #launch: (harness: LoadedHarness, name: string) => Promise<WarmSandbox>;
  readonly #destroy: (name: string) => Promise<void>;
  readonly #log: Logger;
  readonly #harnesses = new Map<string, LoadedHarness>();
  readonly #ready = new Map<string, WarmSandbox[]>();
  readonly #starting = new Map<string, Promise<void>>();
  /** Names of the sandboxes being started, which the pool holds already. */
  readonly #launching = new Set<string>();
  readonly #retryMs = new Map<string, number>();
  /** After a failed start, no new start for this harness until then. */
  readonly #coolingUntil = new Map<string, number>();
  #closed = false;

  constructor(opts: {
    size: number;
    launch: (harness: LoadedHarness, name: string) => Promise<WarmSandbox>;
    destroy: (name: string) => Promise<void>;
    log: Logger;
  }) {
    this.#size = opts.size;
    this.#launch = opts.launch;
    this.#destroy = opts.destroy;
    this.#log = opts.log.child({ component: 'warm-pool' });
  }

  /** Keeps sandboxes of this harness ready from now on. */
  want(harness: LoadedHarness): void {
    if (this.#closed) return;
    if (!this.#harnesses.has(harness.name)) {
      this.#harnesses.set(harness.name, harness);
      this.#ready.set(harness.name, []);
    }
    this.#refill(harness.name);
  }

  /** A ready sandbox of this harness, now the caller's alone; undefined when none is ready. */
  take(harnessName: string): WarmSandbox | undefined {
    const sandbox = this.#ready.get(harnessName)?.shift();
    this.#refill(harnessName);
    return sandbox;
  }

  /** Ready sandboxes per harness. */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.#ready].map(([name, list]) => [name, list.length]));
  }

  /** Whether this pool keeps the sandbox of that name (being started or not yet taken). */
  holds(name: string): boolean {
    if (this.#launching.has(name)) return true;
    for (const list of this.#ready.values()) if (list.some((s) => s.name === name)) return true;
    return false;
  }

  /** Stops refilling, waits for starts under way, and removes every sandbox still in the pool. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#starting.values());
    const left = [...this.#ready.values()].flat();
    this.#ready.clear();
    await Promise.all(
      left.map((s) => this.#destroy(s.name).catch((error: unknown) => this.#log.warn({ err: error, sandbox: s.name }, 'could not remove a warm sandbox'))),
    );
  }

  #refill(harnessName: string): void {
    const harness = this.#harnesses.get(harnessName);
    const ready = this.#ready.get(harnessName);
    if (this.#closed || !harness || !ready || this.#starting.has(harnessName) || ready.length >= this.#size) return;
    if ((this.#coolingUntil.get(harnessName) ?? 0) > Date.now()) return;
    const started = Date.now();
    const name = warmSandboxName();
    this.#launching.add(name);
    const run = this.#launch(harness, name).then(
      async (sandbox) => {
        if (this.#closed) return this.#destroy(sandbox.name);
        ready.push(sandbox);
        this.#retryMs.delete(harnessName);
        this.#log.debug({ sandbox: sandbox.name, harness: harnessName, ms: Date.now() - started }, 'warm sandbox ready');
      },
      (error: unknown) => {
        const delay = this.#retryMs.get(harnessName) ?? RETRY_MS;
        this.#retryMs.set(harnessName, Math.min(delay * 2, MAX_RETRY_MS));
        this.#log.warn({ err: error, harness: harnessName, retryInMs: delay }, 'could not start a warm sandbox');
        this.#coolingUntil.set(harnessName, Date.now() + delay);
        setTimeout(() => this.#refill(harnessName), delay).unref();
      },
    );
    this.#starting.set(
      harnessName,
      run.finally(() => {
        this.#launching.delete(name);
        this.#starting.delete(harnessName);
        this.#refill(harnessName);
      }),
    );
  }
}
