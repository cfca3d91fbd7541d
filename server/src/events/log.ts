import type { SessionEventInput } from '@paddock/events';
import type { Prisma, SessionEvent } from '../db/index.ts';

export type NewEvent = SessionEventInput;

type Tx = Pick<Prisma.TransactionClient, '$queryRaw' | 'sessionEvent'>;

/**
 * Appends events to a session's log inside the caller's transaction, outside of a
 * running turn (the worker owns the seq counter while a turn runs). Bumping
 * `Session.lastSeq` takes the session row lock, so seqs are gapless and ordered; it
 * also never reuses a seq a crashed worker stored without recording it.
 */
export async function appendEvents(tx: Tx, sessionId: string, events: NewEvent[]): Promise<SessionEvent[]> {
  if (events.length === 0) return [];
  const [row] = await tx.$queryRaw<{ lastSeq: number }[]>`
    UPDATE "Session" SET
      "lastSeq" = GREATEST("lastSeq", (SELECT COALESCE(MAX(seq), 0) FROM "SessionEvent" WHERE "sessionId" = ${sessionId}::uuid)) + ${events.length}::int,
      "lastActiveAt" = now()
    WHERE id = ${sessionId}::uuid
    RETURNING "lastSeq"`;
  if (!row) throw new Error(`session ${sessionId} vanished while appending events`);
  const first = row.lastSeq - events.length + 1;
  const createdAt = new Date();
  const rows = events.map((e, i) => ({
    sessionId,
    seq: first + i,
    type: e.type,
    messageId: e.messageId ?? null,
    delta: e.delta ?? null,
    payload: e.payload,
    createdAt,
  }));
  await tx.sessionEvent.createMany({ data: rows.map((r) => ({ ...r, payload: r.payload as Prisma.InputJsonValue })) });
  return rows as SessionEvent[];
}
