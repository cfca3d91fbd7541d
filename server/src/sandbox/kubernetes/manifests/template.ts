import { trustEnv } from '../../../egress/authority.ts';
import {
  ANNOTATION,
  CONTAINER_ENV_SECRET,
  EGRESS_CA_CONFIG_MAP,
  EXTENSIONS_API,
  LABEL,
  RUNTIME_CONTAINER,
  RUNTIME_PORT_NAME,
  runtimeSecretName,
  specHash,
} from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { Container, EnvVar, PodSpec, SandboxTemplate, Volume, VolumeClaimTemplate } from '../types.ts';
import { SANDBOX_PATHS, SANDBOX_UID, type AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';

/** Where sandbox pods find Paddock's egress CA. */
const EGRESS_CA_DIR = '/etc/paddock/egress';

/** Key of the runtime token inside the template's runtime Secret. */
export const RUNTIME_TOKEN_KEY = 'token';

/**
 * Plain values are configuration; the runtime token and every `CONTAINER_ENV_*` value
 * come from Secrets by reference, so no Paddock-written CR holds a secret.
 * `PADDOCK_SESSION_ID` is absent on purpose: warm pods exist before their session,
 * which the runtime learns when Paddock attaches it.
 */
function runtimeEnv(agent: AgentSandboxInput, template: string, settings: KubernetesSettings): EnvVar[] {
  const env: EnvVar[] = [
    { name: 'PADDOCK_RUNTIME_TOKEN', valueFrom: { secretKeyRef: { name: runtimeSecretName(template), key: RUNTIME_TOKEN_KEY } } },
    { name: 'PADDOCK_RUNTIME_PORT', value: String(agent.harness.port) },
    { name: 'PADDOCK_RUNTIME_HOST', value: '0.0.0.0' },
    { name: 'PADDOCK_WORKSPACE', value: SANDBOX_PATHS.workspace },
    { name: 'PADDOCK_HARNESS', value: agent.harness.adapter },
    { name: 'HOME', value: SANDBOX_PATHS.home },
    // The proxy variables carry a per-session token and arrive when the session attaches.
    ...Object.entries(trustEnv(EGRESS_CA_DIR)).map(([name, value]) => ({ name, value })),
  ];
  for (const name of Object.keys(settings.containerEnv).sort()) {
    env.push({ name, valueFrom: { secretKeyRef: { name: CONTAINER_ENV_SECRET, key: name } } });
  }
  return env;
}

function runtimeContainer(agent: AgentSandboxInput, template: string, settings: KubernetesSettings): Container {
  const { harness } = agent;
  const container: Container = {
    name: RUNTIME_CONTAINER,
    image: harness.image,
    // `:latest` would otherwise force Always, which breaks images side-loaded into kind.
    imagePullPolicy: 'IfNotPresent',
    command: harness.command,
    workingDir: SANDBOX_PATHS.workspace,
    ports: [{ name: RUNTIME_PORT_NAME, containerPort: harness.port, protocol: 'TCP' }],
    env: runtimeEnv(agent, template, settings),
    readinessProbe: { httpGet: { path: '/healthz', port: RUNTIME_PORT_NAME }, periodSeconds: 2, timeoutSeconds: 1, failureThreshold: 3 },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
    volumeMounts: [
      { name: 'workspace', mountPath: SANDBOX_PATHS.workspace },
      { name: 'home', mountPath: SANDBOX_PATHS.home },
      { name: 'tmp', mountPath: SANDBOX_PATHS.tmp },
      { name: 'egress-ca', mountPath: EGRESS_CA_DIR, readOnly: true },
    ],
  };
  const { requests, limits } = harness.resources;
  if (requests || limits) container.resources = { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
  return container;
}

function podSpec(agent: AgentSandboxInput, template: string, settings: KubernetesSettings): PodSpec {
  const volumes: Volume[] = [
    { name: 'home', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'egress-ca', configMap: { name: EGRESS_CA_CONFIG_MAP } },
  ];
  // With a workspace size the controller mounts the claim's PVC under this name instead.
  if (!settings.workspace) volumes.unshift({ name: 'workspace', emptyDir: { sizeLimit: '10Gi' } });
  const spec: PodSpec = {
    // Sandboxes never talk to the Kubernetes API.
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    terminationGracePeriodSeconds: 10,
    securityContext: { runAsNonRoot: true, runAsUser: SANDBOX_UID, runAsGroup: SANDBOX_UID, fsGroup: SANDBOX_UID, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [runtimeContainer(agent, template, settings)],
    volumes,
  };
  if (settings.runtimeClassName) spec.runtimeClassName = settings.runtimeClassName;
  return spec;
}

function workspaceClaim(settings: KubernetesSettings): VolumeClaimTemplate[] | undefined {
  if (!settings.workspace) return undefined;
  const vct: VolumeClaimTemplate = {
    metadata: { name: 'workspace' },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: settings.workspace.size } } },
  };
  if (settings.workspace.storageClassName) vct.spec.storageClassName = settings.workspace.storageClassName;
  return [vct];
}

/**
 * One SandboxTemplate per agent: the harness image, command, port and resources, a
 * non-root pod without a service-account token, a readiness probe on `/healthz`.
 * The NetworkPolicy is Paddock's own (see network-policy.ts), so the controller's
 * managed policy, which would also block cluster DNS, is switched off.
 */
export function sandboxTemplate(agent: AgentSandboxInput, template: string, namespace: string, settings: KubernetesSettings): SandboxTemplate {
  const podLabels = { ...appLabels('sandbox', template), ...agentLabels(agent, template) };
  const spec: SandboxTemplate['spec'] = {
    podTemplate: { metadata: { labels: podLabels }, spec: podSpec(agent, template, settings) },
    networkPolicyManagement: 'Unmanaged',
    envVarsInjectionPolicy: 'Disallowed',
  };
  const claims = workspaceClaim(settings);
  if (claims) spec.volumeClaimTemplates = claims;
  return {
    apiVersion: EXTENSIONS_API,
    kind: 'SandboxTemplate',
    metadata: {
      name: template,
      namespace,
      labels: { ...appLabels('sandbox-template', template), ...agentLabels(agent, template) },
      annotations: { [ANNOTATION.specHash]: specHash(spec) },
    },
    spec,
  };
}

/** The label NetworkPolicies select the template's pods by. */
export const templatePodSelector = (template: string) => ({ matchLabels: { [LABEL.template]: template } });
