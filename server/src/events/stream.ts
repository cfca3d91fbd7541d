import type { Db } from '../db/index.ts';
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
const GAP_WAIT_MS = 3_000;

/**
 * A session's events with seq > `after`: first the persisted log, then live from the
 * bus, with no gap and no duplicate. Live events are buffered from before the replay
 * starts; an event that arrives ahead of the last one delivered (published but not
 * stored yet when the replay read the log) makes the stream wait for the missing
 * seqs to be stored, then deliver them in order.
 */
export async function* sessionEventStream(db: Db, bus: EventBus, sessionId: string, after: number, signal?: AbortSignal): AsyncGenerator<BusEvent> {
  const buffer: BusEvent[] = [];
  let wake: (() => void) | null = null;
  const unsubscribe = bus.subscribe(sessionId, (event) => {
    buffer.push(event);
    wake?.();
  });
  const onAbort = () => wake?.();
  signal?.addEventListener('abort', onAbort);
  let last = after;
  try {
    for (let take = FIRST_PAGE; ; take = PAGE) {
      const page = await readLog(db, sessionId, last, take);
      for (let i = 0; i < page.length; i++) {
        if (i > 0 && i % REPLAY_SLICE === 0) await new Promise<void>((resolve) => setImmediate(resolve));
        yield page[i]!;
      }
      if (page.length > 0) last = page.at(-1)!.seq;
      if (page.length < take) break;
    }
    while (!signal?.aborted) {
      if (buffer.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = null;
        continue;
      }
      const event = buffer.shift()!;
      if (event.seq <= last) continue;
      if (event.seq > last + 1) {
        for (const missing of await waitForStored(db, sessionId, last, event.seq - 1)) {
          yield missing;
          last = missing.seq;
        }
      }
      if (event.seq <= last) continue;
      yield isStoredMarker(event.payload) ? ((await waitForStored(db, sessionId, event.seq - 1, event.seq))[0] ?? event) : event;
      last = event.seq;
    }
  } finally {
    unsubscribe();
    signal?.removeEventListener('abort', onAbort);
  }
}

async function readLog(db: Db, sessionId: string, after: number, take: number, upTo?: number): Promise<BusEvent[]> {
  const rows = await db.sessionEvent.findMany({
    where: { sessionId, seq: { gt: after, ...(upTo !== undefined ? { lte: upTo } : {}) } },
    orderBy: { seq: 'asc' },
    take,
  });
  return rows.map(toBusEvent);
}

/** Events (after, upTo] once all are stored; whatever is stored by the deadline otherwise. */
async function waitForStored(db: Db, sessionId: string, after: number, upTo: number): Promise<BusEvent[]> {
  const deadline = Date.now() + GAP_WAIT_MS;
  for (;;) {
    const rows = await readLog(db, sessionId, after, upTo - after, upTo);
    if (rows.length === upTo - after || Date.now() > deadline) return rows;
    await new Promise((r) => setTimeout(r, 15));
  }
}
