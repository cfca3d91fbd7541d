import { parseStoredToolCalls, type StoredToolCall } from '@paddock/events';
import type { Message as MessageRow, Sandbox as SandboxRow } from '../db/index.ts';
import { Agent } from '../agents/schema.ts';
import { ToolApproval } from '../approvals/schema.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { Usage } from '../graphql/usage.ts';
import type { SessionRow } from './service.ts';

export const SessionStatus = builder.enumType('SessionStatus', {
  values: ['PROVISIONING', 'IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'SUSPENDED', 'FAILED', 'ENDED'] as const,
});
const MessageRole = builder.enumType('MessageRole', { values: ['USER', 'ASSISTANT', 'TOOL', 'SYSTEM'] as const });
const MessageStatus = builder.enumType('MessageStatus', {
  values: ['PENDING', 'STREAMING', 'COMPLETE', 'FAILED', 'CANCELLED'] as const,
});

export const Session = builder.objectRef<SessionRow>('Session');
export const Message = builder.objectRef<MessageRow>('Message');
export const SessionConnection = builder.connectionObject({ type: Session, name: 'SessionConnection' }, { name: 'SessionEdge' });
const MessageConnection = builder.connectionObject({ type: Message, name: 'MessageConnection' }, { name: 'MessageEdge' });
export { MessageRole };

export const SessionFilter = builder.inputType('SessionFilter', {
  fields: (t) => ({
    agentId: t.globalID({ for: Agent }),
    status: t.field({ type: SessionStatus }),
    createdAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    createdBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    lastActiveAfter: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    lastActiveBefore: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    harness: t.string({ description: 'Sessions of agents on this harness (by name, e.g. "chat"); the agent\'s current harness.' }),
    model: t.string({ description: "Sessions of agents configured with this model; the agent's current model." }),
    search: t.string({ description: 'Part of the title, in any case.' }),
    hasFailedTurn: t.boolean({ description: 'true: sessions with at least one FAILED turn; false: sessions without one.' }),
    toolName: t.string({ description: 'Sessions in which the agent called a tool of this name (exact, e.g. "bash").' }),
    minTotalTokens: t.int({ description: 'At least this many input + output tokens in all.' }),
    minCostUsd: t.float({ description: 'Cost at least this many US dollars (turns of unpriced models count as 0).' }),
  }),
});

const SessionOrderField = builder.enumType('SessionOrderField', {
  values: {
    CREATED_AT: { description: 'Creation time.' },
    LAST_ACTIVE_AT: { description: 'When a turn last ended (or the session was created).' },
    TOTAL_TOKENS: { description: 'Input + output tokens.' },
    COST: { description: 'Cost in US dollars.' },
  } as const,
});
export const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
const SessionOrder = builder.inputType('SessionOrder', {
  fields: (t) => ({
    field: t.field({ type: SessionOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'DESC' }),
  }),
});

// Declared here rather than with Agent, so the agents schema never imports the sessions schema.
builder.objectField(Agent, 'sessions', (t) =>
  t.connection(
    {
      type: Session,
      description: 'Newest first.',
      args: { filter: t.arg({ type: SessionFilter }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (agent, args, ctx) => keysetConnection(args, (w) => ctx.services.sessions.list(viewerOf(ctx), { ...args.filter, agentId: agent.id }, w)),
    },
    SessionConnection,
  ),
);

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
    pendingApprovals: t.field({
      type: [ToolApproval],
      description: 'Tool calls awaiting approval (the session is AWAITING_APPROVAL while there is one), oldest first.',
      resolve: (s, _args, ctx) => ctx.loaders.pendingApprovals.load(s.id),
    }),
    messages: t.connection(
      {
        type: Message,
        description: 'Oldest first.',
        complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
        resolve: (s, args, ctx) => keysetConnection(args, (w) => ctx.services.sessions.messages(s.id, w)),
      },
      MessageConnection,
    ),
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
    failedTurns: t.exposeInt('failedTurns', { description: 'Turns of this session that ended FAILED.' }),
    toolCalls: t.exposeInt('toolCalls', { description: 'Tool calls the agent made in this session.' }),
    toolNames: t.stringList({ description: 'Names of the tools the agent called, sorted.', resolve: (s) => s.toolNames }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastActiveAt: t.expose('lastActiveAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
  }),
});

const ToolCall = builder.objectRef<StoredToolCall>('ToolCall').implement({
  description: "A tool call the agent made in this message, with the tool's answer once it came.",
  fields: (t) => ({
    id: t.exposeString('id', {
      description: "Matches `ToolCallEvent.toolCallId`, `ToolResultEvent.toolCallId` and the answering TOOL message's `toolCallId`.",
    }),
    name: t.exposeString('name'),
    input: t.field({ type: 'JSON', description: 'The arguments, a JSON object.', resolve: (c) => c.input }),
    output: t.string({ nullable: true, description: 'What the tool answered; null until it has.', resolve: (c) => c.output ?? null }),
    isError: t.boolean({ description: 'The tool answered with an error; false until it has answered.', resolve: (c) => c.isError ?? false }),
  }),
});

builder.node(Message, {
  id: { resolve: (m) => m.id },
  loadOne: (id, ctx) => (ctx.viewer ? ctx.services.sessions.findMessage(ctx.viewer, id) : null),
  fields: (t) => ({
    role: t.expose('role', { type: MessageRole }),
    content: t.exposeString('content'),
    status: t.expose('status', { type: MessageStatus }),
    toolCalls: t.field({
      type: 'JSON',
      nullable: true,
      description: 'Kept for compatibility: the tool calls as untyped JSON, null if none. `calls` has them typed.',
      resolve: (m) => m.toolCalls,
    }),
    calls: t.field({
      type: [ToolCall],
      description: 'The tool calls the agent made in this message (one model step), in order, each with its result.',
      resolve: (m) => parseStoredToolCalls(m.toolCalls),
    }),
    toolCallId: t.exposeString('toolCallId', { nullable: true }),
    model: t.exposeString('model', { nullable: true }),
    error: t.exposeString('error', {
      nullable: true,
      description:
        "Why the turn failed: on the agent's last message of the turn, or on the user's message when the turn failed before the agent wrote anything.",
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
      description: 'Newest first unless orderBy says otherwise. A cursor continues from where its session sorts when the next page is read.',
      authScopes: { reader: true },
      args: { filter: t.arg({ type: SessionFilter }), orderBy: t.arg({ type: SessionOrder }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) =>
        keysetConnection(args, (w) =>
          ctx.services.sessions.list(
            viewerOf(ctx),
            { ...args.filter, agentId: args.filter?.agentId?.id },
            w,
            args.orderBy ? { field: args.orderBy.field, direction: args.orderBy.direction ?? 'DESC' } : undefined,
          ),
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
    resolve: (_root, { input }, ctx) => ctx.services.sessions.sendMessage(viewerOf(ctx), { sessionId: input.sessionId.id, content: input.content }),
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
