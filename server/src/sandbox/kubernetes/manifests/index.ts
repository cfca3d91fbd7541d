import { namespaceFor, templateName } from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { ConfigMap, NetworkPolicy, SandboxTemplate, SandboxWarmPool, Secret } from '../types.ts';
import { planEgress, type EgressPlan } from './egress.ts';
import { egressCaConfigMap } from './egress-ca.ts';
import type { AgentSandboxInput } from './input.ts';
import { networkPolicy } from './network-policy.ts';
import { containerEnvSecret } from './secrets.ts';
import { sandboxTemplate } from './template.ts';
import { warmPool } from './warm-pool.ts';

export { sandboxClaim, kubeTime, shutdownTime } from './claim.ts';
export { runtimeSecret, containerEnvSecret } from './secrets.ts';
export { RUNTIME_TOKEN_KEY } from './template.ts';
export type { AgentSandboxInput } from './input.ts';
export type { EgressPlan } from './egress.ts';

/** Everything Paddock keeps per agent, in the order it is applied. */
export type AgentObjects = {
  namespace: string;
  template: string;
  containerEnv: Secret;
  egressCa: ConfigMap;
  networkPolicy: NetworkPolicy;
  sandboxTemplate: SandboxTemplate;
  warmPool: SandboxWarmPool;
  egress: EgressPlan;
};

/**
 * The one place agent objects are built: the driver applies exactly this and
 * `paddock sandbox render` prints exactly this. (The runtime-token Secret is created
 * separately, once, because its value must never change under running pods.)
 */
export function agentObjects(agent: AgentSandboxInput, settings: KubernetesSettings): AgentObjects {
  const namespace = namespaceFor(settings.namespace, agent.teamId);
  const template = templateName(agent.agentId);
  const egress = planEgress({ egressUrl: settings.egressUrl, platformNamespace: settings.platformNamespace });
  return {
    namespace,
    template,
    containerEnv: containerEnvSecret(namespace, settings.containerEnv),
    egressCa: egressCaConfigMap(namespace, settings.egressCaPem),
    networkPolicy: networkPolicy(agent, template, namespace, settings, egress),
    sandboxTemplate: sandboxTemplate(agent, template, namespace, settings),
    warmPool: warmPool(agent, template, namespace, settings),
    egress,
  };
}
