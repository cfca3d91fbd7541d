import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../../auth/viewer.ts';
import { createDb, type Db } from '../../db/index.ts';
import { decodeGlobalId } from '../../ids/global-id.ts';
import { createLogger } from '../../log/index.ts';
import type { GraphqlClient } from '../../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/platform.ts';
import { RunStarter } from '../runs.ts';
import { ScheduleService, type ScheduleInput } from './service.ts';

let t: TestPlatform;
let client: GraphqlClient;
let viewer: Viewer;
let agentId: string;
const extraDbs: Db[] = [];
const log = createLogger('schedules-test', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent');

/** A clock the test moves by hand. */
class TestClock {
  now: Date;
  constructor(iso: string) {
    this.now = new Date(iso);
  }
  set(value: Date | string) {
    this.now = new Date(value);
  }
  readonly read = () => this.now;
}

/** A schedule service as one worker has it: its own pool, the shared database, the test clock. */
function serviceOn(clock: TestClock, db: Db = t.platform.services.db): ScheduleService {
  return new ScheduleService({ db, starter: new RunStarter(db, t.platform.services.sessions), log, missedAfterMs: 60_000, now: clock.read });
}

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_KEY_REQUESTS_PER_SECOND: '10000' });
  const team = await t.newTeam();
  client = team.client;
  viewer = { keyId: 'test', keyName: 'test', teamId: decodeGlobalId(team.teamId).id, role: 'MEMBER' };
  const created = await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "cron-agent", harness: "chat" }) { id } }`);
  agentId = decodeGlobalId(created.createAgent.id).id;
});
// fireDue looks at every schedule, so each test starts with none.
afterEach(async () => {
  await t.platform.services.db.schedule.deleteMany({});
});
afterAll(async () => {
  for (const db of extraDbs) await db.$disconnect();
  await t?.close();
});

let counter = 0;
async function createSchedule(service: ScheduleService, input: Partial<ScheduleInput> & { cron: string }) {
  return service.create(viewer, { agentId, name: `s${++counter}`, prompt: 'Run {{runNumber}} due {{scheduledAt}}', ...input });
}

/** Fires the schedule at each of its due times until `until`, as a punctual worker would. */
async function walk(service: ScheduleService, clock: TestClock, scheduleId: string, until: string): Promise<string[]> {
  for (;;) {
    const schedule = await t.platform.services.db.schedule.findUniqueOrThrow({ where: { id: scheduleId } });
    if (!schedule.nextRunAt || schedule.nextRunAt > new Date(until)) break;
    clock.set(schedule.nextRunAt);
    await service.fireDue();
  }
  const runs = await t.platform.services.db.scheduleRun.findMany({ where: { scheduleId }, orderBy: { scheduledAt: 'asc' } });
  expect(runs.every((r) => r.outcome !== 'MISSED')).toBe(true);
  return runs.map((r) => r.scheduledAt.toISOString());
}

describe('due times across DST changes', () => {
  it('America/New_York: a daily 02:30 runs once on the spring-forward day (02:30 does not exist) and keeps its local time after', async () => {
    const clock = new TestClock('2026-03-07T12:00:00Z');
    const service = serviceOn(clock);
    const schedule = await createSchedule(service, { cron: '0 30 2 * * *', timezone: 'America/New_York' });
    expect(await walk(service, clock, schedule.id, '2026-03-10T12:00:00Z')).toEqual([
      '2026-03-08T07:00:00.000Z', // 03:00 EDT: the first valid time after the skipped 02:30
      '2026-03-09T06:30:00.000Z', // 02:30 EDT
      '2026-03-10T06:30:00.000Z',
    ]);
  });

  it('America/New_York: a daily 01:30 runs once on the fall-back day although 01:30 happens twice', async () => {
    const clock = new TestClock('2026-10-31T12:00:00Z');
    const service = serviceOn(clock);
    const schedule = await createSchedule(service, { cron: '30 1 * * *', timezone: 'America/New_York' });
    expect(await walk(service, clock, schedule.id, '2026-11-02T12:00:00Z')).toEqual([
      '2026-11-01T05:30:00.000Z', // 01:30 EDT, the first of the two
      '2026-11-02T06:30:00.000Z', // 01:30 EST
    ]);
  });

  it('Europe/Berlin: every 30 minutes keeps a real 30-minute interval through the repeated hour in autumn', async () => {
    const clock = new TestClock('2026-10-25T00:00:00Z'); // 02:00 CEST
    const service = serviceOn(clock);
    const schedule = await createSchedule(service, { cron: '0 */30 * * * *', timezone: 'Europe/Berlin' });
    expect(await walk(service, clock, schedule.id, '2026-10-25T02:00:00Z')).toEqual([
      '2026-10-25T00:30:00.000Z', // 02:30 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T01:30:00.000Z', // 02:30 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
    ]);
  });

  it('Europe/Berlin: a daily 02:30 runs once on the spring-forward day, an hourly one skips the missing hour', async () => {
    const clock = new TestClock('2026-03-28T12:00:00Z');
    const service = serviceOn(clock);
    const daily = await createSchedule(service, { cron: '30 2 * * *', timezone: 'Europe/Berlin' });
    expect(await walk(service, clock, daily.id, '2026-03-30T12:00:00Z')).toEqual(['2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z']);
    clock.set('2026-03-28T23:30:00Z');
    const hourly = await createSchedule(service, { cron: '0 * * * *', timezone: 'Europe/Berlin' });
    expect(await walk(service, clock, hourly.id, '2026-03-29T02:00:00Z')).toEqual([
      '2026-03-29T00:00:00.000Z', // 01:00 CET
      '2026-03-29T01:00:00.000Z', // 03:00 CEST
      '2026-03-29T02:00:00.000Z', // 04:00 CEST
    ]);
  });
});

describe('firing', () => {
  it('sends the rendered prompt to a new session and records the run', async () => {
    const clock = new TestClock('2026-06-01T06:59:30Z');
    const service = serviceOn(clock);
    const schedule = await createSchedule(service, {
      cron: '0 9 * * *',
      timezone: 'Europe/Berlin',
      prompt: 'Daily report for {{scheduledAt}} (run {{runNumber}})',
    });
    expect(schedule.nextRunAt?.toISOString()).toBe('2026-06-01T07:00:00.000Z');
    clock.set('2026-06-01T07:00:00.250Z');
    const [run] = await service.fireDue();
    expect(run).toMatchObject({ outcome: 'STARTED', runNumber: 1, scheduledAt: new Date('2026-06-01T07:00:00Z') });
    const messages = await t.platform.services.db.message.findMany({ where: { sessionId: run!.sessionId! } });
    expect(messages.map((m) => m.content)).toEqual(['Daily report for 2026-06-01T07:00:00.000Z (run 1)']);
    // Nothing more is due until tomorrow.
    expect(await service.fireDue()).toEqual([]);
  });

  it('SKIPs a run while the previous one is answering; QUEUE keeps one run waiting and starts it once the session is free', async () => {
    const clock = new TestClock('2026-06-02T10:00:00Z');
    const service = serviceOn(clock);
    const skip = await createSchedule(service, { cron: '* * * * *', overlap: 'SKIP' });
    const queue = await createSchedule(service, { cron: '* * * * *', overlap: 'QUEUE', sessionMode: 'REUSE_SESSION' });
    const outcomes = async (id: string) =>
      (await t.platform.services.db.scheduleRun.findMany({ where: { scheduleId: id }, orderBy: { runNumber: 'asc' } })).map((r) => r.outcome);
    // No worker runs the turns here, so the first run's session stays RUNNING.
    for (const minute of ['10:01', '10:02', '10:03']) {
      clock.set(`2026-06-02T${minute}:00Z`);
      await service.fireDue();
    }
    expect(await outcomes(skip.id)).toEqual(['STARTED', 'SKIPPED', 'SKIPPED']);
    expect(await outcomes(queue.id)).toEqual(['STARTED', 'QUEUED', 'SKIPPED']);

    const queued = await t.platform.services.db.scheduleRun.findFirstOrThrow({ where: { scheduleId: queue.id, outcome: 'QUEUED' } });
    expect(await service.retryQueued(queued.id)).toBe(false);
    // The first turn ends (as the worker would record it); the queued run goes to the same session.
    const kept = (await t.platform.services.db.schedule.findUniqueOrThrow({ where: { id: queue.id } })).sessionId!;
    await t.platform.services.db.turn.updateMany({ where: { sessionId: kept }, data: { status: 'COMPLETED' } });
    await t.platform.services.db.session.update({ where: { id: kept }, data: { status: 'IDLE' } });
    expect(await service.retryQueued(queued.id)).toBe(true);
    const started = await t.platform.services.db.scheduleRun.findUniqueOrThrow({ where: { id: queued.id } });
    expect(started).toMatchObject({ outcome: 'STARTED', sessionId: kept });
    expect(await t.platform.services.db.message.count({ where: { sessionId: kept, role: 'USER' } })).toBe(2);
  });
});

describe('missed runs across a restart', () => {
  it('records the due times that passed while no worker ran as MISSED, runs only the current one, and does not catch up', async () => {
    const clock = new TestClock('2026-07-01T12:00:00Z');
    const before = serviceOn(clock);
    const schedule = await createSchedule(before, { cron: '*/5 * * * *' });
    clock.set('2026-07-01T12:05:00.100Z');
    expect((await before.fireDue()).map((r) => r.outcome)).toEqual(['STARTED']);

    // The platform is down from 12:06 to 12:40:20; a new worker (new service, own pool) starts.
    const db = createDb(t.platform.databaseUrl, { poolSize: 3 });
    extraDbs.push(db);
    const after = serviceOn(clock, db);
    clock.set('2026-07-01T12:40:20Z');
    const handled = await after.fireDue();
    expect(handled.map((r) => [r.scheduledAt.toISOString(), r.outcome])).toEqual([['2026-07-01T12:40:00.000Z', 'SKIPPED']]);
    const runs = await db.scheduleRun.findMany({ where: { scheduleId: schedule.id }, orderBy: { scheduledAt: 'asc' } });
    expect(runs.map((r) => `${r.scheduledAt.toISOString().slice(11, 16)} ${r.outcome} #${r.runNumber}`)).toEqual([
      '12:05 STARTED #1',
      '12:10 MISSED #2',
      '12:15 MISSED #3',
      '12:20 MISSED #4',
      '12:25 MISSED #5',
      '12:30 MISSED #6',
      '12:35 MISSED #7',
      '12:40 SKIPPED #8', // the first run is still answering (no worker runs turns here)
    ]);
    expect((await db.schedule.findUniqueOrThrow({ where: { id: schedule.id } })).nextRunAt?.toISOString()).toBe('2026-07-01T12:45:00.000Z');

    // Down past the grace period of the latest due time too: everything is MISSED, nothing runs.
    clock.set('2026-07-01T13:02:00Z');
    expect(await after.fireDue()).toEqual([]);
    const late = await db.scheduleRun.findMany({
      where: { scheduleId: schedule.id, scheduledAt: { gt: new Date('2026-07-01T12:40:00Z') } },
      orderBy: { scheduledAt: 'asc' },
    });
    expect(late.map((r) => r.outcome)).toEqual(['MISSED', 'MISSED', 'MISSED', 'MISSED']);
  });
});

describe('a worker that stops while starting a run', () => {
  it('leaves a PENDING run that is later ended FAILED, never started twice', async () => {
    const clock = new TestClock('2026-07-02T12:00:00Z');
    const service = serviceOn(clock);
    const schedule = await createSchedule(service, { cron: '*/5 * * * *' });
    const run = await t.platform.services.db.scheduleRun.create({
      data: {
        id: '0190b6a0-0000-7000-8000-0000000000aa',
        scheduleId: schedule.id,
        runNumber: 1,
        scheduledAt: new Date('2026-07-02T12:05:00Z'),
        outcome: 'PENDING',
        createdAt: new Date(Date.now() - 10 * 60_000),
      },
    });
    // Another worker finds the same due time: the run row it would insert already exists.
    await t.platform.services.db.schedule.update({ where: { id: schedule.id }, data: { nextRunAt: run.scheduledAt } });
    clock.set('2026-07-02T12:05:01Z');
    expect(await service.fireDue()).toEqual([]);
    expect(await service.failStalled()).toBe(1);
    expect(await t.platform.services.db.scheduleRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      outcome: 'FAILED',
      error: expect.stringMatching(/worker stopped/),
    });
  });
});

describe('several workers', () => {
  it('fires each due time exactly once when workers with their own connections race for it', async () => {
    const clock = new TestClock('2026-08-01T00:00:00Z');
    const workers = Array.from({ length: 4 }, () => {
      const db = createDb(t.platform.databaseUrl, { poolSize: 4 });
      extraDbs.push(db);
      return serviceOn(clock, db);
    });
    const schedules = await Promise.all(Array.from({ length: 5 }, () => createSchedule(workers[0]!, { cron: '*/10 * * * * *', overlap: 'QUEUE' })));
    for (let i = 1; i <= 12; i++) {
      clock.set(new Date(Date.parse('2026-08-01T00:00:00Z') + i * 10_000));
      // Every worker looks at once, several times, as their timers would.
      await Promise.all(workers.flatMap((w) => [w.fireDue(), w.fireDue()]));
    }
    for (const schedule of schedules) {
      const runs = await t.platform.services.db.scheduleRun.findMany({ where: { scheduleId: schedule.id }, orderBy: { scheduledAt: 'asc' } });
      expect(runs).toHaveLength(12);
      expect(new Set(runs.map((r) => r.scheduledAt.getTime())).size).toBe(12);
      expect(runs.map((r) => r.runNumber)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(runs.filter((r) => r.outcome === 'STARTED')).toHaveLength(1);
      expect(runs.some((r) => r.outcome === 'MISSED')).toBe(false);
    }
  });
});

describe('the API', () => {
  const create = `mutation($input: CreateScheduleInput!) { createSchedule(input: $input) { id cron timezone nextRunAt nextRuns(count: 3) enabled sessionMode overlap } }`;

  it('creates, lists, updates and deletes schedules, with a preview of the next due times', async () => {
    const agent = (await client.ok<{ agents: { edges: { node: { id: string } }[] } }>('{ agents(first: 1) { edges { node { id } } } }')).agents.edges[0]!.node
      .id;
    const { createSchedule: created } = await client.ok<{
      createSchedule: { id: string; nextRunAt: string; nextRuns: string[]; sessionMode: string; overlap: string };
    }>(create, {
      input: { agentId: agent, name: 'nightly review', cron: '0 3 * * *', timezone: 'Asia/Tokyo', prompt: 'Review the dependencies.' },
    });
    expect(created).toMatchObject({ sessionMode: 'NEW_SESSION', overlap: 'SKIP' });
    expect(created.nextRuns).toHaveLength(3);
    expect(created.nextRuns.every((at) => at.endsWith('T18:00:00.000Z'))).toBe(true);
    const listed = await client.ok<{ agent: { schedules: { edges: { node: { id: string } }[] } } }>(
      'query($a: ID!) { agent(id: $a) { schedules { edges { node { id } } } } }',
      { a: agent },
    );
    expect(listed.agent.schedules.edges.map((e) => e.node.id)).toContain(created.id);

    const disabled = await client.ok<{ updateSchedule: { enabled: boolean; nextRunAt: string | null } }>(
      'mutation($id: ID!) { updateSchedule(id: $id, input: { enabled: false }) { enabled nextRunAt } }',
      { id: created.id },
    );
    expect(disabled.updateSchedule).toEqual({ enabled: false, nextRunAt: null });
    const changed = await client.ok<{ updateSchedule: { nextRunAt: string } }>(
      'mutation($id: ID!) { updateSchedule(id: $id, input: { enabled: true, cron: "*/15 * * * * *" }) { nextRunAt } }',
      { id: created.id },
    );
    expect(Date.parse(changed.updateSchedule.nextRunAt) - Date.now()).toBeLessThanOrEqual(15_000);
    await client.ok('mutation($id: ID!) { deleteSchedule(id: $id) { deletedId } }', { id: created.id });
    expect((await client.ok<{ schedule: unknown }>('query($id: ID!) { schedule(id: $id) { id } }', { id: created.id })).schedule).toBeNull();
  });

  it.each([
    [{ cron: '61 * * * *' }, 'cron', /not a cron expression/],
    [{ cron: '* * * * * * *' }, 'cron', /five fields/],
    [{ cron: '0 0 31 2 *' }, 'cron', /never runs/],
    [{ timezone: 'Mars/Olympus_Mons' }, 'timezone', /IANA time zone/],
    [{ prompt: 'Hello {{body.x}}' }, 'prompt', /\{\{scheduledAt\}\}/],
    [{ prompt: '   ' }, 'prompt', /must not be empty/],
    [{ name: '' }, 'name', /name must be/],
  ])('refuses %j with a message about %s', async (override, field, message) => {
    const agent = (await client.ok<{ agents: { edges: { node: { id: string } }[] } }>('{ agents(first: 1) { edges { node { id } } } }')).agents.edges[0]!.node
      .id;
    const error = await client.error(create, { input: { agentId: agent, name: `bad-${++counter}`, cron: '* * * * *', prompt: 'Go.', ...override } });
    expect(error.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(message);
  });

  it('refuses a second schedule of the same name on one agent', async () => {
    const agent = (await client.ok<{ agents: { edges: { node: { id: string } }[] } }>('{ agents(first: 1) { edges { node { id } } } }')).agents.edges[0]!.node
      .id;
    const input = { agentId: agent, name: 'twice', cron: '* * * * *', prompt: 'Go.' };
    await client.ok(create, { input });
    expect((await client.error(create, { input })).extensions?.code).toBe('CONFLICT');
  });
});
