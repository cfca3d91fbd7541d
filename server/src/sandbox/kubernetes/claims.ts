import type { Logger } from '../../log/index.ts';
import { SandboxError, type SandboxPhaseReport } from '../driver.ts';
import { boundSandboxName, readyCondition } from './conditions.ts';
import { isStatus, type KubeClient } from './kube/client.ts';
import { R } from './kube/resources.ts';
import { sandboxClaim, shutdownTime, type AgentSandboxInput } from './manifests/index.ts';
import { isSharedNamespace, LABEL, MANAGED_BY, namespaceFor } from './names.ts';
import type { KubernetesSettings } from './settings.ts';
import type { SandboxClaim } from './types.ts';

/** Claims Paddock runs (not suspended, not being deleted). */
const RUNNING_SELECTOR = `${LABEL.managedBy}=${MANAGED_BY},${LABEL.component}=session-sandbox,${LABEL.operatingMode}!=Suspended`;
const OWN_SELECTOR = `${LABEL.managedBy}=${MANAGED_BY},${LABEL.component}=session-sandbox`;

/** Reasons after which a claim can only be replaced, never revived. */
const DEAD_REASONS = new Set(['ClaimExpired', 'SandboxExpired']);

/**
 * The SandboxClaim side of a session's lifecycle: create or revive the claim, suspend
 * and resume its sandbox through `operatingMode`, delete it, and find claims by name
 * when only the name is known (after a restart).
 */
export class Claims {
  readonly #client: KubeClient;
  readonly #settings: KubernetesSettings;
  readonly #log: Logger;
  /** sandbox name → namespace, learnt on start and list, so suspend/destroy need no search. */
  readonly #namespaces = new Map<string, string>();

  constructor(opts: { client: KubeClient; settings: KubernetesSettings; log: Logger }) {
    this.#client = opts.client;
    this.#settings = opts.settings;
    this.#log = opts.log;
  }

  /** A live claim for this session: an existing one revived (and resumed), or a new one. */
  async acquire(
    session: { name: string; sessionId: string },
    agent: AgentSandboxInput,
    target: { namespace: string; template: string },
    deadline: number,
    report: SandboxPhaseReport,
  ): Promise<SandboxClaim> {
    const { namespace } = target;
    this.#namespaces.set(session.name, namespace);
    const create = () => this.#client.create(R.claim, sandboxClaim(session, agent, target.template, namespace, this.#settings, Date.now()));
    // Most starts are new sessions: try the create first and only read on a conflict.
    try {
      const created = await create();
      report('PROVISIONING', 'claimed a sandbox');
      return created;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    const claim = await this.#client.get(R.claim, namespace, session.name);
    if (!claim || claim.metadata.deletionTimestamp || DEAD_REASONS.has(readyCondition(claim)?.reason ?? '')) {
      report('PROVISIONING', 'replacing an expired sandbox claim');
      if (claim) await this.#client.delete(R.claim, namespace, session.name);
      await this.#waitGone(namespace, session.name, deadline);
      return create();
    }
    return this.#revive(claim);
  }

  /** Pushes the leak backstop out again and resumes a suspended sandbox. */
  async #revive(claim: SandboxClaim): Promise<SandboxClaim> {
    const namespace = claim.metadata.namespace!;
    const name = claim.metadata.name!;
    const sandboxName = boundSandboxName(claim);
    if (sandboxName) {
      const sandbox = await this.#client.get(R.sandbox, namespace, sandboxName);
      if (sandbox?.spec.operatingMode === 'Suspended') {
        this.#log.info({ sandbox: `${namespace}/${sandboxName}` }, 'resuming sandbox');
        await this.#client.mergePatch(R.sandbox, namespace, sandboxName, { spec: { operatingMode: 'Running' } });
      }
    }
    return this.#client.mergePatch(R.claim, namespace, name, {
      metadata: { labels: { [LABEL.operatingMode]: 'Running' } },
      spec: { lifecycle: { shutdownTime: shutdownTime(this.#settings, Date.now()) } },
    });
  }

  /**
   * Stops the pod but keeps the claim, its sandbox and any workspace volume. The claim
   * is marked first, so `running()` stops reporting it even if the second write fails.
   */
  async suspend(name: string): Promise<void> {
    const namespace = await this.namespaceOf(name);
    if (!namespace) return;
    try {
      const claim = await this.#client.mergePatch(R.claim, namespace, name, { metadata: { labels: { [LABEL.operatingMode]: 'Suspended' } } });
      const sandboxName = boundSandboxName(claim);
      if (sandboxName) await this.#client.mergePatch(R.sandbox, namespace, sandboxName, { spec: { operatingMode: 'Suspended' } });
    } catch (error) {
      if (!isStatus(error, 404)) throw error;
    }
  }

  /** Deletes the claim; the garbage collector removes its sandbox, pod and volumes. */
  async remove(name: string): Promise<void> {
    const namespace = await this.namespaceOf(name);
    if (!namespace) return;
    await this.#client.delete(R.claim, namespace, name);
    this.#namespaces.delete(name);
  }

  /** Names of the claims Paddock runs, across all team namespaces. */
  async running(): Promise<string[]> {
    const { items } = await this.#client.listAll(R.claim, this.#scope(), { labelSelector: RUNNING_SELECTOR });
    const names: string[] = [];
    for (const claim of items) {
      if (claim.metadata.deletionTimestamp || !claim.metadata.name) continue;
      this.#namespaces.set(claim.metadata.name, claim.metadata.namespace!);
      names.push(claim.metadata.name);
    }
    return names;
  }

  async namespaceOf(name: string): Promise<string | null> {
    const known = this.#namespaces.get(name);
    if (known) return known;
    const { items } = await this.#client.list(R.claim, this.#scope(), { labelSelector: OWN_SELECTOR, fieldSelector: `metadata.name=${name}` });
    const namespace = items[0]?.metadata.namespace ?? null;
    if (namespace) this.#namespaces.set(name, namespace);
    return namespace;
  }

  /** One namespace when the pattern has no `{team}`, otherwise the whole cluster. */
  #scope(): string | undefined {
    return isSharedNamespace(this.#settings.namespace) ? namespaceFor(this.#settings.namespace, '') : undefined;
  }

  async #waitGone(namespace: string, name: string, deadline: number): Promise<void> {
    while (await this.#client.get(R.claim, namespace, name)) {
      if (Date.now() > deadline) throw new SandboxError(`sandbox ${namespace}/${name}: the old claim was not deleted before the deadline`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
