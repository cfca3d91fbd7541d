import { Agent } from '../../agents/schema.ts';
import type { Webhook as WebhookRow, WebhookAttempt as WebhookAttemptRow, WebhookDelivery as WebhookDeliveryRow } from '../../db/index.ts';
import { builder } from '../../graphql/builder.ts';
import { viewerOf } from '../../graphql/context.ts';
import { encodeGlobalId } from '../../ids/global-id.ts';
import { keysetConnection } from '../../graphql/pagination.ts';
import { connectionComplexity } from '../schema-common.ts';
import { DISABLE_AFTER_FAILURES, WEBHOOK_EVENTS } from './service.ts';

const WebhookDeliveryStatus = builder.enumType('WebhookDeliveryStatus', {
  description:
    'PENDING: not delivered yet (see nextRetryAt). SUCCEEDED: the receiver answered 2xx. FAILED: given up (a 4xx answer, retries used up, or the webhook disabled).',
  values: ['PENDING', 'SUCCEEDED', 'FAILED'] as const,
});

export const Webhook = builder.objectRef<WebhookRow>('Webhook');
export const WebhookDelivery = builder.objectRef<WebhookDeliveryRow>('WebhookDelivery');
const WebhookAttempt = builder.objectRef<WebhookAttemptRow>('WebhookAttempt');
const WebhookConnection = builder.connectionObject({ type: Webhook, name: 'WebhookConnection' }, { name: 'WebhookEdge' });
const WebhookDeliveryConnection = builder.connectionObject({ type: WebhookDelivery, name: 'WebhookDeliveryConnection' }, { name: 'WebhookDeliveryEdge' });

builder.node(Webhook, {
  description: `A URL that gets the team's events, signed per the Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature). Event types: ${WEBHOOK_EVENTS.join(', ')}.`,
  id: { resolve: (w) => w.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.webhooks.find(ctx.viewer, id) : null),
  fields: (t) => ({
    url: t.exposeString('url'),
    events: t.exposeStringList('events'),
    agent: t.field({
      type: Agent,
      nullable: true,
      description: "Only this agent's events; null: every agent of the team.",
      resolve: (w, _args, ctx) => (w.agentId ? ctx.loaders.agent.load(w.agentId) : null),
    }),
    enabled: t.exposeBoolean('enabled'),
    disabledReason: t.exposeString('disabledReason', { nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', { description: `Failed attempts in a row; at ${DISABLE_AFTER_FAILURES} the webhook is disabled.` }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    deliveries: t.connection(
      {
        type: WebhookDelivery,
        description: 'Newest first.',
        complexity: connectionComplexity,
        resolve: (w, args, ctx) => keysetConnection(args, (win) => ctx.services.webhooks.deliveries(w.id, win)),
      },
      WebhookDeliveryConnection,
    ),
  }),
});

builder.node(WebhookDelivery, {
  description: 'One event sent to one webhook; its webhook-id is "msg_" followed by its database id and stays the same across attempts.',
  id: { resolve: (d) => d.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.webhooks.findDelivery(ctx.viewer, id) : null),
  fields: (t) => ({
    webhook: t.field({ type: Webhook, nullable: true, resolve: (d, _args, ctx) => ctx.services.webhooks.find(viewerOf(ctx), d.webhookId) }),
    eventType: t.exposeString('eventType'),
    payload: t.field({ type: 'JSON', description: 'The body sent: { type, timestamp, data }.', resolve: (d) => d.payload }),
    status: t.field({ type: WebhookDeliveryStatus, resolve: (d) => d.status }),
    attempt: t.exposeInt('attempts', { description: 'Attempts made so far.' }),
    statusCode: t.exposeInt('lastStatusCode', { nullable: true, description: "The last attempt's HTTP status; null when it got no answer." }),
    latencyMs: t.exposeInt('lastLatencyMs', { nullable: true, description: 'How long the last attempt took.' }),
    error: t.exposeString('lastError', {
      nullable: true,
      description: 'Why the last attempt got no answer (timeout, refused connection, refused destination).',
    }),
    responseBody: t.exposeString('responseBody', { nullable: true, description: "The last answer's body, cut at 4 KiB." }),
    nextRetryAt: t.expose('nextAttemptAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    attempts: t.field({
      type: [WebhookAttempt],
      description: 'Every attempt, oldest first.',
      resolve: (d, _args, ctx) => ctx.services.webhooks.attempts(d.id),
    }),
  }),
});

WebhookAttempt.implement({
  fields: (t) => ({
    attempt: t.exposeInt('attempt'),
    statusCode: t.exposeInt('statusCode', { nullable: true }),
    latencyMs: t.exposeInt('latencyMs'),
    error: t.exposeString('error', { nullable: true }),
    responseBody: t.exposeString('responseBody', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    url: t.string({
      required: true,
      description: 'http(s) URL; private, loopback, link-local and metadata addresses are refused unless PADDOCK_EGRESS_PRIVATE_ALLOW lists them.',
    }),
    events: t.stringList({ required: true, description: `Event types to send: ${WEBHOOK_EVENTS.join(', ')}.` }),
    agentId: t.globalID({ for: Agent, description: "Only this agent's events; absent: every agent of the team." }),
  }),
});

const UpdateWebhookInput = builder.inputType('UpdateWebhookInput', {
  fields: (t) => ({
    url: t.string(),
    events: t.stringList(),
    enabled: t.boolean({ description: 'Enabling a webhook that was disabled for failing clears its failure count.' }),
  }),
});

type Created = { webhook: WebhookRow; secret: string };
const CreateWebhookPayload = builder.objectRef<Created>('CreateWebhookPayload').implement({
  fields: (t) => ({
    webhook: t.field({ type: Webhook, resolve: (p) => p.webhook }),
    secret: t.exposeString('secret', { description: 'The whsec_ signing secret, shown once: verify deliveries with any Standard Webhooks library.' }),
  }),
});

const DeleteWebhookPayload = builder.objectRef<{ deletedId: string }>('DeleteWebhookPayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.queryFields((t) => ({
  webhooks: t.connection(
    {
      type: Webhook,
      description: "The team's webhooks, newest first.",
      authScopes: { reader: true },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => keysetConnection(args, (w) => ctx.services.webhooks.list(viewerOf(ctx), w)),
    },
    WebhookConnection,
  ),
  webhook: t.field({
    type: Webhook,
    nullable: true,
    authScopes: { reader: true },
    args: { id: t.arg.globalID({ for: Webhook, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.webhooks.find(viewerOf(ctx), args.id.id),
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: CreateWebhookPayload,
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.webhooks.create(viewerOf(ctx), { url: input.url, events: input.events, agentId: input.agentId?.id ?? null }),
  }),
  updateWebhook: t.field({
    type: Webhook,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Webhook, required: true }), input: t.arg({ type: UpdateWebhookInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => ctx.services.webhooks.update(viewerOf(ctx), id.id, input),
  }),
  deleteWebhook: t.field({
    type: DeleteWebhookPayload,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Webhook, required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.webhooks.delete(viewerOf(ctx), id.id);
      return { deletedId: encodeGlobalId('Webhook', id.id) };
    },
  }),
  redeliver: t.field({
    type: WebhookDelivery,
    description: 'Sends a delivery again now, with the same webhook-id, whatever its outcome so far.',
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: WebhookDelivery, required: true, description: 'The WebhookDelivery to send again.' }) },
    resolve: (_root, { id }, ctx) => ctx.services.webhooks.redeliver(viewerOf(ctx), id.id),
  }),
}));
