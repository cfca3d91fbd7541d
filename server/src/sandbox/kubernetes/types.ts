/**
 * The parts of the Kubernetes and agent-sandbox v1beta1 objects Paddock writes or
 * reads. Field names follow the upstream CRDs exactly; anything Paddock never
 * touches is left out rather than typed loosely.
 */

export type Labels = Record<string, string>;

export type ObjectMeta = {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Labels;
  annotations?: Labels;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
};

export type OwnerReference = { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean };

export type KubeObject = { apiVersion: string; kind: string; metadata: ObjectMeta };

export type Condition = {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
};

// --- core/v1 -----------------------------------------------------------------

export type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef: { name: string; key: string; optional?: boolean } } };

export type ResourceList = { cpu?: string | number; memory?: string | number };

export type Container = {
  name: string;
  image: string;
  imagePullPolicy?: 'Always' | 'IfNotPresent' | 'Never';
  command?: string[];
  args?: string[];
  workingDir?: string;
  ports?: { name?: string; containerPort: number; protocol?: 'TCP' | 'UDP' | 'SCTP' }[];
  env?: EnvVar[];
  resources?: { requests?: ResourceList; limits?: ResourceList };
  readinessProbe?: Probe;
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[]; add?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
};

export type Probe = {
  httpGet?: { path: string; port: number | string; scheme?: 'HTTP' | 'HTTPS' };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
};

export type Volume = {
  name: string;
  emptyDir?: { sizeLimit?: string; medium?: string };
  persistentVolumeClaim?: { claimName: string };
  configMap?: { name: string };
};

export type PodSpec = {
  containers: Container[];
  volumes?: Volume[];
  runtimeClassName?: string;
  automountServiceAccountToken?: boolean;
  enableServiceLinks?: boolean;
  terminationGracePeriodSeconds?: number;
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    runAsGroup?: number;
    fsGroup?: number;
    seccompProfile?: { type: 'RuntimeDefault' | 'Localhost' | 'Unconfined' };
  };
  dnsPolicy?: string;
  nodeName?: string;
};

export type ContainerStatus = {
  name: string;
  ready: boolean;
  restartCount: number;
  image?: string;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode: number; reason?: string; message?: string };
  };
  lastState?: { terminated?: { exitCode: number; reason?: string; message?: string } };
};

export type Pod = KubeObject & {
  spec: PodSpec;
  status?: {
    phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed' | 'Unknown';
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string; reason?: string; message?: string }[];
    containerStatuses?: ContainerStatus[];
    reason?: string;
    message?: string;
  };
};

export type ConfigMap = KubeObject & { data?: Record<string, string> };
export type RoleBinding = KubeObject & {
  roleRef: { apiGroup: string; kind: 'Role' | 'ClusterRole'; name: string };
  subjects: { kind: string; name: string; namespace?: string }[];
};
export type Secret = KubeObject & { type?: string; data?: Record<string, string>; stringData?: Record<string, string>; immutable?: boolean };

export type Namespace = KubeObject & { status?: { phase?: string } };

export type Event = KubeObject & {
  involvedObject: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  message?: string;
  type?: 'Normal' | 'Warning';
  count?: number;
  lastTimestamp?: string;
  eventTime?: string;
};

// --- networking.k8s.io/v1 -----------------------------------------------------

export type LabelSelector = {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
};

export type NetworkPolicyPeer = { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: LabelSelector; podSelector?: LabelSelector };
export type NetworkPolicyPort = { protocol?: 'TCP' | 'UDP' | 'SCTP'; port?: number | string; endPort?: number };

export type NetworkPolicy = KubeObject & {
  spec: {
    podSelector: LabelSelector;
    policyTypes: ('Ingress' | 'Egress')[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
};

// --- agent-sandbox v1beta1 ------------------------------------------------------

export type PodMetadata = { labels?: Labels; annotations?: Labels };

export type VolumeClaimTemplate = {
  metadata: { name: string; labels?: Labels; annotations?: Labels };
  spec: { accessModes: string[]; resources: { requests: { storage: string } }; storageClassName?: string };
};

export type SandboxTemplate = KubeObject & {
  spec: {
    podTemplate: { metadata?: PodMetadata; spec: PodSpec };
    volumeClaimTemplates?: VolumeClaimTemplate[];
    networkPolicyManagement?: 'Managed' | 'Unmanaged';
    networkPolicy?: { ingress?: unknown[]; egress?: unknown[] };
    envVarsInjectionPolicy?: 'Allowed' | 'Overrides' | 'Disallowed';
    volumeClaimTemplatesPolicy?: 'Disallowed' | 'Allowed' | 'Overrides';
    service?: boolean;
  };
};

export type SandboxWarmPool = KubeObject & {
  spec: { replicas?: number; sandboxTemplateRef: { name: string }; updateStrategy?: { type?: 'Recreate' | 'OnReplenish' } };
  status?: { replicas?: number; readyReplicas?: number; selector?: string; observedGeneration?: number };
};

export type ShutdownPolicy = 'Delete' | 'DeleteForeground' | 'Retain';

export type SandboxClaim = KubeObject & {
  spec: {
    warmPoolRef: { name: string };
    lifecycle?: { shutdownTime?: string; shutdownPolicy?: ShutdownPolicy; ttlSecondsAfterFinished?: number };
    additionalPodMetadata?: PodMetadata;
  };
  status?: { conditions?: Condition[]; sandbox?: { name?: string; podIPs?: string[] } };
};

export type OperatingMode = 'Running' | 'Suspended';

export type Sandbox = KubeObject & {
  spec: {
    podTemplate: { metadata?: PodMetadata; spec: PodSpec };
    volumeClaimTemplates?: VolumeClaimTemplate[];
    operatingMode?: OperatingMode;
    shutdownTime?: string;
    shutdownPolicy?: 'Delete' | 'Retain';
    service?: boolean;
  };
  status?: {
    conditions?: Condition[];
    podIPs?: string[];
    nodeName?: string;
    selector?: string;
    service?: string;
    serviceFQDN?: string;
  };
};
