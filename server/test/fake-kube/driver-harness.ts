import { randomBytes, randomUUID } from 'node:crypto';
import { loadConfig } from '../../src/config/index.ts';
import type { HarnessDefinition } from '../../src/harnesses/definition.ts';
import { createLogger } from '../../src/log/index.ts';
import { sandboxName, type SandboxPhaseReport, type SandboxSpec } from '../../src/sandbox/driver.ts';
import { KubernetesSandboxDriver, type StartTiming } from '../../src/sandbox/kubernetes/driver.ts';
import { createAuthority } from '../../src/egress/authority.ts';
import { kubernetesSettings, type KubernetesSettings } from '../../src/sandbox/kubernetes/settings.ts';
import type { FakeKube } from './index.ts';

/** The chat harness as `harnesses/chat.yaml` defines it. */
export const CHAT_HARNESS: HarnessDefinition = {
  name: 'chat',
  displayName: 'Chat',
  description: 'test harness',
  image: 'ghcr.io/paddock-dev/harness-runtime:latest',
  command: ['node', '--liftoff-only', '/app/harnesses/runtime/dist/runtime.mjs'],
  port: 8080,
  adapter: 'chat',
  capabilities: ['streaming'],
  defaultModel: 'paddock-mock',
  resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
};

/** One egress CA for every fake cluster of a test process. */
export const TEST_EGRESS_CA = createAuthority().certPem;

export function settingsFor(env: Record<string, string> = {}): KubernetesSettings {
  return kubernetesSettings(
    loadConfig({ PADDOCK_K8S_ACCESS: 'pod-ip', LITELLM_API_BASE: 'http://litellm.gateway.svc.cluster.local:4000', ...env }),
    TEST_EGRESS_CA,
  );
}

export async function driverFor(fake: FakeKube, settings: KubernetesSettings, onTiming?: (t: StartTiming) => void): Promise<KubernetesSandboxDriver> {
  return KubernetesSandboxDriver.create({
    kubeConfig: fake.kubeConfig(),
    settings,
    log: createLogger('kube-driver-test', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent'),
    onTiming,
  });
}

export type Agent = { agentId: string; agentName: string; teamId: string; egressAllow: string[]; harness: HarnessDefinition };

export function newAgent(overrides: Partial<Agent> = {}): Agent {
  return { agentId: randomUUID(), agentName: 'Test Agent', teamId: randomUUID(), egressAllow: [], harness: CHAT_HARNESS, ...overrides };
}

export function specFor(agent: Agent, sessionId = randomUUID()): SandboxSpec {
  return { name: sandboxName(sessionId), sessionId, ...agent, token: randomBytes(24).toString('base64url'), env: {} };
}

export const noReport: SandboxPhaseReport = () => undefined;

export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
