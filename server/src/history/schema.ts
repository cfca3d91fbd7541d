import { Agent } from '../agents/schema.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { Message, MessageRole, Session } from '../sessions/schema.ts';
import { Turn, TurnConnection, TurnStatus } from '../turns/schema.ts';
import type { RetentionPolicy, SearchHit, TextRange, UsageReportRow } from './service.ts';

builder.objectFields(Turn, (t) => ({
  session: t.field({
    type: Session,
    resolve: async (turn, _args, ctx) => {
      const session = await ctx.services.sessions.find(viewerOf(ctx), turn.sessionId);
      if (!session) throw new Error(`session ${turn.sessionId} of turn ${turn.id} is missing`);
      return session;
    },
  }),
  model: t.exposeString('model', { nullable: true, description: 'The model that ran the turn; recorded when it ends.' }),
  toolCalls: t.exposeInt('toolCalls', { description: 'Tool calls the agent made in this turn.' }),
  compactedAt: t.expose('compactedAt', { type: 'DateTime', nullable: true, description: "When retention compacted this turn's token deltas; null if not." }),
}));

const TurnFilter = builder.inputType('TurnFilter', {
  fields: (t) => ({
    status: t.field({ type: TurnStatus }),
    agentId: t.globalID({ for: Agent }),
    from: t.field({ type: 'DateTime', description: 'Created at or after (inclusive).' }),
    to: t.field({ type: 'DateTime', description: 'Created before (exclusive).' }),
  }),
});

const TextRangeRef = builder.objectRef<TextRange>('TextRange').implement({
  description: 'A span of a string: UTF-16 offsets, end exclusive (as String.prototype.slice takes them).',
  fields: (t) => ({ start: t.exposeInt('start'), end: t.exposeInt('end') }),
});

const SearchMatch = builder.enumType('SearchMatch', {
  values: {
    FULL_TEXT: { description: 'Matched the full-text query (words, stems, phrases).' },
    SUBSTRING: { description: 'Contains the query as written: identifiers and paths the text parser splits.' },
  } as const,
});

const SearchHitRef = builder.objectRef<SearchHit>('SearchHit').implement({
  description: 'A message that matched a search.',
  fields: (t) => ({
    message: t.field({ type: Message, resolve: (hit) => hit.message }),
    session: t.field({
      type: Session,
      resolve: async (hit, _args, ctx) => {
        const session = await ctx.services.sessions.find(viewerOf(ctx), hit.message.sessionId);
        if (!session) throw new Error(`session of message ${hit.id} is missing`);
        return session;
      },
    }),
    snippet: t.exposeString('snippet', { description: 'Plain text around the match from content and tool calls; fragments joined by " … ".' }),
    highlights: t.field({ type: [TextRangeRef], description: 'Where the matched words are in snippet.', resolve: (hit) => hit.highlights }),
    rank: t.exposeFloat('rank', { description: 'Relevance (ts_rank_cd for full-text matches, word similarity for substring ones); higher is better.' }),
    matchedBy: t.field({ type: SearchMatch, resolve: (hit) => hit.matchedBy }),
  }),
});
const SearchHitConnection = builder.connectionObject({ type: SearchHitRef, name: 'SearchHitConnection' }, { name: 'SearchHitEdge' });

const SearchFilter = builder.inputType('SearchFilter', {
  fields: (t) => ({
    agentId: t.globalID({ for: Agent }),
    sessionId: t.globalID({ for: Session }),
    role: t.field({ type: MessageRole }),
    from: t.field({ type: 'DateTime', description: 'Messages created at or after (inclusive).' }),
    to: t.field({ type: 'DateTime', description: 'Messages created before (exclusive).' }),
  }),
});

const UsageGroupBy = builder.enumType('UsageGroupBy', { values: ['DAY', 'HOUR', 'AGENT', 'MODEL', 'HARNESS'] as const });

const UsageFilter = builder.inputType('UsageFilter', {
  fields: (t) => ({ agentId: t.globalID({ for: Agent }), model: t.string(), harness: t.string() }),
});

const UsageReportRowRef = builder.objectRef<UsageReportRow>('UsageReportRow').implement({
  description: 'Usage of the turns that ended in one group. Fields of dimensions not grouped by are null.',
  fields: (t) => ({
    day: t.expose('day', { type: 'DateTime', nullable: true, description: 'Start of the UTC day.' }),
    hour: t.expose('hour', { type: 'DateTime', nullable: true, description: 'Start of the hour.' }),
    agent: t.field({
      type: Agent,
      nullable: true,
      description: 'Null when grouped by AGENT and the agent was deleted since.',
      resolve: (r, _args, ctx) => (r.agentId ? ctx.loaders.agent.load(r.agentId) : null),
    }),
    agentId: t.globalID({ nullable: true, resolve: (r) => (r.agentId ? { id: r.agentId, type: Agent } : null) }),
    model: t.exposeString('model', { nullable: true }),
    harness: t.exposeString('harness', { nullable: true }),
    turns: t.exposeInt('turns'),
    failedTurns: t.exposeInt('failedTurns'),
    inputTokens: t.exposeFloat('inputTokens', { description: 'A Float: sums can pass 2^31.' }),
    outputTokens: t.exposeFloat('outputTokens'),
    totalTokens: t.float({ resolve: (r) => r.inputTokens + r.outputTokens }),
    toolCalls: t.exposeInt('toolCalls'),
    costUsd: t.exposeFloat('costUsd', { description: 'Cost of the priced turns in US dollars.' }),
    unpricedTurns: t.exposeInt('unpricedTurns', { description: 'Turns whose model has no known price; their cost is not in costUsd.' }),
    p50DurationMs: t.exposeInt('p50DurationMs', {
      nullable: true,
      description:
        'Median turn run time, from when a worker started the turn to its end (queue time is not in it, unlike Turn.durationMs), within ±9 % (kept in logarithmic buckets).',
    }),
    p95DurationMs: t.exposeInt('p95DurationMs', { nullable: true, description: '95th percentile turn run time (as p50DurationMs), within ±9 %.' }),
  }),
});

const RetentionPolicyRef = builder.objectRef<RetentionPolicy>('RetentionPolicy').implement({
  description: "How long the team's history is kept; the worker's housekeeping applies it in small batches.",
  fields: (t) => ({
    compactDeltasAfterDays: t.exposeInt('compactDeltasAfterDays', {
      nullable: true,
      description: 'Days after a turn ends before its message.delta events are compacted into one message.completed per message (null: never).',
    }),
    deleteSessionsAfterDays: t.exposeInt('deleteSessionsAfterDays', {
      nullable: true,
      description: 'Days without activity before a session is deleted with its history (null: never).',
    }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    lastRunAt: t.expose('lastRunAt', { type: 'DateTime', nullable: true, description: 'When housekeeping last applied this policy.' }),
    compactedTurns: t.exposeInt('compactedTurns', { description: 'Turns compacted so far.' }),
    deletedSessions: t.exposeInt('deletedSessions', { description: 'Sessions deleted so far.' }),
  }),
});

const RetentionInput = builder.inputType('RetentionInput', {
  description: 'Omitted fields stay as they are; null turns a rule off.',
  fields: (t) => ({ compactDeltasAfterDays: t.int(), deleteSessionsAfterDays: t.int() }),
});

builder.queryFields((t) => ({
  search: t.connection(
    {
      type: SearchHitRef,
      description:
        'Messages of the team whose content or tool calls (names, inputs, outputs) match `query`, newest first. `query` is web-search syntax: words, "a phrase", word OR word, -word. A single identifier or path (kubectl, /etc/hosts, my_var) also matches as a substring.',
      authScopes: { reader: true },
      args: { query: t.arg.string({ required: true }), filter: t.arg({ type: SearchFilter }) },
      complexity: (args) => ({ field: 2, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) =>
        keysetConnection(args, (w) =>
          ctx.services.history.search(
            viewerOf(ctx),
            args.query,
            { ...args.filter, agentId: args.filter?.agentId?.id, sessionId: args.filter?.sessionId?.id },
            w,
          ),
        ),
    },
    SearchHitConnection,
  ),
  turns: t.connection(
    {
      type: Turn,
      description: "The team's turns across sessions, newest first.",
      authScopes: { reader: true },
      args: { filter: t.arg({ type: TurnFilter }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) =>
        keysetConnection(args, (w) => ctx.services.history.turns(viewerOf(ctx), { ...args.filter, agentId: args.filter?.agentId?.id }, w)),
    },
    TurnConnection,
  ),
  usageReport: t.field({
    type: [UsageReportRowRef],
    description: 'Usage of the turns that ended in [from, to), from the usage rollup, one row per group. from and to are whole hours (UTC).',
    authScopes: { reader: true },
    args: {
      groupBy: t.arg({ type: [UsageGroupBy], required: true }),
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      filter: t.arg({ type: UsageFilter }),
    },
    complexity: 20,
    resolve: (_root, args, ctx) =>
      ctx.services.history.usageReport(viewerOf(ctx), {
        groupBy: args.groupBy,
        from: args.from,
        to: args.to,
        filter: { ...args.filter, agentId: args.filter?.agentId?.id },
      }),
  }),
  retention: t.field({
    type: RetentionPolicyRef,
    description: "The team's retention policy and what housekeeping has done about it.",
    authScopes: { reader: true },
    resolve: (_root, _args, ctx) => ctx.services.history.retention(viewerOf(ctx)),
  }),
}));

builder.mutationFields((t) => ({
  setRetention: t.field({
    type: RetentionPolicyRef,
    description: "Sets the team's retention policy (team ADMIN).",
    authScopes: { teamAdmin: true },
    args: { input: t.arg({ type: RetentionInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.history.setRetention(viewerOf(ctx), input),
  }),
}));
