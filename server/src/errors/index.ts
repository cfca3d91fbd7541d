import { GraphQLError } from 'graphql';

export type ErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'RATE_LIMITED' | 'UNAVAILABLE';

/** Codes whose messages are written for the caller and are never masked. */
export const PUBLIC_CODES: ReadonlySet<string> = new Set<ErrorCode>(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'UNAVAILABLE']);

/**
 * An error meant for the caller: its message says what to fix. Anything else thrown
 * inside a resolver is logged and masked by the server.
 */
export class PaddockError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export const badInput = (message: string, field?: string) =>
  new PaddockError('BAD_USER_INPUT', message, field ? { field } : {});
export const notFound = (what: string, id: string) => new PaddockError('NOT_FOUND', `${what} ${id} was not found.`);
export const conflict = (message: string) => new PaddockError('CONFLICT', message);
export const forbidden = (message: string) => new PaddockError('FORBIDDEN', message);
export const unauthenticated = (message: string) => new PaddockError('UNAUTHENTICATED', message);

/**
 * A request over one of the configured limits, rejected before it ran; `limit` names the
 * setting that sets it. Answered with HTTP 400.
 */
export const limitExceeded = (message: string, limit: string) =>
  new PaddockError('BAD_USER_INPUT', message, { limit, http: { status: 400, spec: false } });

/** A team quota is used up: a CONFLICT whose `reason` is QUOTA_EXCEEDED and `quota` names the setting. */
export const quotaExceeded = (message: string, quota: string, max: number) =>
  new PaddockError('CONFLICT', message, { reason: 'QUOTA_EXCEEDED', quota, max });

/** Too many requests; `retryAfter` seconds until the next one may succeed (also the Retry-After header over HTTP). */
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new PaddockError('RATE_LIMITED', message, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
  });

/** A dependency (the database) is briefly away; the same request may succeed when retried. */
export const unavailable = (message: string, extra: Record<string, unknown> = {}) => new PaddockError('UNAVAILABLE', message, { retryable: true, ...extra });
