import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Writable } from 'node:stream';
import type pg from 'pg';
import type { Message, Turn } from '../db/index.ts';
import { badInput } from '../errors/index.ts';
import { decodeIdCursor, encodeCursor } from '../ids/index.ts';
import { exportMessages, exportSessionBatch, exportTurns, type ExportSession } from './store.ts';

/**
 * Bulk export: one JSON line per session (docs/export-line.schema.json), sessions in id
 * order, each with its messages, tool calls, turns and usage. Reads are keyset batches and
 * every write waits for the destination to drain, so memory stays flat however much is
 * exported. Each line carries the cursor to resume after it.
 */
const SESSION_BATCH = 50;
const MESSAGE_BATCH = 500;
const TURN_BATCH = 500;

export type ExportRange = { teamId: string | null; since: Date; until: Date; cursor: string | null };

/** Parses `since`, `until` and `cursor` as the HTTP route and the CLI take them. */
export function exportRange(
  teamId: string | null,
  params: { since?: string | null; until?: string | null; cursor?: string | null },
  now = new Date(),
): ExportRange {
  const date = (name: 'since' | 'until', value: string | null | undefined, fallback: Date) => {
    if (value === undefined || value === null || value === '') return fallback;
    const parsed = new Date(value);
    if (Number.isNaN(parsed.getTime()))
      throw badInput(`${name} must be an ISO-8601 date or date-time (e.g. 2026-01-01 or 2026-01-01T00:00:00Z), not "${value}".`, name);
    return parsed;
  };
  const since = date('since', params.since, new Date(0));
  const until = date('until', params.until, now);
  if (since >= until) throw badInput('since must be earlier than until.', 'since');
  let cursor: string | null = null;
  if (params.cursor) {
    cursor = decodeIdCursor(params.cursor);
    if (!cursor) throw badInput('cursor is not an export cursor; pass the "cursor" of the last line you received.', 'cursor');
  }
  return { teamId, since, until, cursor };
}

function messageJson(m: Message) {
  return {
    id: m.id,
    role: m.role,
    content: m.content,
    status: m.status,
    toolCalls: m.toolCalls ?? [],
    toolCallId: m.toolCallId,
    model: m.model,
    usage: {
      inputTokens: m.inputTokens,
      outputTokens: m.outputTokens,
      cacheReadTokens: m.cacheReadTokens,
      cacheWriteTokens: m.cacheWriteTokens,
      costUsd: m.costUsd,
    },
    error: m.error,
    createdAt: m.createdAt.toISOString(),
    completedAt: m.completedAt?.toISOString() ?? null,
  };
}

function turnJson(t: Turn) {
  return {
    id: t.id,
    status: t.status,
    error: t.error,
    model: t.model,
    usage: { inputTokens: t.inputTokens ?? 0, outputTokens: t.outputTokens ?? 0, costUsd: t.costUsd },
    toolCalls: t.toolCalls,
    userMessageId: t.userMessageId,
    assistantMessageId: t.assistantMessageId,
    createdAt: t.createdAt.toISOString(),
    startedAt: t.startedAt?.toISOString() ?? null,
    endedAt: t.endedAt?.toISOString() ?? null,
  };
}

/** The line's opening, up to the messages array; everything but messages and turns. */
function head(s: ExportSession): string {
  const json = JSON.stringify({
    id: s.id,
    teamId: s.teamId,
    agent: { id: s.agentId, name: s.agentName, harness: s.harness, model: s.agentModel },
    title: s.title,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
    lastActiveAt: s.lastActiveAt.toISOString(),
    endedAt: s.endedAt?.toISOString() ?? null,
    usage: {
      inputTokens: s.inputTokens,
      outputTokens: s.outputTokens,
      totalTokens: s.inputTokens + s.outputTokens,
      cacheReadTokens: s.cacheReadTokens,
      cacheWriteTokens: s.cacheWriteTokens,
      costUsd: s.costUsd,
      unpricedTokens: s.unpricedTokens,
    },
    failedTurns: s.failedTurns,
    toolCalls: s.toolCalls,
    toolNames: s.toolNames,
    cursor: encodeCursor(s.id),
  });
  return json.slice(0, -1);
}

/** Yields the export as text chunks, each a part of a line or lines; ends after the last session. */
export async function* exportChunks(pool: pg.Pool, range: ExportRange): AsyncGenerator<string> {
  let cursor = range.cursor;
  for (;;) {
    const sessions = await exportSessionBatch(pool, range.teamId, range.since, range.until, cursor, SESSION_BATCH);
    for (const session of sessions) {
      yield `${head(session)},"messages":[`;
      let first = true;
      for (let after: string | null = null; ;) {
        const messages = await exportMessages(pool, session.id, after, MESSAGE_BATCH);
        if (messages.length === 0) break;
        yield (first ? '' : ',') + messages.map((m) => JSON.stringify(messageJson(m))).join(',');
        first = false;
        after = messages.at(-1)!.id;
        if (messages.length < MESSAGE_BATCH) break;
      }
      yield '],"turns":[';
      first = true;
      for (let after: Turn | null = null; ;) {
        const turns = await exportTurns(pool, session.id, after?.createdAt ?? null, after?.id ?? null, TURN_BATCH);
        if (turns.length === 0) break;
        yield (first ? '' : ',') + turns.map((t) => JSON.stringify(turnJson(t))).join(',');
        first = false;
        after = turns.at(-1)!;
        if (turns.length < TURN_BATCH) break;
      }
      yield ']}\n';
    }
    if (sessions.length < SESSION_BATCH) return;
    cursor = sessions.at(-1)!.id;
  }
}

/** Writes the export to `out`, waiting whenever it is full; stops early when `signal` aborts. */
export async function writeExport(pool: pg.Pool, range: ExportRange, out: Writable, signal?: AbortSignal): Promise<void> {
  for await (const chunk of exportChunks(pool, range)) {
    if (signal?.aborted) return;
    if (!out.write(chunk)) {
      await Promise.race([once(out, 'drain'), ...(signal ? [once(signal, 'abort')] : [])]);
    }
  }
}

/** `GET /export/sessions.ndjson?since=…&until=…&cursor=…` for the key's team. */
export async function handleExportRequest(
  req: IncomingMessage,
  res: ServerResponse,
  pool: pg.Pool,
  teamId: string,
  sendError: (status: number, message: string, code: string) => void,
  onStart?: (range: ExportRange) => void,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let range: ExportRange;
  try {
    range = exportRange(teamId, { since: url.searchParams.get('since'), until: url.searchParams.get('until'), cursor: url.searchParams.get('cursor') });
  } catch (error) {
    return sendError(400, (error as Error).message, 'BAD_USER_INPUT');
  }
  onStart?.(range);
  res.writeHead(200, {
    'content-type': 'application/x-ndjson; charset=utf-8',
    'cache-control': 'no-store',
    // What was asked for, so a client can resume with the same window.
    'x-paddock-export-until': range.until.toISOString(),
  });
  if (req.method === 'HEAD') return void res.end();
  const abort = new AbortController();
  const onClose = () => abort.abort();
  res.once('close', onClose);
  try {
    await writeExport(pool, range, res, abort.signal);
    if (!abort.signal.aborted) res.end();
  } finally {
    res.off('close', onClose);
  }
}
