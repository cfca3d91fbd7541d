import type pg from 'pg';
import type { Logger } from '../log/index.ts';
import { compactTurns, deleteInactiveSessions } from './store.ts';

const DAY_MS = 86_400_000;

export type RetentionResult = { teamId: string; compactedTurns: number; deletedEvents: number; deletedSessions: number };

/**
 * Applies every team's retention policy, one bounded batch per team and rule per call
 * (housekeeping calls it every few seconds, so a large backlog drains without long
 * transactions or a burst of I/O against live traffic).
 */
export async function applyRetention(
  pool: pg.Pool,
  log: Logger,
  opts: { batch?: number; now?: Date; onApplied?: (result: RetentionResult) => Promise<unknown> } = {},
): Promise<RetentionResult[]> {
  const batch = opts.batch ?? 200;
  const now = opts.now ?? new Date();
  const { rows: policies } = await pool.query<{ teamId: string; compactDeltasAfterDays: number | null; deleteSessionsAfterDays: number | null }>(
    'SELECT "teamId", "compactDeltasAfterDays", "deleteSessionsAfterDays" FROM "TeamRetention" WHERE "compactDeltasAfterDays" IS NOT NULL OR "deleteSessionsAfterDays" IS NOT NULL',
  );
  const results: RetentionResult[] = [];
  for (const policy of policies) {
    const result: RetentionResult = { teamId: policy.teamId, compactedTurns: 0, deletedEvents: 0, deletedSessions: 0 };
    if (policy.deleteSessionsAfterDays !== null) {
      result.deletedSessions = await deleteInactiveSessions(
        pool,
        policy.teamId,
        new Date(now.getTime() - policy.deleteSessionsAfterDays * DAY_MS),
        Math.max(1, Math.floor(batch / 4)),
      );
    }
    if (policy.compactDeltasAfterDays !== null) {
      const compacted = await compactTurns(pool, policy.teamId, new Date(now.getTime() - policy.compactDeltasAfterDays * DAY_MS), batch);
      result.compactedTurns = compacted.turns;
      result.deletedEvents = compacted.events;
    }
    await pool.query(
      'UPDATE "TeamRetention" SET "lastRunAt" = $2, "compactedTurns" = "compactedTurns" + $3, "deletedSessions" = "deletedSessions" + $4 WHERE "teamId" = $1',
      [policy.teamId, now, result.compactedTurns, result.deletedSessions],
    );
    if (result.compactedTurns || result.deletedSessions) {
      log.info(result, 'retention applied');
      await opts.onApplied?.(result);
    }
    results.push(result);
  }
  return results;
}
