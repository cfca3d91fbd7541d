import { appendEvents } from '../events/log.ts';
import { toBusEvent } from '../events/mapping.ts';
import type { Services } from '../services.ts';

const QUEUED_GRACE_MS = 5 * 60_000;

/**
 * Ends turns whose worker died (no heartbeat) or that no worker ever picked up, so a
 * session is never stuck RUNNING. Their partial replies are kept, marked FAILED.
 */
export async function recoverStaleTurns(services: Services, staleMs: number): Promise<string[]> {
  const { db } = services;
  const now = Date.now();
  const stale = await db.turn.findMany({
    where: {
      OR: [
        { status: 'RUNNING', heartbeatAt: { lt: new Date(now - staleMs) } },
        { status: 'QUEUED', createdAt: { lt: new Date(now - QUEUED_GRACE_MS) } },
      ],
    },
  });
  const recovered: string[] = [];
  for (const turn of stale) {
    const error =
      turn.status === 'RUNNING'
        ? 'The worker running this turn stopped responding; the turn was ended. Send the message again to retry.'
        : 'No worker picked this turn up in time; check that a Paddock worker is running, then send the message again.';
    const events = await db.$transaction(async (tx) => {
      const updated = await tx.turn.updateMany({ where: { id: turn.id, status: turn.status }, data: { status: 'FAILED', error, endedAt: new Date() } });
      if (updated.count === 0) return [];
      const partial = await tx.message.updateMany({ where: { sessionId: turn.sessionId, status: { in: ['STREAMING', 'PENDING'] } }, data: { status: 'FAILED', error, completedAt: new Date() } });
      // No reply to carry the error: it stays on the message the turn answered.
      if (partial.count === 0) await tx.message.update({ where: { id: turn.userMessageId }, data: { error } });
      await tx.session.updateMany({ where: { id: turn.sessionId, status: { in: ['RUNNING', 'PROVISIONING'] } }, data: { status: 'IDLE' } });
      return appendEvents(tx, turn.sessionId, [
        { type: 'turn.failed', payload: { turnId: turn.id, error } },
        { type: 'session.status', payload: { status: 'IDLE' } },
      ]);
    });
    if (events.length > 0) {
      services.bus.publish(events.map(toBusEvent));
      recovered.push(turn.id);
    }
  }
  return recovered;
}
