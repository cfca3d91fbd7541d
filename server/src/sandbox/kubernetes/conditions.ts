import type { Condition, KubeObject, Pod, Sandbox, SandboxClaim } from './types.ts';

export const readyCondition = (object: { status?: { conditions?: Condition[] } } | null | undefined): Condition | undefined =>
  object?.status?.conditions?.find((c) => c.type === 'Ready');

/** Ready=True that the controller computed for the object's current spec. */
export function isReadyForGeneration(object: (KubeObject & { status?: { conditions?: Condition[] } }) | null | undefined): boolean {
  const ready = readyCondition(object);
  return ready?.status === 'True' && ready.observedGeneration === object?.metadata.generation;
}

/** Claim reasons that retrying cannot fix; each maps to a sentence a person can act on. */
const TERMINAL_CLAIM_REASONS: Record<string, (claim: SandboxClaim, message: string) => string> = {
  TemplateNotFound: (c) => `the SandboxTemplate behind warm pool "${c.spec.warmPoolRef.name}" does not exist in namespace ${c.metadata.namespace}`,
  WarmPoolNotFound: (c) => `the SandboxWarmPool "${c.spec.warmPoolRef.name}" does not exist in namespace ${c.metadata.namespace}`,
  ClaimExpired: () => 'the claim passed its shutdownTime and was expired by the controller',
  SandboxExpired: () => 'the sandbox passed its shutdownTime and was expired by the controller',
  InvalidMetadata: (_c, m) => `the controller rejected the claim's pod metadata: ${m}`,
  EnvVarsInjectionRejected: (_c, m) => `the controller rejected the claim's environment: ${m}`,
  VolumeClaimTemplatesError: (_c, m) => `the controller rejected the workspace volume: ${m}`,
};

/** Reasons that may be a controller cache lagging behind objects Paddock just created. */
export const MISSING_DEPENDENCY_REASONS = new Set(['TemplateNotFound', 'WarmPoolNotFound']);

export function terminalClaimProblem(claim: SandboxClaim): { reason: string; message: string } | null {
  const ready = readyCondition(claim);
  if (!ready || ready.status === 'True') return null;
  const describe = TERMINAL_CLAIM_REASONS[ready.reason];
  return describe ? { reason: ready.reason, message: describe(claim, ready.message) } : null;
}

export function terminalSandboxProblem(sandbox: Sandbox): string | null {
  const ready = readyCondition(sandbox);
  if (ready?.reason === 'PodFailed' || ready?.reason === 'PodSucceeded') return `the runtime pod exited (${ready.reason}: ${ready.message})`;
  if (ready?.reason === 'SandboxExpired') return 'the sandbox passed its shutdownTime and was expired by the controller';
  return null;
}

/** Container states kubelet will not get out of by itself. */
const TERMINAL_WAITING = new Set([
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImagePullBackOff',
  'CreateContainerConfigError',
  'CreateContainerError',
  'CrashLoopBackOff',
]);

export function terminalPodProblem(pod: Pod): string | null {
  for (const status of pod.status?.containerStatuses ?? []) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason || !TERMINAL_WAITING.has(waiting.reason)) continue;
    if (waiting.reason === 'CrashLoopBackOff') {
      const last = status.lastState?.terminated;
      return `container "${status.name}" keeps crashing${last ? ` (last exit code ${last.exitCode}${last.message ? `: ${last.message}` : ''})` : ''}; see its logs with kubectl logs -n ${pod.metadata.namespace} ${pod.metadata.name} --previous`;
    }
    if (waiting.reason === 'ImagePullBackOff' || waiting.reason === 'InvalidImageName' || waiting.reason === 'ErrImageNeverPull') {
      return `image ${status.image ?? pod.spec.containers.find((c) => c.name === status.name)?.image ?? '?'} cannot be pulled (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}); check the harness image name and the cluster's registry access`;
    }
    return `container "${status.name}" cannot start (${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''})`;
  }
  return null;
}

/** The sandbox this claim is bound to: named in its status (or adoption annotation) and controlled by it. */
export function boundSandboxName(claim: SandboxClaim): string | undefined {
  return claim.status?.sandbox?.name || claim.metadata.annotations?.['agents.x-k8s.io/sandbox-name'] || undefined;
}

export function isControlledBy(object: KubeObject, owner: KubeObject): boolean {
  return (object.metadata.ownerReferences ?? []).some((ref) => ref.controller === true && ref.uid === owner.metadata.uid);
}
