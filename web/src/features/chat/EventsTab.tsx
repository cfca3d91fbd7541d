import { useCallback, useEffect, useMemo, useState } from 'react';
import { useClient } from 'urql';
import { ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { formatTime } from '../../lib/format.ts';
import { SessionEventsPageQuery } from './documents.ts';
import type { StreamEvent } from './state.ts';

const PAGE = 500;

type Row = { kind: 'event'; event: StreamEvent } | { kind: 'deltas'; first: StreamEvent; last: StreamEvent; count: number; text: string };

/** Groups runs of message.delta for the same message into one row. */
export function groupDeltas(events: StreamEvent[]): Row[] {
  const rows: Row[] = [];
  for (const event of events) {
    const previous = rows.at(-1);
    if (event.type === 'message.delta') {
      if (previous?.kind === 'deltas' && previous.last.messageId === event.messageId && previous.last.seq === event.seq - 1) {
        previous.last = event;
        previous.count += 1;
        previous.text += event.delta ?? '';
        continue;
      }
      rows.push({ kind: 'deltas', first: event, last: event, count: 1, text: event.delta ?? '' });
      continue;
    }
    rows.push({ kind: 'event', event });
  }
  return rows;
}

export function summary(event: StreamEvent): string {
  const p = (typeof event.payload === 'object' && event.payload !== null ? event.payload : {}) as Record<string, unknown>;
  switch (event.type) {
    case 'session.status':
      return String(p.status ?? '') + (typeof p.message === 'string' && p.message ? ` — ${p.message}` : '');
    case 'user.message':
    case 'message.completed':
      return typeof p.content === 'string' ? p.content : '';
    case 'tool.call':
      return `${String(p.name ?? 'tool')} ${JSON.stringify(p.input ?? {})}`;
    case 'tool.result':
      return `${p.isError === true ? 'error: ' : ''}${typeof p.output === 'string' ? p.output : ''}`;
    case 'turn.completed': {
      const u = (p.usage ?? {}) as Record<string, unknown>;
      return `${String(u.inputTokens ?? 0)} in · ${String(u.outputTokens ?? 0)} out`;
    }
    case 'turn.failed':
      return typeof p.error === 'string' ? p.error : '';
    case 'egress.blocked':
      return `${String(p.host ?? '')}:${String(p.port ?? '')} — ${String(p.reason ?? '')}`;
    default:
      return event.payload === null || event.payload === undefined ? '' : JSON.stringify(event.payload);
  }
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The session's event timeline: the stored log, page by page, continued live. */
export function EventsTab({ sessionId, live }: { sessionId: string; live: StreamEvent[] }) {
  const client = useClient();
  const [stored, setStored] = useState<StreamEvent[]>([]);
  const [more, setMore] = useState(true);
  const [loading, setLoading] = useState(true);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [showDeltas, setShowDeltas] = useState(false);

  const fetchPage = useCallback(
    async (after: number) => {
      const result = await client.query(SessionEventsPageQuery, { id: sessionId, after, first: PAGE }, { requestPolicy: 'network-only' }).toPromise();
      if (result.error || !result.data?.session) return { problem: describeError(result.error ?? new Error('This session no longer exists.')) };
      return { page: result.data.session.events };
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
    const bySeq = new Map<number, StreamEvent>();
    for (const e of stored) bySeq.set(e.seq, e);
    // Live events are only merged once the stored log has been read up to them.
    const lastStored = more ? (stored.at(-1)?.seq ?? 0) : Number.POSITIVE_INFINITY;
    for (const e of live) if (e.seq <= lastStored || !more) bySeq.set(e.seq, e);
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
              <span className="timeline-summary">{clip(row.kind === 'deltas' ? row.text : event.type === 'message.delta' ? (event.delta ?? '') : summary(event))}</span>
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
