import { useId, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNotice } from '../../components/Feedback.tsx';
import { Modal } from '../../components/Modal.tsx';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { Link, useLocation } from 'wouter';
import { href, paths } from '../../app/routes.tsx';
import { AgentSelect } from '../agents/AgentSelect.tsx';
import { AgentOptionsQuery, CreateSessionMutation } from './documents.ts';

const SESSION_CONTEXT = { additionalTypenames: ['Session'] };

/** Starts a session: pick an agent (unless given) and an optional title, then open its chat. */
export function NewSessionDialog({ open, onClose, agentId }: { open: boolean; onClose: () => void; agentId?: string }) {
  const [options] = useQuery({ query: AgentOptionsQuery, pause: !open || agentId !== undefined });
  const [creation, createSession] = useMutation(CreateSessionMutation);
  const [, navigate] = useLocation();
  const [chosen, setChosen] = useState('');
  const [title, setTitle] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const agentField = useId();
  const titleField = useId();
  const agents = options.data?.agents.edges.map((e) => e.node) ?? [];
  const selected = agentId ?? (chosen || agents[0]?.id || '');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!selected) return setProblem({ code: 'BAD_USER_INPUT', title: 'Pick an agent', message: 'Choose which agent this session runs.', field: 'agentId' });
    setProblem(null);
    const result = await createSession({ input: { agentId: selected, title: title.trim() || null } }, SESSION_CONTEXT);
    if (result.error || !result.data) return setProblem(describeError(result.error));
    onClose();
    navigate(href.session(result.data.createSession.id));
  };

  return (
    <Modal open={open} title="New session" onClose={onClose}>
      <form className="form" onSubmit={(e) => void submit(e)} noValidate>
        {problem ? <ErrorNotice problem={problem} /> : null}
        {options.error ? <ErrorNotice problem={describeError(options.error)} /> : null}
        {agentId === undefined ? (
          options.data && agents.length === 0 ? (
            <p className="notice notice-warning">
              There are no agents yet.{' '}
              <Link to={paths.newAgent} onClick={onClose}>
                Create an agent
              </Link>{' '}
              first.
            </p>
          ) : (
            <AgentSelect id={agentField} agents={agents} value={chosen} onChange={setChosen} loading={!options.data} />
          )
        ) : null}
        <div className="field">
          <label htmlFor={titleField}>
            Title <span className="optional">optional</span>
          </label>
          <input id={titleField} value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} placeholder="e.g. Triage issue #42" autoFocus />
        </div>
        <div className="form-actions">
          <button type="button" className="button button-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={creation.fetching || !selected}>
            {creation.fetching ? 'Starting…' : 'Start session'}
          </button>
        </div>
      </form>
    </Modal>
  );
}
