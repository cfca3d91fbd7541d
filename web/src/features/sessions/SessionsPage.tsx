import { useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { EmptyState, QueryState } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { FIRST_PAGE, UrlPager, usePageArgs } from '../../components/Pager.tsx';
import { useQueryParams } from '../../app/routes.tsx';
import { AgentOptionsQuery, SessionsListQuery } from './documents.ts';
import { NewSessionDialog } from './NewSessionDialog.tsx';
import { SessionList } from './SessionList.tsx';
import { STATUSES, toSessionFilter } from './filters.ts';

const PAGE_SIZE = 20;
const STATUS_LABELS: Record<string, string> = {
  PROVISIONING: 'Provisioning',
  RUNNING: 'Running',
  AWAITING_APPROVAL: 'Awaiting approval',
  IDLE: 'Idle',
  SUSPENDED: 'Suspended',
  FAILED: 'Failed',
  ENDED: 'Ended',
};

export default function SessionsPage() {
  const [search, setSearchParams] = useQueryParams();
  const agent = search.get('agent');
  const status = search.get('status');
  const from = search.get('from');
  const to = search.get('to');
  const page = usePageArgs(PAGE_SIZE);
  const [starting, setStarting] = useState(false);
  const ids = { agent: useId(), status: useId(), from: useId(), to: useId() };

  const { filter, problem } = useMemo(() => toSessionFilter({ agent, status, from, to }), [agent, status, from, to]);
  const variables = useMemo(() => ({ ...page, filter }), [filter, page]);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: SessionsListQuery,
    variables,
    pause: problem !== null,
    context: useMemo(() => ({ additionalTypenames: ['Session'] }), []),
  });
  const [agents] = useQuery({ query: AgentOptionsQuery });
  const sessions = data?.sessions.edges.map((e) => e.node) ?? [];
  const filtered = Boolean(agent || status || from || to);
  const setFilter = (changes: Record<string, string | null>) => setSearchParams({ ...changes, ...FIRST_PAGE });

  return (
    <div className="page">
      <PageHeader
        title="Sessions"
        actions={
          <button type="button" className="button button-primary" onClick={() => setStarting(true)}>
            New session
          </button>
        }
      >
        <p className="muted">Every conversation with an agent, newest first.</p>
      </PageHeader>

      <form className="filters" aria-label="Filter sessions" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.agent}>Agent</label>
          <select id={ids.agent} value={agent ?? ''} onChange={(e) => setFilter({ agent: e.target.value || null })}>
            <option value="">All agents</option>
            {agents.data?.agents.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
            {agent && agents.data && !agents.data.agents.edges.some((e) => e.node.id === agent) ? <option value={agent}>Selected agent</option> : null}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.status}>Status</label>
          <select id={ids.status} value={status ?? ''} onChange={(e) => setFilter({ status: e.target.value || null })}>
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={ids.from}>Created from</label>
          <input id={ids.from} type="date" value={from ?? ''} onChange={(e) => setFilter({ from: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>Created to</label>
          <input id={ids.to} type="date" value={to ?? ''} onChange={(e) => setFilter({ to: e.target.value || null })} />
        </div>
        {filtered ? (
          <button type="button" className="button button-ghost filters-clear" onClick={() => setFilter({ agent: null, status: null, from: null, to: null })}>
            Clear filters
          </button>
        ) : null}
      </form>

      {problem ? (
        <p className="notice notice-warning" role="alert">
          {problem}
        </p>
      ) : (
        <QueryState
          error={error}
          loaded={Boolean(data)}
          loadingLabel="Loading sessions…"
          onRetry={() => refetch({ requestPolicy: 'network-only' })}
          empty={
            sessions.length > 0 ? null : filtered ? (
              <EmptyState title="No sessions match these filters">Widen the dates or clear the filters.</EmptyState>
            ) : (
              <EmptyState
                title="No sessions yet"
                action={
                  <button type="button" className="button button-primary" onClick={() => setStarting(true)}>
                    Start a session
                  </button>
                }
              >
                A session is one conversation with an agent, in its own sandbox.
              </EmptyState>
            )
          }
        >
          <SessionList sessions={sessions} busy={fetching} />
          {data ? <UrlPager label="Session pages" pageInfo={data.sessions.pageInfo} /> : null}
        </QueryState>
      )}
      <NewSessionDialog open={starting} onClose={() => setStarting(false)} />
    </div>
  );
}
