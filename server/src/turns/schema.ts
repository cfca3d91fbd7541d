import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { Usage } from '../graphql/usage.ts';
import { Message, Session } from '../sessions/schema.ts';
import { stepsOf, type TurnRow } from './service.ts';
import type { TurnStep as TurnStepShape } from './timeline.ts';

export const TurnStatus = builder.enumType('TurnStatus', { values: ['QUEUED', 'RUNNING', 'AWAITING_APPROVAL', 'COMPLETED', 'FAILED', 'CANCELLED'] as const });
const SandboxLaunch = builder.enumType('SandboxLaunch', {
  description: 'How a turn got its sandbox.',
  values: {
    REUSED: { description: "The session's sandbox was already running." },
    RESUMED: { description: 'A suspended sandbox was resumed.' },
    WARM: { description: 'A pre-started sandbox was taken from the warm pool.' },
    COLD: { description: 'A new sandbox was started.' },
  },
});
const TurnStepKind = builder.enumType('TurnStepKind', {
  values: { MODEL: { description: 'One request to the model.' }, TOOL: { description: 'One tool call.' } },
});
const TurnStepStatus = builder.enumType('TurnStepStatus', { values: ['RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'] as const });

export const Turn = builder.objectRef<TurnRow>('Turn');
export const TurnConnection = builder.connectionObject({ type: Turn, name: 'TurnConnection' }, { name: 'TurnEdge' });

const date = (ms: number | null | undefined) => (ms == null ? null : new Date(ms));
const between = (from: number | null | undefined, to: number | null | undefined) => (from == null || to == null ? null : Math.max(0, Math.round(to - from)));
const msBetween = (from: Date | null, to: Date | null) => (from && to ? Math.max(0, to.getTime() - from.getTime()) : null);

const TurnStep = builder.objectRef<TurnStepShape>('TurnStep').implement({
  description: 'A model request or a tool call of a turn, with its times.',
  fields: (t) => ({
    kind: t.field({ type: TurnStepKind, resolve: (s) => s.kind }),
    name: t.exposeString('name', { description: 'The model asked (MODEL) or the tool called (TOOL).' }),
    status: t.field({ type: TurnStepStatus, resolve: (s) => s.status }),
    startedAt: t.field({ type: 'DateTime', resolve: (s) => new Date(s.startedAt) }),
    endedAt: t.field({ type: 'DateTime', nullable: true, resolve: (s) => date(s.endedAt) }),
    durationMs: t.int({ nullable: true, description: 'Null while the step runs.', resolve: (s) => between(s.startedAt, s.endedAt) }),
    firstTokenAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'MODEL: when the first token streamed back.',
      resolve: (s) => date(s.firstTokenAt),
    }),
    timeToFirstTokenMs: t.int({ nullable: true, resolve: (s) => between(s.startedAt, s.firstTokenAt) }),
    responseModel: t.string({
      nullable: true,
      description: 'MODEL: the model that answered, as the gateway named it.',
      resolve: (s) => s.responseModel ?? null,
    }),
    finishReason: t.string({ nullable: true, resolve: (s) => s.finishReason ?? null }),
    usage: t.field({
      type: Usage,
      nullable: true,
      description: 'MODEL: tokens of this request, when the harness reports them per request.',
      resolve: (s) => (s.inputTokens == null && s.outputTokens == null ? null : { inputTokens: s.inputTokens ?? 0, outputTokens: s.outputTokens ?? 0 }),
    }),
    toolCallId: t.string({ nullable: true, resolve: (s) => s.toolCallId ?? null }),
    error: t.string({
      nullable: true,
      description: "Why the step failed: the error of a model request that was retried, the first line of a failed tool's output.",
      resolve: (s) => s.error ?? null,
    }),
  }),
});

builder.node(Turn, {
  description: 'One message of the user and everything the agent did to answer it.',
  id: { resolve: (turn) => turn.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.turns.find(ctx.viewer, id) : null),
  fields: (t) => ({
    status: t.expose('status', { type: TurnStatus }),
    queuedAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true, description: 'When a worker took the turn from the queue.' }),
    sandboxReadyAt: t.expose('sandboxReadyAt', { type: 'DateTime', nullable: true, description: 'When the sandbox was ready to run the turn.' }),
    sandboxLaunch: t.field({
      type: SandboxLaunch,
      nullable: true,
      resolve: (turn) => (turn.sandboxLaunch ? (turn.sandboxLaunch.toUpperCase() as 'REUSED' | 'RESUMED' | 'WARM' | 'COLD') : null),
    }),
    firstTokenAt: t.expose('firstTokenAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When the first token of the reply (or of visible reasoning) arrived.',
    }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    queueMs: t.int({ nullable: true, description: 'Time spent waiting for a worker.', resolve: (turn) => msBetween(turn.createdAt, turn.startedAt) }),
    timeToFirstTokenMs: t.int({
      nullable: true,
      description: 'From queued to the first token.',
      resolve: (turn) => msBetween(turn.createdAt, turn.firstTokenAt),
    }),
    durationMs: t.int({
      nullable: true,
      description: 'From queued to ended; null while the turn runs.',
      resolve: (turn) => msBetween(turn.createdAt, turn.endedAt),
    }),
    steps: t.field({ type: [TurnStep], description: 'Model requests and tool calls, in the order they started.', resolve: (turn) => stepsOf(turn) }),
    usage: t.field({
      type: Usage,
      resolve: (turn) => {
        const tokens = (turn.inputTokens ?? 0) + (turn.outputTokens ?? 0);
        // Priced when the turn ended: no cost on an ended turn means its model has no known price.
        const unpriced = turn.endedAt !== null && turn.costUsd === null ? tokens : 0;
        return { inputTokens: turn.inputTokens ?? 0, outputTokens: turn.outputTokens ?? 0, costUsd: turn.costUsd, unpricedTokens: unpriced };
      },
    }),
    error: t.exposeString('error', { nullable: true }),
    userMessage: t.field({
      type: Message,
      nullable: true,
      resolve: (turn, _args, ctx) => ctx.services.sessions.findMessage(viewerOf(ctx), turn.userMessageId),
    }),
    assistantMessage: t.field({
      type: Message,
      nullable: true,
      description: 'The last message of the reply, once the turn ended.',
      resolve: (turn, _args, ctx) => (turn.assistantMessageId ? ctx.services.sessions.findMessage(viewerOf(ctx), turn.assistantMessageId) : null),
    }),
  }),
});

builder.objectFields(Session, (t) => ({
  turns: t.connection(
    {
      type: Turn,
      description: 'Oldest first.',
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (s, args, ctx) => keysetConnection(args, (w) => ctx.services.turns.list(s.id, w)),
    },
    TurnConnection,
  ),
}));
