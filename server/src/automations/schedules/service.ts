import { withDbRetry } from '../../db/retry.ts';
import type { AutomationSessionMode, Db, Prisma, Schedule, ScheduleOverlap, ScheduleRun } from '../../db/index.ts';
import type { Viewer } from '../../auth/viewer.ts';
import { badInput, conflict, notFound } from '../../errors/index.ts';
import type { PageWindow } from '../../db/page-window.ts';
import { newId } from '../../ids/index.ts';
import type { Logger } from '../../log/index.ts';
import { enqueueMissedEvents, enqueueRunRetry } from '../jobs.ts';
import type { RunStarter } from '../runs.ts';
import { renderTemplate, validateTemplate } from '../template.ts';
import { nextDue, parseCron, validateTimezone, type Clock } from './cron.ts';

export type ScheduleInput = {
  agentId: string;
  name: string;
  cron: string;
  timezone?: string | null;
  prompt: string;
  sessionMode?: AutomationSessionMode | null;
  overlap?: ScheduleOverlap | null;
  enabled?: boolean | null;
};

export type ScheduleUpdate = { [K in keyof Omit<ScheduleInput, 'agentId'>]?: ScheduleInput[K] | null };

/** MISSED runs recorded for one catch-up at most; older due times are only counted in the log. */
export const MAX_MISSED_RECORDED = 100;
/** A run still PENDING after this long lost its worker while starting. */
const STALLED_PENDING_MS = 5 * 60_000;
/** Due schedules one worker starts at once. */
const FIRE_CONCURRENCY = 8;
/** How soon a QUEUED run looks again whether its session is free. */
export const QUEUED_RETRY_MS = 2_000;
const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;

function validateName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) throw badInput('name must be 1-100 characters: letters, digits, spaces, ".", "_" and "-", starting with a letter or digit.', 'name');
  return trimmed;
}

type Claimed = { schedule: Schedule; run: ScheduleRun };

/**
 * Schedules: an agent run on a cron expression in a time zone. A schedule's `nextRunAt` is
 * durable state; any worker that finds it due claims it under the row lock, and the run row
 * (unique per due time) makes it fire once however many workers look. Due times that passed
 * while no worker ran are recorded MISSED, not run.
 */
export class ScheduleService {
  readonly #db: Db;
  readonly #starter: RunStarter;
  readonly #log: Logger;
  readonly #missedAfterMs: number;
  readonly #now: Clock;

  constructor(deps: { db: Db; starter: RunStarter; log: Logger; missedAfterMs: number; now: Clock }) {
    this.#db = deps.db;
    this.#starter = deps.starter;
    this.#log = deps.log.child({ component: 'schedules' });
    this.#missedAfterMs = deps.missedAfterMs;
    this.#now = deps.now;
  }

  async find(viewer: Viewer, id: string): Promise<Schedule | null> {
    return this.#db.schedule.findFirst({ where: { id, teamId: viewer.teamId } });
  }

  async get(viewer: Viewer, id: string): Promise<Schedule> {
    const found = await this.find(viewer, id);
    if (!found) throw notFound('Schedule', id);
    return found;
  }

  /** Newest first. */
  async list(viewer: Viewer, filter: { agentId?: string | null }, window: PageWindow): Promise<Schedule[]> {
    return this.#db.schedule.findMany({
      where: { teamId: viewer.teamId, ...(filter.agentId ? { agentId: filter.agentId } : {}), id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  /** Every team's schedules, for the operator CLI; `team` narrows to one team by name. */
  async all(team?: string) {
    return this.#db.schedule.findMany({
      where: team ? { team: { name: team } } : {},
      include: { team: { select: { name: true } }, agent: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
  }

  /** Newest first. */
  async runs(scheduleId: string, window: PageWindow): Promise<ScheduleRun[]> {
    return this.#db.scheduleRun.findMany({
      where: { scheduleId, id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  async findRun(viewer: Viewer, id: string): Promise<ScheduleRun | null> {
    return this.#db.scheduleRun.findFirst({ where: { id, schedule: { teamId: viewer.teamId } } });
  }

  async create(viewer: Viewer, input: ScheduleInput): Promise<Schedule> {
    const agent = await this.#db.agent.findFirst({ where: { id: input.agentId, teamId: viewer.teamId }, select: { id: true } });
    if (!agent) throw notFound('Agent', input.agentId);
    const timezone = validateTimezone(input.timezone ?? 'UTC');
    const cron = parseCron(input.cron, timezone);
    const enabled = input.enabled ?? true;
    const name = validateName(input.name);
    try {
      return await this.#db.schedule.create({
        data: {
          id: newId(),
          teamId: viewer.teamId,
          agentId: agent.id,
          name,
          cron: input.cron.trim(),
          timezone,
          prompt: validateTemplate(input.prompt, 'schedule'),
          sessionMode: input.sessionMode ?? 'NEW_SESSION',
          overlap: input.overlap ?? 'SKIP',
          enabled,
          nextRunAt: enabled ? nextDue(cron, this.#now()) : null,
        },
      });
    } catch (error) {
      throw duplicateName(error, name) ?? error;
    }
  }

  async update(viewer: Viewer, id: string, input: ScheduleUpdate): Promise<Schedule> {
    const existing = await this.get(viewer, id);
    const timezone = input.timezone != null ? validateTimezone(input.timezone) : existing.timezone;
    const expression = input.cron != null ? input.cron.trim() : existing.cron;
    const cron = parseCron(expression, timezone);
    const enabled = input.enabled ?? existing.enabled;
    const timing = expression !== existing.cron || timezone !== existing.timezone || enabled !== existing.enabled;
    const data: Prisma.ScheduleUpdateInput = {
      cron: expression,
      timezone,
      enabled,
      ...(input.name != null ? { name: validateName(input.name) } : {}),
      ...(input.prompt != null ? { prompt: validateTemplate(input.prompt, 'schedule') } : {}),
      ...(input.sessionMode != null ? { sessionMode: input.sessionMode } : {}),
      ...(input.overlap != null ? { overlap: input.overlap } : {}),
      // A new timing starts from now: due times under the old one are neither run nor missed.
      ...(timing ? { nextRunAt: enabled ? nextDue(cron, this.#now()) : null } : {}),
    };
    try {
      return await this.#db.schedule.update({ where: { id: existing.id }, data });
    } catch (error) {
      throw duplicateName(error, input.name ?? existing.name) ?? error;
    }
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const existing = await this.get(viewer, id);
    await this.#db.schedule.delete({ where: { id: existing.id } });
  }

  /**
   * Runs a worker claimed but never got to start (it stopped in between) are ended FAILED,
   * so they do not look as if they were still starting. Returns how many.
   */
  async failStalled(olderThanMs = STALLED_PENDING_MS): Promise<number> {
    return this.#db.$executeRaw`
      UPDATE "ScheduleRun" SET outcome = 'FAILED', error = 'The worker stopped while starting this run.'
      WHERE outcome = 'PENDING' AND "createdAt" < now() - make_interval(secs => ${olderThanMs / 1000}::float8)`;
  }

  /** The earliest due time of any enabled schedule, for the worker's timer. */
  async nextDueAt(): Promise<Date | null> {
    const row = await this.#db.schedule.findFirst({
      where: { enabled: true, nextRunAt: { not: null } },
      orderBy: { nextRunAt: 'asc' },
      select: { nextRunAt: true },
    });
    return row?.nextRunAt ?? null;
  }

  /**
   * Handles every schedule due at `now` (default: the clock): records its due times,
   * MISSED for those older than the grace period, and starts the latest one. Safe to call
   * from any number of workers at once. Returns the runs it handled.
   */
  async fireDue(now = this.#now()): Promise<ScheduleRun[]> {
    const due = await this.#db.schedule.findMany({
      where: { enabled: true, nextRunAt: { lte: now } },
      select: { id: true },
      orderBy: { nextRunAt: 'asc' },
      take: 100,
    });
    const handled: ScheduleRun[] = [];
    // Schedules due together start side by side, so the last of them is not late by the sum of the others.
    const fire = async () => {
      for (let next = due.shift(); next; next = due.shift()) {
        const claimed = await this.#claim(next.id, now);
        if (claimed) handled.push(await this.#startClaimed(claimed));
      }
    };
    await Promise.all(Array.from({ length: Math.min(FIRE_CONCURRENCY, due.length) }, fire));
    return handled;
  }

  /**
   * Under the schedule's row lock (skipped if another worker holds it): walks its due times
   * up to `now`, records them, and moves nextRunAt past `now`. Returns the run to start.
   */
  async #claim(id: string, now: Date): Promise<Claimed | null> {
    // Every worker claims at once at each due time: on a busy database a connection may take a while.
    const result = await withDbRetry(() =>
      this.#db.$transaction(
        async (tx) => {
          const [locked] = await tx.$queryRaw<
            { id: string }[]
          >`SELECT id FROM "Schedule" WHERE id = ${id}::uuid AND enabled AND "nextRunAt" <= ${now} FOR UPDATE SKIP LOCKED`;
          if (!locked) return null;
          const schedule = await tx.schedule.findUniqueOrThrow({ where: { id } });
          const cron = parseCron(schedule.cron, schedule.timezone);
          const from = schedule.nextRunAt!;
          // The latest due times up to now, oldest first; earlier ones beyond the record are only counted as "more".
          const recent = cron
            .previousRuns(MAX_MISSED_RECORDED + 1, new Date(now.getTime() + 1))
            .filter((d) => d >= from)
            .reverse();
          const times = recent.length > 0 ? recent : [from];
          const more = recent.length === MAX_MISSED_RECORDED + 1 && recent[0]! > from;
          const cursor = nextDue(cron, now);
          const latest = times.at(-1);
          const fire = latest && now.getTime() - latest.getTime() <= this.#missedAfterMs ? latest : null;
          const missed = (fire ? times.slice(0, -1) : times).slice(-MAX_MISSED_RECORDED);
          if (more || times.length - (fire ? 1 : 0) > missed.length) {
            this.#log.warn({ scheduleId: id, since: from.toISOString(), recorded: missed.length }, 'schedule missed more due times than are recorded');
          }
          let runNumber = schedule.runCount;
          const missedRows = missed.map((scheduledAt) => ({ id: newId(), scheduleId: id, runNumber: ++runNumber, scheduledAt, outcome: 'MISSED' as const }));
          const inserted = missedRows.length ? await tx.scheduleRun.createManyAndReturn({ data: missedRows, skipDuplicates: true }) : [];
          let run: ScheduleRun | null = null;
          if (fire) {
            const [created] = await tx.scheduleRun.createManyAndReturn({
              data: [{ id: newId(), scheduleId: id, runNumber: ++runNumber, scheduledAt: fire, outcome: 'PENDING', firedAt: now }],
              skipDuplicates: true,
            });
            run = created ?? null;
          }
          const updated = await tx.schedule.update({ where: { id }, data: { nextRunAt: cursor, runCount: runNumber } });
          if (inserted.length) {
            await enqueueMissedEvents(
              tx,
              updated.teamId,
              inserted.map((r) => r.id),
            );
            this.#log.info(
              { scheduleId: id, missed: inserted.map((r) => r.scheduledAt.toISOString()) },
              'schedule due times missed while no worker was running',
            );
          }
          return run ? { schedule: updated, run } : null;
        },
        { maxWait: 10_000 },
      ),
    );
    return result;
  }

  async #startClaimed({ schedule, run }: Claimed): Promise<ScheduleRun> {
    const blocking = schedule.sessionMode === 'REUSE_SESSION' ? schedule.sessionId : await this.#lastStartedSession(schedule.id, run.id);
    if (await this.#starter.isBusy(blocking)) {
      if (schedule.overlap === 'SKIP') return this.#finish(run.id, { outcome: 'SKIPPED', error: 'The previous run was still answering (overlap: SKIP).' });
      const queued = await this.#db.scheduleRun.count({ where: { scheduleId: schedule.id, outcome: 'QUEUED' } });
      if (queued > 0) return this.#finish(run.id, { outcome: 'SKIPPED', error: 'A run was already queued behind the previous one.' });
      const updated = await this.#finish(run.id, { outcome: 'QUEUED' });
      await enqueueRunRetry(this.#db, 'schedule', run.id, QUEUED_RETRY_MS);
      return updated;
    }
    return this.#start(schedule, run);
  }

  /** Tries a QUEUED run again (from its job); true when it is settled, false to look again later. */
  async retryQueued(runId: string): Promise<boolean> {
    const run = await this.#db.scheduleRun.findUnique({ where: { id: runId }, include: { schedule: true } });
    if (!run || run.outcome !== 'QUEUED') return true;
    const blocking = run.schedule.sessionMode === 'REUSE_SESSION' ? run.schedule.sessionId : await this.#lastStartedSession(run.scheduleId, run.id);
    if (await this.#starter.isBusy(blocking)) return false;
    const settled = await this.#start(run.schedule, run);
    return settled.outcome !== 'QUEUED';
  }

  async #start(schedule: Schedule, run: ScheduleRun): Promise<ScheduleRun> {
    const prompt = renderTemplate(schedule.prompt, { scheduledAt: run.scheduledAt, runNumber: run.runNumber });
    const result = await this.#starter.start(
      {
        kind: 'schedule',
        id: schedule.id,
        teamId: schedule.teamId,
        agentId: schedule.agentId,
        name: schedule.name,
        sessionMode: schedule.sessionMode,
        sessionId: schedule.sessionId,
      },
      prompt,
      `${schedule.name} #${run.runNumber}`,
    );
    if (result.kind === 'busy') {
      // The session got busy between the check and the send (a person wrote to it).
      if (schedule.overlap === 'SKIP') return this.#finish(run.id, { outcome: 'SKIPPED', error: 'The session was answering another message (overlap: SKIP).' });
      await enqueueRunRetry(this.#db, 'schedule', run.id, QUEUED_RETRY_MS);
      return this.#finish(run.id, { outcome: 'QUEUED', sessionId: result.sessionId });
    }
    if (result.kind === 'failed') {
      this.#log.warn({ scheduleId: schedule.id, runId: run.id, error: result.error }, 'schedule run could not start');
      return this.#finish(run.id, { outcome: 'FAILED', error: result.error });
    }
    return this.#finish(run.id, { outcome: 'STARTED', sessionId: result.sessionId, firedAt: run.outcome === 'QUEUED' ? this.#now() : run.firedAt });
  }

  async #finish(runId: string, data: Prisma.ScheduleRunUncheckedUpdateInput): Promise<ScheduleRun> {
    return this.#db.scheduleRun.update({ where: { id: runId }, data });
  }

  async #lastStartedSession(scheduleId: string, beforeRunId: string): Promise<string | null> {
    const last = await this.#db.scheduleRun.findFirst({
      where: { scheduleId, outcome: 'STARTED', id: { lt: beforeRunId }, sessionId: { not: null } },
      orderBy: { id: 'desc' },
      select: { sessionId: true },
    });
    return last?.sessionId ?? null;
  }
}

export function idRange(window: PageWindow, order: 'asc' | 'desc'): Prisma.StringFilter {
  const range: Prisma.StringFilter = {};
  if (order === 'desc') {
    if (window.after) range.lt = window.after;
    if (window.before) range.gt = window.before;
  } else {
    if (window.after) range.gt = window.after;
    if (window.before) range.lt = window.before;
  }
  return range;
}

/** A unique (agent, name) violation as the error the caller should see. */
export function duplicateName(error: unknown, name: string) {
  return (error as { code?: string }).code === 'P2002' ? conflict(`This agent already has an automation named "${name}"; pick another name.`) : null;
}
