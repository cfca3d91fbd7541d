import type { SessionEvent } from '../db/index.ts';
import type { BusEvent } from './bus.ts';

export function toBusEvent(row: SessionEvent): BusEvent {
  return {
    sessionId: row.sessionId,
    seq: row.seq,
    type: row.type,
    messageId: row.messageId,
    delta: row.delta,
    payload: row.payload ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
