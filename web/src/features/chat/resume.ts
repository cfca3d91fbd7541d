import type { ChatMessage } from './state.ts';
import type { SessionStatus } from '../../gql/graphql.ts';

/** What TurnStartsQuery reads of each event. */
type TurnStart = { __typename: string; seq: number; messageId: string | null };
export type FetchEvents = (after: number, first: number) => Promise<TurnStart[]>;

// The API documents pages of up to 1000 events, but its complexity limit rejects 1000
// even with the three fields read here; 500 fits.
const PAGE = 500;
const MAX_SCANNED = 50_000;

/**
 * The seq to subscribe after when a session view loads.
 *
 * By contract that is `session.lastSeq`, the seq of the newest event. While a turn is
 * running the loaded history holds its reply empty (the API stores the text when a
 * step ends), so the view must see every event of that turn. If the session is busy
 * and no event exists at `lastSeq` — the API has been seen reporting a seq reserved
 * ahead of the events actually written — this finds the running turn's
 * `user.message` in the event log and resumes just before it instead. Replaying from
 * there is safe: the chat reducer ignores what the loaded history already shows.
 */
export async function findResumeSeq(session: { lastSeq: number; status: SessionStatus; messages: ChatMessage[] }, fetchEvents: FetchEvents): Promise<number> {
  const { lastSeq } = session;
  const busy =
    session.status === 'RUNNING' ||
    session.status === 'PROVISIONING' ||
    session.status === 'AWAITING_APPROVAL' ||
    session.messages.some((m) => m.status === 'STREAMING' || m.status === 'PENDING');
  if (!busy || lastSeq <= 0) return lastSeq;
  const atLastSeq = await fetchEvents(lastSeq - 1, 1);
  if (atLastSeq[0]?.seq === lastSeq) return lastSeq;

  const turnMessage = [...session.messages].reverse().find((m) => m.role === 'USER')?.id;
  if (!turnMessage) return 0;
  for (let window = PAGE; window <= MAX_SCANNED * 2; window *= 2) {
    const from = Math.max(0, lastSeq - window);
    let found: number | null = null;
    for (let after = from; after < lastSeq && after - from < MAX_SCANNED;) {
      const page = await fetchEvents(after, PAGE);
      for (const event of page) if (event.__typename === 'UserMessageEvent' && event.messageId === turnMessage) found = event.seq;
      if (page.length < PAGE) break;
      after = page.at(-1)!.seq;
    }
    if (found !== null) return found - 1;
    if (from === 0) break;
  }
  return lastSeq;
}
