import { useId, useMemo } from 'react';
import { useQuery } from 'urql';
import { EmptyState, QueryState } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { FIRST_PAGE, UrlPager, usePageArgs } from '../../components/Pager.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { useQueryParams } from '../../app/routes.tsx';
import { AuditEventsQuery } from './documents.ts';
import { KNOWN_ACTIONS, toAuditFilter } from './filters.ts';

const PAGE_SIZE = 50;
const OUTCOME_CLASS: Record<string, string> = { SUCCESS: 'badge-neutral', FAILURE: 'badge-warning', DENIED: 'badge-danger' };

function describeDetail(detail: unknown): string {
  if (detail === null || detail === undefined) return '';
  if (typeof detail !== 'object') return String(detail);
  return Object.entries(detail as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

/** The audit log: who did what, to what, from where; ADMIN sees its team, OPERATOR every team. */
export default function AuditPage() {
  const [search, setSearchParams] = useQueryParams();
  const [action, key, target, from, to] = ['action', 'key', 'target', 'from', 'to'].map((name) => search.get(name));
  const params = { action, key, target, from, to };
  const page = usePageArgs(PAGE_SIZE);
  const ids = { action: useId(), key: useId(), target: useId(), from: useId(), to: useId(), actions: useId() };
  const { filter, problem } = useMemo(() => toAuditFilter({ action, key, target, from, to }), [action, key, target, from, to]);
  const variables = useMemo(() => ({ ...page, filter }), [filter, page]);
  const [{ data, error, fetching }, refetch] = useQuery({ query: AuditEventsQuery, variables, pause: problem !== null, requestPolicy: 'cache-and-network' });
  const events = data?.auditEvents.edges.map((e) => e.node) ?? [];
  const filtered = Object.values(params).some(Boolean);
  const setFilter = (changes: Record<string, string | null>) => setSearchParams({ ...changes, ...FIRST_PAGE });

  return (
    <div className="page">
      <PageHeader
        title="Audit log"
        actions={
          <button type="button" className="button button-secondary" onClick={() => refetch({ requestPolicy: 'network-only' })} disabled={fetching}>
            Refresh
          </button>
        }
      >
        <p className="muted">Every change, failed sign-in, key use and refused connection, newest first. Entries cannot be changed or deleted.</p>
      </PageHeader>

      <form className="filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <div className="field">
          <label htmlFor={ids.action}>Action</label>
          <input
            id={ids.action}
            list={ids.actions}
            value={params.action ?? ''}
            placeholder="Any action"
            onChange={(e) => setFilter({ action: e.target.value || null })}
          />
          <datalist id={ids.actions}>
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={ids.key}>API key ID</label>
          <input id={ids.key} className="mono" value={params.key ?? ''} onChange={(e) => setFilter({ key: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor={ids.target}>Target ID</label>
          <input id={ids.target} className="mono" value={params.target ?? ''} onChange={(e) => setFilter({ target: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>From</label>
          <input id={ids.from} type="date" value={params.from ?? ''} onChange={(e) => setFilter({ from: e.target.value || null })} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>To</label>
          <input id={ids.to} type="date" value={params.to ?? ''} onChange={(e) => setFilter({ to: e.target.value || null })} />
        </div>
        {filtered ? (
          <button
            type="button"
            className="button button-ghost filters-clear"
            onClick={() => setFilter({ action: null, key: null, target: null, from: null, to: null })}
          >
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
          loadingLabel="Loading the audit log…"
          onRetry={() => refetch({ requestPolicy: 'network-only' })}
          empty={
            events.length === 0 ? (
              <EmptyState title={filtered ? 'No entries match these filters' : 'No entries yet'}>
                {filtered ? 'Widen the dates or clear the filters.' : null}
              </EmptyState>
            ) : null
          }
        >
          <div className="table-scroll" tabIndex={0} aria-label="Audit entries">
            <table className="data-table audit-table">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Action</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Target</th>
                  <th scope="col">Client</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.id}>
                    <td className="nowrap">{formatDateTime(e.createdAt)}</td>
                    <td>
                      <button type="button" className="link-button mono" onClick={() => setFilter({ action: e.action })} title="Show only this action">
                        {e.action}
                      </button>
                    </td>
                    <td>
                      <span className={`badge ${OUTCOME_CLASS[e.outcome] ?? ''}`}>{e.outcome.toLowerCase()}</span>
                    </td>
                    <td>
                      {e.actorKeyId ? (
                        <button
                          type="button"
                          className="link-button mono small"
                          onClick={() => setFilter({ key: e.actorKeyId ?? null })}
                          title="Show only this key"
                        >
                          {e.actorRole?.toLowerCase()} {e.actorKeyId.slice(0, 10)}…
                        </button>
                      ) : (
                        <span className="muted">no key</span>
                      )}
                    </td>
                    <td>
                      {e.targetId ? (
                        <button
                          type="button"
                          className="link-button mono small"
                          onClick={() => setFilter({ target: e.targetId ?? null })}
                          title="Show only this target"
                        >
                          {e.targetId.slice(0, 12)}…
                        </button>
                      ) : null}
                    </td>
                    <td className="small" title={e.userAgent ?? undefined}>
                      {e.clientAddress ?? ''}
                    </td>
                    <td className="small">{describeDetail(e.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {data ? <UrlPager label="Audit log pages" pageInfo={data.auditEvents.pageInfo} /> : null}
        </QueryState>
      )}
    </div>
  );
}
