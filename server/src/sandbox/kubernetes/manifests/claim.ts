import { EXTENSIONS_API, LABEL } from '../names.ts';
import type { KubernetesSettings } from '../settings.ts';
import type { SandboxClaim } from '../types.ts';
import type { AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';

/** RFC 3339 without fractions, the way Kubernetes writes times. */
export function kubeTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/**
 * One claim per session, named like the session's sandbox. No `env`: a claim with env
 * always cold-starts and stores values in plain text. `shutdownTime` is only a leak
 * backstop (Paddock deletes claims itself when sessions end) and `Delete` lets the
 * controller remove the claim and its sandbox when it passes.
 */
export function sandboxClaim(
  session: { name: string; sessionId: string },
  agent: AgentSandboxInput,
  template: string,
  namespace: string,
  settings: KubernetesSettings,
  now: number,
): SandboxClaim {
  return {
    apiVersion: EXTENSIONS_API,
    kind: 'SandboxClaim',
    metadata: {
      name: session.name,
      namespace,
      labels: {
        ...appLabels('session-sandbox', session.name),
        ...agentLabels(agent, template),
        [LABEL.session]: session.sessionId,
        [LABEL.operatingMode]: 'Running',
      },
    },
    spec: {
      warmPoolRef: { name: template },
      lifecycle: { shutdownTime: shutdownTime(settings, now), shutdownPolicy: 'Delete' },
    },
  };
}

export const shutdownTime = (settings: KubernetesSettings, now: number) => kubeTime(now + settings.sandboxTtlMs);
