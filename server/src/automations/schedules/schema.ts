import { Agent } from '../../agents/schema.ts';
import type { Schedule as ScheduleRow, ScheduleRun as ScheduleRunRow } from '../../db/index.ts';
import { builder } from '../../graphql/builder.ts';
import { viewerOf } from '../../graphql/context.ts';
import { encodeGlobalId } from '../../ids/global-id.ts';
import { keysetConnection } from '../../graphql/pagination.ts';
import { Session } from '../../sessions/schema.ts';
import { AutomationRunOutcome, connectionComplexity, SessionMode } from '../schema-common.ts';
import { parseCron } from './cron.ts';
import { badInput } from '../../errors/index.ts';

const ScheduleOverlap = builder.enumType('ScheduleOverlap', {
  description: 'What happens when a run is due while the previous run is still answering: SKIP it, or QUEUE it (at most one waits).',
  values: ['SKIP', 'QUEUE'] as const,
});

export const Schedule = builder.objectRef<ScheduleRow>('Schedule');
export const ScheduleRun = builder.objectRef<ScheduleRunRow>('ScheduleRun');
const ScheduleConnection = builder.connectionObject({ type: Schedule, name: 'ScheduleConnection' }, { name: 'ScheduleEdge' });
const ScheduleRunConnection = builder.connectionObject({ type: ScheduleRun, name: 'ScheduleRunConnection' }, { name: 'ScheduleRunEdge' });

const MAX_PREVIEW = 20;

builder.node(Schedule, {
  description: 'An agent run on a cron expression in a time zone.',
  id: { resolve: (s) => s.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.schedules.find(ctx.viewer, id) : null),
  fields: (t) => ({
    name: t.exposeString('name'),
    agent: t.field({ type: Agent, nullable: true, resolve: (s, _args, ctx) => ctx.loaders.agent.load(s.agentId) }),
    cron: t.exposeString('cron', { description: 'Five fields (minute hour day month weekday), or six with seconds first.' }),
    timezone: t.exposeString('timezone', { description: 'IANA time zone the cron expression is read in.' }),
    prompt: t.exposeString('prompt', { description: 'Template of the message each run sends: {{scheduledAt}} and {{runNumber}} are filled in.' }),
    sessionMode: t.field({ type: SessionMode, resolve: (s) => s.sessionMode }),
    overlap: t.field({ type: ScheduleOverlap, resolve: (s) => s.overlap }),
    enabled: t.exposeBoolean('enabled'),
    nextRunAt: t.expose('nextRunAt', { type: 'DateTime', nullable: true, description: 'The next due time; null while disabled.' }),
    nextRuns: t.field({
      type: ['DateTime'],
      description: `The next due times from now (at most ${MAX_PREVIEW}), to check an expression.`,
      args: { count: t.arg.int({ defaultValue: 5 }) },
      resolve: (s, args) => {
        const count = args.count ?? 5;
        if (count < 1 || count > MAX_PREVIEW) throw badInput(`count must be between 1 and ${MAX_PREVIEW}.`, 'count');
        return parseCron(s.cron, s.timezone).nextRuns(count, new Date());
      },
    }),
    session: t.field({
      type: Session,
      nullable: true,
      description: 'REUSE_SESSION: the session every run talks to.',
      resolve: (s, _args, ctx) => (s.sessionId ? ctx.services.sessions.find(viewerOf(ctx), s.sessionId) : null),
    }),
    runCount: t.exposeInt('runCount'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    runs: t.connection(
      {
        type: ScheduleRun,
        description: 'Newest first.',
        complexity: connectionComplexity,
        resolve: (s, args, ctx) => keysetConnection(args, (w) => ctx.services.schedules.runs(s.id, w)),
      },
      ScheduleRunConnection,
    ),
  }),
});

builder.node(ScheduleRun, {
  description: 'One due time of a schedule.',
  id: { resolve: (r) => r.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.schedules.findRun(ctx.viewer, id) : null),
  fields: (t) => ({
    schedule: t.field({ type: Schedule, nullable: true, resolve: (r, _args, ctx) => ctx.services.schedules.find(viewerOf(ctx), r.scheduleId) }),
    runNumber: t.exposeInt('runNumber'),
    scheduledAt: t.expose('scheduledAt', { type: 'DateTime', description: 'The due time.' }),
    firedAt: t.expose('firedAt', { type: 'DateTime', nullable: true, description: 'When a worker handled it.' }),
    session: t.field({
      type: Session,
      nullable: true,
      resolve: (r, _args, ctx) => (r.sessionId ? ctx.services.sessions.find(viewerOf(ctx), r.sessionId) : null),
    }),
    outcome: t.field({ type: AutomationRunOutcome, resolve: (r) => r.outcome }),
    error: t.exposeString('error', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.objectFields(Agent, (t) => ({
  schedules: t.connection(
    {
      type: Schedule,
      description: 'Newest first.',
      complexity: connectionComplexity,
      resolve: (agent, args, ctx) => keysetConnection(args, (w) => ctx.services.schedules.list(viewerOf(ctx), { agentId: agent.id }, w)),
    },
    ScheduleConnection,
  ),
}));

const CreateScheduleInput = builder.inputType('CreateScheduleInput', {
  fields: (t) => ({
    agentId: t.globalID({ for: Agent, required: true }),
    name: t.string({ required: true, description: "Unique among the agent's schedules." }),
    cron: t.string({
      required: true,
      description: 'Five fields (minute hour day month weekday), or six with seconds first: "0 9 * * MON-FRI", "*/30 * * * * *".',
    }),
    timezone: t.string({ description: 'IANA time zone such as "Europe/Berlin"; default "UTC".' }),
    prompt: t.string({ required: true, description: 'Message each run sends; {{scheduledAt}} (ISO-8601) and {{runNumber}} are filled in.' }),
    sessionMode: t.field({ type: SessionMode, description: 'Default NEW_SESSION.' }),
    overlap: t.field({ type: ScheduleOverlap, description: 'Default SKIP.' }),
    enabled: t.boolean({ description: 'Default true.' }),
  }),
});

const UpdateScheduleInput = builder.inputType('UpdateScheduleInput', {
  fields: (t) => ({
    name: t.string(),
    cron: t.string({ description: 'A new expression (or time zone, or enabling) starts counting from now: earlier due times are neither run nor missed.' }),
    timezone: t.string(),
    prompt: t.string(),
    sessionMode: t.field({ type: SessionMode }),
    overlap: t.field({ type: ScheduleOverlap }),
    enabled: t.boolean(),
  }),
});

const DeleteSchedulePayload = builder.objectRef<{ deletedId: string }>('DeleteSchedulePayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.queryFields((t) => ({
  schedules: t.connection(
    {
      type: Schedule,
      description: "The team's schedules, newest first.",
      authScopes: { reader: true },
      args: { agentId: t.arg.globalID({ for: Agent }) },
      complexity: connectionComplexity,
      resolve: (_root, args, ctx) => keysetConnection(args, (w) => ctx.services.schedules.list(viewerOf(ctx), { agentId: args.agentId?.id ?? null }, w)),
    },
    ScheduleConnection,
  ),
  schedule: t.field({
    type: Schedule,
    nullable: true,
    authScopes: { reader: true },
    args: { id: t.arg.globalID({ for: Schedule, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.schedules.find(viewerOf(ctx), args.id.id),
  }),
}));

builder.mutationFields((t) => ({
  createSchedule: t.field({
    type: Schedule,
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateScheduleInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.schedules.create(viewerOf(ctx), { ...input, agentId: input.agentId.id }),
  }),
  updateSchedule: t.field({
    type: Schedule,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Schedule, required: true }), input: t.arg({ type: UpdateScheduleInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => ctx.services.schedules.update(viewerOf(ctx), id.id, input),
  }),
  deleteSchedule: t.field({
    type: DeleteSchedulePayload,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Schedule, required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.schedules.delete(viewerOf(ctx), id.id);
      return { deletedId: encodeGlobalId('Schedule', id.id) };
    },
  }),
}));
