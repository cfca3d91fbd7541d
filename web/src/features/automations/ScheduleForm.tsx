import { useId, useMemo, useState, type FormEvent } from 'react';
import { ErrorNotice } from '../../components/Feedback.tsx';
import type { Problem } from '../../lib/graphql/errors.ts';
import { AgentSelect } from '../agents/AgentSelect.tsx';

export type ScheduleFormValues = {
  agentId: string;
  name: string;
  cron: string;
  timezone: string;
  prompt: string;
  sessionMode: 'NEW_SESSION' | 'REUSE_SESSION';
  overlap: 'SKIP' | 'QUEUE';
};

const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** Creates a schedule: agent, cron (five or six fields) in a time zone, and the prompt template. */
export function ScheduleForm({
  agents,
  busy,
  problem,
  onSubmit,
}: {
  agents: { id: string; name: string }[];
  busy: boolean;
  problem: Problem | null;
  onSubmit: (values: ScheduleFormValues) => void;
}) {
  const [values, setValues] = useState<ScheduleFormValues>({
    agentId: '',
    name: '',
    cron: '0 9 * * MON-FRI',
    timezone: browserZone(),
    prompt: 'Scheduled run {{runNumber}} for {{scheduledAt}}: ',
    sessionMode: 'NEW_SESSION',
    overlap: 'SKIP',
  });
  const id = useId();
  const zones = useMemo(() => Intl.supportedValuesOf('timeZone').map((z) => <option key={z} value={z} />), []);
  const set = (field: keyof ScheduleFormValues) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: e.target.value }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit({ ...values, agentId: values.agentId || agents[0]?.id || '', name: values.name.trim(), cron: values.cron.trim() });
  };
  return (
    <form className="form" aria-label="New schedule" onSubmit={submit}>
      {problem ? <ErrorNotice problem={problem} /> : null}
      <AgentSelect id={`${id}-agent`} agents={agents} value={values.agentId} onChange={(agentId) => setValues((v) => ({ ...v, agentId }))} />
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input id={`${id}-name`} value={values.name} onChange={set('name')} required />
      </div>
      <div className="field">
        <label htmlFor={`${id}-cron`}>Cron</label>
        <input id={`${id}-cron`} value={values.cron} onChange={set('cron')} aria-describedby={`${id}-cron-help`} required />
        <small id={`${id}-cron-help`} className="muted">
          minute hour day month weekday, or six fields with seconds first.
        </small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-tz`}>Time zone</label>
        <input id={`${id}-tz`} value={values.timezone} onChange={set('timezone')} list={`${id}-zones`} required />
        <datalist id={`${id}-zones`}>{zones}</datalist>
      </div>
      <div className="field">
        <label htmlFor={`${id}-prompt`}>Prompt</label>
        <textarea id={`${id}-prompt`} value={values.prompt} onChange={set('prompt')} rows={4} required />
        <small className="muted">{'{{scheduledAt}} and {{runNumber}} are filled in for each run.'}</small>
      </div>
      <div className="field">
        <label htmlFor={`${id}-mode`}>Session</label>
        <select id={`${id}-mode`} value={values.sessionMode} onChange={set('sessionMode')}>
          <option value="NEW_SESSION">A new session for every run</option>
          <option value="REUSE_SESSION">One session for all runs</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-overlap`}>If the previous run is still answering</label>
        <select id={`${id}-overlap`} value={values.overlap} onChange={set('overlap')}>
          <option value="SKIP">Skip this run</option>
          <option value="QUEUE">Queue it (one at most)</option>
        </select>
      </div>
      <button type="submit" className="button button-primary" disabled={busy || agents.length === 0}>
        Create schedule
      </button>
    </form>
  );
}
