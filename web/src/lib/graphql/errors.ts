import type { CombinedError } from '@urql/core';

/** Error codes the Paddock API puts in `extensions.code` (see the README's API section). */
const API_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'SESSION_ENDED',
  'TURN_RUNNING',
  'NO_TURN_RUNNING',
  'TURN_STOPPING',
] as const;
export type ApiErrorCode = (typeof API_CODES)[number];

/** An API failure in words a person can act on. */
export type Problem = {
  code: ApiErrorCode | 'NETWORK' | 'UNEXPECTED';
  /** Short heading, e.g. "Not found". */
  title: string;
  /** What happened and what to do; the API's own message when it sent one. */
  message: string;
  /** The input field the API blamed (BAD_USER_INPUT), if any. */
  field: string | null;
};

type GraphQLErrorLike = { message: string; extensions?: Record<string, unknown> | undefined };

const TITLES: Record<Problem['code'], string> = {
  BAD_USER_INPUT: 'Check your input',
  UNAUTHENTICATED: 'Signed out',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  CONFLICT: 'Not possible right now',
  SESSION_ENDED: 'Session ended',
  TURN_RUNNING: 'The agent is still answering',
  NO_TURN_RUNNING: 'Nothing to stop',
  TURN_STOPPING: 'Still stopping',
  NETWORK: 'Cannot reach Paddock',
  UNEXPECTED: 'Something went wrong',
};

const CODES: ReadonlySet<string> = new Set<string>(API_CODES);

function isApiCode(code: unknown): code is ApiErrorCode {
  return typeof code === 'string' && CODES.has(code);
}

/** One GraphQL error (from HTTP or WebSocket) as a Problem. */
export function describeGraphQLError(error: GraphQLErrorLike): Problem {
  const code = error.extensions?.code;
  const field = typeof error.extensions?.field === 'string' ? error.extensions.field : null;
  if (isApiCode(code)) {
    let message = error.message;
    if (code === 'FORBIDDEN' && !/key|role|admin/i.test(message)) message += ' Ask an admin for a key with the right role.';
    return { code, title: TITLES[code], message, field };
  }
  return {
    code: 'UNEXPECTED',
    title: TITLES.UNEXPECTED,
    message:
      error.message && error.message !== 'Unexpected error.'
        ? error.message
        : 'The server hit an unexpected error. Try again; if it keeps happening, check the Paddock server logs.',
    field: null,
  };
}

function isCombinedError(error: unknown): error is CombinedError {
  return typeof error === 'object' && error !== null && 'graphQLErrors' in error && Array.isArray((error as CombinedError).graphQLErrors);
}

/** Any failure (urql CombinedError, WebSocket close, thrown Error) as a Problem. */
export function describeError(error: unknown): Problem {
  if (isCombinedError(error)) {
    const first = error.graphQLErrors[0];
    if (first) return describeGraphQLError(first);
    if (error.networkError) return networkProblem(error.response);
  }
  if (Array.isArray(error) && error.length > 0 && typeof (error[0] as GraphQLErrorLike).message === 'string') {
    return describeGraphQLError(error[0] as GraphQLErrorLike);
  }
  if (typeof error === 'object' && error !== null && 'code' in error && 'reason' in error) {
    // A WebSocket CloseEvent.
    return networkProblem(undefined);
  }
  if (error instanceof Error) return { code: 'UNEXPECTED', title: TITLES.UNEXPECTED, message: error.message, field: null };
  return { code: 'UNEXPECTED', title: TITLES.UNEXPECTED, message: 'Something went wrong. Try again.', field: null };
}

function networkProblem(response: unknown): Problem {
  const status = typeof response === 'object' && response !== null && 'status' in response ? Number((response as { status: unknown }).status) : 0;
  const message =
    status >= 500
      ? `The Paddock server answered with an error (HTTP ${status}). Try again in a moment; if it persists, check the server logs.`
      : 'The Paddock API did not answer. Check your connection and that the server is running, then try again.';
  return { code: 'NETWORK', title: TITLES.NETWORK, message, field: null };
}

/**
 * True if a lookup by the id in the page's URL failed because no such object exists
 * for this key: unknown (NOT_FOUND) or not an id at all (BAD_USER_INPUT, e.g. a
 * mistyped link). The page then says "not found" instead of the API's wording.
 */
export function isMissingObject(error: unknown): boolean {
  const { code } = describeError(error);
  return code === 'NOT_FOUND' || code === 'BAD_USER_INPUT';
}

/** True if the error means the API key is missing, wrong or revoked. */
export function isUnauthenticated(error: unknown): boolean {
  if (isCombinedError(error)) {
    if (error.graphQLErrors.some((e) => e.extensions?.code === 'UNAUTHENTICATED')) return true;
    const status = (error.response as { status?: unknown } | undefined)?.status;
    return status === 401;
  }
  if (Array.isArray(error)) return error.some((e: GraphQLErrorLike) => e?.extensions?.code === 'UNAUTHENTICATED');
  return false;
}
