import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { EmptyState, ErrorNotice, Loading, QueryState } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { describeError, isMissingObject, type Problem } from '../../lib/graphql/errors.ts';
import { formatDateTime, formatNumber, formatUsd } from '../../lib/format.ts';
import { Link, useLocation } from 'wouter';
import { href, paths } from '../../app/routes.tsx';
import { NewSessionDialog } from '../sessions/NewSessionDialog.tsx';
import { SessionList } from '../sessions/SessionList.tsx';
import { AgentUsageQuery } from '../usage/documents.ts';
import { UsagePanel } from '../usage/UsagePanel.tsx';
import { AgentDetailQuery, AgentSessionsQuery, DeleteAgentMutation } from './documents.ts';

const SESSIONS_PAGE = 10;
const SESSIONS_CONTEXT = { additionalTypenames: ['Session'] };

export default function AgentPage({ agentId }: { agentId: string }) {
  const [{ data, error, fetching }, refetch] = useQuery({ query: AgentDetailQuery, variables: { id: agentId } });
  const [deletion, deleteAgent] = useMutation(DeleteAgentMutation);
  const [, navigate] = useLocation();
  const [confirming, setConfirming] = useState(false);
  const [starting, setStarting] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  if (error && !data && !isMissingObject(error))
    return <ErrorNotice problem={describeError(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
  if (!data && !error && fetching) return <Loading label="Loading agent…" />;
  const agent = data?.agent;
  if (!agent) {
    return (
      <EmptyState
        title="Agent not found"
        action={
          <Link to={paths.agents} className="button button-primary">
            Back to agents
          </Link>
        }
      >
        It may have been deleted, or it belongs to another team.
      </EmptyState>
    );
  }

  const remove = async () => {
    const result = await deleteAgent({ id: agent.id }, { additionalTypenames: ['Agent', 'Session'] });
    if (result.error) {
      setConfirming(false);
      setProblem(describeError(result.error));
      return;
    }
    navigate(paths.agents, { replace: true });
  };

  return (
    <div className="page">
      <PageHeader
        eyebrow={
          <Link to={paths.agents} className="back-link">
            ← Agents
          </Link>
        }
        title={agent.name}
        actions={
          <>
            <button type="button" className="button button-primary" onClick={() => setStarting(true)}>
              New session
            </button>
            <Link to={href.editAgent(agent.id)} className="button button-secondary">
              Edit
            </Link>
            <button type="button" className="button button-ghost-danger" onClick={() => setConfirming(true)}>
              Delete
            </button>
          </>
        }
      >
        {agent.description ? <p className="muted">{agent.description}</p> : null}
      </PageHeader>
      {problem ? <ErrorNotice problem={problem} /> : null}

      <section className="stats stats-4" aria-label="Usage">
        <div className="stat">
          <span className="stat-label">Cost</span>
          <span
            className="stat-value"
            title={
              agent.usage.unpricedTokens > 0 ? `${formatNumber(agent.usage.unpricedTokens)} tokens of models without a known price are not included` : undefined
            }
          >
            {formatUsd(agent.usage.costUsd)}
          </span>
        </div>
        <div className="stat">
          <span className="stat-label">Total tokens</span>
          <span className="stat-value">{formatNumber(agent.usage.totalTokens)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Input</span>
          <span className="stat-value">{formatNumber(agent.usage.inputTokens)}</span>
        </div>
        <div className="stat">
          <span className="stat-label">Output</span>
          <span className="stat-value">{formatNumber(agent.usage.outputTokens)}</span>
        </div>
      </section>

      <AgentUsage agentId={agent.id} />

      <div className="two-col">
        <section className="panel" aria-labelledby="config-title">
          <h2 id="config-title" className="section-title">
            Configuration
          </h2>
          <dl className="details">
            <dt>Harness</dt>
            <dd>
              {agent.harness ? (
                <>
                  {agent.harness.displayName} <span className="mono small muted">({agent.harness.name})</span>
                  <div className="chips">
                    {agent.harness.capabilities.map((c) => (
                      <span key={c} className="chip chip-small">
                        {c}
                      </span>
                    ))}
                  </div>
                </>
              ) : (
                <span className="notice-inline">{agent.harnessName} — this harness is no longer installed; pick another to run sessions.</span>
              )}
            </dd>
            <dt>Model</dt>
            <dd className="mono">{agent.model}</dd>
            <dt>System prompt</dt>
            <dd>
              {agent.systemPrompt ? (
                <pre className="prompt" tabIndex={0}>
                  {agent.systemPrompt}
                </pre>
              ) : (
                <span className="muted">None</span>
              )}
            </dd>
            <dt>Environment</dt>
            <dd>
              {agent.envVarNames.length > 0 ? (
                <div className="chips">
                  {agent.envVarNames.map((n) => (
                    <span key={n} className="chip chip-small mono">
                      {n}
                    </span>
                  ))}
                </div>
              ) : (
                <span className="muted">No variables</span>
              )}
            </dd>
            <dt>Egress allowed</dt>
            <dd>
              {agent.egressAllow.length > 0 ? (
                <div className="chips">
                  {agent.egressAllow.map((h) => (
                    <span key={h} className="chip chip-small mono">
                      {h}
                    </span>
                  ))}
                </div>
              ) : (
                <span className="muted">DNS and the model gateway only</span>
              )}
            </dd>
            <dt>MCP servers</dt>
            <dd>
              {agent.mcpServers.length > 0 ? (
                <div className="chips">
                  {agent.mcpServers.map((m) => (
                    <span key={m.name} className="chip chip-small mono" title={m.url}>
                      {m.name}
                    </span>
                  ))}
                </div>
              ) : (
                <span className="muted">None</span>
              )}
            </dd>
            <dt>Tool approvals</dt>
            <dd>
              {agent.toolPolicy.length > 0 ? (
                <ol className="small">
                  {agent.toolPolicy.map((r, i) => (
                    <li key={i}>
                      <code>{r.tool}</code>
                      {r.commandPattern ? (
                        <>
                          {' '}
                          running <code>{r.commandPattern}</code>
                        </>
                      ) : null}
                      : {r.action === 'ASK' ? 'ask a person' : r.action === 'DENY' ? 'deny' : 'allow'}
                    </li>
                  ))}
                </ol>
              ) : (
                <span className="muted">Every tool call runs without asking</span>
              )}
            </dd>
            <dt>Created</dt>
            <dd>{formatDateTime(agent.createdAt)}</dd>
            <dt>Updated</dt>
            <dd>{formatDateTime(agent.updatedAt)}</dd>
          </dl>
        </section>
        <AgentSessions agentId={agent.id} onStart={() => setStarting(true)} />
      </div>

      <NewSessionDialog open={starting} onClose={() => setStarting(false)} agentId={agent.id} />
      <ConfirmDialog
        open={confirming}
        title={`Delete ${agent.name}?`}
        confirmLabel="Delete agent"
        danger
        busy={deletion.fetching}
        onCancel={() => setConfirming(false)}
        onConfirm={() => void remove()}
      >
        <p>The agent, its encrypted variables and all of its sessions, with their conversations, are deleted. This cannot be undone.</p>
      </ConfirmDialog>
    </div>
  );
}

function AgentUsage({ agentId }: { agentId: string }) {
  const [days, setDays] = useState(30);
  const [{ data, error }] = useQuery({ query: AgentUsageQuery, variables: { id: agentId, days } });
  if (error && !data) return <ErrorNotice problem={describeError(error)} />;
  return <UsagePanel title="Usage per day by model" rows={data?.agent?.usageByDay ?? []} by="model" days={days} onDays={setDays} />;
}

function AgentSessions({ agentId, onStart }: { agentId: string; onStart: () => void }) {
  const [after, setAfter] = useState<string | null>(null);
  const [{ data, error, fetching }, refetch] = useQuery({
    query: AgentSessionsQuery,
    variables: { id: agentId, first: SESSIONS_PAGE, after },
    context: SESSIONS_CONTEXT,
  });
  const connection = data?.agent?.sessions;
  return (
    <section className="panel" aria-labelledby="sessions-title">
      <div className="panel-head">
        <h2 id="sessions-title" className="section-title">
          Sessions
        </h2>
        <Link to={href.sessionsOfAgent(agentId)} className="small">
          View all
        </Link>
      </div>
      <QueryState
        error={error}
        loaded={Boolean(connection)}
        loadingLabel="Loading sessions…"
        onRetry={() => refetch({ requestPolicy: 'network-only' })}
        empty={
          connection?.edges.length === 0 ? (
            <EmptyState
              title={after ? 'No more sessions' : 'No sessions yet'}
              action={
                <button type="button" className="button button-primary" onClick={onStart}>
                  Start a session
                </button>
              }
            />
          ) : null
        }
      >
        <SessionList sessions={connection?.edges.map((e) => e.node) ?? []} busy={fetching} />
        <div className="pager">
          {after ? (
            <button type="button" className="button button-secondary" onClick={() => setAfter(null)}>
              ← Newest
            </button>
          ) : null}
          {connection?.pageInfo.hasNextPage ? (
            <button type="button" className="button button-secondary" onClick={() => setAfter(connection.pageInfo.endCursor ?? null)}>
              Older →
            </button>
          ) : null}
        </div>
      </QueryState>
    </section>
  );
}
