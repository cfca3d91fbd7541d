import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { formatDateTime } from '../../lib/format.ts';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { Link } from 'wouter';
import { AgentOptionsQuery } from '../sessions/documents.ts';
import { CreateScheduleMutation, DeleteScheduleMutation, ScheduleRunsQuery, SchedulesQuery, UpdateScheduleMutation } from './documents.ts';
import { ScheduleForm, type ScheduleFormValues } from './ScheduleForm.tsx';

const CONTEXT = { additionalTypenames: ['Schedule', 'ScheduleRun'] };

function Runs({ scheduleId }: { scheduleId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: ScheduleRunsQuery, variables: { id: scheduleId }, context: useMemo(() => CONTEXT, []) });
  if (fetching && !data) return <Loading label="Loading runs…" />;
  if (error) return <ErrorNotice problem={describeError(error)} />;
  const schedule = data?.schedule;
  if (!schedule) return null;
  return (
    <div className="stack">
      <p className="muted">Next: {schedule.nextRuns.map((at) => formatDateTime(at)).join(' · ') || 'none'}</p>
      <table className="table">
        <thead>
          <tr>
            <th>#</th>
            <th>Due</th>
            <th>Fired</th>
            <th>Outcome</th>
            <th>Session</th>
          </tr>
        </thead>
        <tbody>
          {schedule.runs.edges.map(({ node }) => (
            <tr key={node.id}>
              <td>{node.runNumber}</td>
              <td>{formatDateTime(node.scheduledAt)}</td>
              <td>{node.firedAt ? formatDateTime(node.firedAt) : '—'}</td>
              <td title={node.error ?? undefined}>{node.outcome}</td>
              <td>{node.session ? <Link to={`/sessions/${node.session.id}`}>{node.session.title || 'Open'}</Link> : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function SchedulesPage() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: SchedulesQuery, context: useMemo(() => CONTEXT, []) });
  const [agents] = useQuery({ query: AgentOptionsQuery });
  const [creation, create] = useMutation(CreateScheduleMutation);
  const [, update] = useMutation(UpdateScheduleMutation);
  const [, remove] = useMutation(DeleteScheduleMutation);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const schedules = data?.schedules.edges.map((e) => e.node) ?? [];

  const submit = async (values: ScheduleFormValues) => {
    const result = await create({ input: values }, CONTEXT);
    setProblem(result.error ? describeError(result.error) : null);
  };

  return (
    <div className="page">
      <PageHeader title="Schedules">
        <p className="muted">Agents that run on a clock: a cron expression in a time zone, with a prompt for each run.</p>
      </PageHeader>
      <ScheduleForm agents={agents.data?.agents.edges.map((e) => e.node) ?? []} busy={creation.fetching} problem={problem} onSubmit={(v) => void submit(v)} />
      {error ? <ErrorNotice problem={describeError(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && schedules.length === 0 ? <EmptyState title="No schedules yet">Create one above to run an agent on a clock.</EmptyState> : null}
      <ul className="card-list">
        {schedules.map((s) => (
          <li key={s.id} className="card">
            <div className="card-row">
              <div>
                <strong>{s.name}</strong> · {s.agent?.name ?? 'deleted agent'} · <code>{s.cron}</code> ({s.timezone})
                <div className="muted">
                  {s.enabled ? `Next run ${s.nextRunAt ? formatDateTime(s.nextRunAt) : '—'}` : 'Disabled'} · {s.runCount} runs ·{' '}
                  {s.sessionMode === 'REUSE_SESSION' ? 'one session' : 'new session each run'} · overlap {s.overlap.toLowerCase()}
                </div>
              </div>
              <div className="page-actions">
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => setOpen(open === s.id ? null : s.id)}
                  aria-expanded={open === s.id}
                >
                  Runs
                </button>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void update({ id: s.id, input: { enabled: !s.enabled } }, CONTEXT)}
                >
                  {s.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="button button-ghost button-small" onClick={() => void remove({ id: s.id }, CONTEXT)}>
                  Delete
                </button>
              </div>
            </div>
            {open === s.id ? <Runs scheduleId={s.id} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
