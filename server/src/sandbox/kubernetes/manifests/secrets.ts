import { CONTAINER_ENV_SECRET, runtimeSecretName } from '../names.ts';
import type { Secret } from '../types.ts';
import type { AgentSandboxInput } from './input.ts';
import { agentLabels, appLabels } from './labels.ts';
import { RUNTIME_TOKEN_KEY } from './template.ts';

/** `data`, not `stringData`: server-side apply tracks `data` keys, so removed variables disappear. */
const base64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

/**
 * The token every runtime of this agent requires. It lives only here: pods read it by
 * `secretKeyRef`, and Paddock's access gateway presents it on the worker's behalf.
 */
export function runtimeSecret(agent: AgentSandboxInput, template: string, namespace: string, token: string): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: runtimeSecretName(template), namespace, labels: { ...appLabels('sandbox-runtime-token', template), ...agentLabels(agent, template) } },
    type: 'Opaque',
    data: { [RUNTIME_TOKEN_KEY]: base64(token) },
  };
}

/** The platform's `CONTAINER_ENV_*` values for this namespace's sandboxes. */
export function containerEnvSecret(namespace: string, env: Record<string, string>): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: CONTAINER_ENV_SECRET, namespace, labels: appLabels('sandbox-container-env', CONTAINER_ENV_SECRET) },
    type: 'Opaque',
    data: Object.fromEntries(
      Object.entries(env)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, base64(v)]),
    ),
  };
}
