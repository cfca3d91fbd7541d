import { useCallback, useEffect, useState } from 'react';
import { useClient, useMutation } from 'urql';
import { useAuth, useWsClient } from '../../app/auth.tsx';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { SessionViewQuery } from '../../gql/graphql.ts';
import { describeError, isMissingObject, type Problem } from '../../lib/graphql/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { Link } from 'wouter';
import { href, paths, useQueryParams } from '../../app/routes.tsx';
import {
  CancelTurnMutation,
  EarlierMessagesQuery,
  EndSessionMutation,
  SendMessageMutation,
  SessionViewQuery as SessionViewDocument,
  TurnStartsQuery,
} from './documents.ts';
import { findResumeSeq } from './resume.ts';
import { ApprovalCards } from './ApprovalCards.tsx';
import { Composer } from './Composer.tsx';
import { EventsTab } from './EventsTab.tsx';
import { MessageList } from './MessageList.tsx';
import { TimelineTab } from './TimelineTab.tsx';
import { fromApiMessage } from './state.ts';
import { useSessionChat, type Connection } from './useSessionChat.ts';

export const MESSAGES_PAGE = 50;

type Session = NonNullable<SessionViewQuery['session']>;
type Load = { status: 'loading' } | { status: 'error'; problem: Problem } | { status: 'ready'; session: Session | null; resumeAfter: number };

/**
 * One session: loads the newest messages and `lastSeq` once, then the chat view
 * keeps itself current from the event stream (not from the query cache).
 * `findResumeSeq` checks the resume point of a session caught mid-turn.
 */
export default function SessionPage({ sessionId }: { sessionId: string }) {
  const client = useClient();
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const retry = () => {
    setLoad({ status: 'loading' });
    setAttempt((a) => a + 1);
  };

  useEffect(() => {
    let cancelled = false;
    const fetchEvents = async (after: number, first: number) => {
      const result = await client.query(TurnStartsQuery, { id: sessionId, after, first }, { requestPolicy: 'network-only' }).toPromise();
      if (result.error) throw result.error;
      return result.data?.session?.events ?? [];
    };
    void (async () => {
      const result = await client.query(SessionViewDocument, { id: sessionId, last: MESSAGES_PAGE }, { requestPolicy: 'network-only' }).toPromise();
      if (cancelled) return;
      if (result.error && isMissingObject(result.error)) return setLoad({ status: 'ready', session: null, resumeAfter: 0 });
      if (result.error) return setLoad({ status: 'error', problem: describeError(result.error) });
      const session = result.data?.session ?? null;
      if (!session) return setLoad({ status: 'ready', session, resumeAfter: 0 });
      const messages = session.messages.edges.map((e) => fromApiMessage(e.node));
      const resumeAfter = await findResumeSeq({ lastSeq: session.lastSeq, status: session.status, messages }, fetchEvents).catch(() => session.lastSeq);
      if (!cancelled) setLoad({ status: 'ready', session, resumeAfter });
    })();
    return () => {
      cancelled = true;
    };
  }, [client, sessionId, attempt]);

  if (load.status === 'loading') return <Loading label="Loading session…" />;
  if (load.status === 'error') return <ErrorNotice problem={load.problem} onRetry={retry} />;
  if (!load.session) {
    return (
      <EmptyState
        title="Session not found"
        action={
          <Link to={paths.sessions} className="button button-primary">
            Back to sessions
          </Link>
        }
      >
        It may belong to another team, or the link is wrong.
      </EmptyState>
    );
  }
  return <SessionView session={load.session} resumeAfter={load.resumeAfter} />;
}

function ConnectionIndicator({ connection }: { connection: Connection }) {
  const label = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', failed: 'Disconnected' }[connection];
  return (
    <span className={`live live-${connection}`} role="status" aria-live="polite">
      <span className="live-dot" aria-hidden="true" />
      {label}
    </span>
  );
}

function SessionView({ session, resumeAfter }: { session: Session; resumeAfter: number }) {
  const ws = useWsClient();
  const client = useClient();
  const { signOut } = useAuth();
  const [search, setSearchParams] = useQueryParams();
  const requested = search.get('tab');
  const tab = requested === 'events' || requested === 'timeline' ? requested : 'chat';
  const onUnauthenticated = useCallback(
    () => signOut('Paddock no longer accepts your API key; it may have been revoked. Sign in with a valid key.'),
    [signOut],
  );
  const chat = useSessionChat(
    ws,
    session.id,
    {
      messages: session.messages.edges.map((e) => fromApiMessage(e.node)),
      lastSeq: resumeAfter,
      sessionStatus: session.status,
      usage: { inputTokens: session.usage.inputTokens, outputTokens: session.usage.outputTokens },
    },
    onUnauthenticated,
  );
  const { state, dispatch } = chat;
  const [, sendMessage] = useMutation(SendMessageMutation);
  const [cancel, cancelTurn] = useMutation(CancelTurnMutation);
  const [ending, endSession] = useMutation(EndSessionMutation);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [earlier, setEarlier] = useState({ has: session.messages.pageInfo.hasPreviousPage, cursor: session.messages.pageInfo.startCursor, loading: false });
  const [confirmEnd, setConfirmEnd] = useState(false);

  const send = async (content: string): Promise<boolean> => {
    setProblem(null);
    // The API commits a turn's end before publishing it, so once the stream says the
    // session is free, it takes the next message.
    const result = await sendMessage({ input: { sessionId: session.id, content } });
    if (result.error || !result.data) {
      setProblem(describeError(result.error));
      return false;
    }
    dispatch({ type: 'sent', message: fromApiMessage(result.data.sendMessage) });
    return true;
  };

  const stop = async () => {
    const result = await cancelTurn({ sessionId: session.id });
    // The turn had already finished: nothing left to stop.
    if (result.error && describeError(result.error).code !== 'NO_TURN_RUNNING') setProblem(describeError(result.error));
  };

  const end = async () => {
    const result = await endSession({ sessionId: session.id });
    setConfirmEnd(false);
    if (result.error) setProblem(describeError(result.error));
  };

  const loadEarlier = async () => {
    if (!earlier.cursor) return;
    setEarlier((e) => ({ ...e, loading: true }));
    const result = await client
      .query(EarlierMessagesQuery, { id: session.id, last: MESSAGES_PAGE, before: earlier.cursor }, { requestPolicy: 'network-only' })
      .toPromise();
    const page = result.data?.session?.messages;
    if (result.error || !page) {
      setProblem(describeError(result.error ?? new Error('Could not load earlier messages.')));
      setEarlier((e) => ({ ...e, loading: false }));
      return;
    }
    const before = document.documentElement.scrollHeight;
    dispatch({ type: 'earlier', messages: page.edges.map((e) => fromApiMessage(e.node)) });
    setEarlier({ has: page.pageInfo.hasPreviousPage, cursor: page.pageInfo.startCursor, loading: false });
    // Keep the message the person was reading in place.
    requestAnimationFrame(() => window.scrollBy(0, document.documentElement.scrollHeight - before));
  };

  const lastUser = [...state.messages].reverse().find((m) => m.role === 'USER');
  const ended = state.sessionStatus === 'ENDED';
  const usage = state.usage.inputTokens + state.usage.outputTokens;

  return (
    <div className="session">
      <header className="session-head">
        <div className="session-title">
          <Link to={paths.sessions} className="back-link">
            ← Sessions
          </Link>
          <h1>{session.title || 'Untitled session'}</h1>
          <p className="muted small">
            <Link to={href.agent(session.agent.id)}>{session.agent.name}</Link>
            {session.agent.harness ? <> · {session.agent.harness.displayName}</> : null} · <span className="mono">{session.agent.model}</span> ·{' '}
            <span data-testid="session-tokens">{formatNumber(usage)} tokens</span>
          </p>
        </div>
        <div className="session-status">
          <StatusBadge status={state.sessionStatus} />
          <ConnectionIndicator connection={chat.connection} />
          {!ended ? (
            <button type="button" className="button button-small button-ghost" onClick={() => setConfirmEnd(true)}>
              End session
            </button>
          ) : null}
        </div>
      </header>

      <div className="tabs" role="tablist" aria-label="Session views">
        <button
          type="button"
          role="tab"
          id="tab-chat"
          aria-selected={tab === 'chat'}
          aria-controls="panel-chat"
          className="tab"
          onClick={() => setSearchParams({ tab: null })}
        >
          Chat
        </button>
        <button
          type="button"
          role="tab"
          id="tab-timeline"
          aria-selected={tab === 'timeline'}
          aria-controls="panel-timeline"
          className="tab"
          onClick={() => setSearchParams({ tab: 'timeline' })}
        >
          Timeline
        </button>
        <button
          type="button"
          role="tab"
          id="tab-events"
          aria-selected={tab === 'events'}
          aria-controls="panel-events"
          className="tab"
          onClick={() => setSearchParams({ tab: 'events' })}
        >
          Events
        </button>
      </div>

      {chat.problem ? (
        <ErrorNotice problem={chat.problem} onRetry={chat.reconnect}>
          <p className="small">Live updates stopped. The conversation below may be out of date.</p>
        </ErrorNotice>
      ) : null}

      {tab === 'timeline' ? (
        <div role="tabpanel" id="panel-timeline" aria-labelledby="tab-timeline">
          <TimelineTab sessionId={session.id} running={state.running} />
        </div>
      ) : tab === 'events' ? (
        <div role="tabpanel" id="panel-events" aria-labelledby="tab-events">
          <EventsTab sessionId={session.id} live={state.liveEvents} />
        </div>
      ) : (
        <div role="tabpanel" id="panel-chat" aria-labelledby="tab-chat" className="chat">
          <MessageList
            state={state}
            earlier={earlier.has ? { loading: earlier.loading, load: () => void loadEarlier() } : null}
            onRetry={lastUser && !state.running && !ended ? () => void send(lastUser.content) : null}
          />
          <div className="composer-dock">
            <ApprovalCards sessionId={session.id} status={state.sessionStatus} />
            {problem ? <ErrorNotice problem={problem} /> : null}
            <Composer
              running={state.running}
              stopping={cancel.fetching}
              disabledReason={ended ? 'This session has ended. Start a new session to keep talking to the agent.' : null}
              onSend={send}
              onStop={() => void stop()}
            />
          </div>
        </div>
      )}

      <ConfirmDialog
        open={confirmEnd}
        title="End this session?"
        confirmLabel="End session"
        danger
        busy={ending.fetching}
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => void end()}
      >
        <p>A running reply is stopped and the sandbox is deleted. The conversation stays readable, but no new messages can be sent.</p>
      </ConfirmDialog>
    </div>
  );
}
