import { randomBytes } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { Webhook as Signer } from 'standardwebhooks';
import type { Db, Prisma, Webhook, WebhookAttempt, WebhookDelivery } from '../../db/index.ts';
import type { Viewer } from '../../auth/viewer.ts';
import type { PrivateAllowList } from '../../egress/rules.ts';
import { badInput, notFound } from '../../errors/index.ts';
import { encodeGlobalId } from '../../ids/global-id.ts';
import type { PageWindow } from '../../db/page-window.ts';
import { newId } from '../../ids/index.ts';
import type { Logger } from '../../log/index.ts';
import type { SecretBox } from '../../secrets/index.ts';
import { enqueueDelivery, type FanoutPayload } from '../jobs.ts';
import { idRange } from '../schedules/service.ts';
import { DestinationRefused, resolveDestination, validateWebhookUrl, type ResolveFn } from './url.ts';

/** Event types a webhook may subscribe to. */
export const WEBHOOK_EVENTS = ['turn.completed', 'turn.failed', 'session.status', 'schedule.run.missed', 'egress.blocked'] as const;
/** Consecutive failed attempts after which a webhook is disabled. */
export const DISABLE_AFTER_FAILURES = 50;
/** Stored (and shown) of a receiver's answer at most. */
export const MAX_RESPONSE_CHARS = 4_096;
const MAX_WEBHOOKS_PER_TEAM = 100;

export type WebhookInput = { url: string; events: string[]; agentId?: string | null };
export type WebhookUpdate = { url?: string | null; events?: string[] | null; enabled?: boolean | null };
export type WebhookDisabled = { webhook: Webhook; reason: string };

type AttemptResult = { statusCode: number | null; latencyMs: number; body: string | null; error: string | null };

function validateEvents(events: string[]): string[] {
  const unique = [...new Set(events.map((e) => e.trim()))];
  if (unique.length === 0) throw badInput(`events must name at least one event type: ${WEBHOOK_EVENTS.join(', ')}.`, 'events');
  for (const event of unique) {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event))
      throw badInput(`"${event}" is not a webhook event type; use ${WEBHOOK_EVENTS.join(', ')}.`, 'events');
  }
  return unique;
}

const truncate = (text: string) => (text.length > MAX_RESPONSE_CHARS ? `${text.slice(0, MAX_RESPONSE_CHARS)}…[truncated]` : text);

/**
 * Outbound webhooks: a team's URLs that get its events, signed per the Standard Webhooks
 * specification. Every delivery is a durable job; failures (5xx, 408, 429, timeouts,
 * refused connections) are retried with growing waits, and a webhook whose attempts keep
 * failing is disabled.
 */
export class WebhookService {
  readonly #db: Db;
  readonly #secrets: SecretBox;
  readonly #log: Logger;
  readonly #privateAllow: PrivateAllowList;
  readonly #timeoutMs: number;
  readonly #retryDelaysMs: number[];
  readonly #resolve: ResolveFn | undefined;
  /** Called once a webhook is disabled for failing; the place an audit log records it. */
  readonly #onDisabled: (event: WebhookDisabled) => Promise<void>;

  constructor(deps: {
    db: Db;
    secrets: SecretBox;
    log: Logger;
    privateAllow: PrivateAllowList;
    timeoutMs: number;
    retryDelaysMs: number[];
    resolve?: ResolveFn;
    onDisabled?: (event: WebhookDisabled) => Promise<void>;
  }) {
    this.#db = deps.db;
    this.#secrets = deps.secrets;
    this.#log = deps.log.child({ component: 'webhooks' });
    this.#privateAllow = deps.privateAllow;
    this.#timeoutMs = deps.timeoutMs;
    this.#retryDelaysMs = deps.retryDelaysMs;
    this.#resolve = deps.resolve;
    this.#onDisabled = deps.onDisabled ?? (async () => undefined);
  }

  async find(viewer: Viewer, id: string): Promise<Webhook | null> {
    return this.#db.webhook.findFirst({ where: { id, teamId: viewer.teamId } });
  }

  async get(viewer: Viewer, id: string): Promise<Webhook> {
    const found = await this.find(viewer, id);
    if (!found) throw notFound('Webhook', id);
    return found;
  }

  async list(viewer: Viewer, window: PageWindow): Promise<Webhook[]> {
    return this.#db.webhook.findMany({
      where: { teamId: viewer.teamId, id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  /** Every team's webhooks, for the operator CLI; `team` narrows to one team by name. */
  async all(team?: string) {
    return this.#db.webhook.findMany({
      where: team ? { team: { name: team } } : {},
      include: { team: { select: { name: true } }, agent: { select: { name: true } } },
      orderBy: { id: 'asc' },
    });
  }

  /** Newest first. */
  async deliveries(webhookId: string, window: PageWindow): Promise<WebhookDelivery[]> {
    return this.#db.webhookDelivery.findMany({
      where: { webhookId, id: idRange(window, 'desc') },
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
    });
  }

  async findDelivery(viewer: Viewer, id: string): Promise<WebhookDelivery | null> {
    return this.#db.webhookDelivery.findFirst({ where: { id, webhook: { teamId: viewer.teamId } } });
  }

  async attempts(deliveryId: string): Promise<WebhookAttempt[]> {
    return this.#db.webhookAttempt.findMany({ where: { deliveryId }, orderBy: { attempt: 'asc' } });
  }

  /** Creates the webhook and returns it with its signing secret, which is never shown again. */
  async create(viewer: Viewer, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
    const events = validateEvents(input.events);
    if (input.agentId) {
      const agent = await this.#db.agent.findFirst({ where: { id: input.agentId, teamId: viewer.teamId }, select: { id: true } });
      if (!agent) throw notFound('Agent', input.agentId);
    }
    const url = await validateWebhookUrl(input.url, this.#privateAllow, this.#resolve);
    if ((await this.#db.webhook.count({ where: { teamId: viewer.teamId } })) >= MAX_WEBHOOKS_PER_TEAM) {
      throw badInput(`A team may have at most ${MAX_WEBHOOKS_PER_TEAM} webhooks; delete one first.`);
    }
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const webhook = await this.#db.webhook.create({
      data: { id: newId(), teamId: viewer.teamId, agentId: input.agentId ?? null, url, events, secretCipher: this.#secrets.seal(secret) },
    });
    return { webhook, secret };
  }

  /** Enabling a webhook again clears its failure count. */
  async update(viewer: Viewer, id: string, input: WebhookUpdate): Promise<Webhook> {
    const existing = await this.get(viewer, id);
    const data: Prisma.WebhookUpdateInput = {};
    if (input.url != null) data.url = await validateWebhookUrl(input.url, this.#privateAllow, this.#resolve);
    if (input.events != null) data.events = validateEvents(input.events);
    if (input.enabled != null) {
      data.enabled = input.enabled;
      if (input.enabled && !existing.enabled) Object.assign(data, { consecutiveFailures: 0, disabledReason: null });
      if (!input.enabled) data.disabledReason = 'Disabled by a team member.';
    }
    return this.#db.webhook.update({ where: { id: existing.id }, data });
  }

  async delete(viewer: Viewer, id: string): Promise<void> {
    const existing = await this.get(viewer, id);
    await this.#db.webhook.delete({ where: { id: existing.id } });
  }

  /** Sends a delivery again now, whatever its outcome so far; the same webhook-id, so receivers can tell. */
  async redeliver(viewer: Viewer, deliveryId: string): Promise<WebhookDelivery> {
    const delivery = await this.findDelivery(viewer, deliveryId);
    if (!delivery) throw notFound('WebhookDelivery', deliveryId);
    return this.#db.$transaction(async (tx) => {
      const updated = await tx.webhookDelivery.update({
        where: { id: delivery.id },
        data: { status: 'PENDING', nextAttemptAt: new Date(), completedAt: null },
      });
      await enqueueDelivery(tx, delivery.id);
      return updated;
    });
  }

  /** Turns one event into a delivery per subscribed, enabled webhook (once, however often it runs). */
  async fanout(payload: FanoutPayload): Promise<number> {
    const event = await this.#describe(payload);
    if (!event) return 0;
    const webhooks = await this.#db.webhook.findMany({
      where: { teamId: event.teamId, enabled: true, events: { has: event.type }, OR: [{ agentId: null }, { agentId: event.agentId }] },
      select: { id: true },
    });
    if (webhooks.length === 0) return 0;
    const body = { type: event.type, timestamp: event.at.toISOString(), data: event.data } as Prisma.InputJsonValue;
    return this.#db.$transaction(async (tx) => {
      const created = await tx.webhookDelivery.createManyAndReturn({
        data: webhooks.map((w) => ({ id: newId(), webhookId: w.id, eventKey: event.key, eventType: event.type, payload: body, nextAttemptAt: new Date() })),
        skipDuplicates: true,
        select: { id: true },
      });
      for (const { id } of created) await enqueueDelivery(tx, id);
      return created.length;
    });
  }

  async #describe(
    payload: FanoutPayload,
  ): Promise<{ teamId: string; agentId: string; type: string; key: string; at: Date; data: Record<string, unknown> } | null> {
    if ('scheduleRunId' in payload) {
      const run = await this.#db.scheduleRun.findUnique({ where: { id: payload.scheduleRunId }, include: { schedule: true } });
      if (!run) return null;
      return {
        teamId: run.schedule.teamId,
        agentId: run.schedule.agentId,
        type: 'schedule.run.missed',
        key: `schedule-run:${run.id}`,
        at: run.createdAt,
        data: {
          scheduleId: encodeGlobalId('Schedule', run.scheduleId),
          scheduleName: run.schedule.name,
          runId: encodeGlobalId('ScheduleRun', run.id),
          runNumber: run.runNumber,
          scheduledAt: run.scheduledAt.toISOString(),
          agentId: encodeGlobalId('Agent', run.schedule.agentId),
        },
      };
    }
    const event = await this.#db.sessionEvent.findUnique({
      where: { sessionId_seq: { sessionId: payload.sessionId, seq: payload.seq } },
      include: { session: { select: { teamId: true, agentId: true } } },
    });
    if (!event) return null;
    return {
      teamId: event.session.teamId,
      agentId: event.session.agentId,
      type: event.type,
      key: `session:${event.sessionId}:${event.seq}`,
      at: event.createdAt,
      data: {
        sessionId: encodeGlobalId('Session', event.sessionId),
        agentId: encodeGlobalId('Agent', event.session.agentId),
        seq: event.seq,
        messageId: event.messageId ? encodeGlobalId('Message', event.messageId) : null,
        payload: event.payload,
      },
    };
  }

  /** One attempt of a delivery (its job); schedules the next one when it failed and may be retried. */
  async deliver(deliveryId: string): Promise<WebhookDelivery | null> {
    const delivery = await this.#db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { webhook: true } });
    if (!delivery || delivery.status !== 'PENDING') return delivery;
    const { webhook } = delivery;
    if (!webhook.enabled) {
      return this.#db.webhookDelivery.update({
        where: { id: delivery.id },
        data: { status: 'FAILED', lastError: 'The webhook is disabled.', nextAttemptAt: null, completedAt: new Date() },
      });
    }
    const attempt = delivery.attempts + 1;
    const result = await this.#send(webhook, delivery);
    const ok = result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300;
    const retryable = !ok && (result.statusCode === null || result.statusCode >= 500 || result.statusCode === 408 || result.statusCode === 429);
    const delay = retryable ? this.#retryDelaysMs[attempt - 1] : undefined;
    const now = new Date();
    const updated = await this.#db.$transaction(async (tx) => {
      await tx.webhookAttempt.create({
        data: {
          id: newId(),
          deliveryId: delivery.id,
          attempt,
          statusCode: result.statusCode,
          latencyMs: result.latencyMs,
          error: result.error,
          responseBody: result.body,
        },
      });
      const row = await tx.webhookDelivery.update({
        where: { id: delivery.id },
        data: {
          attempts: attempt,
          lastStatusCode: result.statusCode,
          lastLatencyMs: result.latencyMs,
          lastError: result.error,
          responseBody: result.body,
          status: ok ? 'SUCCEEDED' : delay !== undefined ? 'PENDING' : 'FAILED',
          nextAttemptAt: delay !== undefined ? new Date(now.getTime() + delay) : null,
          completedAt: ok || delay === undefined ? now : null,
        },
      });
      if (delay !== undefined) await enqueueDelivery(tx, delivery.id, delay);
      return row;
    });
    if (ok) {
      if (webhook.consecutiveFailures > 0) await this.#db.webhook.update({ where: { id: webhook.id }, data: { consecutiveFailures: 0 } });
    } else {
      await this.#failed(webhook.id);
    }
    return updated;
  }

  async #failed(webhookId: string): Promise<void> {
    const [row] = await this.#db.$queryRaw<{ consecutiveFailures: number }[]>`
      UPDATE "Webhook" SET "consecutiveFailures" = "consecutiveFailures" + 1 WHERE id = ${webhookId}::uuid RETURNING "consecutiveFailures"`;
    if (!row || row.consecutiveFailures < DISABLE_AFTER_FAILURES) return;
    const reason = `Disabled after ${row.consecutiveFailures} consecutive failed delivery attempts; fix the receiver, then enable the webhook again.`;
    const disabled = await this.#db.webhook.updateManyAndReturn({ where: { id: webhookId, enabled: true }, data: { enabled: false, disabledReason: reason } });
    for (const webhook of disabled) {
      this.#log.warn({ webhookId, teamId: webhook.teamId, url: webhook.url, failures: row.consecutiveFailures }, 'webhook disabled after consecutive failures');
      await this.#onDisabled({ webhook, reason });
    }
  }

  async #send(webhook: Webhook, delivery: WebhookDelivery): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const url = new URL(webhook.url);
    let address: string;
    try {
      address = await resolveDestination(url, this.#privateAllow, this.#resolve);
    } catch (error) {
      if (error instanceof DestinationRefused) return { statusCode: null, latencyMs: elapsed(), body: null, error: error.message };
      throw error;
    }
    const body = JSON.stringify(delivery.payload);
    const timestamp = new Date();
    const id = `msg_${delivery.id}`;
    const signature = new Signer(this.#secrets.open(webhook.secretCipher)).sign(id, timestamp, body);
    const secure = url.protocol === 'https:';
    return new Promise<AttemptResult>((resolve) => {
      const request = (secure ? https : http).request(
        {
          host: url.hostname.replace(/^\[|\]$/g, ''),
          port: url.port || (secure ? 443 : 80),
          path: `${url.pathname}${url.search}`,
          method: 'POST',
          agent: false,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'Paddock-Webhooks/1',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
          // Connect to the address that was checked, never to a fresh lookup of the name.
          lookup: (_host, opts, callback) => {
            const family = net.isIP(address);
            if ((opts as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
            else callback(null, address, family);
          },
          timeout: this.#timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            if (size < MAX_RESPONSE_CHARS * 4) chunks.push(chunk);
            size += chunk.length;
          });
          response.on('end', () =>
            resolve({ statusCode: response.statusCode ?? null, latencyMs: elapsed(), body: truncate(Buffer.concat(chunks).toString('utf8')), error: null }),
          );
          response.on('error', (error) => resolve({ statusCode: response.statusCode ?? null, latencyMs: elapsed(), body: null, error: error.message }));
        },
      );
      const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)), this.#timeoutMs);
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      request.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ statusCode: null, latencyMs: elapsed(), body: null, error: error.code ? `${error.code}: ${error.message}` : error.message }),
      );
      request.on('close', () => clearTimeout(deadline));
      request.end(body);
    });
  }
}
