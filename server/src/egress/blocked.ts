import type { SessionEventPayload } from '@paddock/events';
import type { Db } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import { withEvents } from '../events/log.ts';
import type { Logger } from '../log/index.ts';
import { isBusy, lockSession } from '../sessions/lifecycle.ts';
import type { BlockedRequest } from './proxy.ts';

export const EGRESS_BLOCKED = 'egress.blocked';

export type BlockedPayload = SessionEventPayload<typeof EGRESS_BLOCKED>;

/**
 * Records a refused request in its session's event log. While a turn runs, the worker
 * running it owns the session's seq counter, so the refusal travels to it on the control
 * channel and it records the event (see runTurn); otherwise (a process left running
 * between turns) it is appended here.
 */
export async function recordBlocked(db: Db, bus: EventBus, blocked: BlockedRequest): Promise<void> {
  const payload = { host: blocked.host, port: blocked.port, reason: blocked.reason };
  // appendBlocked checks under the session row lock whether a turn runs; if one does, it records the refusal.
  if (!(await appendBlocked(db, bus, blocked.sessionId, payload))) bus.publishControl({ kind: 'egress.blocked', sessionId: blocked.sessionId, ...payload });
}

/**
 * Appends an egress.blocked event between turns. Returns false, appending nothing, when a
 * turn is running after all: that turn owns the session's seqs and records the refusal.
 */
export async function appendBlocked(db: Db, bus: EventBus, sessionId: string, payload: BlockedPayload): Promise<boolean> {
  return withEvents(db, bus, async ({ tx, append }) => {
    const status = await lockSession(tx, sessionId);
    if (status === null || isBusy(status)) return false;
    await append(sessionId, [{ type: EGRESS_BLOCKED, payload }]);
    return true;
  });
}

export function blockedRecorder(db: Db, bus: EventBus, log: Logger): (blocked: BlockedRequest) => void {
  return (blocked) =>
    void recordBlocked(db, bus, blocked).catch((error: unknown) =>
      log.warn({ err: error, sessionId: blocked.sessionId }, 'could not record an egress refusal'),
    );
}
