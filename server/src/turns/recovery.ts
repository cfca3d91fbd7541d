import { withEvents } from '../events/log.ts';
import { recordTurnEnd } from '../history/usage.ts';
import type { Services } from '../services.ts';
import { lockSession, moveSession, moveTurn } from '../sessions/lifecycle.ts';

const QUEUED_GRACE_MS = 5 * 60_000;

/**
 * Ends turns whose worker went silent (no heartbeat) or that no worker ever picked up,
 * so a session is never stuck RUNNING. Partial replies are kept, marked FAILED: each is
 * rebuilt from the deltas stored in the event log, which may hold more than the message
 * row (the row is written at step ends; events as they stream).
 */
export async function recoverStaleTurns(services: Pick<Services, 'db' | 'bus' | 'log'>, staleMs: number): Promise<string[]> {
  const { db, bus, log } = services;
  const now = Date.now();
  const stale = await db.turn.findMany({
    where: {
      OR: [
        { status: 'RUNNING', heartbeatAt: { lt: new Date(now - staleMs) } },
        { status: 'QUEUED', queuedAt: { lt: new Date(now - QUEUED_GRACE_MS) } },
      ],
    },
  });
  const recovered: string[] = [];
  for (const turn of stale) {
    const error =
      turn.status === 'RUNNING'
        ? `The worker running this turn went silent for over ${Math.round(staleMs / 1000)} s (it crashed, was killed, or lost its database connection), so the turn was ended; the reply so far is kept. Send the message again to retry.`
        : `No worker started this turn within ${QUEUED_GRACE_MS / 60_000} minutes: no Paddock worker is running, or none can reach the database. Check the worker processes, then send the message again.`;
    try {
      const ended = await withEvents(db, bus, async ({ tx, append }) => {
        // Session row first, as every status change: the worker may be ending this turn right now.
        const sessionStatus = await lockSession(tx, turn.sessionId);
        const endedAt = new Date();
        if (!(await moveTurn(tx, turn.id, turn.status, 'FAILED', { error, endedAt }))) return false;
        // Usage is unknown here (the runtime never reported it); tool calls are what was stored.
        const calls = await tx.$queryRaw<{ name: string }[]>`
          SELECT c->>'name' AS name FROM "Message" m CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(m."toolCalls") = 'array' THEN m."toolCalls" ELSE '[]'::jsonb END) AS c
          WHERE m."sessionId" = ${turn.sessionId}::uuid AND m.id > ${turn.userMessageId}::uuid AND c->>'name' IS NOT NULL`;
        const usage = { inputTokens: 0, outputTokens: 0 };
        for (const statement of recordTurnEnd(tx, {
          turnId: turn.id,
          sessionId: turn.sessionId,
          status: 'FAILED',
          endedAt,
          model: null,
          usage,
          costUsd: 0,
          toolCalls: calls.map((c) => c.name),
        })) {
          await statement;
        }
        await tx.$executeRaw`
          UPDATE "Message" m SET content = d.text
          FROM (
            SELECT "messageId", string_agg(delta, '' ORDER BY seq) AS text FROM "SessionEvent"
            WHERE "sessionId" = ${turn.sessionId}::uuid AND type = 'message.delta' AND "messageId" IS NOT NULL
            GROUP BY "messageId"
          ) d
          WHERE m.id = d."messageId" AND m.status IN ('STREAMING', 'PENDING') AND length(d.text) > length(m.content)`;
        const partial = await tx.message.findFirst({
          where: { sessionId: turn.sessionId, role: 'ASSISTANT', status: { in: ['STREAMING', 'PENDING'] } },
          orderBy: { id: 'desc' },
        });
        const failed = await tx.message.updateMany({
          where: { sessionId: turn.sessionId, status: { in: ['STREAMING', 'PENDING'] } },
          data: { status: 'FAILED', error, completedAt: new Date() },
        });
        // No reply to carry the error: it stays on the message the turn answered.
        if (failed.count === 0) await tx.message.update({ where: { id: turn.userMessageId }, data: { error } });
        await append(turn.sessionId, [
          {
            type: 'turn.failed',
            messageId: partial?.id ?? null,
            payload: { turnId: turn.id, error, code: turn.status === 'RUNNING' ? 'WORKER_LOST' : 'NOT_STARTED' },
          },
        ]);
        // A session with a queued or running turn is RUNNING or PROVISIONING; anything else is a bug moveSession reports.
        if (sessionStatus === null) throw new Error(`session ${turn.sessionId} of turn ${turn.id} is missing`);
        await append(turn.sessionId, [await moveSession(tx, turn.sessionId, sessionStatus, 'IDLE')]);
        return true;
      });
      if (ended) recovered.push(turn.id);
    } catch (err) {
      // One broken turn must not keep the others stuck.
      log.error({ err, turnId: turn.id, sessionId: turn.sessionId }, 'could not recover a stale turn');
    }
  }
  return recovered;
}
