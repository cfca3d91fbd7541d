import { useId, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { Link } from 'wouter';
import { AgentSelect } from '../agents/AgentSelect.tsx';
import { AgentOptionsQuery } from '../sessions/documents.ts';
import { CopyButton } from './CopyButton.tsx';
import { curlExample } from './curl.ts';
import { CreateTriggerMutation, DeleteTriggerMutation, TriggersQuery, UpdateTriggerMutation } from './documents.ts';
import { TriggerCreated } from './TriggerCreated.tsx';

const CONTEXT = { additionalTypenames: ['Trigger', 'TriggerRun'] };

export default function TriggersPage() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: TriggersQuery, context: useMemo(() => CONTEXT, []) });
  const [agents] = useQuery({ query: AgentOptionsQuery });
  const [creation, create] = useMutation(CreateTriggerMutation);
  const [, update] = useMutation(UpdateTriggerMutation);
  const [, remove] = useMutation(DeleteTriggerMutation);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, setCreated] = useState<{ kind: 'HTTP' | 'GITHUB'; url: string; secret: string } | null>(null);
  const [form, setForm] = useState({ agentId: '', name: '', kind: 'HTTP' as 'HTTP' | 'GITHUB', events: '', prompt: 'Handle this request: {{body}}' });
  const id = useId();
  const agentList = agents.data?.agents.edges.map((e) => e.node) ?? [];
  const triggers = data?.triggers.edges.map((e) => e.node) ?? [];
  const set = (field: keyof typeof form) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [field]: e.target.value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const events = form.kind === 'GITHUB' ? form.events.split(/[\s,]+/).filter(Boolean) : [];
    const result = await create(
      { input: { agentId: form.agentId || agentList[0]?.id || '', name: form.name.trim(), kind: form.kind, prompt: form.prompt, events } },
      CONTEXT,
    );
    setProblem(result.error ? describeError(result.error) : null);
    const payload = result.data?.createTrigger;
    if (payload) setCreated({ kind: payload.trigger.kind, url: payload.url, secret: payload.secret });
  };

  return (
    <div className="page">
      <PageHeader title="Triggers">
        <p className="muted">URLs that run an agent when called: by any HTTP client with a bearer secret, or by a GitHub webhook.</p>
      </PageHeader>
      {created ? <TriggerCreated {...created} /> : null}
      <form className="form" aria-label="New trigger" onSubmit={(e) => void submit(e)}>
        {problem ? <ErrorNotice problem={problem} /> : null}
        <AgentSelect id={`${id}-agent`} agents={agentList} value={form.agentId} onChange={(agentId) => setForm((f) => ({ ...f, agentId }))} />
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input id={`${id}-name`} value={form.name} onChange={set('name')} required />
        </div>
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={form.kind} onChange={set('kind')}>
            <option value="HTTP">HTTP (bearer secret)</option>
            <option value="GITHUB">GitHub webhook (signed)</option>
          </select>
        </div>
        {form.kind === 'GITHUB' ? (
          <div className="field">
            <label htmlFor={`${id}-events`}>Events</label>
            <input id={`${id}-events`} value={form.events} onChange={set('events')} placeholder="issues.opened, push" />
          </div>
        ) : null}
        <div className="field">
          <label htmlFor={`${id}-prompt`}>Prompt</label>
          <textarea id={`${id}-prompt`} value={form.prompt} onChange={set('prompt')} rows={3} required />
          <small className="muted">{'{{body.path.to.field}}, {{body}}, {{event}} and {{runNumber}} are filled in from the request.'}</small>
        </div>
        <button type="submit" className="button button-primary" disabled={creation.fetching || agentList.length === 0}>
          Create trigger
        </button>
      </form>
      {error ? <ErrorNotice problem={describeError(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && triggers.length === 0 ? <EmptyState title="No triggers yet">Create one above to run an agent from another system.</EmptyState> : null}
      <ul className="card-list">
        {triggers.map((tr) => (
          <li key={tr.id} className="card">
            <div className="card-row">
              <div>
                <strong>{tr.name}</strong> · {tr.agent?.name ?? 'deleted agent'} · {tr.kind}
                {tr.events.length ? ` · ${tr.events.join(', ')}` : ''} · {tr.enabled ? `${tr.runCount} runs` : 'Disabled'}
              </div>
              <div className="page-actions">
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void update({ id: tr.id, input: { enabled: !tr.enabled } }, CONTEXT)}
                >
                  {tr.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="button button-ghost button-small" onClick={() => void remove({ id: tr.id }, CONTEXT)}>
                  Delete
                </button>
              </div>
            </div>
            <div className="copy-row">
              <code>{tr.url}</code>
              <CopyButton text={tr.url} label={`URL of ${tr.name}`} />
              <CopyButton text={curlExample(tr.kind, tr.url, null)} label={`curl example for ${tr.name}`} />
            </div>
            {tr.runs.edges.length ? (
              <table className="table">
                <thead>
                  <tr>
                    <th>#</th>
                    <th>Received</th>
                    <th>Event</th>
                    <th>Outcome</th>
                    <th>Session</th>
                  </tr>
                </thead>
                <tbody>
                  {tr.runs.edges.map(({ node }) => (
                    <tr key={node.id}>
                      <td>{node.runNumber}</td>
                      <td>{formatDateTime(node.createdAt)}</td>
                      <td>{node.event ?? '—'}</td>
                      <td title={node.error ?? undefined}>{node.outcome}</td>
                      <td>{node.session ? <Link to={`/sessions/${node.session.id}`}>{node.session.title || 'Open'}</Link> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}
          </li>
        ))}
      </ul>
      {data?.triggers.pageInfo.hasNextPage ? <p className="muted">Showing the first {triggers.length} triggers, each with its last 5 runs.</p> : null}
    </div>
  );
}
