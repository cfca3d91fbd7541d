import { randomBytes } from 'node:crypto';
import type { AutomationSessionMode, Db, Prisma, Trigger, TriggerKind, TriggerRun } from '../../db/index.ts';
import type { Viewer } from '../../auth/viewer.ts';
import { badInput, notFound } from '../../errors/index.ts';
import type { PageWindow } from '../../db/page-window.ts';
import { newId } from '../../ids/index.ts';
import type { Logger } from '../../log/index.ts';
import type { SecretBox } from '../../secrets/index.ts';
import { enqueueRunRetry } from '../jobs.ts';
import type { RunStarter, RunTarget } from '../runs.ts';
import { duplicateName, idRange, QUEUED_RETRY_MS } from '../schedules/service.ts';
import { renderTemplate, validateTemplate } from '../template.ts';
import { sha256Hex } from './signatures.ts';

export type TriggerInput = {
  agentId: string;
  name: string;
  prompt: string;
  kind: TriggerKind;
  events?: string[] | null;
  sessionMode?: AutomationSessionMode | null;
};
export type TriggerUpdate = {
  name?: string | null;
  prompt?: string | null;
  events?: string[] | null;
  sessionMode?: AutomationSessionMode | null;
  enabled?: boolean | null;
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}$/;
const GITHUB_EVENT = /^[a-z_]{1,50}(\.[a-z_]{1,50})?$/;

function validateName(name: string): string {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) throw badInput('name must be 1-100 characters: letters, digits, spaces, ".", "_" and "-", starting with a letter or digit.', 'name');
  return trimmed;
}

function validateEvents(kind: TriggerKind, events: string[]): string[] {
  const unique = [...new Set(events.map((e) => e.trim()))];
  if (kind === 'HTTP' && unique.length > 0) throw badInput('events filters GitHub deliveries; leave it empty for an HTTP trigger.', 'events');
  for (const event of unique) {
    if (!GITHUB_EVENT.test(event))
      throw badInput(`"${event}" is not a GitHub event; write an event name ("push") or an event and action ("issues.opened").`, 'events');
  }
  return unique;
}

function newSecret(kind: TriggerKind): string {
  return kind === 'HTTP' ? `pdt_${randomBytes(32).toString('base64url')}` : randomBytes(32).toString('hex');
}

/** What a firing request gets: a run, a duplicate of one, or nothing (filtered). */
export type FireResult =
  { kind: 'started'; run: TriggerRun } | { kind: 'queued'; run: TriggerRun } | { kind: 'failed'; run: TriggerRun } | { kind: 'duplicate'; run: TriggerRun };

/**
 * Inbound triggers: a URL that runs an agent when called. HTTP triggers authenticate with a
 * bearer secret of which only the SHA-256 is kept; GitHub triggers verify the delivery's
 * HMAC signature with the secret, kept sealed. Each accepted request is a TriggerRun.
 */
export class TriggerService {
  readonly #db: Db;
  readonly #starter: RunStarter;
  readonly #secrets: SecretBox;
  readonly #log: Logger;

  constructor(deps: { db: Db; starter: RunStarter; secrets: SecretBox; log: Logger }) {
    this.#db = deps.db;
    this.#starter = deps.starter;
    this.#secrets = deps.secrets;
    this.#log = deps.log.child({ component: 'triggers' });
  }

  async find(viewer: Viewer, id: string): Promise<Trigger | null> {
    return this.#db.trigger.findFirst({ where: { id, teamId: viewer.teamId } });
  }

  async get(viewer: Viewer, id: string): Promise<Trigger> {
    const found = await this.find(viewer, id);
    if (!found) throw notFound('Trigger', id);
    return found;
  }

  /** For the public endpoint: any team's trigger, by id. */
  async byId(id: string): Promise<Trigger | null> {
    return this.#db.trigger.findUnique({ where: { id } });
  }

  async list(viewer: Viewer, filter: { agentId?: string | null }, window: PageWindow): Promise<Trigger[]> {
    return this.#db.trigger.findMany({
      where: { teamId: viewer.teamId, ...(filter.agentId ? { agentId: filter.agentId } : {}), id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  /** Every team's triggers, for the operator CLI; `team` narrows to one team by name. */
  async all(team?: string) {
    return this.#db.trigger.findMany({
      where: team ? { team: { name: team } } : {},
      include: { team: { select: { name: true } }, agent: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
  }

  async runs(triggerId: string, window: PageWindow): Promise<TriggerRun[]> {
    return this.#db.triggerRun.findMany({
      where: { triggerId, id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  async findRun(viewer: Viewer, id: string): Promise<TriggerRun | null> {
    return this.#db.triggerRun.findFirst({ where: { id, trigger: { teamId: viewer.teamId } } });
  }

  /** Creates the trigger and returns it with its secret, which is never shown again. */
  async create(viewer: Viewer, input: TriggerInput): Promise<{ trigger: Trigger; secret: string }> {
    const agent = await this.#db.agent.findFirst({ where: { id: input.agentId, teamId: viewer.teamId }, select: { id: true } });
    if (!agent) throw notFound('Agent', input.agentId);
    const name = validateName(input.name);
    const secret = newSecret(input.kind);
    try {
      const trigger = await this.#db.trigger.create({
        data: {
          id: newId(),
          teamId: viewer.teamId,
          agentId: agent.id,
          name,
          kind: input.kind,
          prompt: validateTemplate(input.prompt, 'trigger'),
          events: validateEvents(input.kind, input.events ?? []),
          sessionMode: input.sessionMode ?? 'NEW_SESSION',
          ...(input.kind === 'HTTP' ? { secretHash: sha256Hex(secret) } : { secretCipher: this.#secrets.seal(secret) }),
        },
      });
      return { trigger, secret };
    } catch (error) {
      throw duplicateName(error, name) ?? error;
    }
  }

  async update(viewer: Viewer, id: string, input: TriggerUpdate): Promise<Trigger> {
    const existing = await this.get(viewer, id);
    const data: Prisma.TriggerUpdateInput = {
      ...(input.name != null ? { name: validateName(input.name) } : {}),
      ...(input.prompt != null ? { prompt: validateTemplate(input.prompt, 'trigger') } : {}),
      ...(input.events != null ? { events: validateEvents(existing.kind, input.events) } : {}),
      ...(input.sessionMode != null ? { sessionMode: input.sessionMode } : {}),
      ...(input.enabled != null ? { enabled: input.enabled } : {}),
    };
    try {
      return await this.#db.trigger.update({ where: { id: existing.id }, data });
    } catch (error) {
      throw duplicateName(error, input.name ?? existing.name) ?? error;
    }
  }

  /** Replaces the secret; the old one stops working at once. */
  async rotateSecret(viewer: Viewer, id: string): Promise<{ trigger: Trigger; secret: string }> {
    const existing = await this.get(viewer, id);
    const secret = newSecret(existing.kind);
    const trigger = await this.#db.trigger.update({
      where: { id: existing.id },
      data: existing.kind === 'HTTP' ? { secretHash: sha256Hex(secret) } : { secretCipher: this.#secrets.seal(secret) },
    });
    return { trigger, secret };
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const existing = await this.get(viewer, id);
    await this.#db.trigger.delete({ where: { id: existing.id } });
  }

  /** The GitHub secret, for verifying a delivery. */
  githubSecret(trigger: Trigger): string | null {
    return trigger.secretCipher ? this.#secrets.open(trigger.secretCipher) : null;
  }

  /**
   * Records an authenticated request as a run and starts it. A GitHub delivery id already
   * recorded gives that run back instead of a second one.
   */
  async fire(trigger: Trigger, request: { body: unknown; deliveryId: string | null; event: string | null }): Promise<FireResult> {
    if (request.deliveryId) {
      const seen = await this.#db.triggerRun.findUnique({ where: { triggerId_deliveryId: { triggerId: trigger.id, deliveryId: request.deliveryId } } });
      if (seen) return { kind: 'duplicate', run: seen };
    }
    let run: TriggerRun;
    try {
      run = await this.#db.$transaction(async (tx) => {
        const counted = await tx.trigger.update({ where: { id: trigger.id }, data: { runCount: { increment: 1 } }, select: { runCount: true } });
        const prompt = renderTemplate(trigger.prompt, { runNumber: counted.runCount, body: request.body, event: request.event ?? '' });
        return tx.triggerRun.create({
          data: {
            id: newId(),
            triggerId: trigger.id,
            runNumber: counted.runCount,
            deliveryId: request.deliveryId,
            event: request.event,
            prompt,
            outcome: 'PENDING',
          },
        });
      });
    } catch (error) {
      // The same delivery arrived twice at once; the other request recorded it.
      if ((error as { code?: string }).code === 'P2002' && request.deliveryId) {
        const seen = await this.#db.triggerRun.findUniqueOrThrow({
          where: { triggerId_deliveryId: { triggerId: trigger.id, deliveryId: request.deliveryId } },
        });
        return { kind: 'duplicate', run: seen };
      }
      throw error;
    }
    const hasQueue = trigger.sessionMode === 'REUSE_SESSION' && (await this.#db.triggerRun.count({ where: { triggerId: trigger.id, outcome: 'QUEUED' } })) > 0;
    if (hasQueue) return this.#queue(run);
    return this.#start(trigger, run);
  }

  /** Tries a QUEUED run again, oldest first (from its job); true when it is settled. */
  async retryQueued(runId: string): Promise<boolean> {
    const run = await this.#db.triggerRun.findUnique({ where: { id: runId }, include: { trigger: true } });
    if (!run || run.outcome !== 'QUEUED') return true;
    const earlier = await this.#db.triggerRun.count({ where: { triggerId: run.triggerId, outcome: 'QUEUED', id: { lt: run.id } } });
    if (earlier > 0 || (await this.#starter.isBusy(run.trigger.sessionId))) return false;
    const result = await this.#start(run.trigger, run);
    return result.kind !== 'queued';
  }

  async #queue(run: TriggerRun): Promise<FireResult> {
    const queued = await this.#db.triggerRun.update({ where: { id: run.id }, data: { outcome: 'QUEUED' } });
    await enqueueRunRetry(this.#db, 'trigger', run.id, QUEUED_RETRY_MS);
    return { kind: 'queued', run: queued };
  }

  async #start(trigger: Trigger, run: TriggerRun): Promise<FireResult> {
    const target: RunTarget = {
      kind: 'trigger',
      id: trigger.id,
      teamId: trigger.teamId,
      agentId: trigger.agentId,
      name: trigger.name,
      sessionMode: trigger.sessionMode,
      sessionId: trigger.sessionId,
    };
    const result = await this.#starter.start(target, run.prompt, `${trigger.name} #${run.runNumber}`);
    if (result.kind === 'busy') return this.#queue(run);
    if (result.kind === 'failed') {
      this.#log.warn({ triggerId: trigger.id, runId: run.id, error: result.error }, 'trigger run could not start');
      return { kind: 'failed', run: await this.#db.triggerRun.update({ where: { id: run.id }, data: { outcome: 'FAILED', error: result.error } }) };
    }
    return {
      kind: 'started',
      run: await this.#db.triggerRun.update({ where: { id: run.id }, data: { outcome: 'STARTED', sessionId: result.sessionId, firedAt: new Date() } }),
    };
  }
}
