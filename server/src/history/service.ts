import type pg from 'pg';
import { sqlPool, type Db, type TeamRetention, type Turn } from '../db/index.ts';
import { badInput } from '../errors/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import type { Viewer } from '../auth/viewer.ts';
import {
  HIT_END,
  HIT_START,
  listTurns,
  searchMessages,
  type SearchFilter,
  type SearchRow,
  type TurnFilter,
  usageGroups,
  type RollupGroup,
  type UsageGroupKey,
} from './store.ts';
import { histogramPercentile } from './usage.ts';

export const MAX_QUERY_CHARS = 500;
const HOUR_MS = 3_600_000;
const MAX_REPORT_DAYS = 400;
const MAX_HOURLY_DAYS = 93;
export const MAX_RETENTION_DAYS = 36_500;

export type TextRange = { start: number; end: number };
export type SearchHit = { id: string; message: SearchRow; snippet: string; highlights: TextRange[]; rank: number; matchedBy: 'FULL_TEXT' | 'SUBSTRING' };

export type UsageGroup = UsageGroupKey;
export type UsageReportRow = Omit<RollupGroup, 'durationHistogram'> & { p50DurationMs: number | null; p95DurationMs: number | null };

export type RetentionPolicy = Omit<TeamRetention, 'teamId'>;

/** A single word with characters the text search parser splits on: look it up as a substring too. */
function substringPattern(query: string): string | null {
  if (/\s/.test(query) || query.length < 3 || /^["-]/.test(query)) return null;
  return /[^\p{L}]/u.test(query) ? query : null;
}

/** Text between ts_headline's marks becomes highlight ranges of the plain snippet. */
function parseHeadline(headline: string): { snippet: string; highlights: TextRange[] } {
  let snippet = '';
  const highlights: TextRange[] = [];
  let start = -1;
  for (const ch of headline) {
    if (ch === HIT_START) start = snippet.length;
    else if (ch === HIT_END) {
      if (start >= 0) highlights.push({ start, end: snippet.length });
      start = -1;
    } else snippet += ch;
  }
  return { snippet, highlights };
}

function substringSnippet(content: string, pattern: string): { snippet: string; highlights: TextRange[] } {
  const at = content.toLowerCase().indexOf(pattern.toLowerCase());
  if (at < 0) return { snippet: content.slice(0, 160), highlights: [] };
  const from = Math.max(0, at - 60);
  const to = Math.min(content.length, at + pattern.length + 60);
  const prefix = from > 0 ? '… ' : '';
  const snippet = `${prefix}${content.slice(from, to)}${to < content.length ? ' …' : ''}`;
  const start = prefix.length + at - from;
  return { snippet, highlights: [{ start, end: start + pattern.length }] };
}

function checkRange(from: Date | null | undefined, to: Date | null | undefined, field: string) {
  if (from && to && from >= to) throw badInput('from must be earlier than to.', `${field}.from`);
}

/** Search, cross-session turns, usage analytics and retention settings of the viewer's team. */
export class HistoryService {
  readonly #db: Db;
  readonly #pool: pg.Pool;

  constructor(db: Db) {
    this.#db = db;
    this.#pool = sqlPool(db);
  }

  async search(viewer: Viewer, query: string, filter: SearchFilter, window: PageWindow): Promise<SearchHit[]> {
    const text = query.trim();
    if (text === '') throw badInput('query must not be empty: give words, "a phrase", word OR word, or -word to exclude.', 'query');
    if (text.length > MAX_QUERY_CHARS) throw badInput(`query must be at most ${MAX_QUERY_CHARS} characters.`, 'query');
    checkRange(filter.from, filter.to, 'filter');
    const pattern = substringPattern(text);
    const rows = await searchMessages(this.#pool, viewer.teamId, { query: text, pattern }, filter, window);
    return rows.map((row) => {
      const fullText = row.fullText && row.headline !== null;
      const { snippet, highlights } = fullText ? parseHeadline(row.headline!) : substringSnippet(row.content, pattern ?? text);
      return { id: row.id, message: row, snippet, highlights, rank: row.rank, matchedBy: fullText ? 'FULL_TEXT' : 'SUBSTRING' };
    });
  }

  async turns(viewer: Viewer, filter: TurnFilter, window: PageWindow): Promise<Turn[]> {
    checkRange(filter.from, filter.to, 'filter');
    return listTurns(this.#pool, viewer.teamId, filter, window);
  }

  async usageReport(
    viewer: Viewer,
    input: { groupBy: readonly UsageGroup[]; from: Date; to: Date; filter: { agentId?: string | null; model?: string | null; harness?: string | null } },
  ): Promise<UsageReportRow[]> {
    const { from, to, groupBy } = input;
    for (const [name, date] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (date.getTime() % HOUR_MS !== 0) throw badInput(`${name} must be a whole hour in UTC (e.g. 2026-01-31T09:00:00Z): usage is kept per hour.`, name);
    }
    if (from >= to) throw badInput('from must be earlier than to.', 'from');
    const days = (to.getTime() - from.getTime()) / 86_400_000;
    if (days > MAX_REPORT_DAYS) throw badInput(`A report spans at most ${MAX_REPORT_DAYS} days; ask for several.`, 'to');
    const groups = new Set(groupBy);
    if (groups.has('HOUR') && days > MAX_HOURLY_DAYS)
      throw badInput(`Grouping by HOUR spans at most ${MAX_HOURLY_DAYS} days; group by DAY or narrow from/to.`, 'groupBy');

    const rows = await usageGroups(this.#pool, viewer.teamId, from, to, groups, input.filter);
    return rows.map(({ durationHistogram, ...row }) => ({
      ...row,
      p50DurationMs: histogramPercentile(durationHistogram, 0.5),
      p95DurationMs: histogramPercentile(durationHistogram, 0.95),
    }));
  }

  async retention(viewer: Viewer): Promise<RetentionPolicy> {
    const row = await this.#db.teamRetention.findUnique({ where: { teamId: viewer.teamId } });
    return (
      row ?? { compactDeltasAfterDays: null, deleteSessionsAfterDays: null, updatedAt: new Date(0), lastRunAt: null, compactedTurns: 0, deletedSessions: 0 }
    );
  }

  async setRetention(viewer: Viewer, input: { compactDeltasAfterDays?: number | null; deleteSessionsAfterDays?: number | null }): Promise<RetentionPolicy> {
    for (const field of ['compactDeltasAfterDays', 'deleteSessionsAfterDays'] as const) {
      const value = input[field];
      if (value != null && (value < 1 || value > MAX_RETENTION_DAYS))
        throw badInput(`${field} must be between 1 and ${MAX_RETENTION_DAYS} days, or null to keep forever.`, `input.${field}`);
    }
    const data = {
      ...(input.compactDeltasAfterDays !== undefined ? { compactDeltasAfterDays: input.compactDeltasAfterDays } : {}),
      ...(input.deleteSessionsAfterDays !== undefined ? { deleteSessionsAfterDays: input.deleteSessionsAfterDays } : {}),
      updatedAt: new Date(),
    };
    return this.#db.teamRetention.upsert({ where: { teamId: viewer.teamId }, create: { teamId: viewer.teamId, ...data }, update: data });
  }
}
