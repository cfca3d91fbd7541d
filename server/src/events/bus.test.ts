import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { createLogger } from '../log/index.ts';
import { PgEventBus, type BusEvent } from './bus.ts';

let database: TestDatabase;
let publisher: PgEventBus;
let receiver: PgEventBus;
const log = createLogger('bus-test', 'silent');

beforeAll(async () => {
  database = await createTestDatabase({ migrated: false });
  publisher = await PgEventBus.connect(database.databaseUrl, log);
  receiver = await PgEventBus.connect(database.databaseUrl, log);
});
afterAll(async () => {
  await publisher?.close();
  await receiver?.close();
  await database?.drop();
});

const event = (sessionId: string, seq: number, delta = `tok${seq} `): BusEvent => ({
  sessionId,
  seq,
  type: 'message.delta',
  messageId: null,
  delta,
  payload: { t: seq },
  createdAt: new Date().toISOString(),
});

describe('the PostgreSQL event bus', () => {
  it('delivers every session its events in publish order, published one by one from many ticks', async () => {
    const sessions = ['a', 'b', 'c'].map((s) => `00000000-0000-4000-8000-00000000000${s}`);
    const received = new Map<string, number[]>(sessions.map((s) => [s, []]));
    const local: number[] = [];
    const stops = sessions.map((s) => receiver.subscribe(s, (e) => received.get(s)!.push(e.seq)));
    const stopLocal = publisher.subscribe(sessions[0]!, (e) => local.push(e.seq));
    const perSession = 400;
    for (let seq = 1; seq <= perSession; seq++) {
      for (const s of sessions) publisher.publish([event(s, seq)]);
      // Spread over many event-loop turns, as tokens arrive, so NOTIFYs overlap.
      if (seq % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    const expected = Array.from({ length: perSession }, (_, i) => i + 1);
    await expect.poll(() => [...received.values()].every((seqs) => seqs.length >= perSession), { timeout: 20_000 }).toBe(true);
    for (const s of sessions) expect(received.get(s)).toEqual(expected);
    // Listeners in the publishing process get events at once, and only once.
    expect(local).toEqual(expected);
    stops.forEach((stop) => stop());
    stopLocal();
  });

  it('sends an event too large for NOTIFY as a marker to read from the log', async () => {
    const sessionId = '00000000-0000-4000-8000-0000000000ff';
    const got: BusEvent[] = [];
    const stop = receiver.subscribe(sessionId, (e) => got.push(e));
    publisher.publish([event(sessionId, 1, 'x'.repeat(10_000)), event(sessionId, 2)]);
    await expect.poll(() => got.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    expect(got.map((e) => [e.seq, e.delta?.length ?? null, e.payload])).toEqual([
      [1, null, { $stored: true }],
      [2, 5, { t: 2 }],
    ]);
    stop();
  });

  it('packs text outside ASCII by its bytes: every event arrives inline, none too big for NOTIFY', async () => {
    const sessionId = '00000000-0000-4000-8000-0000000000ee';
    const got: BusEvent[] = [];
    const stop = receiver.subscribe(sessionId, (e) => got.push(e));
    // 256 characters of three UTF-8 bytes each per event: forty of them are far over 8000 bytes.
    const text = '流'.repeat(256);
    publisher.publish(Array.from({ length: 40 }, (_, i) => event(sessionId, i + 1, text)));
    // A whole-event marker would also be too big: one event near the limit goes out as a marker.
    publisher.publish([event(sessionId, 41, 'ü'.repeat(3_900))]);
    await expect.poll(() => got.length, { timeout: 20_000 }).toBe(41);
    expect(got.slice(0, 40).every((e, i) => e.seq === i + 1 && e.delta === text)).toBe(true);
    expect(got[40]).toMatchObject({ seq: 41, delta: null, payload: { $stored: true } });
    stop();
  });
});
