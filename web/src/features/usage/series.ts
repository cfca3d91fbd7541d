/** One row of `usageByDay`, as the API returns it. */
export type DailyUsageRow = {
  day: string;
  agentId: string;
  agent?: { name: string } | null;
  model: string;
  usage: { totalTokens: number; costUsd: number | null; unpricedTokens: number };
};

export type Metric = 'cost' | 'tokens';
export type GroupBy = 'agent' | 'model';

export type Series = { key: string; label: string; values: number[]; total: number };
export type DailySeries = { days: string[]; series: Series[]; max: number; unpricedTokens: number };

/** At most this many series are drawn; the smallest others are summed as "Other". */
export const MAX_SERIES = 6;

/** YYYY-MM-DD of the last `count` UTC days ending `today`, oldest first. */
export function lastDays(count: number, today: Date = new Date()): string[] {
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  return Array.from({ length: count }, (_, i) => new Date(end - (count - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

/**
 * Turns per-day, per-agent, per-model rows into stacked series over every day of the
 * window (days without usage are zero), biggest series first.
 */
export function dailySeries(rows: readonly DailyUsageRow[], opts: { by: GroupBy; metric: Metric; days: number; today?: Date }): DailySeries {
  const days = lastDays(opts.days, opts.today);
  const index = new Map(days.map((d, i) => [d, i]));
  const byKey = new Map<string, Series>();
  let unpricedTokens = 0;
  for (const row of rows) {
    const i = index.get(row.day.slice(0, 10));
    if (i === undefined) continue;
    const key = opts.by === 'agent' ? row.agentId : row.model;
    const label = opts.by === 'agent' ? (row.agent?.name ?? 'Unknown agent') : row.model;
    let series = byKey.get(key);
    if (!series) byKey.set(key, (series = { key, label, values: days.map(() => 0), total: 0 }));
    const value = opts.metric === 'cost' ? (row.usage.costUsd ?? 0) : row.usage.totalTokens;
    series.values[i]! += value;
    series.total += value;
    unpricedTokens += row.usage.unpricedTokens;
  }
  let series = [...byKey.values()].sort((a, b) => b.total - a.total || a.label.localeCompare(b.label));
  if (series.length > MAX_SERIES) {
    const rest = series.slice(MAX_SERIES - 1);
    const other: Series = {
      key: '__other',
      label: `${rest.length} others`,
      values: days.map((_, i) => rest.reduce((s, r) => s + r.values[i]!, 0)),
      total: rest.reduce((s, r) => s + r.total, 0),
    };
    series = [...series.slice(0, MAX_SERIES - 1), other];
  }
  const max = Math.max(0, ...days.map((_, i) => series.reduce((s, r) => s + r.values[i]!, 0)));
  return { days, series, max, unpricedTokens };
}
