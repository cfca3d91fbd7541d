import { z } from 'zod';
import { matchedRuleSchema, mcpErrorSchema, modelRetrySchema, toolCallSchema, toolResultSchema, usageSchema } from './shapes.ts';

/**
 * The kinds of event a session's append-only log stores, each with its payload. Every
 * producer (API, worker, recovery, egress proxy) writes these shapes, the API reads them
 * back through `parseSessionEvent` and exposes one GraphQL object type per kind. A new
 * kind of event is added here first; the server's compiler then asks for its GraphQL type.
 *
 * Besides its payload an event has a `seq`, a `createdAt`, an optional `messageId` (the
 * message it belongs to) and, for streamed text, a `delta`.
 */

export const SESSION_STATUSES = ['PROVISIONING', 'IDLE', 'RUNNING', 'AWAITING_APPROVAL', 'SUSPENDED', 'FAILED', 'ENDED'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Why a turn failed, for clients that react to a cause rather than read the message. */
export const TURN_FAILURE_CODES = {
  HARNESS_ERROR:
    'The harness reported the failure: the model gateway refused or failed the request, a step limit was reached, or the agent CLI exited with an error.',
  SANDBOX_UNAVAILABLE: 'The sandbox could not be provisioned or started in time.',
  SANDBOX_UNRESPONSIVE: 'The sandbox stopped sending events and did not answer a health check; it was replaced.',
  SANDBOX_LOST: 'The connection to the sandbox was lost mid-turn (it crashed or was stopped); it was replaced.',
  WORKER_SHUTDOWN: 'The worker running the turn was shut down before the turn finished.',
  WORKER_LOST: 'The worker running the turn went silent (crashed, killed or cut off from the database); recovery ended the turn.',
  NOT_STARTED: 'No worker picked the turn up in time.',
  INTERNAL: 'Paddock hit an unexpected error.',
} as const;
export type TurnFailureCode = keyof typeof TURN_FAILURE_CODES;
const turnFailureCodes = Object.keys(TURN_FAILURE_CODES) as [TurnFailureCode, ...TurnFailureCode[]];

/** Streamed text: the `delta` column holds the text; `t` is the runtime's emit time of its first token. */
const streamed = z.object({ t: z.number() });
const turnId = z.string();

export const sessionEventPayloads = {
  /** The session moved to `status`; while provisioning, `message` says what is happening. */
  'session.status': z.object({ status: z.enum(SESSION_STATUSES), message: z.string().optional() }),
  /** The user's message (`messageId`) that starts a turn. */
  'user.message': z.object({ content: z.string() }),
  'turn.started': z.object({ turnId }),
  /** A chunk of the reply (`messageId`), in `delta`. */
  'message.delta': streamed,
  /** A chunk of the model's visible reasoning for `messageId`, in `delta`; not part of the reply. */
  'message.thinking': streamed,
  /** The whole text of one model step (`messageId`). */
  'message.completed': z.object({ content: z.string() }),
  /** The agent called a tool; `messageId` is the assistant message that made the call. */
  'tool.call': toolCallSchema,
  /** The tool answered; `messageId` is the TOOL message holding the output. */
  'tool.result': toolResultSchema,
  'model.retry': modelRetrySchema,
  /** The turn ended normally; `messageId` is its last assistant message. */
  'turn.completed': z.object({ turnId, usage: usageSchema }),
  /** `code` is absent on events stored before failure codes were recorded. */
  'turn.failed': z.object({ turnId, error: z.string(), code: z.enum(turnFailureCodes).optional(), usage: usageSchema.optional() }),
  'turn.cancelled': z.object({ turnId, usage: usageSchema.optional() }),
  /** The agent's tool policy holds a call for a person; the session is AWAITING_APPROVAL until it is decided or expires. */
  'tool.approval_requested': z.object({
    toolCallId: z.string(),
    tool: z.string(),
    server: z.string().optional(),
    input: z.record(z.string(), z.unknown()),
    rule: matchedRuleSchema,
    expiresAt: z.string(),
  }),
  /** A held call was decided: approved or denied (by `decidedBy`), expired, or cancelled with its turn. */
  'tool.approval_resolved': z.object({
    toolCallId: z.string(),
    tool: z.string(),
    status: z.enum(['APPROVED', 'DENIED', 'EXPIRED', 'CANCELLED']),
    reason: z.string().nullable(),
    decidedBy: z.string().nullable(),
  }),
  /** An MCP server of the agent is unreachable, refused the credentials or failed a call; the turn goes on. */
  'mcp.error': mcpErrorSchema,
  /** The egress proxy refused a request from the sandbox. */
  'egress.blocked': z.object({ host: z.string(), port: z.number().int(), reason: z.string() }),
} as const;

export type SessionEventType = keyof typeof sessionEventPayloads;
export type SessionEventPayload<K extends SessionEventType> = z.infer<(typeof sessionEventPayloads)[K]>;
export const SESSION_EVENT_TYPES = Object.keys(sessionEventPayloads) as SessionEventType[];

/** Kinds whose text travels in the event's `delta`. */
export type DeltaEventType = 'message.delta' | 'message.thinking';

/** An event as a producer hands it to the log, before it gets its seq. */
export type SessionEventInput = {
  [K in SessionEventType]: {
    type: K;
    messageId?: string | null;
    delta?: K extends DeltaEventType ? string : null;
    payload: SessionEventPayload<K>;
  };
}[SessionEventType];

/** A stored event's kind with its validated payload (and, for streamed text, its delta). */
export type TypedSessionEvent = {
  [K in SessionEventType]: { type: K; payload: SessionEventPayload<K>; delta: K extends DeltaEventType ? string : string | null };
}[SessionEventType];

export function isSessionEventType(type: string): type is SessionEventType {
  return Object.hasOwn(sessionEventPayloads, type);
}

/**
 * Validates a stored event against its kind. Null for a kind this version does not know
 * (written by a newer one) or a payload that does not match it.
 */
export function parseSessionEvent(event: { type: string; delta: string | null; payload: unknown }): TypedSessionEvent | null {
  if (!isSessionEventType(event.type)) return null;
  const parsed = sessionEventPayloads[event.type].safeParse(event.payload);
  if (!parsed.success) return null;
  if ((event.type === 'message.delta' || event.type === 'message.thinking') && event.delta === null) return null;
  return { type: event.type, payload: parsed.data, delta: event.delta } as TypedSessionEvent;
}
