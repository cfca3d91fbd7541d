import { createHash } from 'node:crypto';

/** API groups and versions of the agent-sandbox resources Paddock uses. */
export const SANDBOX_API = 'agents.x-k8s.io/v1beta1';
export const EXTENSIONS_API = 'extensions.agents.x-k8s.io/v1beta1';

/** Labels Paddock puts on everything it writes, so `kubectl -l` finds it. */
export const LABEL = {
  name: 'app.kubernetes.io/name',
  instance: 'app.kubernetes.io/instance',
  component: 'app.kubernetes.io/component',
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  session: 'paddock.dev/session',
  agent: 'paddock.dev/agent',
  agentName: 'paddock.dev/agent-name',
  team: 'paddock.dev/team',
  harness: 'paddock.dev/harness',
  template: 'paddock.dev/template',
  /** On claims: `Suspended` while Paddock has the sandbox suspended, so `list()` can skip it. */
  operatingMode: 'paddock.dev/operating-mode',
} as const;

/** Set by the agent-sandbox claim controller on the sandboxes it binds: `warm` (adopted from the pool) or `cold`. */
export const LAUNCH_TYPE_LABEL = 'agents.x-k8s.io/launch-type';

export const ANNOTATION = {
  specHash: 'paddock.dev/spec-hash',
  /** Written by the agent-sandbox claim controller when it adopts a warm sandbox. */
  assignedSandbox: 'agents.x-k8s.io/sandbox-name',
  podName: 'agents.x-k8s.io/pod-name',
} as const;

export const MANAGED_BY = 'paddock';
export const FIELD_MANAGER = 'paddock';

/** Container and port names inside every sandbox pod. */
export const RUNTIME_CONTAINER = 'runtime';
export const RUNTIME_PORT_NAME = 'runtime';

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isDns1035Label(value: string): boolean {
  return value.length <= 63 && DNS1035.test(value);
}

/** Label values: at most 63 of [A-Za-z0-9_.-], alphanumeric at both ends (or empty). */
export function isLabelValue(value: string): boolean {
  return value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value);
}

/** A label value derived from free text: invalid characters replaced, trimmed to 63. */
export function toLabelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

const hex = (id: string) => id.replaceAll('-', '').toLowerCase();

/**
 * `pa-<agent uuid hex>`: the agent's SandboxTemplate and SandboxWarmPool. Derived from the
 * id, not the name, so renaming an agent never orphans its objects; 35 characters leave
 * room for the pool's `<name>-xxxxx` sandboxes and the `-runtime`/`-egress` suffixes.
 */
export function templateName(agentId: string): string {
  return `pa-${hex(agentId)}`;
}

export const runtimeSecretName = (template: string) => `${template}-runtime`;
export const networkPolicyName = (template: string) => `${template}-egress`;
/** One per namespace: the platform's `CONTAINER_ENV_*` values. */
export const CONTAINER_ENV_SECRET = 'paddock-container-env';

/**
 * The team's namespace from the configured pattern (`{team}` is the team id). Results
 * longer than 63 characters keep a hash suffix so two teams never share a namespace.
 */
export function namespaceFor(pattern: string, teamId: string): string {
  const raw = pattern.replaceAll('{team}', hex(teamId)).toLowerCase();
  if (raw.length <= 63) return raw;
  const digest = createHash('sha256').update(raw).digest('hex').slice(0, 8);
  return `${raw.slice(0, 54).replace(/-+$/, '')}-${digest}`;
}

/** Whether one namespace serves every team (the pattern has no `{team}`). */
export function isSharedNamespace(pattern: string): boolean {
  return !pattern.includes('{team}');
}

/** A short stable digest of any JSON value, for change detection annotations. */
export function specHash(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

/** Per namespace: Paddock's egress CA for sandbox pods. */
export const EGRESS_CA_CONFIG_MAP = 'paddock-egress-ca';
/** Per managed namespace: binds Paddock's service account to its sandbox ClusterRole. */
export const SANDBOX_ROLE_BINDING = 'paddock-sandboxes';
