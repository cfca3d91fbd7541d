import type { RuntimeEvent, TerminalEvent } from '@paddock/events';

// Type-only: the runtime's image runs this source with plain Node, which does not strip
// types inside node_modules, so nothing may be imported from @paddock/events at run time.
export type {
  AdapterEvent,
  MessageCompletedEvent,
  MessageDeltaEvent,
  MessageThinkingEvent,
  ModelRequestEvent,
  ModelResponseEvent,
  ModelRetryEvent,
  RuntimeEvent,
  RuntimeEventType,
  TerminalEvent,
  McpErrorEvent,
  ToolApprovalRequestedEvent,
  ToolCallEvent,
  ToolResultEvent,
  TurnPausedEvent,
  TurnCancelledEvent,
  TurnCompletedEvent,
  TurnFailedEvent,
  TurnStartedEvent,
  UnstampedEvent,
  Usage,
} from '@paddock/events';

const TERMINAL_TYPES: ReadonlySet<string> = new Set(['turn.completed', 'turn.failed', 'turn.cancelled', 'turn.paused']);

export function isTerminalEvent(event: RuntimeEvent): event is TerminalEvent {
  return TERMINAL_TYPES.has(event.type);
}

/** Epoch milliseconds with sub-millisecond precision. */
export function eventTime(): number {
  return performance.timeOrigin + performance.now();
}
