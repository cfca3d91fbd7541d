import { ANNOTATION, networkPolicyName } from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { NetworkPolicy } from '../types.ts';
import type { EgressPlan } from './egress.ts';
import type { AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';
import { templatePodSelector } from './template.ts';

/**
 * Default-deny for the agent's sandbox pods, then: ingress only from Paddock's worker
 * pods on the runtime port (a port-forward enters the pod directly and needs no rule),
 * egress only to cluster DNS, the model gateway and the agent's `egressAllow`.
 */
export function networkPolicy(agent: AgentSandboxInput, template: string, namespace: string, settings: KubernetesSettings, plan: EgressPlan): NetworkPolicy {
  const annotations: Record<string, string> = {};
  if (Object.keys(plan.resolved).length > 0) annotations[ANNOTATION.egressResolved] = JSON.stringify(plan.resolved);
  if (plan.unenforced.length > 0) annotations[ANNOTATION.egressUnenforced] = plan.unenforced.join('; ');
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: networkPolicyName(template),
      namespace,
      labels: { ...appLabels('sandbox-network-policy', template), ...agentLabels(agent, template) },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
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
