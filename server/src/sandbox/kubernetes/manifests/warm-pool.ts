import { EXTENSIONS_API } from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { SandboxWarmPool } from '../types.ts';
import type { AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';

/**
 * The agent's pool of pre-started sandboxes; every claim names it (v1beta1 claims
 * reference a pool, never a template). `replicas: 0` keeps it as a pure cold-start
 * path. Recreate replaces warm pods when the template changes, so a claim never
 * adopts a pod built from an old harness image or policy.
 */
export function warmPool(agent: AgentSandboxInput, template: string, namespace: string, settings: KubernetesSettings): SandboxWarmPool {
  return {
    apiVersion: EXTENSIONS_API,
    kind: 'SandboxWarmPool',
    metadata: { name: template, namespace, labels: { ...appLabels('sandbox-warm-pool', template), ...agentLabels(agent, template) } },
    spec: { replicas: settings.warmPoolSize, sandboxTemplateRef: { name: template }, updateStrategy: { type: 'Recreate' } },
  };
}
