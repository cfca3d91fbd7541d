import type { Prisma, SessionStatus, Tx, TurnStatus } from '../db/index.ts';
import { IllegalTransitionError } from '../errors/index.ts';
import type { NewEvent } from '../events/log.ts';

/**
 * The one owner of session and turn status. Every status write in Paddock — the API,
 * the worker, recovery and housekeeping — goes through this module, which allows only
 * the moves below; anything else throws IllegalTransitionError (a bug). A session
 * status change always comes with its `session.status` event, appended in the same
 * unit of work by the caller (in the transaction, or by the turn's recorder).
 *
 * A paused turn (awaiting approval) is AWAITING_APPROVAL for both: no worker owns it, and
 * a decision (or its expiry, or a cancel) queues it again and the session runs again.
 */
export const SESSION_TRANSITIONS = {
  /** A new session waits for its first message. */
  IDLE: ['RUNNING', 'SUSPENDED', 'ENDED'],
  /** Its sandbox was stopped for idleness; the next message starts one again. */
  SUSPENDED: ['RUNNING', 'ENDED'],
  /** The last turn failed before the agent wrote anything. */
  FAILED: ['RUNNING', 'ENDED'],
  /** A turn is queued or running; it may need a sandbox first, and ends IDLE or FAILED, or pauses for approval. */
  RUNNING: ['PROVISIONING', 'IDLE', 'FAILED', 'AWAITING_APPROVAL'],
  /** The turn waits for a person to approve or deny a tool call; any decision runs it again. */
  AWAITING_APPROVAL: ['RUNNING'],
  PROVISIONING: ['RUNNING', 'IDLE', 'FAILED'],
  ENDED: [],
} as const satisfies Record<SessionStatus, readonly SessionStatus[]>;

export const TURN_TRANSITIONS = {
  /** Claimed by a worker, or failed by recovery when no worker picks it up. */
  QUEUED: ['RUNNING', 'FAILED'],
  RUNNING: ['COMPLETED', 'FAILED', 'CANCELLED', 'AWAITING_APPROVAL'],
  /** Paused on a tool call awaiting approval; a decision queues it again. */
  AWAITING_APPROVAL: ['QUEUED'],
  COMPLETED: [],
  FAILED: [],
  CANCELLED: [],
} as const satisfies Record<TurnStatus, readonly TurnStatus[]>;

export const INITIAL_SESSION_STATUS = 'IDLE' satisfies SessionStatus;

/** A turn is queued or running: the session takes no new message and cannot end yet. */
export const BUSY: ReadonlySet<SessionStatus> = new Set<SessionStatus>(['RUNNING', 'PROVISIONING', 'AWAITING_APPROVAL']);

export const isBusy = (status: SessionStatus): boolean => BUSY.has(status);

export function canMoveSession(from: SessionStatus, to: SessionStatus): boolean {
  return (SESSION_TRANSITIONS[from] as readonly SessionStatus[]).includes(to);
}

export function canMoveTurn(from: TurnStatus, to: TurnStatus): boolean {
  return (TURN_TRANSITIONS[from] as readonly TurnStatus[]).includes(to);
}

/** The event every session status change appends; `message` says what is happening (e.g. while provisioning). */
export function sessionStatusEvent(status: SessionStatus, message?: string): NewEvent {
  return { type: 'session.status', payload: message === undefined ? { status } : { status, message } };
}

/**
 * Locks the session row for the rest of the transaction and returns its status, so the
 * caller decides on a state no one else can change before it commits. Null if the
 * session does not exist.
 */
export async function lockSession(tx: Tx, sessionId: string): Promise<SessionStatus | null> {
  const [row] = await tx.$queryRaw<{ status: SessionStatus }[]>`SELECT status FROM "Session" WHERE id = ${sessionId}::uuid FOR UPDATE`;
  return row?.status ?? null;
}

/**
 * Moves a session locked by `lockSession` in this transaction from `from` (its status
 * as read there) to `to`, and returns the `session.status` event the caller appends
 * in the same unit of work. Throws IllegalTransitionError for a move the table does
 * not allow, or when the row is not in `from` after all (it was not locked).
 */
export async function moveSession(tx: Tx, sessionId: string, from: SessionStatus, to: SessionStatus, opts: { message?: string } = {}): Promise<NewEvent> {
  if (!canMoveSession(from, to)) throw new IllegalTransitionError('session', sessionId, from, to);
  const moved = await tx.session.updateMany({ where: { id: sessionId, status: from }, data: { status: to } });
  if (moved.count !== 1) throw new IllegalTransitionError('session', sessionId, `not ${from}`, to);
  return sessionStatusEvent(to, opts.message);
}

/**
 * Moves a turn from `from` to `to` with `data`, unless another process moved it first
 * (a worker and recovery may race for the same turn): false then, nothing written.
 * Throws IllegalTransitionError for a move the table does not allow.
 */
export async function moveTurn(
  tx: Pick<Tx, 'turn'>,
  turnId: string,
  from: TurnStatus,
  to: TurnStatus,
  data: Omit<Prisma.TurnUpdateManyMutationInput, 'status'> = {},
): Promise<boolean> {
  if (!canMoveTurn(from, to)) throw new IllegalTransitionError('turn', turnId, from, to);
  const moved = await tx.turn.updateMany({ where: { id: turnId, status: from }, data: { ...data, status: to } });
  return moved.count === 1;
}
