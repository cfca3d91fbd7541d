import { useCallback, useEffect, useState } from 'react';
import { useClient } from 'urql';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { getFragmentData } from '../../gql/index.ts';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { SessionTurnsQuery, TurnTimelineFields } from './documents.ts';
import { TurnWaterfall, type TimelineTurn } from './TurnWaterfall.tsx';

const TURNS = 20;
/** While a turn runs its steps are stored as they start and end; this often they are read again. */
const LIVE_REFRESH_MS = 2_000;

/** Per-turn waterfalls of the session's newest turns, newest first; kept current while a turn runs. */
export function TimelineTab({ sessionId, running }: { sessionId: string; running: boolean }) {
  const client = useClient();
  const [turns, setTurns] = useState<TimelineTurn[] | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [now, setNow] = useState(() => Date.now());

  const load = useCallback(async () => {
    const result = await client.query(SessionTurnsQuery, { id: sessionId, last: TURNS }, { requestPolicy: 'network-only' }).toPromise();
    setNow(Date.now());
    if (result.error || !result.data?.session) {
      setProblem(describeError(result.error ?? new Error('This session no longer exists.')));
      return;
    }
    setProblem(null);
    setTurns(result.data.session.turns.edges.map((e) => getFragmentData(TurnTimelineFields, e.node)).reverse());
  }, [client, sessionId]);

  // Read again whenever a turn starts or ends, and on a timer while one runs.
  useEffect(() => {
    // eslint-disable-next-line react-hooks/set-state-in-effect -- load sets state only once its query has answered
    void load();
    if (!running) return;
    const timer = setInterval(() => void load(), LIVE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, running]);

  if (problem) return <ErrorNotice problem={problem} onRetry={() => void load()} />;
  if (!turns) return <Loading label="Loading turns…" />;
  if (turns.length === 0) return <EmptyState title="No turns yet">Each message you send starts a turn; its timeline shows up here.</EmptyState>;
  return (
    <section className="turns" aria-label="Turn timelines">
      <p className="muted small">
        Each bar is one step of a turn, on the turn's own time axis: waiting for a worker, getting the sandbox, each model request (the mark is its first token)
        and each tool call.
      </p>
      {turns.map((turn) => (
        <TurnWaterfall key={turn.id} turn={turn} now={now} />
      ))}
    </section>
  );
}
