import { GraphQLError } from 'graphql';

const CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'UNAVAILABLE',
  // The session's state forbids the request; each has its own code so clients never read messages.
  'SESSION_ENDED',
  'TURN_RUNNING',
  'NO_TURN_RUNNING',
  'TURN_STOPPING',
] as const;

export type ErrorCode = (typeof CODES)[number];

/** Codes whose messages are written for the caller and are never masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set<ErrorCode>(CODES);

/**
 * An error meant for the caller: its message says what to fix. Anything else thrown
 * inside a resolver is logged and masked by the server.
 */
export class PaddockError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const badInput = (message: string, field?: string) => new PaddockError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string, id: string) => new PaddockError('NOT_FOUND', `${what} ${id} was not found.`);
export const conflict = (message: string) => new PaddockError('CONFLICT', message);
export const forbidden = (message: string) => new PaddockError('FORBIDDEN', message);
export const unauthenticated = (message: string) => new PaddockError('UNAUTHENTICATED', message);

export const sessionEnded = () => new PaddockError('SESSION_ENDED', 'This session has ended; start a new session to keep talking to the agent.');
export const turnRunning = () =>
  new PaddockError('TURN_RUNNING', 'The agent is still answering the previous message; wait for session.status IDLE or call cancelTurn first.');
export const noTurnRunning = () => new PaddockError('NO_TURN_RUNNING', 'No turn is running in this session; there is nothing to cancel.');
export const turnStopping = () => new PaddockError('TURN_STOPPING', 'The running turn is still stopping; try ending the session again in a moment.');

/**
 * A status change the lifecycle table does not allow: a bug in Paddock, never the
 * caller's doing, so it is logged and masked like any unexpected error.
 */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(
    readonly entity: 'session' | 'turn',
    readonly id: string,
    readonly from: string,
    readonly to: string,
  ) {
    super(`illegal ${entity} transition ${from} -> ${to} (${entity} ${id})`);
  }
}

/**
 * A request over one of the configured limits, rejected before it ran; `limit` names the
 * setting that sets it. Answered with HTTP 400.
 */
export const limitExceeded = (message: string, limit: string) => new PaddockError('BAD_USER_INPUT', message, { limit, http: { status: 400, spec: false } });

/** A team quota is used up: a CONFLICT whose `reason` is QUOTA_EXCEEDED and `quota` names the setting. */
export const quotaExceeded = (message: string, quota: string, max: number) => new PaddockError('CONFLICT', message, { reason: 'QUOTA_EXCEEDED', quota, max });

/** Too many requests; `retryAfter` seconds until the next one may succeed (also the Retry-After header over HTTP). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new PaddockError('RATE_LIMITED', message, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
  });

/** A dependency (the database) is briefly away; the same request may succeed when retried. */
export const unavailable = (message: string, extra: Record<string, unknown> = {}) => new PaddockError('UNAVAILABLE', message, { retryable: true, ...extra });
