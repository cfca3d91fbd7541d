import type { KubeConfig } from '@kubernetes/client-node';
import type { Logger } from '../../log/index.ts';
import { SandboxError, type SandboxDriver, type SandboxPhaseReport, type SandboxSpec, type StartedSandbox } from '../driver.ts';
import { AccessGateway, type Upstream } from './access/gateway.ts';
import { PortForwardTunnels } from './access/tunnel.ts';
import { Claims } from './claims.ts';
import { KubeClient } from './kube/client.ts';
import { LAUNCH_TYPE_LABEL } from './names.ts';
import type { AgentSandboxInput } from './manifests/index.ts';
import { AgentProvisioner } from './provision.ts';
import { waitForSandbox, type ReadySandbox } from './readiness.ts';
import type { KubernetesSettings } from './settings.ts';

/** Where each step of the last starts went, for logs and the benchmark. */
export type StartTiming = { name: string; applyMs: number; claimMs: number; readyMs: number; accessMs: number; totalMs: number };

/**
 * Runs each session in a pod through agent-sandbox v1beta1: per agent a
 * SandboxTemplate, SandboxWarmPool, NetworkPolicy and runtime Secret; per session a
 * SandboxClaim. Readiness comes from watching the claim, its sandbox and pod; the
 * worker reaches runtimes through a loopback gateway (pod IP in-cluster, port-forward
 * from outside). Suspend flips the sandbox's operatingMode, destroy deletes the claim.
 */
export class KubernetesSandboxDriver implements SandboxDriver {
  readonly kind = 'kubernetes' as const;
  readonly client: KubeClient;
  readonly #settings: KubernetesSettings;
  readonly #log: Logger;
  readonly #provisioner: AgentProvisioner;
  readonly #claims: Claims;
  readonly #gateway: AccessGateway;
  readonly #tunnels: PortForwardTunnels;
  readonly #onTiming: ((timing: StartTiming) => void) | undefined;

  private constructor(opts: {
    client: KubeClient;
    settings: KubernetesSettings;
    log: Logger;
    gateway: AccessGateway;
    onTiming: ((timing: StartTiming) => void) | undefined;
  }) {
    this.client = opts.client;
    this.#settings = opts.settings;
    this.#log = opts.log;
    this.#gateway = opts.gateway;
    this.#provisioner = new AgentProvisioner({ client: this.client, settings: this.#settings, log: this.#log });
    this.#claims = new Claims({ client: this.client, settings: this.#settings, log: this.#log });
    this.#tunnels = new PortForwardTunnels(this.client.kubeConfig, this.#log);
    this.#onTiming = opts.onTiming;
  }

  static async create(opts: {
    kubeConfig: KubeConfig;
    settings: KubernetesSettings;
    log: Logger;
    onTiming?: (timing: StartTiming) => void;
  }): Promise<KubernetesSandboxDriver> {
    const log = opts.log.child({ component: 'kubernetes-sandbox' });
    if (!opts.settings.gatewayUrl) {
      log.warn(
        'No LITELLM_API_BASE: the offline mock model listens inside the worker, which pods in a cluster cannot reach. Set LITELLM_API_BASE for Kubernetes sandboxes.',
      );
    }
    const gateway = await AccessGateway.start(log);
    return new KubernetesSandboxDriver({ client: new KubeClient(opts.kubeConfig), settings: opts.settings, log, gateway, onTiming: opts.onTiming });
  }

  start(spec: SandboxSpec, opts: { deadline: number; report: SandboxPhaseReport }): Promise<StartedSandbox> {
    // Every step has its own deadline handling; this bounds API calls that never answer.
    return beforeDeadline(this.#start(spec, opts), opts.deadline + 5_000, `sandbox ${spec.name}: starting`);
  }

  async #start(spec: SandboxSpec, { deadline, report }: { deadline: number; report: SandboxPhaseReport }): Promise<StartedSandbox> {
    const started = Date.now();
    const agent: AgentSandboxInput = {
      agentId: spec.agentId,
      agentName: spec.agentName,
      teamId: spec.teamId,
      harness: spec.harness,
      egressAllow: spec.egressAllow,
    };
    const target = await beforeDeadline(
      this.#provisioner.ensure(agent, () => report('PROVISIONING', 'applying the agent sandbox template')),
      deadline,
      `sandbox ${spec.name}: applying the agent's objects`,
    );
    const applied = Date.now();

    await this.#claims.acquire({ name: spec.name, sessionId: spec.sessionId }, agent, target, deadline, report);
    const claimed = Date.now();

    const ready = await waitForSandbox({
      client: this.client,
      namespace: target.namespace,
      claimName: spec.name,
      deadline,
      report,
      log: this.#log,
      dependenciesMissing: async () => {
        const missing = await this.#provisioner.dependenciesMissing(target.namespace, target.template);
        if (missing) this.#provisioner.invalidate(spec.agentId);
        return missing;
      },
    });
    const readyAt = Date.now();

    const upstream = this.#upstream(spec, target.namespace, ready);
    const url = this.#gateway.register(spec.name, { sessionToken: spec.token, runtimeToken: target.runtimeToken, upstream });
    await checkRuntime(url, spec.token, deadline, `${target.namespace}/${spec.name}`);
    const done = Date.now();
    // No report('READY') here: the service writes reports without waiting, so one sent now
    // can land after its own final READY write and turn the sandbox back to PROVISIONING.
    const timing = {
      name: spec.name,
      applyMs: applied - started,
      claimMs: claimed - applied,
      readyMs: readyAt - claimed,
      accessMs: done - readyAt,
      totalMs: done - started,
    };
    this.#log.debug(timing, 'sandbox started');
    this.#onTiming?.(timing);
    // The claim controller labels each sandbox with how it was launched: adopted from the warm pool or started cold.
    return { url, launch: ready.sandbox.metadata.labels?.[LAUNCH_TYPE_LABEL] === 'warm' ? 'warm' : 'cold' };
  }

  async suspend(name: string): Promise<void> {
    this.#forget(name);
    await this.#claims.suspend(name);
  }

  async destroy(name: string): Promise<void> {
    this.#forget(name);
    await this.#claims.remove(name);
  }

  list(): Promise<string[]> {
    return this.#claims.running();
  }

  async close(): Promise<void> {
    this.#tunnels.closeAll();
    await this.#gateway.close();
  }

  #forget(name: string): void {
    this.#gateway.unregister(name);
    this.#tunnels.close(name);
  }

  #upstream(spec: SandboxSpec, namespace: string, ready: ReadySandbox): () => Promise<Upstream> {
    const port = spec.harness.port;
    if (this.#settings.access === 'port-forward') return () => this.#tunnels.open(spec.name, namespace, ready.podName, port);
    const host = ready.podIP;
    if (!host) return () => Promise.reject(new Error('the sandbox has no pod IP'));
    return () => Promise.resolve({ host, port });
  }
}

function beforeDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SandboxError(`${what} did not finish before the deadline`)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * An authenticated health call through the gateway: proves the route, the token
 * translation and the runtime itself, not just the kubelet's unauthenticated probe.
 */
async function checkRuntime(url: string, token: string, deadline: number, name: string): Promise<void> {
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/v1/health`, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(Math.max(100, Math.min(2_000, deadline - Date.now()))),
      });
      await res.body?.cancel();
      if (res.ok) return;
      if (res.status === 401) {
        throw new SandboxError(
          `sandbox ${name}: the runtime rejected the agent's token; its runtime Secret changed under running pods. Delete the agent's warm sandboxes so they restart with the current Secret.`,
          { terminal: true },
        );
      }
      last = `HTTP ${res.status}`;
    } catch (error) {
      if (error instanceof SandboxError) throw error;
      last = (error as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new SandboxError(`sandbox ${name}: the runtime was Ready in Kubernetes but did not answer its health check before the deadline (${last})`);
}
