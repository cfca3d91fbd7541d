import type { Db } from '../db/index.ts';
import { unavailable } from '../errors/index.ts';
import { isStoredMarker, type BusEvent, type EventBus } from './bus.ts';
import { toBusEvent } from './mapping.ts';

/** Small, so a subscriber gets its first event quickly even when many subscribe at once. */
const FIRST_PAGE = 50;
const PAGE = 500;
/**
 * A replay hands the event loop to others this often. Delivering an event completes
 * without I/O (the socket write's callback comes on the next tick), so without this one
 * subscriber's whole replay would run before any other could even read its first page.
 */
const REPLAY_SLICE = 4;
/** How long a stream keeps retrying a log read while the database is away. */
const READ_RETRY_MS = 30_000;

/**
 * A session's events with seq > `after`: first the stored log, then live from the bus,
 * with no gap and no duplicate. Events are published only once stored, so when a live
 * event arrives ahead of the last one delivered (a notification was lost, or seqs
 * jumped after a recovery) everything in between is already in the log: the stream
 * reads it from there, in order, before the live event. When the bus reports it may
 * have missed notifications, the stream catches up from the log the same way. If the
 * log cannot be read for a while, the stream ends with a retryable `UNAVAILABLE`
 * error naming the last seq delivered, to resubscribe from.
 */
export async function* sessionEventStream(
  db: Db,
  bus: EventBus,
  sessionId: string,
  after: number,
  signal?: AbortSignal,
  opts: { readRetryMs?: number } = {},
): AsyncGenerator<BusEvent> {
  const readRetryMs = opts.readRetryMs ?? READ_RETRY_MS;
  const buffer: BusEvent[] = [];
  let wake: (() => void) | null = null;
  let resync = false;
  const unsubscribe = bus.subscribe(
    sessionId,
    (event) => {
      buffer.push(event);
      wake?.();
    },
    () => {
      resync = true;
      wake?.();
    },
  );
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  let last = after;
  /** Everything stored after `last`, up to `upTo` when given. */
  async function* catchUp(upTo?: number): AsyncGenerator<BusEvent> {
    for (let take = FIRST_PAGE; ; take = PAGE) {
      const page = await readLog(db, sessionId, last, take, readRetryMs, upTo);
      for (let i = 0; i < page.length; i++) {
        if (i > 0 && i % REPLAY_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        yield page[i]!;
        last = page[i]!.seq;
      }
      if (page.length < take) return;
    }
  }
  try {
    yield* catchUp();
    while (!signal?.aborted) {
      if (resync) {
        resync = false;
        yield* catchUp();
        continue;
      }
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      const event = buffer.shift()!;
      if (event.seq <= last) continue;
      if (event.seq > last + 1 || isStoredMarker(event.payload)) {
        // Stored before it was published: the log has it and everything before it.
        yield* catchUp(event.seq);
        continue;
      }
      yield event;
      last = event.seq;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readLog(db: Db, sessionId: string, after: number, take: number, retryMs: number, upTo?: number): Promise<BusEvent[]> {
  const deadline = Date.now() + retryMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const rows = await db.sessionEvent.findMany({
        where: { sessionId, seq: { gt: after, ...(upTo !== undefined ? { lte: upTo } : {}) } },
        orderBy: { seq: 'asc' },
        take,
      });
      return rows.map(toBusEvent);
    } catch {
      if (Date.now() > deadline) {
        throw unavailable(`The event log cannot be read right now (the database is unavailable). Resubscribe with after: ${after} to continue without a gap.`, {
          lastSeq: after,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
    }
  }
}
