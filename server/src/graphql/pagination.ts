import { badInput } from '../errors/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import { decodeIdCursor, encodeCursor } from '../ids/index.ts';

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

/** How a connection turns a row's key into an opaque cursor and back. */
export type CursorCodec<T, K> = { keyOf: (node: T) => K; encode: (key: K) => string; decode: (cursor: string) => K | null };

const idCodec: CursorCodec<{ id: string }, string> = { keyOf: (node) => node.id, encode: encodeCursor, decode: decodeIdCursor };

/** Cursors over a per-session sequence number (the event log). */
export const seqCodec: CursorCodec<{ seq: number }, number> = {
  keyOf: (node) => node.seq,
  encode: (seq) => Buffer.from(`s:${seq}`).toString('base64url'),
  decode: (cursor) => {
    const match = /^s:(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
    return match ? Number(match[1]) : null;
  },
};

function decodeCursor<K>(codec: { decode: (cursor: string) => K | null }, cursor: string, arg: string): K {
  const key = codec.decode(cursor);
  if (key === null) throw badInput(`"${arg}" is not a cursor from this connection; pass a cursor or pageInfo.endCursor you received.`, arg);
  return key;
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
  options: { defaultSize?: number; maxSize?: number } = {},
): Promise<Page<T>> {
  return keysetConnectionBy(args, idCodec, fetch, options);
}

/** keysetConnection over any key: a UUID, a seq, whatever the codec reads and writes. */
export async function keysetConnectionBy<T, K>(
  args: PageArgs,
  codec: CursorCodec<T, K>,
  fetch: (window: PageWindow<K>) => Promise<T[]>,
  { defaultSize = DEFAULT_PAGE_SIZE, maxSize = MAX_PAGE_SIZE }: { defaultSize?: number; maxSize?: number } = {},
): Promise<Page<T>> {
  if (args.first != null && args.last != null) throw badInput('Pass either "first" or "last", not both.');
  const backward = args.last != null;
  const limit = backward ? size(args.last, 'last', defaultSize, maxSize) : size(args.first, 'first', defaultSize, maxSize);
  const after = args.after ? decodeCursor(codec, args.after, 'after') : undefined;
  const before = args.before ? decodeCursor(codec, args.before, 'before') : undefined;
  // `first: 0` still reads one row, so hasNextPage (or hasPreviousPage) tells whether there is any.
  const rows = await fetch({ after, before, limit: limit + 1, backward });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backward) page.reverse();
  const edges = page.map((node) => ({ cursor: codec.encode(codec.keyOf(node)), node }));
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
