import { Agent } from '../../agents/schema.ts';
import type { Trigger as TriggerRow, TriggerRun as TriggerRunRow } from '../../db/index.ts';
import { builder } from '../../graphql/builder.ts';
import { viewerOf, type Context } from '../../graphql/context.ts';
import { encodeGlobalId } from '../../ids/global-id.ts';
import { keysetConnection } from '../../graphql/pagination.ts';
import { Session } from '../../sessions/schema.ts';
import { AutomationRunOutcome, connectionComplexity, SessionMode } from '../schema-common.ts';

const TriggerKind = builder.enumType('TriggerKind', {
  description: 'HTTP: any client, authenticated with "Authorization: Bearer <secret>". GITHUB: a GitHub webhook, verified by its X-Hub-Signature-256.',
  values: ['HTTP', 'GITHUB'] as const,
});

export const Trigger = builder.objectRef<TriggerRow>('Trigger');
export const TriggerRun = builder.objectRef<TriggerRunRow>('TriggerRun');
const TriggerConnection = builder.connectionObject({ type: Trigger, name: 'TriggerConnection' }, { name: 'TriggerEdge' });
const TriggerRunConnection = builder.connectionObject({ type: TriggerRun, name: 'TriggerRunConnection' }, { name: 'TriggerRunEdge' });

/** `POST` here fires the trigger: PADDOCK_PUBLIC_URL, else the origin the API was called at. */
function triggerUrl(trigger: { id: string }, ctx: Context): string {
  const { config } = ctx.services;
  const base = config.publicUrl ?? ctx.origin ?? `http://${config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host}:${config.port}`;
  return `${base}/triggers/${encodeGlobalId('Trigger', trigger.id)}`;
}

builder.node(Trigger, {
  description: 'An inbound URL (POST /triggers/{id}) that runs an agent with a prompt made from the request.',
  id: { resolve: (tr) => tr.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.triggers.find(ctx.viewer, id) : null),
  fields: (t) => ({
    name: t.exposeString('name'),
    agent: t.field({ type: Agent, nullable: true, resolve: (tr, _args, ctx) => ctx.loaders.agent.load(tr.agentId) }),
    kind: t.field({ type: TriggerKind, resolve: (tr) => tr.kind }),
    url: t.string({ description: 'POST here to fire the trigger (PADDOCK_PUBLIC_URL sets the origin).', resolve: (tr, _args, ctx) => triggerUrl(tr, ctx) }),
    prompt: t.exposeString('prompt', {
      description:
        'Template of the message each run sends: {{body.path.to.field}} (JSON-escaped, cut at 4,000 characters), {{body}}, {{event}}, {{runNumber}}.',
    }),
    events: t.exposeStringList('events', { description: 'GITHUB: the events ("push") or event.action pairs ("issues.opened") that fire it; empty: all.' }),
    sessionMode: t.field({ type: SessionMode, resolve: (tr) => tr.sessionMode }),
    enabled: t.exposeBoolean('enabled'),
    session: t.field({
      type: Session,
      nullable: true,
      description: 'REUSE_SESSION: the session every run talks to.',
      resolve: (tr, _args, ctx) => (tr.sessionId ? ctx.services.sessions.find(viewerOf(ctx), tr.sessionId) : null),
    }),
    runCount: t.exposeInt('runCount'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    runs: t.connection(
      {
        type: TriggerRun,
        description: 'Newest first.',
        complexity: connectionComplexity,
        resolve: (tr, args, ctx) => keysetConnection(args, (w) => ctx.services.triggers.runs(tr.id, w)),
      },
      TriggerRunConnection,
    ),
  }),
});

builder.node(TriggerRun, {
  description: 'One accepted request to a trigger.',
  id: { resolve: (r) => r.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.triggers.findRun(ctx.viewer, id) : null),
  fields: (t) => ({
    trigger: t.field({ type: Trigger, nullable: true, resolve: (r, _args, ctx) => ctx.services.triggers.find(viewerOf(ctx), r.triggerId) }),
    runNumber: t.exposeInt('runNumber'),
    deliveryId: t.exposeString('deliveryId', { nullable: true, description: 'GITHUB: the X-GitHub-Delivery id; each is accepted once.' }),
    event: t.exposeString('event', { nullable: true, description: 'GITHUB: the X-GitHub-Event.' }),
    prompt: t.exposeString('prompt', { description: 'The message the run sent, as rendered from the request.' }),
    session: t.field({
      type: Session,
      nullable: true,
      resolve: (r, _args, ctx) => (r.sessionId ? ctx.services.sessions.find(viewerOf(ctx), r.sessionId) : null),
    }),
    outcome: t.field({ type: AutomationRunOutcome, resolve: (r) => r.outcome }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When the request arrived.' }),
    firedAt: t.expose('firedAt', { type: 'DateTime', nullable: true, description: 'When its prompt was sent.' }),
  }),
});

builder.objectFields(Agent, (t) => ({
  triggers: t.connection(
    {
      type: Trigger,
      description: 'Newest first.',
      complexity: connectionComplexity,
      resolve: (agent, args, ctx) => keysetConnection(args, (w) => ctx.services.triggers.list(viewerOf(ctx), { agentId: agent.id }, w)),
    },
    TriggerConnection,
  ),
}));

const CreateTriggerInput = builder.inputType('CreateTriggerInput', {
  fields: (t) => ({
    agentId: t.globalID({ for: Agent, required: true }),
    name: t.string({ required: true, description: "Unique among the agent's triggers." }),
    prompt: t.string({ required: true, description: 'Message each run sends: {{body.path.to.field}}, {{body}}, {{event}} and {{runNumber}} are filled in.' }),
    kind: t.field({ type: TriggerKind, required: true }),
    events: t.stringList({ description: 'GITHUB only: events ("push") or event.action pairs ("issues.opened") that fire it; empty or absent: all.' }),
    sessionMode: t.field({ type: SessionMode, description: 'Default NEW_SESSION.' }),
  }),
});

const UpdateTriggerInput = builder.inputType('UpdateTriggerInput', {
  fields: (t) => ({
    name: t.string(),
    prompt: t.string(),
    events: t.stringList(),
    sessionMode: t.field({ type: SessionMode }),
    enabled: t.boolean({ description: 'A disabled trigger answers 409.' }),
  }),
});

type Created = { trigger: TriggerRow; secret: string };
const CreateTriggerPayload = builder.objectRef<Created>('CreateTriggerPayload').implement({
  fields: (t) => ({
    trigger: t.field({ type: Trigger, resolve: (p) => p.trigger }),
    url: t.string({ description: 'POST here to fire the trigger.', resolve: (p, _args, ctx) => triggerUrl(p.trigger, ctx) }),
    secret: t.exposeString('secret', {
      description:
        'Shown once, never again. HTTP: send "Authorization: Bearer <secret>". GITHUB: the webhook secret to set in GitHub (content type application/json).',
    }),
  }),
});

const DeleteTriggerPayload = builder.objectRef<{ deletedId: string }>('DeleteTriggerPayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.queryFields((t) => ({
  triggers: t.connection(
    {
      type: Trigger,
      description: "The team's triggers, newest first.",
      authScopes: { reader: true },
      args: { agentId: t.arg.globalID({ for: Agent }) },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => keysetConnection(args, (w) => ctx.services.triggers.list(viewerOf(ctx), { agentId: args.agentId?.id ?? null }, w)),
    },
    TriggerConnection,
  ),
  trigger: t.field({
    type: Trigger,
    nullable: true,
    authScopes: { reader: true },
    args: { id: t.arg.globalID({ for: Trigger, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.triggers.find(viewerOf(ctx), args.id.id),
  }),
}));

builder.mutationFields((t) => ({
  createTrigger: t.field({
    type: CreateTriggerPayload,
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateTriggerInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.triggers.create(viewerOf(ctx), { ...input, agentId: input.agentId.id }),
  }),
  updateTrigger: t.field({
    type: Trigger,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Trigger, required: true }), input: t.arg({ type: UpdateTriggerInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => ctx.services.triggers.update(viewerOf(ctx), id.id, input),
  }),
  rotateTriggerSecret: t.field({
    type: CreateTriggerPayload,
    description: 'A new secret, shown once; the old one stops working at once.',
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Trigger, required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.triggers.rotateSecret(viewerOf(ctx), id.id),
  }),
  deleteTrigger: t.field({
    type: DeleteTriggerPayload,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Trigger, required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.triggers.delete(viewerOf(ctx), id.id);
      return { deletedId: encodeGlobalId('Trigger', id.id) };
    },
  }),
}));
