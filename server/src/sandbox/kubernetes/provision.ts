import { randomBytes } from 'node:crypto';
import type { Logger } from '../../log/index.ts';
import { SandboxError } from '../driver.ts';
import { isStatus, KubeError, type KubeClient } from './kube/client.ts';
import { R } from './kube/resources.ts';
import { agentObjects, runtimeSecret, RUNTIME_TOKEN_KEY, type AgentSandboxInput } from './manifests/index.ts';
import { LABEL, MANAGED_BY, runtimeSecretName, SANDBOX_ROLE_BINDING, specHash } from './names.ts';
import type { KubernetesSettings } from './settings.ts';
import type { Secret } from './types.ts';

export type AgentTarget = { namespace: string; template: string; runtimeToken: string };

/** Objects deleted out of band come back within this long. */
const REAPPLY_AFTER_MS = 5 * 60_000;

/**
 * Makes sure an agent's namespace, Secrets, NetworkPolicy, SandboxTemplate and
 * SandboxWarmPool exist and match what Paddock renders, by server-side apply. Each
 * agent is applied once per interval (or when its definition changes), and
 * concurrent sessions of one agent share the same in-flight apply.
 */
export class AgentProvisioner {
  readonly #client: KubeClient;
  readonly #settings: KubernetesSettings;
  readonly #log: Logger;
  readonly #applied = new Map<string, { key: string; at: number; target: AgentTarget }>();
  readonly #inFlight = new Map<string, Promise<AgentTarget>>();
  readonly #namespaces = new Set<string>();

  constructor(opts: { client: KubeClient; settings: KubernetesSettings; log: Logger }) {
    this.#client = opts.client;
    this.#settings = opts.settings;
    this.#log = opts.log;
  }

  /** `onApply` is told when objects are really written (not on a cached hit). */
  async ensure(agent: AgentSandboxInput, onApply: () => void = () => undefined): Promise<AgentTarget> {
    const key = specHash({ ...agent, egressAllow: [...agent.egressAllow].sort() });
    const cached = this.#applied.get(agent.agentId);
    if (cached && cached.key === key && Date.now() - cached.at < REAPPLY_AFTER_MS) return cached.target;
    const running = this.#inFlight.get(agent.agentId);
    if (running) return running;
    onApply();
    const work = this.#apply(agent)
      .then((target) => {
        this.#applied.set(agent.agentId, { key, at: Date.now(), target });
        return target;
      })
      .finally(() => this.#inFlight.delete(agent.agentId));
    this.#inFlight.set(agent.agentId, work);
    return work;
  }

  /** Forget what was applied, so the next start re-applies (e.g. after out-of-band deletes). */
  invalidate(agentId: string): void {
    this.#applied.delete(agentId);
  }

  /** True when the claim's pool or its template is really gone (not just unseen by the controller). */
  async dependenciesMissing(namespace: string, template: string): Promise<boolean> {
    const [pool, tpl] = await Promise.all([this.#client.get(R.warmPool, namespace, template), this.#client.get(R.template, namespace, template)]);
    return !pool || !tpl;
  }

  async #apply(agent: AgentSandboxInput): Promise<AgentTarget> {
    const objects = agentObjects(agent, this.#settings);
    const { namespace, template } = objects;
    try {
      await this.#ensureNamespace(namespace, agent.teamId);
      await this.#client.apply(R.secret, objects.containerEnv);
      await this.#client.apply(R.configMap, objects.egressCa);
      const runtimeToken = await this.#ensureRuntimeToken(agent, namespace, template);
      await this.#client.apply(R.networkPolicy, objects.networkPolicy);
      await this.#client.apply(R.template, objects.sandboxTemplate);
      await this.#client.apply(R.warmPool, objects.warmPool);
      this.#log.info({ agent: agent.agentName, namespace, template }, 'agent sandbox objects applied');
      return { namespace, template, runtimeToken };
    } catch (error) {
      this.#namespaces.delete(namespace);
      throw explainApplyError(error, namespace);
    }
  }

  async #ensureNamespace(namespace: string, teamId: string): Promise<void> {
    if (this.#namespaces.has(namespace)) return;
    let exists: boolean;
    try {
      exists = (await this.#client.get(R.namespace, undefined, namespace)) !== null;
    } catch (error) {
      // Namespaced RBAC (one shared sandbox namespace) cannot read Namespace objects; it was provisioned with the chart.
      if (!isStatus(error, 403)) throw error;
      exists = true;
    }
    if (!exists) {
      try {
        await this.#client.create(R.namespace, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: {
            name: namespace,
            labels: {
              [LABEL.managedBy]: MANAGED_BY,
              [LABEL.team]: teamId,
              // Sandbox pods meet the restricted Pod Security Standard; let the cluster enforce it.
              'pod-security.kubernetes.io/enforce': 'restricted',
            },
          },
        });
      } catch (error) {
        if (isStatus(error, 403)) {
          throw new SandboxError(
            `Namespace ${namespace} does not exist and Paddock may not create namespaces. Create it (kubectl create namespace ${namespace}) or grant Paddock's service account "create" on namespaces.`,
            { terminal: true },
          );
        }
        if (!isStatus(error, 409)) throw error;
      }
    }
    await this.#ensureRoleBinding(namespace);
    this.#namespaces.add(namespace);
  }

  /** Paddock's rights in a team namespace: its sandbox ClusterRole, bound there and only there. */
  async #ensureRoleBinding(namespace: string): Promise<void> {
    const binding = this.#settings.sandboxRoleBinding;
    if (!binding) return;
    try {
      await this.#client.create(R.roleBinding, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: SANDBOX_ROLE_BINDING, namespace, labels: { [LABEL.managedBy]: MANAGED_BY } },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: binding.clusterRole },
        subjects: [{ kind: 'ServiceAccount', name: binding.serviceAccount, namespace: this.#settings.platformNamespace }],
      });
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
  }

  /** Created once and never rewritten: warm pods already read it. */
  async #ensureRuntimeToken(agent: AgentSandboxInput, namespace: string, template: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    try {
      await this.#client.create(R.secret, runtimeSecret(agent, template, namespace, token));
      return token;
    } catch (error) {
      if (!isStatus(error, 409)) throw error;
    }
    const existing = await this.#client.get(R.secret, namespace, runtimeSecretName(template));
    const value = secretValue(existing, RUNTIME_TOKEN_KEY);
    if (!value)
      throw new SandboxError(`Secret ${namespace}/${runtimeSecretName(template)} has no "${RUNTIME_TOKEN_KEY}" key; delete it and Paddock recreates it.`, {
        terminal: true,
      });
    return value;
  }
}

function secretValue(secret: Secret | null, key: string): string | undefined {
  const encoded = secret?.data?.[key];
  if (encoded) return Buffer.from(encoded, 'base64').toString('utf8');
  return secret?.stringData?.[key];
}

/** API errors that no retry fixes become terminal SandboxErrors that say what to do. */
function explainApplyError(error: unknown, namespace: string): unknown {
  if (!(error instanceof KubeError)) return error;
  if (
    error.status === 404 &&
    error.reason === 'NotFound' &&
    /sandbox(template|warmpool|claim)s?|the server could not find the requested resource/i.test(error.message)
  ) {
    return new SandboxError(
      `The agent-sandbox CRDs are not installed in this cluster (${error.message}). Install the agent-sandbox release; see deploy/README.md.`,
      { terminal: true },
    );
  }
  if (error.status === 403) {
    return new SandboxError(
      `Kubernetes denied Paddock in namespace ${namespace}: ${error.message}. Check the RBAC the Helm chart installs (deploy/helm/paddock).`,
      { terminal: true },
    );
  }
  if (error.status === 422 || error.status === 400) {
    return new SandboxError(`Kubernetes rejected an object Paddock rendered: ${error.message}. Run "pnpm paddock sandbox render" to inspect it.`, {
      terminal: true,
    });
  }
  return new SandboxError(`Could not apply the agent's sandbox objects in ${namespace}: ${error.message}`);
}
