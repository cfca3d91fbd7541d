import { createHash } from 'node:crypto';
import { ApiError, type KObject, type ResourceType, type Store, type StoreEvent } from './store.ts';

/**
 * The agent-sandbox controllers (v1beta1), emulated in-process over the Store, after
 * upstream `controllers/sandbox_controller.go` and `extensions/controllers/*`:
 *
 * - SandboxTemplate: template-ref-hash label; a managed NetworkPolicy unless Unmanaged.
 * - SandboxWarmPool: keeps `replicas` pool-owned Sandboxes built from the template
 *   (generateName `<pool>-`), replacing stale ones under Recreate; status counts.
 * - SandboxClaim: expiry by `lifecycle.shutdownTime` (Delete/Retain), then the bound
 *   sandbox (status, adoption annotation, or the claim's name), else adoption of a
 *   warm candidate with a pod IP (Ready first; ownership moves to the claim, the
 *   sandbox keeps its pool name), else a cold Sandbox named after the claim. Missing
 *   pool or template → Ready=False WarmPoolNotFound / TemplateNotFound. The claim's
 *   Ready condition forwards the sandbox's with the claim's observedGeneration.
 * - Sandbox: one Pod per Running sandbox (deleted when Suspended), Ready from the
 *   pod's readiness and IPs, Suspended and Finished conditions, observedGeneration.
 */

type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
};
type OwnerRef = NonNullable<KObject['metadata']['ownerReferences']>[number];

const L = {
  warmPool: 'agents.x-k8s.io/warm-pool-sandbox',
  templateRefHash: 'agents.x-k8s.io/sandbox-template-ref-hash',
  templateHash: 'agents.x-k8s.io/sandbox-template-hash',
  launchType: 'agents.x-k8s.io/launch-type',
  createdBy: 'agents.x-k8s.io/created-by',
  claimUid: 'agents.x-k8s.io/claim-uid',
  sandboxNameHash: 'agents.x-k8s.io/sandbox-name-hash',
};
const A = { assigned: 'agents.x-k8s.io/sandbox-name', podName: 'agents.x-k8s.io/pod-name', templateRef: 'agents.x-k8s.io/sandbox-template-ref' };

const EXT = 'extensions.agents.x-k8s.io';
const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** upstream NameHash: 8 hex digits of a 32-bit hash of the name. */
export function nameHash(name: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(name)) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}

const controllerOf = (o: KObject) => o.metadata.ownerReferences?.find((r) => r.controller);
const controlledBy = (o: KObject, owner: KObject) => controllerOf(o)?.uid === owner.metadata.uid;
const ownerRef = (owner: KObject): OwnerRef =>
  ({
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  }) as OwnerRef;
const conditions = (o: KObject | undefined) => (o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
const condition = (o: KObject | undefined, type: string) => conditions(o).find((c) => c.type === type);

/** Keeps lastTransitionTime when the status does not change, like meta.SetStatusCondition. */
function setCondition(list: Condition[], next: Omit<Condition, 'lastTransitionTime'>): Condition[] {
  const old = list.find((c) => c.type === next.type);
  const merged: Condition = { ...next, lastTransitionTime: old && old.status === next.status ? old.lastTransitionTime : now() };
  return [...list.filter((c) => c.type !== next.type), merged].sort((a, b) => a.type.localeCompare(b.type));
}

export type ClaimTimeline = { created: number; bound?: number; launch?: 'warm' | 'cold'; ready?: number };

export class FakeController {
  readonly #store: Store;
  readonly #queue = new Set<string>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #scheduled = false;
  #unsubscribe: (() => void) | null = null;
  #stopped = false;
  /** Per claim (`ns/name`): when it appeared, was bound, and its sandbox became Ready. */
  readonly timeline = new Map<string, ClaimTimeline>();
  /** Milliseconds spent inside reconcile functions. */
  busyMs = 0;
  errors: string[] = [];

  constructor(store: Store) {
    this.#store = store;
  }

  start(): void {
    this.#unsubscribe = this.#store.subscribe((event) => this.#onEvent(event));
    for (const t of ['sandboxtemplates', 'sandboxwarmpools', 'sandboxclaims', 'sandboxes'] as const) {
      for (const o of this.#store.scan(this.#type(t), undefined)) this.#enqueue(t, o);
    }
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe?.();
    for (const timer of this.#timers) clearTimeout(timer);
  }

  #type(plural: 'sandboxtemplates' | 'sandboxwarmpools' | 'sandboxclaims' | 'sandboxes' | 'pods' | 'networkpolicies'): ResourceType {
    const group = plural === 'sandboxes' ? 'agents.x-k8s.io' : plural === 'pods' ? '' : plural === 'networkpolicies' ? 'networking.k8s.io' : EXT;
    return this.#store.type(group, plural)!;
  }

  #enqueue(plural: string, o: { metadata: { namespace?: string; name?: string } }, name = o.metadata.name): void {
    if (this.#stopped || !name) return;
    this.#queue.add(`${plural}/${o.metadata.namespace}/${name}`);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.#drain());
  }

  #later(ms: number, plural: string, namespace: string, name: string): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(plural, { metadata: { namespace, name } });
    }, ms);
    this.#timers.add(timer);
  }

  #onEvent(event: StoreEvent): void {
    const o = event.object;
    const ns = o.metadata.namespace!;
    switch (event.resource.plural) {
      case 'sandboxtemplates':
        this.#enqueue('sandboxtemplates', o);
        for (const pool of this.#store.scan(this.#type('sandboxwarmpools'), ns)) this.#enqueue('sandboxwarmpools', pool);
        for (const claim of this.#store.scan(this.#type('sandboxclaims'), ns)) this.#enqueue('sandboxclaims', claim);
        break;
      case 'sandboxwarmpools':
        this.#enqueue('sandboxwarmpools', o);
        for (const claim of this.#store.scan(this.#type('sandboxclaims'), ns)) {
          if ((claim.spec as { warmPoolRef: { name: string } }).warmPoolRef.name === o.metadata.name) this.#enqueue('sandboxclaims', claim);
        }
        break;
      case 'sandboxclaims':
        if (event.type === 'ADDED') this.timeline.set(`${ns}/${o.metadata.name}`, { created: Date.now() });
        if (event.type === 'DELETED') this.timeline.delete(`${ns}/${o.metadata.name}`);
        this.#enqueue('sandboxclaims', o);
        break;
      case 'sandboxes': {
        this.#enqueue('sandboxes', o);
        for (const ref of [controllerOf(o), event.previous && controllerOf(event.previous)]) {
          if (ref?.kind === 'SandboxClaim') this.#enqueue('sandboxclaims', o, ref.name);
          if (ref?.kind === 'SandboxWarmPool') {
            this.#enqueue('sandboxwarmpools', o, ref.name);
            // A warm sandbox becoming adoptable may unblock waiting claims.
            for (const claim of this.#store.scan(this.#type('sandboxclaims'), ns)) {
              if (!(claim.status as { sandbox?: { name?: string } } | undefined)?.sandbox?.name) this.#enqueue('sandboxclaims', claim);
            }
          }
        }
        break;
      }
      case 'pods': {
        const ref = controllerOf(o);
        if (ref?.kind === 'Sandbox') this.#enqueue('sandboxes', o, ref.name);
        break;
      }
    }
  }

  #drain(): void {
    this.#scheduled = false;
    const keys = [...this.#queue];
    this.#queue.clear();
    for (const key of keys) {
      if (this.#stopped) return;
      const [plural, namespace, name] = key.split('/') as [string, string, string];
      const started = performance.now();
      try {
        if (plural === 'sandboxtemplates') this.#reconcileTemplate(namespace, name);
        else if (plural === 'sandboxwarmpools') this.#reconcilePool(namespace, name);
        else if (plural === 'sandboxclaims') this.#reconcileClaim(namespace, name);
        else if (plural === 'sandboxes') this.#reconcileSandbox(namespace, name);
      } catch (error) {
        // Conflicts and races are retried like a controller's rate-limited requeue.
        this.errors.push(`${key}: ${(error as Error).message}`);
        this.#later(20, plural, namespace, name);
      } finally {
        this.busyMs += performance.now() - started;
      }
    }
  }

  #mergePatch(t: ResourceType, ns: string, name: string, patch: object): KObject {
    return this.#store.patch(t, ns, name, 'application/merge-patch+json', patch as never);
  }

  #writeStatus(t: ResourceType, o: KObject, status: Record<string, unknown>): void {
    if (JSON.stringify(o.status ?? {}) === JSON.stringify(status)) return;
    this.#store.replace(t, o.metadata.namespace, o.metadata.name!, { ...o, status }, { subresource: 'status' });
  }

  // --- SandboxTemplate -------------------------------------------------------

  #reconcileTemplate(ns: string, name: string): void {
    const t = this.#type('sandboxtemplates');
    const tpl = this.#store.find(t, ns, name);
    if (!tpl || tpl.metadata.deletionTimestamp) return;
    if (tpl.metadata.labels?.[L.templateRefHash] !== nameHash(name))
      this.#mergePatch(t, ns, name, { metadata: { labels: { [L.templateRefHash]: nameHash(name) } } });
    const spec = tpl.spec as { networkPolicyManagement?: string; networkPolicy?: { ingress?: unknown[]; egress?: unknown[] } };
    const np = this.#type('networkpolicies');
    const npName = `${name}-network-policy`;
    const existing = this.#store.find(np, ns, npName);
    if (spec.networkPolicyManagement === 'Unmanaged') {
      if (existing && controlledBy(existing, tpl)) this.#store.delete(np, ns, npName);
      return;
    }
    const desired = {
      podSelector: { matchLabels: { [L.templateRefHash]: nameHash(name) } },
      policyTypes: ['Ingress', 'Egress'],
      ...(spec.networkPolicy
        ? { ingress: spec.networkPolicy.ingress ?? [], egress: spec.networkPolicy.egress ?? [] }
        : { ingress: [], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'] } }] }] }),
    };
    if (!existing) {
      this.#store.create(np, ns, {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: npName, namespace: ns, ownerReferences: [ownerRef(tpl)] },
        spec: desired,
      });
    } else if (controlledBy(existing, tpl) && JSON.stringify(existing.spec) !== JSON.stringify(desired)) {
      this.#store.replace(np, ns, npName, { ...existing, spec: desired });
    }
  }

  // --- SandboxWarmPool -------------------------------------------------------

  #blueprintHash(tpl: KObject): string {
    const spec = tpl.spec as Record<string, unknown>;
    return createHash('sha256')
      .update(JSON.stringify([spec.podTemplate, spec.volumeClaimTemplates ?? null, spec.service ?? null]))
      .digest('hex')
      .slice(0, 10);
  }

  /** A Sandbox carrying the template's blueprint, with the controller's secure defaults. */
  #sandboxFrom(tpl: KObject, meta: KObject['metadata'], podLabels: Record<string, string>): KObject {
    const spec = structuredClone(tpl.spec) as {
      podTemplate: { metadata?: { labels?: Record<string, string> }; spec: Record<string, unknown> };
      volumeClaimTemplates?: unknown[];
      service?: boolean;
      networkPolicyManagement?: string;
      networkPolicy?: unknown;
    };
    const pod = spec.podTemplate;
    pod.metadata = { ...pod.metadata, labels: { ...pod.metadata?.labels, ...podLabels } };
    pod.spec.automountServiceAccountToken ??= false;
    if (spec.networkPolicyManagement !== 'Unmanaged' && !spec.networkPolicy && !pod.spec.dnsPolicy) {
      pod.spec.dnsPolicy = 'None';
      pod.spec.dnsConfig = { nameservers: ['8.8.8.8', '1.1.1.1'] };
    }
    return {
      apiVersion: 'agents.x-k8s.io/v1beta1',
      kind: 'Sandbox',
      metadata: meta,
      spec: {
        podTemplate: pod,
        ...(spec.volumeClaimTemplates ? { volumeClaimTemplates: spec.volumeClaimTemplates } : {}),
        ...(spec.service !== undefined ? { service: spec.service } : {}),
      },
    };
  }

  #reconcilePool(ns: string, name: string): void {
    const t = this.#type('sandboxwarmpools');
    const pool = this.#store.find(t, ns, name);
    if (!pool || pool.metadata.deletionTimestamp) return;
    const spec = pool.spec as { replicas?: number; sandboxTemplateRef: { name: string }; updateStrategy?: { type?: string } };
    const tpl = this.#store.find(this.#type('sandboxtemplates'), ns, spec.sandboxTemplateRef.name);
    const sandboxes = this.#type('sandboxes');
    let members = this.#store.scan(sandboxes, ns).filter((s) => controlledBy(s, pool) && !s.metadata.deletionTimestamp);
    const hash = tpl ? this.#blueprintHash(tpl) : '';
    if (tpl && spec.updateStrategy?.type === 'Recreate') {
      for (const stale of members.filter((s) => s.metadata.labels?.[L.templateHash] !== hash)) this.#store.delete(sandboxes, ns, stale.metadata.name!);
      members = members.filter((s) => s.metadata.labels?.[L.templateHash] === hash);
    }
    const desired = spec.replicas ?? 1;
    const poolHash = nameHash(name);
    if (tpl) {
      for (let i = members.length; i < desired; i++) {
        const labels = {
          [L.warmPool]: poolHash,
          [L.templateRefHash]: nameHash(spec.sandboxTemplateRef.name),
          [L.launchType]: 'warm',
          [L.templateHash]: hash,
          [L.createdBy]: 'controller',
        };
        const created = this.#store.create(
          sandboxes,
          ns,
          this.#sandboxFrom(
            tpl,
            { generateName: `${name}-`, namespace: ns, labels, annotations: { [A.templateRef]: tpl.metadata.name! }, ownerReferences: [ownerRef(pool)] },
            {
              [L.warmPool]: poolHash,
              [L.templateRefHash]: nameHash(spec.sandboxTemplateRef.name),
              [L.templateHash]: hash,
            },
          ),
        );
        members.push(created);
      }
    }
    for (const extra of members.slice(desired)) this.#store.delete(sandboxes, ns, extra.metadata.name!);
    members = members.slice(0, desired);
    this.#writeStatus(t, pool, {
      replicas: members.length,
      readyReplicas: members.filter((s) => condition(s, 'Ready')?.status === 'True').length,
      selector: `${L.warmPool}=${poolHash}`,
      observedGeneration: pool.metadata.generation,
    });
  }

  // --- SandboxClaim ----------------------------------------------------------

  #reconcileClaim(ns: string, name: string): void {
    const t = this.#type('sandboxclaims');
    const sandboxes = this.#type('sandboxes');
    let claim = this.#store.find(t, ns, name);
    if (!claim || claim.metadata.deletionTimestamp) return;
    const key = `${ns}/${name}`;
    if (!this.timeline.has(key)) this.timeline.set(key, { created: Date.now() });
    const spec = claim.spec as { warmPoolRef: { name: string }; lifecycle?: { shutdownTime?: string; shutdownPolicy?: string } };
    const gen = claim.metadata.generation;
    const status = (claim.status ?? {}) as { conditions?: Condition[]; sandbox?: { name?: string; podIPs?: string[] } };

    const shutdownAt = spec.lifecycle?.shutdownTime ? Date.parse(spec.lifecycle.shutdownTime) : undefined;
    if (shutdownAt !== undefined && shutdownAt <= Date.now()) {
      const policy = spec.lifecycle?.shutdownPolicy ?? 'Retain';
      if (policy === 'Delete' || policy === 'DeleteForeground') {
        this.#store.delete(t, ns, name);
        return;
      }
      const bound = status.sandbox?.name ?? name;
      const sandbox = this.#store.find(sandboxes, ns, bound);
      if (sandbox && controlledBy(sandbox, claim)) this.#store.delete(sandboxes, ns, bound);
      this.#writeStatus(t, claim, {
        conditions: setCondition(status.conditions ?? [], {
          type: 'Ready',
          status: 'False',
          reason: 'ClaimExpired',
          message: 'Claim expired. Sandbox cleanup initiated.',
          observedGeneration: gen,
        }),
      });
      return;
    }
    if (shutdownAt !== undefined) this.#later(Math.min(shutdownAt - Date.now() + 5, 2 ** 31 - 1), 'sandboxclaims', ns, name);

    let sandbox: KObject | undefined;
    let failure: { reason: string; message: string } | undefined;
    const candidate = (n: string | undefined) => (n ? this.#store.find(sandboxes, ns, n) : undefined);

    const fromStatus = candidate(status.sandbox?.name);
    if (fromStatus && controlledBy(fromStatus, claim)) sandbox = fromStatus;
    if (!sandbox) {
      const assignedName = claim.metadata.annotations?.[A.assigned];
      const assigned = candidate(assignedName);
      if (assigned && controlledBy(assigned, claim)) sandbox = assigned;
      else if (assigned && controllerOf(assigned)?.kind === 'SandboxWarmPool' && controllerOf(assigned)?.name === spec.warmPoolRef.name)
        sandbox = this.#completeAdoption(claim, assigned);
      else if (assignedName) claim = this.#mergePatch(t, ns, name, { metadata: { annotations: { [A.assigned]: null } } });
    }
    if (!sandbox) {
      const byName = candidate(name);
      if (byName && controlledBy(byName, claim)) sandbox = byName;
      else if (byName) failure = { reason: 'ReconcilerError', message: `Error seen: sandbox "${name}" is not controlled by claim "${name}"` };
    }
    if (!sandbox && !failure) {
      const pool = this.#store.find(this.#type('sandboxwarmpools'), ns, spec.warmPoolRef.name);
      if (!pool) failure = { reason: 'WarmPoolNotFound', message: `SandboxWarmPool "${spec.warmPoolRef.name}" not found` };
      else {
        const adopted = this.#adopt(claim, pool);
        if (adopted === 'pending') return;
        if (adopted) {
          sandbox = adopted;
        } else {
          const templateName = (pool.spec as { sandboxTemplateRef: { name: string } }).sandboxTemplateRef.name;
          const tpl = this.#store.find(this.#type('sandboxtemplates'), ns, templateName);
          if (!tpl) failure = { reason: 'TemplateNotFound', message: `SandboxTemplate "${templateName}" of SandboxWarmPool "${pool.metadata.name}" not found` };
          else sandbox = this.#coldStart(claim, tpl);
        }
      }
    }

    const line = this.timeline.get(key)!;
    if (sandbox && !line.bound) {
      line.bound = Date.now();
      line.launch = sandbox.metadata.labels?.[L.launchType] === 'warm' ? 'warm' : 'cold';
    }
    let ready: Omit<Condition, 'lastTransitionTime'>;
    if (failure) ready = { type: 'Ready', status: 'False', ...failure, observedGeneration: gen };
    else if (!sandbox) ready = { type: 'Ready', status: 'False', reason: 'SandboxMissing', message: 'Sandbox does not exist', observedGeneration: gen };
    else {
      const forwarded = condition(sandbox, 'Ready');
      ready = forwarded
        ? { type: 'Ready', status: forwarded.status, reason: forwarded.reason, message: forwarded.message, observedGeneration: gen }
        : { type: 'Ready', status: 'False', reason: 'SandboxNotReady', message: 'Sandbox is not ready', observedGeneration: gen };
      if (forwarded?.status === 'True' && line.ready === undefined) line.ready = Date.now();
    }
    const next: Record<string, unknown> = { conditions: setCondition(status.conditions ?? [], ready) };
    if (sandbox)
      next.sandbox = {
        name: sandbox.metadata.name,
        ...((sandbox.status as { podIPs?: string[] } | undefined)?.podIPs ? { podIPs: (sandbox.status as { podIPs: string[] }).podIPs } : {}),
      };
    else if (status.sandbox && failure?.reason !== 'ReconcilerError') next.sandbox = undefined;
    this.#writeStatus(t, this.#store.find(t, ns, name) ?? claim, JSON.parse(JSON.stringify(next)) as Record<string, unknown>);
  }

  /** A warm candidate with a pod IP, Ready ones first; 'pending' while young claims wait for IPs. */
  #adopt(claim: KObject, pool: KObject): KObject | null | 'pending' {
    const sandboxes = this.#type('sandboxes');
    const members = this.#store
      .scan(sandboxes, claim.metadata.namespace)
      .filter((s) => controlledBy(s, pool) && !s.metadata.deletionTimestamp && s.metadata.labels?.[L.warmPool]);
    const withIp = members.filter((s) => ((s.status as { podIPs?: string[] } | undefined)?.podIPs ?? []).length > 0);
    const pick = withIp.find((s) => condition(s, 'Ready')?.status === 'True') ?? withIp[0];
    if (!pick) {
      const young = Date.now() - Date.parse(claim.metadata.creationTimestamp!) < 2_000;
      if (members.length > 0 && young) {
        this.#later(100, 'sandboxclaims', claim.metadata.namespace!, claim.metadata.name!);
        return 'pending';
      }
      return null;
    }
    const claims = this.#type('sandboxclaims');
    const annotated = this.#mergePatch(claims, claim.metadata.namespace!, claim.metadata.name!, {
      metadata: { resourceVersion: claim.metadata.resourceVersion, annotations: { [A.assigned]: pick.metadata.name } },
    });
    return this.#completeAdoption(annotated, pick);
  }

  #completeAdoption(claim: KObject, sandbox: KObject): KObject {
    const labels = { ...sandbox.metadata.labels, [L.launchType]: 'warm', [L.claimUid]: claim.metadata.uid! };
    delete labels[L.warmPool];
    delete labels[L.templateHash];
    const spec = structuredClone(sandbox.spec) as { podTemplate: { metadata?: { labels?: Record<string, string> } } };
    const podLabels = { ...spec.podTemplate.metadata?.labels, [L.claimUid]: claim.metadata.uid! };
    delete podLabels[L.warmPool];
    delete podLabels[L.templateHash];
    spec.podTemplate.metadata = { ...spec.podTemplate.metadata, labels: podLabels };
    return this.#store.replace(this.#type('sandboxes'), sandbox.metadata.namespace, sandbox.metadata.name!, {
      ...sandbox,
      metadata: {
        ...sandbox.metadata,
        labels,
        annotations: { ...sandbox.metadata.annotations, [A.podName]: sandbox.metadata.name! },
        ownerReferences: [ownerRef(claim)],
      },
      spec,
    });
  }

  #coldStart(claim: KObject, tpl: KObject): KObject {
    const ns = claim.metadata.namespace!;
    const labels = { [L.claimUid]: claim.metadata.uid!, [L.launchType]: 'cold', [L.templateRefHash]: nameHash(tpl.metadata.name!) };
    const sandbox = this.#sandboxFrom(
      tpl,
      { name: claim.metadata.name, namespace: ns, labels, annotations: { [A.templateRef]: tpl.metadata.name! }, ownerReferences: [ownerRef(claim)] },
      { [L.claimUid]: claim.metadata.uid!, [L.templateRefHash]: nameHash(tpl.metadata.name!) },
    );
    try {
      return this.#store.create(this.#type('sandboxes'), ns, sandbox);
    } catch (error) {
      if (error instanceof ApiError && error.code === 409) return this.#store.get(this.#type('sandboxes'), ns, claim.metadata.name!);
      throw error;
    }
  }

  // --- Sandbox ---------------------------------------------------------------

  #reconcileSandbox(ns: string, name: string): void {
    const t = this.#type('sandboxes');
    const pods = this.#type('pods');
    const sandbox = this.#store.find(t, ns, name);
    if (!sandbox || sandbox.metadata.deletionTimestamp) return;
    const spec = sandbox.spec as {
      operatingMode?: string;
      podTemplate: { metadata?: { labels?: Record<string, string> }; spec: Record<string, unknown> };
      volumeClaimTemplates?: { metadata: { name: string } }[];
    };
    const gen = sandbox.metadata.generation;
    const podName = sandbox.metadata.annotations?.[A.podName] ?? name;
    let pod = this.#store.find(pods, ns, podName);
    if (pod && !controlledBy(pod, sandbox)) pod = undefined;
    const prior = ((sandbox.status ?? {}) as { conditions?: Condition[] }).conditions ?? [];
    let list = prior;

    if (spec.operatingMode === 'Suspended') {
      if (pod) this.#store.delete(pods, ns, podName);
      list = setCondition(list, {
        type: 'Suspended',
        status: 'True',
        reason: 'PodTerminated',
        message: 'Pod has been terminated. Sandbox is suspended',
        observedGeneration: gen,
      });
      list = setCondition(list, { type: 'Ready', status: 'False', reason: 'SandboxSuspended', message: 'Sandbox is suspended', observedGeneration: gen });
      this.#writeStatus(t, sandbox, { conditions: list.filter((c) => c.type !== 'Finished') });
      return;
    }
    if (!pod) {
      const volumes = [
        ...(((spec.podTemplate.spec.volumes as unknown[]) ?? []) as unknown[]),
        ...(spec.volumeClaimTemplates ?? []).map((v) => ({ name: v.metadata.name, persistentVolumeClaim: { claimName: `${v.metadata.name}-${name}` } })),
      ];
      pod = this.#store.create(pods, ns, {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace: ns,
          labels: { ...spec.podTemplate.metadata?.labels, [L.sandboxNameHash]: nameHash(name) },
          ownerReferences: [ownerRef(sandbox)],
        },
        spec: { ...spec.podTemplate.spec, volumes, nodeName: 'fake-node' },
      });
    }
    const podStatus = (pod.status ?? {}) as { phase?: string; podIPs?: { ip: string }[]; conditions?: { type: string; status: string }[] };
    const podIPs = (podStatus.podIPs ?? []).map((p) => p.ip);
    const podReady = podStatus.phase === 'Running' && podStatus.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && podIPs.length > 0;
    list = setCondition(list, { type: 'Suspended', status: 'False', reason: 'NotSuspended', message: 'Sandbox is not suspended', observedGeneration: gen });
    if (podStatus.phase === 'Failed' || podStatus.phase === 'Succeeded') {
      const reason = podStatus.phase === 'Failed' ? 'PodFailed' : 'PodSucceeded';
      list = setCondition(list, {
        type: 'Finished',
        status: 'True',
        reason,
        message: podStatus.phase === 'Failed' ? 'Pod failed' : 'Pod completed successfully',
        observedGeneration: gen,
      });
      list = setCondition(list, {
        type: 'Ready',
        status: 'False',
        reason,
        message: podStatus.phase === 'Failed' ? 'Pod failed' : 'Pod completed successfully',
        observedGeneration: gen,
      });
    } else {
      list = list.filter((c) => c.type !== 'Finished');
      const message = podReady
        ? 'Pod is Ready'
        : podStatus.phase === 'Running'
          ? 'Pod is Running but not Ready'
          : `Pod exists with phase: ${podStatus.phase ?? 'Pending'}`;
      list = setCondition(list, {
        type: 'Ready',
        status: podReady ? 'True' : 'False',
        reason: podReady ? 'DependenciesReady' : 'DependenciesNotReady',
        message,
        observedGeneration: gen,
      });
    }
    this.#writeStatus(t, sandbox, {
      conditions: list,
      ...(podIPs.length > 0 ? { podIPs } : {}),
      nodeName: 'fake-node',
      selector: `${L.sandboxNameHash}=${nameHash(name)}`,
    });
  }
}
