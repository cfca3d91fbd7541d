import { useId } from 'react';
import { formatNumber, formatUsd } from '../../lib/format.ts';
import type { DailySeries, Metric } from './series.ts';

const COLORS = ['#3b5bdb', '#0c8599', '#e8590c', '#2f9e44', '#ae3ec9', '#868e96'];
const WIDTH = 640;
const HEIGHT = 180;
const AXIS = 28;

const short = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
const dayLabel = (day: string) => short.format(new Date(`${day}T00:00:00Z`));

/**
 * Stacked bars per UTC day, drawn as plain SVG (no chart library in the bundle), with
 * a legend and the same numbers as a table for screen readers and copying.
 */
export function UsageChart({ data, metric, title }: { data: DailySeries; metric: Metric; title: string }) {
  const titleId = useId();
  const format = (n: number) => (metric === 'cost' ? formatUsd(n) : formatNumber(Math.round(n)));
  if (data.series.length === 0) return <p className="muted">No usage in this period.</p>;
  const slot = (WIDTH - AXIS) / data.days.length;
  const bar = Math.max(2, slot * 0.7);
  const scale = data.max > 0 ? (HEIGHT - 16) / data.max : 0;
  return (
    <figure className="usage-chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT + 20}`} role="img" aria-labelledby={titleId} className="usage-chart-svg">
        <title id={titleId}>{title}</title>
        <line x1={AXIS} x2={WIDTH} y1={HEIGHT} y2={HEIGHT} stroke="var(--border-strong)" />
        <text x={AXIS - 4} y={12} textAnchor="end" className="usage-chart-axis">
          {format(data.max)}
        </text>
        <text x={AXIS - 4} y={HEIGHT} textAnchor="end" className="usage-chart-axis">
          0
        </text>
        {data.days.map((day, i) => {
          let y = HEIGHT;
          const x = AXIS + i * slot + (slot - bar) / 2;
          return (
            <g key={day}>
              {data.series.map((s, k) => {
                const h = s.values[i]! * scale;
                if (h <= 0) return null;
                y -= h;
                return (
                  <rect key={s.key} x={x} y={y} width={bar} height={h} fill={COLORS[k % COLORS.length]}>
                    <title>{`${dayLabel(day)} · ${s.label}: ${format(s.values[i]!)}`}</title>
                  </rect>
                );
              })}
              {i === 0 || i === data.days.length - 1 || (data.days.length > 10 && i % 7 === 0) ? (
                <text x={x + bar / 2} y={HEIGHT + 14} textAnchor="middle" className="usage-chart-axis">
                  {dayLabel(day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="usage-legend">
          {data.series.map((s, k) => (
            <li key={s.key}>
              <span className="usage-swatch" style={{ background: COLORS[k % COLORS.length] }} aria-hidden="true" />
              {s.label} <span className="muted">{format(s.total)}</span>
            </li>
          ))}
        </ul>
        {metric === 'cost' && data.unpricedTokens > 0 ? (
          <p className="small muted">{formatNumber(data.unpricedTokens)} tokens of models without a known price are not counted (set PADDOCK_MODEL_PRICES).</p>
        ) : null}
        <details className="usage-table">
          <summary>Show as table</summary>
          <table>
            <thead>
              <tr>
                <th scope="col">Day (UTC)</th>
                {data.series.map((s) => (
                  <th key={s.key} scope="col">
                    {s.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.days.map((day, i) => (
                <tr key={day}>
                  <th scope="row">{day}</th>
                  {data.series.map((s) => (
                    <td key={s.key}>{format(s.values[i]!)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      </figcaption>
    </figure>
  );
}
