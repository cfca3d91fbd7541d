import type {
  ConfigMap,
  Event,
  KubeObject,
  RoleBinding,
  NetworkPolicy,
  Namespace,
  Pod,
  Sandbox,
  SandboxClaim,
  SandboxTemplate,
  SandboxWarmPool,
  Secret,
} from '../types.ts';

/** One resource type the client may touch; the type parameter ties calls to object shapes. */
export type Resource<T extends KubeObject> = {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
  /** Phantom field carrying the object type; never set. */
  readonly _type?: T;
};

const resource = <T extends KubeObject>(group: string, version: string, kind: string, plural: string, namespaced = true): Resource<T> => ({
  group,
  version,
  kind,
  plural,
  namespaced,
});

/** Everything Paddock reads or writes in a cluster, and nothing else. */
export const R = {
  namespace: resource<Namespace>('', 'v1', 'Namespace', 'namespaces', false),
  secret: resource<Secret>('', 'v1', 'Secret', 'secrets'),
  configMap: resource<ConfigMap>('', 'v1', 'ConfigMap', 'configmaps'),
  roleBinding: resource<RoleBinding>('rbac.authorization.k8s.io', 'v1', 'RoleBinding', 'rolebindings'),
  pod: resource<Pod>('', 'v1', 'Pod', 'pods'),
  event: resource<Event>('', 'v1', 'Event', 'events'),
  networkPolicy: resource<NetworkPolicy>('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies'),
  sandbox: resource<Sandbox>('agents.x-k8s.io', 'v1beta1', 'Sandbox', 'sandboxes'),
  claim: resource<SandboxClaim>('extensions.agents.x-k8s.io', 'v1beta1', 'SandboxClaim', 'sandboxclaims'),
  template: resource<SandboxTemplate>('extensions.agents.x-k8s.io', 'v1beta1', 'SandboxTemplate', 'sandboxtemplates'),
  warmPool: resource<SandboxWarmPool>('extensions.agents.x-k8s.io', 'v1beta1', 'SandboxWarmPool', 'sandboxwarmpools'),
} as const;

export const apiVersionOf = (r: Resource<KubeObject>) => (r.group ? `${r.group}/${r.version}` : r.version);

/** Custom resources go through CustomObjectsApi, built-in kinds through KubernetesObjectApi. */
export const isCustom = (r: Resource<KubeObject>) => r.group.endsWith('agents.x-k8s.io');

/** REST collection path, e.g. `/apis/agents.x-k8s.io/v1beta1/namespaces/x/sandboxes`. */
export function collectionPath(r: Resource<KubeObject>, namespace: string | undefined): string {
  const root = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return namespace && r.namespaced ? `${root}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${root}/${r.plural}`;
}
