import { networkPolicyName } from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { NetworkPolicy } from '../types.ts';
import type { EgressPlan } from './egress.ts';
import type { AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';
import { templatePodSelector } from './template.ts';

/**
 * Default-deny for the agent's sandbox pods, then: ingress only from Paddock's worker
 * pods on the runtime port (a port-forward enters the pod directly and needs no rule),
 * egress only to cluster DNS and Paddock's egress proxy.
 */
export function networkPolicy(agent: AgentSandboxInput, template: string, namespace: string, settings: KubernetesSettings, plan: EgressPlan): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: networkPolicyName(template),
      namespace,
      labels: { ...appLabels('sandbox-network-policy', template), ...agentLabels(agent, template) },
    },
    spec: {
      podSelector: templatePodSelector(template),
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': settings.platformNamespace } },
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'paddock', 'app.kubernetes.io/component': 'worker' } },
            },
          ],
          ports: [{ protocol: 'TCP', port: agent.harness.port }],
        },
      ],
      egress: plan.rules,
    },
  };
}
