import { parseSessionEvent, TURN_FAILURE_CODES, type SessionEventType, type TurnFailureCode, type TypedSessionEvent } from '@paddock/events';
import { ToolApprovalStatus, ToolRule } from '../approvals/schema.ts';
import { badInput } from '../errors/index.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { keysetConnectionBy, seqCodec } from '../graphql/pagination.ts';
import { Usage } from '../graphql/usage.ts';
import type { Logger } from '../log/index.ts';
import { Message, Session, SessionStatus } from '../sessions/schema.ts';
import type { BusEvent } from './bus.ts';
import { toBusEvent } from './mapping.ts';
import { sessionEventStream } from './stream.ts';

/**
 * The event log in GraphQL: `SessionEvent` is an interface with one object type per kind
 * of the vocabulary in `@paddock/events`, each carrying that kind's payload as typed
 * fields. `type`, `delta` and `payload` stay on the interface for clients written
 * before the kinds had types of their own.
 */

/** A stored event as the API serves it: the row, and its kind with the validated payload (null if it has none). */
export type ApiEvent = BusEvent & { typed: TypedSessionEvent | null };
type EventOf<K extends SessionEventType> = BusEvent & { typed: Extract<TypedSessionEvent, { type: K }> };

export function toApiEvent(event: BusEvent, log: Logger): ApiEvent {
  const typed = parseSessionEvent(event);
  if (!typed)
    log.warn(
      { sessionId: event.sessionId, seq: event.seq, type: event.type },
      'a stored event does not match the event vocabulary; served as UnrecognizedEvent',
    );
  return { ...event, typed };
}

const ZERO_USAGE = { inputTokens: 0, outputTokens: 0 };
const MAX_EVENTS_PAGE = 1000;

/** The GraphQL object type of every kind; the compiler asks for one when a kind is added to the vocabulary. */
const TYPE_NAMES: { [K in SessionEventType]: string } = {
  'session.status': 'SessionStatusEvent',
  'user.message': 'UserMessageEvent',
  'turn.started': 'TurnStartedEvent',
  'message.delta': 'MessageDeltaEvent',
  'message.thinking': 'MessageThinkingEvent',
  'message.completed': 'MessageCompletedEvent',
  'tool.call': 'ToolCallEvent',
  'tool.result': 'ToolResultEvent',
  'model.retry': 'ModelRetryEvent',
  'turn.completed': 'TurnCompletedEvent',
  'turn.failed': 'TurnFailedEvent',
  'turn.cancelled': 'TurnCancelledEvent',
  'egress.blocked': 'EgressBlockedEvent',
  'tool.approval_requested': 'ToolApprovalRequestedEvent',
  'tool.approval_resolved': 'ToolApprovalResolvedEvent',
  'mcp.error': 'McpErrorEvent',
};
const UNRECOGNIZED = 'UnrecognizedEvent';

export const SessionEvent = builder.interfaceRef<ApiEvent>('SessionEvent').implement({
  description:
    "One entry of a session's append-only event log. Each kind of event is its own object type implementing this interface, with its payload as typed fields; select them with inline fragments (`... on ToolCallEvent { name input }`).",
  resolveType: (event) => (event.typed ? TYPE_NAMES[event.typed.type] : UNRECOGNIZED),
  fields: (t) => ({
    seq: t.exposeInt('seq', {
      description:
        "Position in the session's log, from 1 and increasing; gaps only where retention compacted a turn's deltas or recovery skipped seqs a dead worker had reserved.",
    }),
    type: t.exposeString('type', {
      description:
        'The kind of event (`user.message`, `message.delta`, `tool.call`, `turn.completed`, …). Kept for compatibility: the object type (`__typename`) names the kind too, and carries its fields typed.',
    }),
    messageId: t.globalID({
      nullable: true,
      description:
        'The message the event belongs to: the user message of user.message, the assistant message being written or closed, the TOOL message of tool.result.',
      resolve: (e) => (e.messageId ? { id: e.messageId, type: Message } : null),
    }),
    delta: t.exposeString('delta', {
      nullable: true,
      description:
        'Kept for compatibility: the streamed text of message.delta and message.thinking events, null on others. `MessageDeltaEvent.text` and `MessageThinkingEvent.text` carry it non-null.',
    }),
    payload: t.field({
      type: 'JSON',
      nullable: true,
      description: "Kept for compatibility: the event's payload as stored, untyped. The object type's own fields carry the same data typed.",
      resolve: (e) => e.payload,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

function kind<K extends SessionEventType>(type: K) {
  return builder.objectRef<EventOf<K>>(TYPE_NAMES[type]);
}

kind('session.status').implement({
  description: 'session.status: the session moved to a new status.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    status: t.field({ type: SessionStatus, resolve: (e) => e.typed.payload.status }),
    message: t.string({
      nullable: true,
      description: 'What is happening, while the sandbox is being provisioned.',
      resolve: (e) => e.typed.payload.message ?? null,
    }),
  }),
});

kind('user.message').implement({
  description: "user.message: the user's message (messageId) that starts a turn.",
  interfaces: [SessionEvent],
  fields: (t) => ({ content: t.string({ resolve: (e) => e.typed.payload.content }) }),
});

const turnId = { description: 'The turn this event belongs to (an internal id, not a node ID).' };

kind('turn.started').implement({
  description: 'turn.started: a worker took up the turn.',
  interfaces: [SessionEvent],
  fields: (t) => ({ turnId: t.string({ ...turnId, resolve: (e) => e.typed.payload.turnId }) }),
});

kind('message.delta').implement({
  description: 'message.delta: a chunk of the reply (messageId) as the model streams it.',
  interfaces: [SessionEvent],
  fields: (t) => ({ text: t.string({ description: 'The text to append to the message.', resolve: (e) => e.typed.delta }) }),
});

kind('message.thinking').implement({
  description: "message.thinking: a chunk of the model's visible reasoning for messageId; not part of the reply.",
  interfaces: [SessionEvent],
  fields: (t) => ({ text: t.string({ description: "The text to append to the message's reasoning.", resolve: (e) => e.typed.delta }) }),
});

kind('message.completed').implement({
  description: 'message.completed: the whole text of one model step (messageId).',
  interfaces: [SessionEvent],
  fields: (t) => ({ content: t.string({ resolve: (e) => e.typed.payload.content }) }),
});

kind('tool.call').implement({
  description: 'tool.call: the agent called a tool; messageId is the assistant message that made the call.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    toolCallId: t.string({ description: 'Matches `ToolResultEvent.toolCallId` and `ToolCall.id`.', resolve: (e) => e.typed.payload.id }),
    name: t.string({ resolve: (e) => e.typed.payload.name }),
    input: t.field({ type: 'JSON', description: 'The arguments, a JSON object.', resolve: (e) => e.typed.payload.input }),
    server: t.string({
      nullable: true,
      description: "The MCP server of the tool; null for the harness's own tools.",
      resolve: (e) => e.typed.payload.server ?? null,
    }),
  }),
});

kind('tool.result').implement({
  description: 'tool.result: a tool answered; messageId is the TOOL message holding the output.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    toolCallId: t.string({ resolve: (e) => e.typed.payload.id }),
    output: t.string({ resolve: (e) => e.typed.payload.output }),
    isError: t.boolean({ resolve: (e) => e.typed.payload.isError }),
    server: t.string({
      nullable: true,
      description: "The MCP server of the tool; null for the harness's own tools.",
      resolve: (e) => e.typed.payload.server ?? null,
    }),
  }),
});

kind('model.retry').implement({
  description: 'model.retry: a model request failed in a way worth retrying; the next attempt starts after delayMs.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    attempt: t.int({ description: '1 for the first retry.', resolve: (e) => e.typed.payload.attempt }),
    maxRetries: t.int({ resolve: (e) => e.typed.payload.maxRetries }),
    httpStatus: t.int({
      nullable: true,
      description: 'HTTP status of the failed attempt; null when the connection failed.',
      resolve: (e) => e.typed.payload.status ?? null,
    }),
    delayMs: t.int({ resolve: (e) => Math.round(e.typed.payload.delayMs) }),
    error: t.string({ resolve: (e) => e.typed.payload.error }),
  }),
});

kind('turn.completed').implement({
  description: 'turn.completed: the turn ended normally; messageId is its last assistant message.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    turnId: t.string({ ...turnId, resolve: (e) => e.typed.payload.turnId }),
    usage: t.field({ type: Usage, resolve: (e) => e.typed.payload.usage }),
  }),
});

const TurnFailureCodeEnum = builder.enumType('TurnFailureCode', {
  description: 'Why a turn failed.',
  values: Object.fromEntries(Object.entries(TURN_FAILURE_CODES).map(([code, description]) => [code, { description }])) as {
    [C in TurnFailureCode]: { description: string };
  },
});

kind('turn.failed').implement({
  description: 'turn.failed: the turn ended with an error; messageId is its last assistant message, null if the agent wrote none.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    turnId: t.string({ ...turnId, resolve: (e) => e.typed.payload.turnId }),
    error: t.string({ description: 'What went wrong, phrased for a person to act on.', resolve: (e) => e.typed.payload.error }),
    code: t.field({
      type: TurnFailureCodeEnum,
      nullable: true,
      description: 'The cause, for clients that react to it; null on events stored before causes were recorded.',
      resolve: (e) => e.typed.payload.code ?? null,
    }),
    usage: t.field({
      type: Usage,
      description: 'Tokens consumed before the turn failed, as far as they are known.',
      resolve: (e) => e.typed.payload.usage ?? ZERO_USAGE,
    }),
  }),
});

kind('turn.cancelled').implement({
  description: 'turn.cancelled: the turn was stopped (cancelTurn); its partial reply is kept.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    turnId: t.string({ ...turnId, resolve: (e) => e.typed.payload.turnId }),
    usage: t.field({
      type: Usage,
      description: 'Tokens consumed before the turn was stopped, as far as they are known.',
      resolve: (e) => e.typed.payload.usage ?? ZERO_USAGE,
    }),
  }),
});

kind('egress.blocked').implement({
  description: 'egress.blocked: the egress proxy refused a request from the sandbox.',
  interfaces: [SessionEvent],
  fields: (t) => ({
    host: t.string({ resolve: (e) => e.typed.payload.host }),
    port: t.int({ resolve: (e) => e.typed.payload.port }),
    reason: t.string({ description: "Why, e.g. the host is not in the agent's egressAllow.", resolve: (e) => e.typed.payload.reason }),
  }),
});

kind('tool.approval_requested').implement({
  description:
    "tool.approval_requested: the agent's tool policy holds a call for a person; the session is AWAITING_APPROVAL until approveToolCall, denyToolCall or expiry.",
  interfaces: [SessionEvent],
  fields: (t) => ({
    toolCallId: t.string({ resolve: (e) => e.typed.payload.toolCallId }),
    tool: t.string({ resolve: (e) => e.typed.payload.tool }),
    server: t.string({ nullable: true, description: 'The MCP server of the tool, if it is one.', resolve: (e) => e.typed.payload.server ?? null }),
    input: t.field({ type: 'JSON', resolve: (e) => e.typed.payload.input }),
    rule: t.field({ type: ToolRule, description: 'The rule of the policy that asked.', resolve: (e) => e.typed.payload.rule }),
    ruleIndex: t.int({ description: "The rule's position in the policy, from 0.", resolve: (e) => e.typed.payload.rule.index }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'Denied as expired at this time (PADDOCK_APPROVAL_TIMEOUT_SECONDS).',
      resolve: (e) => new Date(e.typed.payload.expiresAt),
    }),
  }),
});

kind('tool.approval_resolved').implement({
  description:
    'tool.approval_resolved: a held call was approved or denied by a person, expired, or cancelled with its turn; the turn continues (or ends, when cancelled).',
  interfaces: [SessionEvent],
  fields: (t) => ({
    toolCallId: t.string({ resolve: (e) => e.typed.payload.toolCallId }),
    tool: t.string({ resolve: (e) => e.typed.payload.tool }),
    decision: t.field({ type: ToolApprovalStatus, resolve: (e) => e.typed.payload.status }),
    decisionReason: t.string({
      nullable: true,
      description: 'Why it was not run, as the model was told in the tool error; null when approved.',
      resolve: (e) => e.typed.payload.reason,
    }),
    decidedBy: t.string({
      nullable: true,
      description: 'Name of the API key that decided; null for expiry and cancellation.',
      resolve: (e) => e.typed.payload.decidedBy,
    }),
  }),
});

kind('mcp.error').implement({
  description: "mcp.error: one of the agent's MCP servers is unreachable, refused the credentials or failed a call; the turn goes on without it.",
  interfaces: [SessionEvent],
  fields: (t) => ({
    serverName: t.string({ description: "The name of the MCP server in the agent's mcpServers.", resolve: (e) => e.typed.payload.server }),
    phase: t.string({ description: '`connect` (listing its tools when a turn starts) or `call`.', resolve: (e) => e.typed.payload.phase }),
    error: t.string({ resolve: (e) => e.typed.payload.error }),
  }),
});

builder.objectRef<ApiEvent>(UNRECOGNIZED).implement({
  description:
    'An event this server cannot type: a kind added by a newer Paddock version (seen during a rolling upgrade), or a payload that does not match its kind. Read `type` and `payload`.',
  interfaces: [SessionEvent],
  fields: () => ({}),
});

builder.objectField(Session, 'events', (t) =>
  t.field({
    type: [SessionEvent],
    description: `Events with seq > after, oldest first (at most ${MAX_EVENTS_PAGE}). Never past the \`lastSeq\` of the same request, so the two read as one snapshot.`,
    args: { after: t.arg.int({ defaultValue: 0 }), first: t.arg.int({ defaultValue: 100 }) },
    complexity: (args) => ({ field: 1, multiplier: args.first ?? 100 }),
    resolve: async (s, args, ctx) => {
      const first = args.first ?? 100;
      if (first < 0 || first > MAX_EVENTS_PAGE) throw badInput(`first must be between 0 and ${MAX_EVENTS_PAGE}.`, 'first');
      // The same per-request lastSeq the lastSeq field answers: both describe one moment.
      const upTo = await ctx.loaders.lastSeq.load(s.id);
      return (await ctx.services.sessions.events(s.id, { after: args.after ?? 0, upTo, first })).map((row) => toApiEvent(toBusEvent(row), ctx.log));
    },
  }),
);

const SessionEventConnection = builder.connectionObject({ type: SessionEvent, name: 'SessionEventConnection' }, { name: 'SessionEventEdge' });

builder.objectField(Session, 'eventsConnection', (t) =>
  t.connection(
    {
      type: SessionEvent,
      description:
        'The event log as a Relay connection, oldest first; `types` keeps only events of those types. Never past the `lastSeq` of the same request. Turns compacted by retention keep no `message.delta`: each of their messages is one `message.completed` with its full text.',
      args: { types: t.arg.stringList({ description: 'Event types to keep, e.g. ["tool.call", "tool.result"]; all when absent.' }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: async (s, args, ctx) => {
        const types = args.types ?? null;
        if (types && (types.length > 50 || types.some((type) => type.length === 0 || type.length > 64)))
          throw badInput('types takes at most 50 event type names of 1 to 64 characters.', 'types');
        const upTo = await ctx.loaders.lastSeq.load(s.id);
        const page = await keysetConnectionBy(args, seqCodec, (w) => ctx.services.sessions.eventWindow(s.id, w, upTo, types));
        return { ...page, edges: page.edges.map((e) => ({ ...e, node: toApiEvent(toBusEvent(e.node), ctx.log) })) };
      },
    },
    SessionEventConnection,
  ),
);

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
    resolve: (event: BusEvent, _args, ctx) => toApiEvent(event, ctx.log),
  }),
);
