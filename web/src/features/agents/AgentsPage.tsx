import { useEffect, useId, useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { EmptyState, QueryState } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { FIRST_PAGE, UrlPager, usePageArgs } from '../../components/Pager.tsx';
import { formatRelative } from '../../lib/format.ts';
import { Link } from 'wouter';
import { href, paths, useQueryParams } from '../../app/routes.tsx';
import { useDebounced } from '../../lib/useDebounced.ts';
import { AgentsListQuery } from './documents.ts';

export const AGENTS_PAGE_SIZE = 20;
const LIST_CONTEXT = { additionalTypenames: ['Agent'] };

export default function AgentsPage() {
  const [search, setSearchParams] = useQueryParams();
  const q = search.get('q') ?? '';
  const page = usePageArgs(AGENTS_PAGE_SIZE);
  const [text, setText] = useState(q);
  const debounced = useDebounced(text.trim(), 250);
  const searchId = useId();

  useEffect(() => {
    if (debounced !== q) setSearchParams({ q: debounced, ...FIRST_PAGE });
  }, [debounced, q, setSearchParams]);

  const variables = useMemo(() => ({ ...page, filter: q ? { search: q } : null }), [q, page]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: AgentsListQuery, variables, context: LIST_CONTEXT });
  const agents = data?.agents.edges.map((e) => e.node) ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Agents"
        actions={
          <Link to={paths.newAgent} className="button button-primary">
            New agent
          </Link>
        }
      >
        <p className="muted">An agent is a harness, a model and instructions. Every session of it runs in its own sandbox.</p>
      </PageHeader>

      <div className="toolbar">
        <label htmlFor={searchId} className="visually-hidden">
          Search agents
        </label>
        <input
          id={searchId}
          type="search"
          className="search"
          placeholder="Search by name or description"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
      </div>

      <QueryState
        error={error}
        loaded={Boolean(data)}
        loadingLabel="Loading agents…"
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        empty={
          agents.length > 0 ? null : q ? (
            <EmptyState title={`No agents match “${q}”`}>Try another name, or clear the search.</EmptyState>
          ) : (
            <EmptyState
              title="No agents yet"
              action={
                <Link to={paths.newAgent} className="button button-primary">
                  Create your first agent
                </Link>
              }
            >
              Create an agent to start sessions with it.
            </EmptyState>
          )
        }
      >
        <ul className="card-list" aria-label="Agents" aria-busy={fetching || undefined}>
          {agents.map((agent) => (
            <li key={agent.id} className="card card-link">
              <div className="card-main">
                <Link to={href.agent(agent.id)} className="card-title">
                  {agent.name}
                </Link>
                <p className="card-text">{agent.description || <span className="muted">No description</span>}</p>
              </div>
              <div className="card-meta">
                <span className="chip">{agent.harness?.displayName ?? agent.harnessName}</span>
                <span className="mono small">{agent.model}</span>
                <span className="muted small">Updated {formatRelative(agent.updatedAt)}</span>
              </div>
            </li>
          ))}
        </ul>
        {data ? <UrlPager label="Agent pages" pageInfo={data.agents.pageInfo} /> : null}
      </QueryState>
    </div>
  );
}
