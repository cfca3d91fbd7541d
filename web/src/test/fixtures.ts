import type { ChatMessage, StreamEvent } from '../features/chat/state.ts';

/** An event as the subscription delivers it, every fragment's fields present (masking is only in the types). */
export type FixtureEvent = StreamEvent & { __typename: string; seq: number; messageId: string | null };

const usage = (inputTokens = 0, outputTokens = 0) => ({ inputTokens, outputTokens });

/** Builders for session events and messages, shaped like the API's typed events. */
export function eventFactory(startSeq = 0) {
  let seq = startSeq;
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0, n)).toISOString();
  const make = (__typename: string, type: string, fields: Record<string, unknown> = {}): FixtureEvent => {
    seq += 1;
    return { __typename, seq, type, messageId: null, createdAt: at(seq), ...fields } as unknown as FixtureEvent;
  };
  return {
    get seq() {
      return seq;
    },
    userMessage: (messageId: string, content: string) => make('UserMessageEvent', 'user.message', { messageId, content }),
    status: (status: string, message: string | null = null) => make('SessionStatusEvent', 'session.status', { status, message }),
    turnStarted: () => make('TurnStartedEvent', 'turn.started', { turnId: 't1' }),
    delta: (messageId: string, text: string) => make('MessageDeltaEvent', 'message.delta', { messageId, text }),
    thinking: (messageId: string, text: string) => make('MessageThinkingEvent', 'message.thinking', { messageId, text }),
    completed: (messageId: string, content: string) => make('MessageCompletedEvent', 'message.completed', { messageId, content }),
    toolCall: (messageId: string, id: string, name: string, input: unknown) => make('ToolCallEvent', 'tool.call', { messageId, toolCallId: id, name, input }),
    toolResult: (messageId: string, id: string, output: string, isError = false) =>
      make('ToolResultEvent', 'tool.result', { messageId, toolCallId: id, output, isError }),
    modelRetry: (attempt: number, httpStatus: number | null, error: string) =>
      make('ModelRetryEvent', 'model.retry', { attempt, maxRetries: 3, httpStatus, delayMs: 1000, error }),
    turnCompleted: (messageId: string | null, used = usage(10, 5)) => make('TurnCompletedEvent', 'turn.completed', { messageId, turnId: 't1', usage: used }),
    turnFailed: (messageId: string | null, error: string, code: string | null = 'HARNESS_ERROR') =>
      make('TurnFailedEvent', 'turn.failed', { messageId, turnId: 't1', error, code, usage: usage() }),
    turnCancelled: (messageId: string | null, used = usage()) => make('TurnCancelledEvent', 'turn.cancelled', { messageId, turnId: 't1', usage: used }),
    egressBlocked: (host: string, port: number, reason: string) => make('EgressBlockedEvent', 'egress.blocked', { host, port, reason }),
    unrecognized: (type: string, payload: unknown) => make('UnrecognizedEvent', type, { payload }),
  };
}

export function message(fields: Partial<ChatMessage> & Pick<ChatMessage, 'id'>): ChatMessage {
  return {
    role: 'ASSISTANT',
    content: '',
    status: 'COMPLETE',
    toolCalls: [],
    toolCallId: null,
    thinking: '',
    error: null,
    createdAt: '2026-01-01T12:00:00.000Z',
    ...fields,
  };
}

/** A deterministic shuffle (mulberry32), so a failing order can be reproduced. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let a = seed >>> 0;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const copy = items.slice();
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}
