import type { MatchedRule, McpError, ModelRetry, ToolCall, ToolResult, Usage } from './shapes.ts';

/**
 * Events of one turn, streamed as NDJSON by the harness runtime's `POST /v1/turns`. `t` is
 * the emit time in epoch milliseconds with sub-millisecond precision, so latency can be
 * measured end to end. The worker turns them into session events (see `session.ts`).
 */

export interface TurnStartedEvent {
  type: 'turn.started';
  turnId: string;
  t: number;
}

export interface MessageDeltaEvent {
  type: 'message.delta';
  delta: string;
  t: number;
}

/** Reasoning the model shows while it works (Claude Code thinking, Codex reasoning summaries); not part of the reply text. */
export interface MessageThinkingEvent {
  type: 'message.thinking';
  delta: string;
  t: number;
}

export type ToolCallEvent = { type: 'tool.call'; t: number } & ToolCall;

export type ToolResultEvent = { type: 'tool.result'; t: number } & ToolResult;

/** The assistant text of one model step (a step that calls tools may have text too). */
export interface MessageCompletedEvent {
  type: 'message.completed';
  content: string;
  t: number;
}

export type ModelRetryEvent = { type: 'model.retry'; t: number } & ModelRetry;

/**
 * A model request is about to be sent. `spanId` is the trace span the request carries in
 * its `traceparent` header (present when the turn is traced), so the platform can record
 * the request's span under that id and the gateway's own spans join it. Model request
 * boundaries become the turn's steps (`Turn.steps`), not session events.
 */
export interface ModelRequestEvent {
  type: 'model.request';
  model: string;
  spanId?: string;
  t: number;
}

/** A model request finished its answer. */
export interface ModelResponseEvent {
  type: 'model.response';
  /** The model that answered, when the gateway says. */
  responseModel?: string;
  finishReason?: string;
  usage: Usage;
  t: number;
}

export interface TurnCompletedEvent {
  type: 'turn.completed';
  usage: Usage;
  t: number;
}

export interface TurnFailedEvent {
  type: 'turn.failed';
  /** What went wrong, phrased for a person to act on. */
  error: string;
  /** Tokens the turn consumed before it failed, as far as the harness reported them. */
  usage?: Usage;
  t: number;
}

export interface TurnCancelledEvent {
  type: 'turn.cancelled';
  /** Tokens the turn consumed before it was stopped, as far as the harness reported them. */
  usage?: Usage;
  t: number;
}

/** The agent's tool policy holds this call for a person; the turn pauses (`turn.paused`) right after. */
export type ToolApprovalRequestedEvent = { type: 'tool.approval_requested'; t: number; rule: MatchedRule } & ToolCall;

export type McpErrorEvent = { type: 'mcp.error'; t: number } & McpError;

/** The turn waits for a person to decide on `toolCallId`; the platform continues it with a `resume` request. */
export interface TurnPausedEvent {
  type: 'turn.paused';
  toolCallId: string;
  usage: Usage;
  t: number;
}

export type TerminalEvent = TurnCompletedEvent | TurnFailedEvent | TurnCancelledEvent | TurnPausedEvent;

/** Everything a turn stream carries. */
export type RuntimeEvent =
  | TurnStartedEvent
  | MessageDeltaEvent
  | MessageThinkingEvent
  | ToolCallEvent
  | ToolResultEvent
  | MessageCompletedEvent
  | ModelRetryEvent
  | ToolApprovalRequestedEvent
  | McpErrorEvent
  | ModelRequestEvent
  | ModelResponseEvent
  | TerminalEvent;

export type RuntimeEventType = RuntimeEvent['type'];

/** An event before it is stamped with its emit time. */
export type UnstampedEvent = RuntimeEvent extends infer E ? (E extends RuntimeEvent ? Omit<E, 't'> : never) : never;

/** Events an adapter may emit; the runtime itself emits start and terminal events. */
export type AdapterEvent = Exclude<UnstampedEvent, { type: 'turn.started' | TerminalEvent['type'] }>;
