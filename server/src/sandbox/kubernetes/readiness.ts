import type { Logger } from '../../log/index.ts';
import { SandboxError, type SandboxPhaseReport } from '../driver.ts';
import {
  boundSandboxName,
  isControlledBy,
  isReadyForGeneration,
  MISSING_DEPENDENCY_REASONS,
  readyCondition,
  terminalClaimProblem,
  terminalPodProblem,
  terminalSandboxProblem,
} from './conditions.ts';
import type { KubeClient } from './kube/client.ts';
import { R } from './kube/resources.ts';
import { ObjectsWatch } from './kube/watch.ts';
import { ANNOTATION } from './names.ts';
import type { Pod, Sandbox, SandboxClaim } from './types.ts';

export type ReadySandbox = { sandbox: Sandbox; podName: string; podIP: string | undefined };

type WaitOptions = {
  client: KubeClient;
  namespace: string;
  claimName: string;
  deadline: number;
  report: SandboxPhaseReport;
  log: Logger;
  /** Whether the claim's pool and template really are missing (not just unseen by the controller yet). */
  dependenciesMissing: () => Promise<boolean>;
};

const byName = (name: string) => ({ fieldSelector: `metadata.name=${name}` });

/**
 * Resolves once the claim's sandbox is Ready for its current generation, following
 * claim → sandbox → pod with watches that relist on any error. Fails fast, as
 * terminal, on reasons retrying cannot fix, and at the deadline with the last
 * state seen and the recent warning events.
 */
export function waitForSandbox(opts: WaitOptions): Promise<ReadySandbox> {
  const { client, namespace, claimName, log } = opts;
  return new Promise((resolve, reject) => {
    let settled = false;
    let lastReport = '';
    let checkingDependencies = false;
    let sandboxWatch: ObjectsWatch<Sandbox> | null = null;
    let podWatch: ObjectsWatch<Pod> | null = null;
    const watched = { sandbox: '', pod: '' };

    const finish = (error: Error | null, value?: ReadySandbox) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      claimWatch.stop();
      sandboxWatch?.stop();
      podWatch?.stop();
      if (error) reject(error);
      else resolve(value!);
    };
    const fail = (message: string, terminal: boolean) => finish(new SandboxError(`sandbox ${namespace}/${claimName}: ${message}`, { terminal }));
    const progress = (message: string) => {
      if (message === lastReport) return;
      lastReport = message;
      opts.report('PROVISIONING', message);
    };

    const evaluate = () => {
      if (settled || !claimWatch.synced) return;
      const claim = claimWatch.get(claimName);
      if (!claim) return fail('the SandboxClaim disappeared while the sandbox was starting', false);
      if (claim.metadata.deletionTimestamp) return fail('the SandboxClaim is being deleted', false);

      const problem = terminalClaimProblem(claim);
      if (problem && MISSING_DEPENDENCY_REASONS.has(problem.reason)) {
        verifyDependencies(problem.message);
      } else if (problem) {
        return fail(problem.message, true);
      }

      const sandboxName = boundSandboxName(claim);
      if (!sandboxName) return progress(describe(claim, 'waiting for the controller to bind a sandbox'));
      follow(sandboxName);
      if (!sandboxWatch?.synced) return;
      const sandbox = sandboxWatch.get(sandboxName);
      if (!sandbox || !isControlledBy(sandbox, claim)) return progress(`waiting for sandbox ${sandboxName}`);
      const sandboxProblem = terminalSandboxProblem(sandbox);
      if (sandboxProblem) return fail(sandboxProblem, true);
      const podName = sandbox.metadata.annotations?.[ANNOTATION.podName] ?? sandboxName;
      if (sandbox.spec.operatingMode !== 'Suspended' && isReadyForGeneration(sandbox) && (sandbox.status?.podIPs?.length ?? 0) > 0) {
        return finish(null, { sandbox, podName, podIP: sandbox.status?.podIPs?.[0] });
      }
      // Not ready yet: watch the pod too, for the container states that will never recover.
      followPod(podName);
      const pod = podWatch?.get(podName);
      const podProblem = pod ? terminalPodProblem(pod) : null;
      if (podProblem) return fail(podProblem, true);
      progress(describe(sandbox, `sandbox ${sandboxName} is starting`));
    };

    /** The claim's sandbox gets its own watch once the claim names it. */
    const follow = (sandboxName: string) => {
      if (watched.sandbox === sandboxName) return;
      sandboxWatch?.stop();
      watched.sandbox = sandboxName;
      sandboxWatch = new ObjectsWatch({ client, resource: R.sandbox, namespace, selector: byName(sandboxName), onChange: evaluate, log });
    };

    const followPod = (podName: string) => {
      if (watched.pod !== podName) {
        podWatch?.stop();
        watched.pod = podName;
        podWatch = new ObjectsWatch({ client, resource: R.pod, namespace, selector: byName(podName), onChange: evaluate, log });
      }
    };

    const verifyDependencies = (message: string) => {
      if (checkingDependencies) return;
      checkingDependencies = true;
      opts
        .dependenciesMissing()
        .then((missing) => {
          if (missing) fail(`${message}; it was removed outside Paddock, which recreates it on the next attempt`, true);
        })
        .catch((error: unknown) => log.debug({ err: error }, 'could not check the claim dependencies'))
        .finally(() => setTimeout(() => (checkingDependencies = false), 1_000));
    };

    const claimWatch = new ObjectsWatch<SandboxClaim>({ client, resource: R.claim, namespace, selector: byName(claimName), onChange: evaluate, log });
    const timer = setTimeout(
      () => {
        void explain(client, namespace, [claimName, watched.sandbox, watched.pod]).then((events) => {
          const claim = claimWatch.get(claimName);
          const sandbox = sandboxWatch?.get(watched.sandbox);
          const state = sandbox ? describe(sandbox, 'no sandbox status') : claim ? describe(claim, 'no sandbox bound') : 'the claim was never seen';
          fail(`not ready before the deadline (${state})${events ? `; recent events: ${events}` : ''}`, false);
        });
      },
      Math.max(0, opts.deadline - Date.now()),
    );
  });
}

function describe(object: SandboxClaim | Sandbox, fallback: string): string {
  const ready = readyCondition(object);
  return ready ? `${ready.reason}: ${ready.message}` : fallback;
}

/** Warning events about the claim, sandbox or pod, newest last, to say why it is stuck. */
async function explain(client: KubeClient, namespace: string, names: string[]): Promise<string> {
  try {
    const wanted = new Set(names.filter(Boolean));
    const { items } = await Promise.race([
      client.list(R.event, namespace, { fieldSelector: 'type=Warning' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000)),
    ]);
    return items
      .filter((e) => e.involvedObject.name && wanted.has(e.involvedObject.name))
      .slice(-5)
      .map((e) => `${e.involvedObject.kind ?? ''} ${e.involvedObject.name}: ${e.reason ?? ''} ${e.message ?? ''}`.trim())
      .join(' | ');
  } catch {
    return '';
  }
}
