import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { getFragmentData, graphql, type FragmentType } from '../../gql/index.ts';
import type { EventsTabEventFragment } from '../../gql/graphql.ts';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { formatTime } from '../../lib/format.ts';
import { SessionEventsPageQuery } from './documents.ts';

/** What the timeline shows of each kind of event. */
export const EventsTabEvent = graphql(`
  fragment EventsTabEvent on SessionEvent {
    __typename
    seq
    type
    messageId
    createdAt
    ... on SessionStatusEvent {
      status
      message
    }
    ... on UserMessageEvent {
      content
    }
    ... on MessageDeltaEvent {
      text
    }
    ... on MessageThinkingEvent {
      text
    }
    ... on MessageCompletedEvent {
      content
    }
    ... on ToolCallEvent {
      name
      input
      server
    }
    ... on ToolApprovalRequestedEvent {
      tool
      input
      rule {
        tool
        commandPattern
      }
    }
    ... on ToolApprovalResolvedEvent {
      tool
      decision
      decisionReason
      decidedBy
    }
    ... on McpErrorEvent {
      serverName
      phase
      error
    }
    ... on ToolResultEvent {
      output
      isError
    }
    ... on ModelRetryEvent {
      attempt
      maxRetries
      httpStatus
      delayMs
      error
    }
    ... on TurnCompletedEvent {
      usage {
        inputTokens
        outputTokens
      }
    }
    ... on TurnFailedEvent {
      error
      code
    }
    ... on TurnCancelledEvent {
      usage {
        inputTokens
        outputTokens
      }
    }
    ... on EgressBlockedEvent {
      host
      port
      reason
    }
    ... on UnrecognizedEvent {
      payload
    }
  }
`);

export type TimelineEvent = EventsTabEventFragment;

// Every kind's fields count toward the API's query cost, so pages stay well under its limit.
const PAGE = 100;

type Row = { kind: 'event'; event: TimelineEvent } | { kind: 'deltas'; first: TimelineEvent; last: TimelineEvent; count: number; text: string };

/** Groups runs of message.delta for the same message into one row. */
export function groupDeltas(events: TimelineEvent[]): Row[] {
  const rows: Row[] = [];
  for (const event of events) {
    const previous = rows.at(-1);
    if (event.__typename === 'MessageDeltaEvent') {
      if (previous?.kind === 'deltas' && previous.last.messageId === event.messageId && previous.last.seq === event.seq - 1) {
        previous.last = event;
        previous.count += 1;
        previous.text += event.text;
        continue;
      }
      rows.push({ kind: 'deltas', first: event, last: event, count: 1, text: event.text });
      continue;
    }
    rows.push({ kind: 'event', event });
  }
  return rows;
}

const usageText = (u: { inputTokens: number; outputTokens: number }) => `${u.inputTokens} in · ${u.outputTokens} out`;

export function summary(event: TimelineEvent): string {
  switch (event.__typename) {
    case 'SessionStatusEvent':
      return event.status + (event.message ? ` — ${event.message}` : '');
    case 'UserMessageEvent':
    case 'MessageCompletedEvent':
      return event.content;
    case 'MessageDeltaEvent':
    case 'MessageThinkingEvent':
      return event.text;
    case 'ToolCallEvent':
      return `${event.name} ${JSON.stringify(event.input)}`;
    case 'ToolApprovalRequestedEvent':
      return `awaiting approval: ${event.tool} ${JSON.stringify(event.input)} (rule ${event.rule.tool}${event.rule.commandPattern ? ` ${event.rule.commandPattern}` : ''})`;
    case 'ToolApprovalResolvedEvent':
      return `${event.tool} ${event.decision.toLowerCase()}${event.decidedBy ? ` by ${event.decidedBy}` : ''}${event.decisionReason ? ` — ${event.decisionReason}` : ''}`;
    case 'McpErrorEvent':
      return `MCP server ${event.serverName} (${event.phase}): ${event.error}`;
    case 'ToolResultEvent':
      return `${event.isError ? 'error: ' : ''}${event.output}`;
    case 'ModelRetryEvent':
      return `retry ${event.attempt}/${event.maxRetries} in ${event.delayMs} ms${event.httpStatus ? ` (HTTP ${event.httpStatus})` : ''} — ${event.error}`;
    case 'TurnCompletedEvent':
    case 'TurnCancelledEvent':
      return usageText(event.usage);
    case 'TurnFailedEvent':
      return event.code ? `${event.code}: ${event.error}` : event.error;
    case 'EgressBlockedEvent':
      return `${event.host}:${event.port} — ${event.reason}`;
    case 'UnrecognizedEvent':
      return event.payload === null || event.payload === undefined ? '' : JSON.stringify(event.payload);
    default:
      return '';
  }
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The session's event timeline: the stored log, page by page, continued live. */
export function EventsTab({ sessionId, live }: { sessionId: string; live: readonly FragmentType<typeof EventsTabEvent>[] }) {
  const client = useClient();
  const [stored, setStored] = useState<TimelineEvent[]>([]);
  const [more, setMore] = useState(true);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [showDeltas, setShowDeltas] = useState(false);

  const fetchPage = useCallback(
    async (after: number) => {
      const result = await client.query(SessionEventsPageQuery, { id: sessionId, after, first: PAGE }, { requestPolicy: 'network-only' }).toPromise();
      if (result.error || !result.data?.session) return { problem: describeError(result.error ?? new Error('This session no longer exists.')) };
      return { page: getFragmentData(EventsTabEvent, result.data.session.events) };
    },
    [client, sessionId],
  );

  const show = useCallback((result: Awaited<ReturnType<typeof fetchPage>>) => {
    setLoading(false);
    if (result.problem) return setProblem(result.problem);
    const { page } = result;
    setStored((s) => [...s, ...page]);
    setMore(page.length === PAGE);
  }, []);

  useEffect(() => {
    let cancelled = false;
    void fetchPage(0).then((result) => cancelled || show(result));
    return () => {
      cancelled = true;
    };
  }, [fetchPage, show]);

  const load = async (after: number) => {
    setLoading(true);
    setProblem(null);
    show(await fetchPage(after));
  };

  const events = useMemo(() => {
    const bySeq = new Map<number, TimelineEvent>();
    for (const e of stored) bySeq.set(e.seq, e);
    // Live events are only merged once the stored log has been read up to them.
    const lastStored = more ? (stored.at(-1)?.seq ?? 0) : Number.POSITIVE_INFINITY;
    for (const e of getFragmentData(EventsTabEvent, live)) if (e.seq <= lastStored || !more) bySeq.set(e.seq, e);
    return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  }, [stored, live, more]);

  const rows = useMemo(() => (showDeltas ? events.map((event): Row => ({ kind: 'event', event })) : groupDeltas(events)), [events, showDeltas]);

  return (
    <section className="events" aria-label="Event timeline">
      <div className="events-bar">
        <span className="muted small">{events.length} events</span>
        <label className="checkbox">
          <input type="checkbox" checked={showDeltas} onChange={(e) => setShowDeltas(e.target.checked)} />
          Show every token delta
        </label>
      </div>
      {problem ? <ErrorNotice problem={problem} onRetry={() => void load(stored.at(-1)?.seq ?? 0)} /> : null}
      {stored.length === 0 && loading ? <Loading label="Loading events…" /> : null}
      <ol className="timeline">
        {rows.map((row) => {
          const event = row.kind === 'event' ? row.event : row.first;
          const seq = row.kind === 'event' ? `${event.seq}` : row.count > 1 ? `${row.first.seq}–${row.last.seq}` : `${event.seq}`;
          return (
            <li key={event.seq} className={`timeline-row type-${event.type.replace('.', '-')}`}>
              <span className="timeline-seq mono">{seq}</span>
              <time className="timeline-time mono" dateTime={event.createdAt}>
                {formatTime(event.createdAt)}
              </time>
              <span className="timeline-type mono">
                {event.type}
                {row.kind === 'deltas' && row.count > 1 ? ` ×${row.count}` : ''}
              </span>
              <span className="timeline-summary">{clip(row.kind === 'deltas' ? row.text : summary(event))}</span>
            </li>
          );
        })}
      </ol>
      {more && stored.length > 0 ? (
        <button type="button" className="button button-secondary" onClick={() => void load(stored.at(-1)?.seq ?? 0)} disabled={loading}>
          {loading ? 'Loading…' : 'Load more events'}
        </button>
      ) : null}
    </section>
  );
}
