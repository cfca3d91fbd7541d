import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { describeError } from '../../lib/graphql/errors.ts';
import { formatNumber, formatUsd } from '../../lib/format.ts';
import { Link } from 'wouter';
import { href } from '../../app/routes.tsx';
import { TeamOverviewQuery } from './documents.ts';
import { UsagePanel } from './UsagePanel.tsx';
import type { DailyUsageRow } from './series.ts';

type Total = { key: string; label: string; agentId?: string; tokens: number; cost: number; unpriced: number };

/** Sums the period's rows per agent or per model, biggest cost first. */
export function totalsBy(rows: readonly DailyUsageRow[], by: 'agent' | 'model'): Total[] {
  const totals = new Map<string, Total>();
  for (const row of rows) {
    const key = by === 'agent' ? row.agentId : row.model;
    let t = totals.get(key);
    if (!t)
      totals.set(
        key,
        (t = {
          key,
          label: by === 'agent' ? (row.agent?.name ?? 'Unknown agent') : row.model,
          ...(by === 'agent' ? { agentId: row.agentId } : {}),
          tokens: 0,
          cost: 0,
          unpriced: 0,
        }),
      );
    t.tokens += row.usage.totalTokens;
    t.cost += row.usage.costUsd ?? 0;
    t.unpriced += row.usage.unpricedTokens;
  }
  return [...totals.values()].sort((a, b) => b.cost - a.cost || b.tokens - a.tokens);
}

export default function TeamPage() {
  const [days, setDays] = useState(30);
  const [{ data, error, fetching }, refetch] = useQuery({ query: TeamOverviewQuery, variables: { days } });
  const team = data?.viewer.team;
  const rows = useMemo(() => team?.usageByDay ?? [], [team]);
  const agents = useMemo(() => totalsBy(rows, 'agent'), [rows]);
  const models = useMemo(() => totalsBy(rows, 'model'), [rows]);

  if (error && !data) return <ErrorNotice problem={describeError(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!team) return <Loading label={fetching ? 'Loading team…' : 'Loading…'} />;
  return (
    <div className="page">
      <PageHeader title={team.name}>
        <p className="muted">What your team's agents used and what it cost. Cost is priced when each turn ends.</p>
      </PageHeader>
      <section className="stats stats-4" aria-label="Team usage, all time">
        <div className="stat">
          <span className="stat-label">Cost, all time</span>
          <span className="stat-value">{formatUsd(team.usage.costUsd)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Total tokens</span>
          <span className="stat-value">{formatNumber(team.usage.totalTokens)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Cached input</span>
          <span className="stat-value">{formatNumber(team.usage.cacheReadTokens)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Unpriced tokens</span>
          <span className="stat-value">{formatNumber(team.usage.unpricedTokens)}</span>
        </div>
      </section>
      <UsagePanel title="Usage per day by agent" rows={rows} by="agent" days={days} onDays={setDays} />
      <div className="two-col">
        <TotalsTable title={`Agents, last ${days} days`} rows={agents} link />
        <TotalsTable title={`Models, last ${days} days`} rows={models} />
      </div>
    </div>
  );
}

function TotalsTable({ title, rows, link = false }: { title: string; rows: Total[]; link?: boolean }) {
  return (
    <section className="panel" aria-label={title}>
      <h2 className="section-title">{title}</h2>
      {rows.length === 0 ? (
        <p className="muted">No usage in this period.</p>
      ) : (
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" className="numeric">
                Tokens
              </th>
              <th scope="col" className="numeric">
                Cost
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key}>
                <th scope="row">{link && r.agentId ? <Link to={href.agent(r.agentId)}>{r.label}</Link> : <span className="mono">{r.label}</span>}</th>
                <td className="numeric">{formatNumber(r.tokens)}</td>
                <td className="numeric" title={r.unpriced > 0 ? `${formatNumber(r.unpriced)} tokens without a known price` : undefined}>
                  {r.cost === 0 && r.unpriced > 0 ? '—' : formatUsd(r.cost)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
