import { badInput } from '../errors/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import { isUuid } from '../ids/index.ts';

export type PageArgs = {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
};

export type Page<T> = {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};

const encodeCursor = (id: string) => Buffer.from(`c:${id}`).toString('base64url');

function decodeCursor(cursor: string, arg: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = decoded.slice(2);
  if (!decoded.startsWith('c:') || !isUuid(id)) {
    throw badInput(`"${arg}" is not a cursor from this connection; pass a cursor or pageInfo.endCursor you received.`, arg);
  }
  return id;
}

/** Page size of a connection when neither `first` nor `last` is given. */
export const DEFAULT_PAGE_SIZE = 20;
/** Largest `first`/`last` a connection accepts. */
export const MAX_PAGE_SIZE = 100;

function size(value: number | null | undefined, arg: string, fallback: number, max: number): number {
  if (value === null || value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0 || value > max) throw badInput(`"${arg}" must be between 0 and ${max}.`, arg);
  return value;
}

/**
 * Relay keyset pagination over rows ordered by their UUIDv7 id: one query of
 * `limit + 1` rows tells whether another page exists, at any depth in the history.
 */
export async function keysetConnection<T extends { id: string }>(
  args: PageArgs,
  fetch: (window: PageWindow) => Promise<T[]>,
  { defaultSize = DEFAULT_PAGE_SIZE, maxSize = MAX_PAGE_SIZE } = {},
): Promise<Page<T>> {
  if (args.first != null && args.last != null) throw badInput('Pass either "first" or "last", not both.');
  const backward = args.last != null;
  const limit = backward ? size(args.last, 'last', defaultSize, maxSize) : size(args.first, 'first', defaultSize, maxSize);
  const after = args.after ? decodeCursor(args.after, 'after') : undefined;
  const before = args.before ? decodeCursor(args.before, 'before') : undefined;
  // `first: 0` still reads one row, so hasNextPage (or hasPreviousPage) tells whether there is any.
  const rows = await fetch({ after, before, limit: limit + 1, backward });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ cursor: encodeCursor(node.id), node }));
  return {
    edges,
    pageInfo: {
      hasNextPage: backward ? before !== undefined : more,
      hasPreviousPage: backward ? more : after !== undefined,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
