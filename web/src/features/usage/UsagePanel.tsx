import { useId, useMemo, useState } from 'react';
import { UsageChart } from './UsageChart.tsx';
import { dailySeries, type DailyUsageRow, type GroupBy, type Metric } from './series.ts';

export const PERIODS = [7, 30, 90] as const;

/** Cost or tokens per day, stacked by agent or model, with the period to show. */
export function UsagePanel({
  title,
  rows,
  by,
  days,
  onDays,
}: {
  title: string;
  rows: readonly DailyUsageRow[];
  by: GroupBy;
  days: number;
  onDays: (days: number) => void;
}) {
  const [metric, setMetric] = useState<Metric>('cost');
  const ids = { metric: useId(), days: useId() };
  const data = useMemo(() => dailySeries(rows, { by, metric, days }), [rows, by, metric, days]);
  return (
    <section className="panel" aria-label={title}>
      <div className="panel-head">
        <h2 className="section-title">{title}</h2>
        <div className="usage-controls">
          <label htmlFor={ids.metric} className="visually-hidden">
            Show
          </label>
          <select id={ids.metric} value={metric} onChange={(e) => setMetric(e.target.value as Metric)}>
            <option value="cost">Cost (USD)</option>
            <option value="tokens">Tokens</option>
          </select>
          <label htmlFor={ids.days} className="visually-hidden">
            Period
          </label>
          <select id={ids.days} value={days} onChange={(e) => onDays(Number(e.target.value))}>
            {PERIODS.map((p) => (
              <option key={p} value={p}>
                Last {p} days
              </option>
            ))}
          </select>
        </div>
      </div>
      <UsageChart data={data} metric={metric} title={`${metric === 'cost' ? 'Cost' : 'Tokens'} per day by ${by}, last ${days} days`} />
    </section>
  );
}
