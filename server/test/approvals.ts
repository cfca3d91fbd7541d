import type { Services } from '../src/services.ts';
import { newId } from '../src/ids/index.ts';

/**
 * Leaves a session as a turn paused on tool call `toolCallId` leaves it: the turn
 * AWAITING_APPROVAL, the session too, and a pending approval with its expiry job.
 */
export async function pauseOnApproval(services: Pick<Services, 'db' | 'approvals'>, sessionId: string, toolCallId = 'call_1'): Promise<void> {
  const { db, approvals } = services;
  const message = await db.message.create({ data: { id: newId(), sessionId, role: 'USER', content: 'List the files.' } });
  const turnId = newId();
  await db.turn.create({ data: { id: turnId, sessionId, userMessageId: message.id, status: 'AWAITING_APPROVAL', startedAt: new Date() } });
  await db.session.update({ where: { id: sessionId }, data: { status: 'AWAITING_APPROVAL' } });
  await db.$transaction((tx) =>
    approvals.request(tx, {
      sessionId,
      turnId,
      toolCallId,
      tool: 'run_command',
      server: null,
      input: { command: 'ls' },
      rule: { tool: 'run_command', action: 'ASK' },
      expiresAt: new Date(Date.now() + 3_600_000),
    }),
  );
}
