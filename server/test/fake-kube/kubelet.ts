import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { resolveRuntimeEntry, RUNTIME_V8_FLAGS } from '../../src/sandbox/local/runtime-entry.ts';
import { ApiError, type KObject, type Store, type StoreEvent } from './store.ts';

type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type ContainerSpec = {
  name: string;
  image: string;
  env?: EnvVar[];
  ports?: { name?: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
};
type PodStatus = Record<string, unknown>;

export type KubeletOptions = {
  /** Where pods' workspaces and logs live on this machine. */
  workRoot: string;
  /** Images that "exist"; others fail with ErrImagePull → ImagePullBackOff. */
  pullable?: (image: string) => boolean;
  /** Pods that become Ready without a process (for large background populations). */
  stub?: (pod: KObject) => boolean;
};

/** `dir` is per pod instance: a pod recreated under the same name must not lose its files to the old one's cleanup. */
type Running = { child: ChildProcess | null; ip: string; dir?: string };

/**
 * Stands in for kubelet and the container runtime: each pod's runtime container is
 * the real harness runtime (its bundle, as the image runs it, or else its source) run as a local process
 * bound to its own loopback address (127.x.y.z, the "pod IP") on the container port,
 * with env resolved from Secrets like kubelet does. The readiness probe polls the
 * container's httpGet path; pod status and Warning events are written back.
 */
export class FakeKubelet {
  readonly #store: Store;
  readonly #opts: KubeletOptions;
  readonly #pods = new Map<string, Running>();
  readonly #ipBase: [number, number];
  #ipCounter = 0;
  #unsubscribe: (() => void) | null = null;
  /** pod key → when its readiness probe first passed. */
  readonly readyAt = new Map<string, number>();

  constructor(store: Store, opts: KubeletOptions) {
    this.#store = store;
    this.#opts = opts;
    // A random /16 of loopback per fake cluster, so parallel test files never share pod IPs.
    this.#ipBase = [20 + (randomBytes(1)[0]! % 200), randomBytes(1)[0]!];
  }

  start(): void {
    this.#unsubscribe = this.#store.subscribe((event) => this.#onEvent(event));
  }

  async stop(): Promise<void> {
    this.#unsubscribe?.();
    await Promise.all([...this.#pods.keys()].map((key) => this.#kill(key)));
  }

  /** Live runtime processes, for tests. */
  get processes(): number {
    return [...this.#pods.values()].filter((p) => p.child && p.child.exitCode === null).length;
  }

  #onEvent(event: StoreEvent): void {
    if (event.resource.kind !== 'Pod') return;
    const key = `${event.object.metadata.namespace}/${event.object.metadata.name}`;
    if (event.type === 'DELETED') void this.#kill(key).catch(() => undefined);
    else if (event.type === 'ADDED') void this.#run(event.object, key).catch(() => undefined);
  }

  #nextIp(): string {
    const n = this.#ipCounter++;
    return `127.${this.#ipBase[0]}.${(this.#ipBase[1] + Math.floor(n / 250)) % 256}.${(n % 250) + 2}`;
  }

  async #freeIp(port: number): Promise<string> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const ip = this.#nextIp();
      const free = await new Promise<boolean>((resolve) => {
        const probe = createServer();
        probe.once('error', () => resolve(false));
        probe.listen(port, ip, () => probe.close(() => resolve(true)));
      });
      if (free) return ip;
    }
    throw new Error('no free loopback address');
  }

  async #run(pod: KObject, key: string): Promise<void> {
    const [namespace, name] = key.split('/') as [string, string];
    const container = ((pod.spec as { containers: ContainerSpec[] }).containers ?? [])[0]!;
    const port = container.ports?.[0]?.containerPort ?? 8080;
    this.#setStatus(namespace, name, () => ({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] }));

    if (this.#opts.pullable && !this.#opts.pullable(container.image)) {
      const message = `Failed to pull image "${container.image}": rpc error: code = NotFound desc = failed to pull and unpack image: not found`;
      this.#event(namespace, name, 'Failed', message);
      this.#setStatus(namespace, name, () => waiting(container, 'ErrImagePull', message));
      setTimeout(() => this.#setStatus(namespace, name, () => waiting(container, 'ImagePullBackOff', `Back-off pulling image "${container.image}"`)), 50);
      return;
    }
    const env = this.#resolveEnv(namespace, container.env ?? []);
    if (typeof env === 'string') {
      this.#event(namespace, name, 'Failed', `Error: ${env}`);
      this.#setStatus(namespace, name, () => waiting(container, 'CreateContainerConfigError', env));
      return;
    }

    const ip = await this.#freeIp(port);
    if (this.#opts.stub?.(pod)) {
      this.#pods.set(key, { child: null, ip });
      this.#setStatus(namespace, name, () => running(container, ip, true));
      this.readyAt.set(key, Date.now());
      return;
    }
    const dir = path.join(this.#opts.workRoot, namespace, name, pod.metadata.uid ?? String(Date.now()));
    const workspace = path.join(dir, 'workspace');
    await mkdir(workspace, { recursive: true });
    await mkdir(path.join(dir, 'home'), { recursive: true });
    const child = spawn(process.execPath, [...RUNTIME_V8_FLAGS, resolveRuntimeEntry().path], {
      env: {
        ...env,
        PATH: `${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
        LANG: 'C.UTF-8',
        // The pod's network namespace and volumes, as this machine provides them.
        PADDOCK_RUNTIME_HOST: ip,
        PADDOCK_RUNTIME_PORT: String(port),
        PADDOCK_WORKSPACE: workspace,
        HOME: path.join(dir, 'home'),
        PADDOCK_LOG_LEVEL: 'warn',
      },
      cwd: workspace,
      stdio: 'ignore',
      detached: true,
    });
    this.#pods.set(key, { child, ip, dir });
    child.once('exit', (code) => {
      if (this.#pods.get(key)?.child !== child) return;
      this.#setStatus(namespace, name, () => ({
        ...running(container, ip, false),
        containerStatuses: [
          {
            name: container.name,
            image: container.image,
            ready: false,
            restartCount: 1,
            state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off restarting failed container ${container.name}` } },
            lastState: { terminated: { exitCode: code ?? 137, reason: 'Error' } },
          },
        ],
      }));
    });
    this.#setStatus(namespace, name, () => running(container, ip, false));
    await this.#probe(container, ip, port, key);
    if (this.#pods.get(key)?.child !== child || child.exitCode !== null) return;
    this.readyAt.set(key, Date.now());
    this.#setStatus(namespace, name, () => running(container, ip, true));
  }

  async #probe(container: ContainerSpec, ip: string, port: number, key: string): Promise<void> {
    const probe = container.readinessProbe?.httpGet;
    const probePort = typeof probe?.port === 'string' ? (container.ports?.find((p) => p.name === probe.port)?.containerPort ?? port) : (probe?.port ?? port);
    const url = `http://${ip}:${probePort}${probe?.path ?? '/'}`;
    for (let i = 0; i < 800 && this.#pods.has(key); i++) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
        await res.body?.cancel();
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  #resolveEnv(namespace: string, vars: EnvVar[]): Record<string, string> | string {
    const env: Record<string, string> = {};
    const secrets = this.#store.typeOfKind('Secret');
    for (const v of vars) {
      if (v.value !== undefined) env[v.name] = v.value;
      else if (v.valueFrom?.secretKeyRef) {
        const ref = v.valueFrom.secretKeyRef;
        const secret = this.#store.find(secrets, namespace, ref.name) as { data?: Record<string, string> } | undefined;
        if (!secret) return `secret "${ref.name}" not found`;
        const encoded = secret.data?.[ref.key];
        if (encoded === undefined) return `couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`;
        env[v.name] = Buffer.from(encoded, 'base64').toString('utf8');
      }
    }
    return env;
  }

  async #kill(key: string): Promise<void> {
    const entry = this.#pods.get(key);
    this.#pods.delete(key);
    this.readyAt.delete(key);
    const pid = entry?.child?.pid;
    if (pid && entry.child!.exitCode === null) {
      const exited = new Promise((r) => entry.child!.once('exit', r));
      try {
        process.kill(-pid, 'SIGTERM');
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }, 2_000);
      await exited;
      clearTimeout(timer);
    }
    // A runtime's children may still be writing while they die; the temp dir goes with the cluster anyway.
    if (entry?.dir) await rm(entry.dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }

  #setStatus(namespace: string, name: string, status: () => PodStatus): void {
    const pods = this.#store.typeOfKind('Pod');
    const pod = this.#store.find(pods, namespace, name);
    if (!pod) return;
    try {
      this.#store.replace(pods, namespace, name, { ...pod, status: status() }, { subresource: 'status' });
    } catch (error) {
      if (!(error instanceof ApiError && error.code === 404)) throw error;
    }
  }

  #event(namespace: string, pod: string, reason: string, message: string): void {
    const events = this.#store.typeOfKind('Event');
    this.#store.create(events, namespace, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${pod}.${randomBytes(6).toString('hex')}`, namespace },
      involvedObject: { kind: 'Pod', name: pod, namespace },
      reason,
      message,
      type: 'Warning',
      count: 1,
      lastTimestamp: new Date().toISOString(),
    });
  }
}

function running(container: ContainerSpec, ip: string, ready: boolean): PodStatus {
  return {
    phase: 'Running',
    podIP: ip,
    podIPs: [{ ip }],
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'ContainersReady', status: ready ? 'True' : 'False' },
      { type: 'Ready', status: ready ? 'True' : 'False' },
    ],
    containerStatuses: [{ name: container.name, image: container.image, ready, restartCount: 0, state: { running: { startedAt: new Date().toISOString() } } }],
  };
}

function waiting(container: ContainerSpec, reason: string, message: string): PodStatus {
  return {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
    containerStatuses: [{ name: container.name, image: container.image, ready: false, restartCount: 0, state: { waiting: { reason, message } } }],
  };
}
