/**
 * Events of one turn, streamed as NDJSON by `POST /v1/turns`. `t` is the emit time in
 * epoch milliseconds with sub-millisecond precision, so latency can be measured end to end.
 */

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

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

export interface ToolCallEvent {
  type: 'tool.call';
  id: string;
  name: string;
  input: Record<string, unknown>;
  t: number;
}

export interface ToolResultEvent {
  type: 'tool.result';
  id: string;
  output: string;
  isError: boolean;
  t: number;
}

/** The assistant text of one model step (a step that calls tools may have text too). */
export interface MessageCompletedEvent {
  type: 'message.completed';
  content: string;
  t: number;
}

/** A model request failed in a way worth retrying; the next attempt starts after `delayMs`. */
export interface ModelRetryEvent {
  type: 'model.retry';
  /** 1 for the first retry. */
  attempt: number;
  maxRetries: number;
  /** HTTP status of the failed attempt; absent when the connection failed. */
  status?: number;
  delayMs: number;
  error: string;
  t: number;
}

/**
 * A model request is about to be sent. `spanId` is the trace span the request carries in
 * its `traceparent` header (present when the turn is traced), so the platform can record
 * the request's span under that id and the gateway's own spans join it.
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

export type TerminalEvent = TurnCompletedEvent | TurnFailedEvent | TurnCancelledEvent;

/** Everything a turn stream carries. */
export type RuntimeEvent =
  | TurnStartedEvent
  | MessageDeltaEvent
  | MessageThinkingEvent
  | ToolCallEvent
  | ToolResultEvent
  | MessageCompletedEvent
  | ModelRetryEvent
  | ModelRequestEvent
  | ModelResponseEvent
  | TerminalEvent;

export type RuntimeEventType = RuntimeEvent['type'];

/** An event before it is stamped with its emit time. */
export type UnstampedEvent = RuntimeEvent extends infer E ? (E extends RuntimeEvent ? Omit<E, 't'> : never) : never;

/** Events an adapter may emit; the runtime itself emits start and terminal events. */
export type AdapterEvent = Exclude<UnstampedEvent, { type: 'turn.started' | TerminalEvent['type'] }>;

const TERMINAL_TYPES: ReadonlySet<string> = new Set(['turn.completed', 'turn.failed', 'turn.cancelled']);

export function isTerminalEvent(event: RuntimeEvent): event is TerminalEvent {
  return TERMINAL_TYPES.has(event.type);
}

/** Epoch milliseconds with sub-millisecond precision. */
export function eventTime(): number {
  return performance.timeOrigin + performance.now();
}
