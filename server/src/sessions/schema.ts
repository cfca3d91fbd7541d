import type { Message as MessageRow, Sandbox as SandboxRow } from '../db/index.ts';
import type { BusEvent } from '../events/bus.ts';
import { toBusEvent } from '../events/mapping.ts';
import { sessionEventStream } from '../events/stream.ts';
import { Agent } from '../agents/schema.ts';
import { badInput } from '../errors/index.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { Usage } from '../graphql/usage.ts';
import type { SessionRow } from './service.ts';

export const SessionStatus = builder.enumType('SessionStatus', {
  values: ['PROVISIONING', 'IDLE', 'RUNNING', 'SUSPENDED', 'FAILED', 'ENDED'] as const,
});
const MessageRole = builder.enumType('MessageRole', { values: ['USER', 'ASSISTANT', 'TOOL', 'SYSTEM'] as const });
const MessageStatus = builder.enumType('MessageStatus', {
  values: ['PENDING', 'STREAMING', 'COMPLETE', 'FAILED', 'CANCELLED'] as const,
});

export const Session = builder.objectRef<SessionRow>('Session');
export const Message = builder.objectRef<MessageRow>('Message');
export const SessionEvent = builder.objectRef<BusEvent>('SessionEvent');
export const SessionConnection = builder.connectionObject({ type: Session, name: 'SessionConnection' }, { name: 'SessionEdge' });
const MessageConnection = builder.connectionObject({ type: Message, name: 'MessageConnection' }, { name: 'MessageEdge' });

export const SessionFilter = builder.inputType('SessionFilter', {
  fields: (t) => ({
    agentId: t.globalID({ for: Agent }),
    status: t.field({ type: SessionStatus }),
    createdAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

const SandboxStatus = builder.objectRef<SandboxRow>('SandboxStatus').implement({
  description: "The session's sandbox as Paddock last saw it. Endpoints and credentials are never exposed.",
  fields: (t) => ({
    driver: t.exposeString('driver'),
    name: t.exposeString('name'),
    phase: t.exposeString('phase'),
    message: t.exposeString('statusMessage'),
    readyAt: t.expose('readyAt', { type: 'DateTime', nullable: true }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime' }),
  }),
});

const MAX_EVENTS_PAGE = 1000;

builder.node(Session, {
  id: { resolve: (s) => s.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.sessions.find(ctx.viewer, id) : null),
  fields: (t) => ({
    agent: t.field({
      type: Agent,
      resolve: async (s, _args, ctx) => {
        const agent = await ctx.loaders.agent.load(s.agentId);
        if (!agent) throw new Error(`agent ${s.agentId} of session ${s.id} is missing`);
        return agent;
      },
    }),
    title: t.exposeString('title'),
    status: t.expose('status', { type: SessionStatus }),
    sandbox: t.field({ type: SandboxStatus, nullable: true, resolve: (s, _args, ctx) => ctx.loaders.sandbox.load(s.id) }),
    messages: t.connection(
      {
        type: Message,
        description: 'Oldest first.',
        complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
        resolve: (s, args, ctx) => keysetConnection(args, (w) => ctx.services.sessions.messages(s.id, w)),
      },
      MessageConnection,
    ),
    events: t.field({
      type: [SessionEvent],
      description: `Events with seq > after, oldest first (at most ${MAX_EVENTS_PAGE}). Never past the \`lastSeq\` of the same request, so the two read as one snapshot.`,
      args: { after: t.arg.int({ defaultValue: 0 }), first: t.arg.int({ defaultValue: 100 }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? 100 }),
      resolve: async (s, args, ctx) => {
        const first = args.first ?? 100;
        if (first < 0 || first > MAX_EVENTS_PAGE) throw badInput(`first must be between 0 and ${MAX_EVENTS_PAGE}.`, 'first');
        // The same per-request lastSeq the lastSeq field answers: both describe one moment.
        const upTo = await ctx.loaders.lastSeq.load(s.id);
        return (await ctx.services.sessions.events(s.id, { after: args.after ?? 0, upTo, first })).map(toBusEvent);
      },
    }),
    lastSeq: t.int({
      description:
        'The seq of the newest stored event; subscribe with after: lastSeq to get only what comes next. While a turn runs, the reply streamed so far is in the message.delta events after its user.message event.',
      resolve: (s, _args, ctx) => ctx.loaders.lastSeq.load(s.id),
    }),
    usage: t.field({
      type: Usage,
      resolve: (s) => ({
        inputTokens: s.inputTokens,
        outputTokens: s.outputTokens,
        cacheReadTokens: s.cacheReadTokens,
        cacheWriteTokens: s.cacheWriteTokens,
        costUsd: s.costUsd,
        unpricedTokens: s.unpricedTokens,
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.node(Message, {
  id: { resolve: (m) => m.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.sessions.findMessage(ctx.viewer, id) : null),
  fields: (t) => ({
    role: t.expose('role', { type: MessageRole }),
    content: t.exposeString('content'),
    status: t.expose('status', { type: MessageStatus }),
    toolCalls: t.field({ type: 'JSON', nullable: true, resolve: (m) => m.toolCalls }),
    toolCallId: t.exposeString('toolCallId', { nullable: true }),
    model: t.exposeString('model', { nullable: true }),
    error: t.exposeString('error', {
      nullable: true,
      description: "Why the turn failed: on the agent's last message of the turn, or on the user's message when the turn failed before the agent wrote anything.",
    }),
    thinking: t.string({
      nullable: true,
      description: 'Visible reasoning the agent streamed for this message (message.thinking events), null if none.',
      resolve: async (m, _args, ctx) => (m.role === 'ASSISTANT' ? (await ctx.loaders.thinking.load(m)) || null : null),
    }),
    usage: t.field({
      type: Usage,
      resolve: (m) => ({
        inputTokens: m.inputTokens,
        outputTokens: m.outputTokens,
        cacheReadTokens: m.cacheReadTokens,
        cacheWriteTokens: m.cacheWriteTokens,
        costUsd: m.inputTokens + m.outputTokens === 0 ? 0 : m.costUsd,
        unpricedTokens: m.costUsd === null ? m.inputTokens + m.outputTokens : 0,
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
  }),
});

SessionEvent.implement({
  description: "One entry of a session's append-only event log.",
  fields: (t) => ({
    seq: t.exposeInt('seq'),
    type: t.exposeString('type'),
    messageId: t.globalID({ nullable: true, resolve: (e) => (e.messageId ? { id: e.messageId, type: Message } : null) }),
    delta: t.exposeString('delta', { nullable: true }),
    payload: t.field({ type: 'JSON', nullable: true, resolve: (e) => e.payload }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const CreateSessionInput = builder.inputType('CreateSessionInput', {
  fields: (t) => ({ agentId: t.globalID({ for: Agent, required: true }), title: t.string() }),
});
const SendMessageInput = builder.inputType('SendMessageInput', {
  fields: (t) => ({ sessionId: t.globalID({ for: Session, required: true }), content: t.string({ required: true }) }),
});

builder.queryFields((t) => ({
  sessions: t.connection(
    {
      type: Session,
      description: 'Newest first.',
      authScopes: { reader: true },
      args: { filter: t.arg({ type: SessionFilter }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) =>
        keysetConnection(args, (w) =>
          ctx.services.sessions.list(viewerOf(ctx), { ...args.filter, agentId: args.filter?.agentId?.id }, w),
        ),
    },
    SessionConnection,
  ),
  session: t.field({
    type: Session,
    nullable: true,
    authScopes: { reader: true },
    args: { id: t.arg.globalID({ for: Session, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.find(viewerOf(ctx), args.id.id),
  }),
}));

builder.mutationFields((t) => ({
  createSession: t.field({
    type: Session,
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateSessionInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.sessions.create(viewerOf(ctx), { agentId: input.agentId.id, title: input.title }),
  }),
  sendMessage: t.field({
    type: Message,
    description: 'Stores the message and starts a turn; returns the stored user message at once.',
    authScopes: { writer: true },
    args: { input: t.arg({ type: SendMessageInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ctx.services.sessions.sendMessage(viewerOf(ctx), { sessionId: input.sessionId.id, content: input.content }),
  }),
  cancelTurn: t.field({
    type: Session,
    description: 'Stops the running turn; its partial reply is kept and marked CANCELLED.',
    authScopes: { writer: true },
    args: { sessionId: t.arg.globalID({ for: Session, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.cancelTurn(viewerOf(ctx), args.sessionId.id),
  }),
  endSession: t.field({
    type: Session,
    authScopes: { writer: true },
    args: { sessionId: t.arg.globalID({ for: Session, required: true }) },
    resolve: (_root, args, ctx) => ctx.services.sessions.end(viewerOf(ctx), args.sessionId.id),
  }),
}));

builder.subscriptionField('sessionEvents', (t) =>
  t.field({
    type: SessionEvent,
    description: 'Replays events with seq > after (default 0), then streams new ones live, with no gap or duplicate.',
    authScopes: { reader: true },
    args: { sessionId: t.arg.globalID({ for: Session, required: true }), after: t.arg.int() },
    subscribe: async (_root, args, ctx) => {
      const after = args.after ?? 0;
      if (after < 0) throw badInput('after must be 0 or a seq you received.', 'after');
      const session = await ctx.services.sessions.get(viewerOf(ctx), args.sessionId.id);
      return sessionEventStream(ctx.services.db, ctx.services.bus, session.id, after);
    },
    resolve: (event) => event,
  }),
);
