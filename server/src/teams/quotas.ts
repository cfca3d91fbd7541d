import type { SandboxPhase, Tx } from '../db/index.ts';
import { quotaExceeded } from '../errors/index.ts';

/** Sandboxes that hold resources: everything from being requested until suspended or deleted. */
export const LIVE_SANDBOX_PHASES: SandboxPhase[] = ['PENDING', 'PROVISIONING', 'READY', 'SUSPENDING'];

export type TeamQuotas = { teamMaxRunningSessions: number; teamMaxSandboxes: number };

/**
 * Checks, inside the transaction that starts a turn (after the session was moved to
 * RUNNING), that the team stays within its quotas. A per-team advisory lock serialises
 * concurrent starts, so the count cannot be raced past the limit. 0 means unlimited.
 */
export async function enforceTurnQuotas(tx: Tx, quotas: TeamQuotas, teamId: string, sessionId: string): Promise<void> {
  if (quotas.teamMaxRunningSessions === 0 && quotas.teamMaxSandboxes === 0) return;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`paddock:team-quota:${teamId}`}))`;
  if (quotas.teamMaxRunningSessions > 0) {
    const running = await tx.session.count({ where: { teamId, status: { in: ['RUNNING', 'PROVISIONING'] } } });
    if (running > quotas.teamMaxRunningSessions) {
      throw quotaExceeded(
        `Your team already has ${quotas.teamMaxRunningSessions} sessions answering, its limit (PADDOCK_TEAM_MAX_RUNNING_SESSIONS). Wait for one to finish or cancel a turn with cancelTurn, then send again.`,
        'PADDOCK_TEAM_MAX_RUNNING_SESSIONS',
        quotas.teamMaxRunningSessions,
      );
    }
  }
  if (quotas.teamMaxSandboxes > 0) {
    const own = await tx.sandbox.count({ where: { sessionId, phase: { in: LIVE_SANDBOX_PHASES } } });
    if (own > 0) return;
    const live = await tx.sandbox.count({ where: { session: { teamId }, phase: { in: LIVE_SANDBOX_PHASES } } });
    if (live >= quotas.teamMaxSandboxes) {
      throw quotaExceeded(
        `Your team already has ${live} live sandboxes, its limit (PADDOCK_TEAM_MAX_SANDBOXES). End sessions you no longer need (endSession), or wait for idle ones to be suspended, then send again.`,
        'PADDOCK_TEAM_MAX_SANDBOXES',
        quotas.teamMaxSandboxes,
      );
    }
  }
}
