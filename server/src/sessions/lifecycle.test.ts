import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionStatus, TurnStatus } from '../db/index.ts';
import { IllegalTransitionError } from '../errors/index.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import { newId } from '../ids/index.ts';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import {
  canMoveSession,
  canMoveTurn,
  INITIAL_SESSION_STATUS,
  lockSession,
  moveSession,
  moveTurn,
  SESSION_TRANSITIONS,
  sessionStatusEvent,
  TURN_TRANSITIONS,
} from './lifecycle.ts';

const SESSION_STATUSES = Object.keys(SESSION_TRANSITIONS) as SessionStatus[];
const TURN_STATUSES = Object.keys(TURN_TRANSITIONS) as TurnStatus[];

/** Statuses reachable from `start` by allowed moves. */
function reachable(start: SessionStatus): Set<SessionStatus> {
  const seen = new Set<SessionStatus>([start]);
  const queue = [start];
  for (let next = queue.shift(); next; next = queue.shift()) {
    for (const to of SESSION_TRANSITIONS[next]) if (!seen.has(to)) queue.push((seen.add(to), to));
  }
  return seen;
}

describe('the session lifecycle table', () => {
  it('covers every status and reaches each from a new session', () => {
    expect(new Set(SESSION_STATUSES)).toEqual(new Set(['PROVISIONING', 'IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'SUSPENDED', 'FAILED', 'ENDED']));
    expect(reachable(INITIAL_SESSION_STATUS)).toEqual(new Set(SESSION_STATUSES));
  });

  it('never leaves ENDED, and ends only a session without a turn', () => {
    expect(SESSION_TRANSITIONS.ENDED).toEqual([]);
    const intoEnded = SESSION_STATUSES.filter((from) => canMoveSession(from, 'ENDED'));
    expect(intoEnded.sort()).toEqual(['FAILED', 'IDLE', 'SUSPENDED']);
  });

  it('starts a turn only from a session at rest, and a running turn ends IDLE or FAILED', () => {
    expect(SESSION_STATUSES.filter((from) => canMoveSession(from, 'RUNNING')).sort()).toEqual([
      'AWAITING_APPROVAL',
      'FAILED',
      'IDLE',
      'PROVISIONING',
      'SUSPENDED',
    ]);
    // A turn paused for approval runs again on any decision, and only then.
    expect(SESSION_TRANSITIONS.AWAITING_APPROVAL).toEqual(['RUNNING']);
    expect(canMoveTurn('AWAITING_APPROVAL', 'QUEUED')).toBe(true);
    expect(canMoveTurn('RUNNING', 'AWAITING_APPROVAL')).toBe(true);
    for (const busy of ['RUNNING', 'PROVISIONING'] as const) {
      expect(canMoveSession(busy, 'SUSPENDED')).toBe(false);
      expect(canMoveSession(busy, 'ENDED')).toBe(false);
      expect(canMoveSession(busy, 'IDLE')).toBe(true);
      expect(canMoveSession(busy, 'FAILED')).toBe(true);
    }
    expect(canMoveSession('IDLE', 'PROVISIONING')).toBe(false);
    expect(canMoveSession('SUSPENDED', 'IDLE')).toBe(false);
  });

  it('has no move to the same status (a status event always reports a change)', () => {
    for (const status of SESSION_STATUSES) expect(canMoveSession(status, status)).toBe(false);
    for (const status of TURN_STATUSES) expect(canMoveTurn(status, status)).toBe(false);
  });

  it('lets a turn run once and end once', () => {
    expect(TURN_STATUSES.filter((from) => canMoveTurn(from, 'RUNNING'))).toEqual(['QUEUED']);
    for (const end of ['COMPLETED', 'FAILED', 'CANCELLED'] as const) expect(TURN_TRANSITIONS[end]).toEqual([]);
    expect(canMoveTurn('QUEUED', 'COMPLETED')).toBe(false);
    expect(canMoveTurn('QUEUED', 'FAILED')).toBe(true);
  });

  it('describes each status change as a session.status event', () => {
    expect(sessionStatusEvent('IDLE')).toEqual({ type: 'session.status', payload: { status: 'IDLE' } });
    expect(sessionStatusEvent('PROVISIONING', 'Starting a sandbox.')).toEqual({
      type: 'session.status',
      payload: { status: 'PROVISIONING', message: 'Starting a sandbox.' },
    });
  });
});

describe('status changes in the database', () => {
  let t: TestPlatform;
  let client: GraphqlClient;
  let agentId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    client = (await t.newTeam()).client;
    agentId = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "lifecycle", harness: "chat" }) { id } }`)).createAgent
      .id;
  });
  afterAll(() => t?.close());

  /** The new session's database id; its global id is `globalIds.get(dbId)`. */
  const globalIds = new Map<string, string>();
  async function newSession(): Promise<string> {
    const id = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
      .createSession.id;
    globalIds.set(decodeGlobalId(id).id, id);
    return decodeGlobalId(id).id;
  }

  it('refuses an illegal session move with IllegalTransitionError and writes nothing', async () => {
    const { db } = t.platform.services;
    const sessionId = await newSession();
    await db.session.update({ where: { id: sessionId }, data: { status: 'ENDED' } });
    const attempt = db.$transaction(async (tx) => moveSession(tx, sessionId, (await lockSession(tx, sessionId))!, 'RUNNING'));
    await expect(attempt).rejects.toBeInstanceOf(IllegalTransitionError);
    await expect(attempt).rejects.toMatchObject({ entity: 'session', id: sessionId, from: 'ENDED', to: 'RUNNING' });
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('ENDED');
  });

  it('refuses a move from a status the session is not in (its row was not locked first)', async () => {
    const { db } = t.platform.services;
    const sessionId = await newSession();
    await expect(db.$transaction((tx) => moveSession(tx, sessionId, 'SUSPENDED', 'RUNNING'))).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('IDLE');
  });

  it('moves a locked session and returns its event', async () => {
    const { db } = t.platform.services;
    const sessionId = await newSession();
    const event = await db.$transaction(async (tx) => moveSession(tx, sessionId, (await lockSession(tx, sessionId))!, 'SUSPENDED'));
    expect(event).toEqual(sessionStatusEvent('SUSPENDED'));
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('SUSPENDED');
  });

  it('lets only one of two racing processes move a turn, and refuses an illegal turn move', async () => {
    const { db } = t.platform.services;
    const sessionId = await newSession();
    const messageId = newId();
    await db.message.create({ data: { id: messageId, sessionId, role: 'USER', content: 'hi', status: 'COMPLETE' } });
    const turnId = newId();
    await db.turn.create({ data: { id: turnId, sessionId, userMessageId: messageId } });
    const [a, b] = await Promise.all([moveTurn(db, turnId, 'QUEUED', 'RUNNING'), moveTurn(db, turnId, 'QUEUED', 'RUNNING')]);
    expect([a, b].sort()).toEqual([false, true]);
    await expect(moveTurn(db, turnId, 'RUNNING', 'QUEUED')).rejects.toBeInstanceOf(IllegalTransitionError);
    expect((await db.turn.findUniqueOrThrow({ where: { id: turnId } })).status).toBe('RUNNING');
  });

  it('suspends only an idle session: one that got a message meanwhile stays RUNNING, with no event', async () => {
    const { db, sessions } = t.platform.services;
    const sessionId = await newSession();
    await client.ok(`mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hi" }) { id } }`, { s: globalIds.get(sessionId) });
    const before = await db.sessionEvent.count({ where: { sessionId } });
    await sessions.markSuspended(sessionId);
    expect((await db.session.findUniqueOrThrow({ where: { id: sessionId } })).status).toBe('RUNNING');
    expect(await db.sessionEvent.count({ where: { sessionId } })).toBe(before);

    const idle = await newSession();
    await sessions.markSuspended(idle);
    const events = await db.sessionEvent.findMany({ where: { sessionId: idle }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => [e.seq, e.type, e.payload])).toEqual([
      [1, 'session.status', { status: 'IDLE' }],
      [2, 'session.status', { status: 'SUSPENDED' }],
    ]);
  });
});
