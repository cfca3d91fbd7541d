import { useMemo } from 'react';
import { ErrorMessage } from '../../components/Feedback.tsx';
import type { ChatState } from './state.ts';
import { MessageView } from './MessageView.tsx';
import { useStickToBottom } from './useStickToBottom.ts';

type Props = {
  state: ChatState;
  earlier: { loading: boolean; load: () => void } | null;
  /** Sends the last user message again after a failed turn. */
  onRetry: (() => void) | null;
};

export function MessageList({ state, earlier, onRetry }: Props) {
  const { messages, running, outcome, sessionStatus, blocked } = state;
  // Tool results already show inside the call that asked for them.
  const visible = useMemo(() => {
    const answered = new Set(messages.flatMap((m) => m.toolCalls.map((c) => c.id)));
    return messages.filter((m) => !(m.role === 'TOOL' && m.toolCallId && answered.has(m.toolCallId)));
  }, [messages]);
  const last = visible.at(-1);
  const waiting = running && (!last || last.role !== 'ASSISTANT' || last.status === 'COMPLETE');
  const tail = last ? `${last.id}:${last.content.length}:${last.toolCalls.length}:${last.status}` : '';
  useStickToBottom(`${visible.length}|${tail}|${waiting}|${outcome?.kind ?? ''}|${blocked.length}`);

  return (
    <div className="messages" aria-live="off">
      {earlier ? (
        <div className="earlier">
          <button type="button" className="button button-secondary button-small" onClick={earlier.load} disabled={earlier.loading}>
            {earlier.loading ? 'Loading…' : 'Load earlier messages'}
          </button>
        </div>
      ) : null}
      {visible.length === 0 && !running ? (
        <div className="chat-empty">
          <h2>Start the conversation</h2>
          <p>Ask the agent anything. Its reply streams here as it is written, and tool calls show as they run.</p>
        </div>
      ) : null}
      {visible.map((m) => (
        <MessageView key={m.id} message={m} />
      ))}
      {waiting ? (
        <div className="msg msg-assistant msg-waiting" role="status" aria-live="polite">
          <span className="typing" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          <span className="muted small">{sessionStatus === 'PROVISIONING' ? 'Starting the sandbox…' : 'Thinking…'}</span>
        </div>
      ) : null}
      {blocked.length > 0 ? (
        <ul className="egress-blocked" aria-label="Blocked network requests">
          {blocked.map((b) => (
            <li key={b.seq}>
              Blocked a request to <span className="mono">{`${b.host}:${b.port}`}</span>: {b.reason}
            </li>
          ))}
        </ul>
      ) : null}
      {outcome?.kind === 'failed' ? (
        <ErrorMessage className="turn-outcome" title="The agent could not finish this reply" message={outcome.error} onRetry={onRetry ?? undefined} />
      ) : null}
      {outcome?.kind === 'cancelled' ? (
        <p className="turn-stopped" role="status">
          Stopped. The partial reply is kept; send a new message to continue.
        </p>
      ) : null}
    </div>
  );
}
