import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId } from '../ids/global-id.ts';
import { createLogger } from '../log/index.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import type { BusEvent } from './bus.ts';
import { appendEvents } from './log.ts';
import { EventWriter } from './writer.ts';

let t: TestPlatform;
let writer: EventWriter;
let sessionId: string;

beforeAll(async () => {
  t = await startTestPlatform();
  const { client } = await t.newTeam();
  const agent = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "writer", harness: "chat" }) { id } }`)).createAgent
    .id;
  const session = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agent }))
    .createSession.id;
  sessionId = decodeGlobalId(session).id;
  writer = new EventWriter(t.platform.databaseUrl, t.platform.services.bus, createLogger('writer-test', 'silent'));
});
afterAll(async () => {
  await writer?.close();
  await t?.close();
});

const delta = (seq: number): BusEvent => ({
  sessionId,
  seq,
  type: 'message.delta',
  messageId: null,
  delta: `d${seq} `,
  payload: null,
  createdAt: new Date().toISOString(),
});

describe('the event writer', () => {
  it('publishes an event only once it is stored', async () => {
    const { db, bus } = t.platform.services;
    const storedWhenSeen: boolean[] = [];
    const checks: Promise<void>[] = [];
    const stop = bus.subscribe(sessionId, (event) => {
      checks.push(db.sessionEvent.count({ where: { sessionId, seq: event.seq } }).then((n) => void storedWhenSeen.push(n === 1)));
    });
    writer.write([delta(2), delta(3)]);
    writer.write([delta(4)]);
    await writer.flush();
    await Promise.all(checks);
    stop();
    expect(storedWhenSeen).toEqual([true, true, true]);
  });

  it('leaves out late events of a turn that recovery already ended, and does not publish them', async () => {
    const { db, bus } = t.platform.services;
    // The turn reserved seqs ahead when it was claimed; recovery appends its end above them.
    await db.session.update({ where: { id: sessionId }, data: { lastSeq: 300 } });
    const [ended] = await db.$transaction((tx) =>
      appendEvents(tx, sessionId, [{ type: 'turn.failed', payload: { turnId: 't1', error: 'recovered', code: 'WORKER_LOST' } }]),
    );
    const published: number[] = [];
    const stop = bus.subscribe(sessionId, (event) => published.push(event.seq));
    // The cut-off worker's backlog arrives afterwards, below that end.
    writer.write([delta(5), delta(6)]);
    await writer.flush();
    stop();
    expect(published).toEqual([]);
    const log = await db.sessionEvent.findMany({ where: { sessionId }, orderBy: { seq: 'asc' } });
    expect(log.map((e) => e.seq)).toEqual([1, 2, 3, 4, ended!.seq]);
  });
});
