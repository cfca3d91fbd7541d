import { useEffect, useState } from 'react';
import { useClient, useMutation } from 'urql';
import { ErrorNotice } from '../../components/Feedback.tsx';
import type { PendingApprovalsQuery as PendingApprovalsResult, SessionStatus } from '../../gql/graphql.ts';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { ApproveToolCallMutation, DenyToolCallMutation, PendingApprovalsQuery } from './documents.ts';

type Pending = NonNullable<PendingApprovalsResult['session']>['pendingApprovals'][number];

/**
 * Tool calls the agent's policy holds for a person, with Approve and Deny (with a reason).
 * Reloaded whenever the session's status changes, which it does as calls are asked and decided.
 */
export function ApprovalCards({ sessionId, status }: { sessionId: string; status: SessionStatus }) {
  const client = useClient();
  const [pending, setPending] = useState<Pending[]>([]);
  const [problem, setProblem] = useState<Problem | null>(null);

  const awaiting = status === 'AWAITING_APPROVAL';
  useEffect(() => {
    if (!awaiting) return;
    let cancelled = false;
    void client
      .query(PendingApprovalsQuery, { id: sessionId }, { requestPolicy: 'network-only' })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        if (result.error) setProblem(describeError(result.error));
        else setPending(result.data?.session?.pendingApprovals ?? []);
      });
    return () => {
      cancelled = true;
    };
  }, [client, sessionId, awaiting]);

  // Shown only while the session says a call waits: a decision by anyone hides them.
  const shown = awaiting ? pending : [];
  if (shown.length === 0 && !problem) return null;
  return (
    <section aria-label="Tool calls awaiting approval">
      {problem ? <ErrorNotice problem={problem} /> : null}
      {shown.map((call) => (
        <ApprovalCard
          key={call.toolCallId}
          sessionId={sessionId}
          call={call}
          onDecided={() => setPending((all) => all.filter((c) => c.toolCallId !== call.toolCallId))}
          onProblem={setProblem}
        />
      ))}
    </section>
  );
}

function ApprovalCard({
  sessionId,
  call,
  onDecided,
  onProblem,
}: {
  sessionId: string;
  call: Pending;
  onDecided: () => void;
  onProblem: (p: Problem | null) => void;
}) {
  const [approving, approve] = useMutation(ApproveToolCallMutation);
  const [denying, deny] = useMutation(DenyToolCallMutation);
  const [reason, setReason] = useState('');
  const busy = approving.fetching || denying.fetching;
  const command = typeof (call.input as { command?: unknown } | null)?.command === 'string' ? String((call.input as { command: string }).command) : null;

  const decide = async (approved: boolean) => {
    onProblem(null);
    const result = approved
      ? await approve({ sessionId, toolCallId: call.toolCallId })
      : await deny({ sessionId, toolCallId: call.toolCallId, reason: reason.trim() || null });
    if (result.error) onProblem(describeError(result.error));
    else onDecided();
  };

  return (
    <article className="approval-card" data-testid="approval-card">
      <h3>
        The agent wants to run <code>{call.tool}</code>
        {call.server ? <span className="muted small"> (MCP server {call.server})</span> : null}
      </h3>
      <p className="small muted">
        Held by the rule <code>{call.rule.tool}</code>
        {call.rule.commandPattern ? (
          <>
            {' '}
            with command <code>{call.rule.commandPattern}</code>
          </>
        ) : null}
        ; denied automatically at {new Date(String(call.expiresAt)).toLocaleTimeString()}.
      </p>
      <pre>{command ?? JSON.stringify(call.input, null, 2)}</pre>
      <div className="approval-actions">
        <button type="button" className="button button-primary button-small" disabled={busy} onClick={() => void decide(true)}>
          Approve
        </button>
        <input
          aria-label="Reason for denying"
          placeholder="Reason (optional, shown to the agent)"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={2000}
          disabled={busy}
        />
        <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => void decide(false)}>
          Deny
        </button>
      </div>
    </article>
  );
}
