import { LABEL, MANAGED_BY, toLabelValue } from '../names.ts';
import type { Labels } from '../types.ts';
import type { AgentSandboxInput } from './input.ts';

/** The `app.kubernetes.io/*` set every Paddock object carries. */
export function appLabels(component: string, instance: string): Labels {
  return {
    [LABEL.name]: 'paddock-sandbox',
    [LABEL.instance]: instance,
    [LABEL.component]: component,
    [LABEL.partOf]: 'paddock',
    [LABEL.managedBy]: MANAGED_BY,
  };
}

/** Who an object belongs to: the agent, its team and harness (ids are valid label values). */
export function agentLabels(agent: AgentSandboxInput, template: string): Labels {
  const labels: Labels = {
    [LABEL.agent]: agent.agentId,
    [LABEL.team]: agent.teamId,
    [LABEL.harness]: agent.harness.name,
    [LABEL.template]: template,
  };
  const name = toLabelValue(agent.agentName);
  if (name) labels[LABEL.agentName] = name;
  return labels;
}
