import type { ChatMessage, StreamEvent } from '../features/chat/state.ts';

/** Builders for session events and messages, shaped like the API's. */
export function eventFactory(startSeq = 0) {
  let seq = startSeq;
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0, n)).toISOString();
  const make = (type: string, fields: Partial<StreamEvent> = {}): StreamEvent => {
    seq += 1;
    return { seq, type, messageId: null, delta: null, payload: null, createdAt: at(seq), ...fields };
  };
  return {
    get seq() {
      return seq;
    },
    userMessage: (messageId: string, content: string) => make('user.message', { messageId, payload: { content } }),
    status: (status: string) => make('session.status', { payload: { status } }),
    turnStarted: () => make('turn.started', { payload: { turnId: 't1' } }),
    delta: (messageId: string, delta: string) => make('message.delta', { messageId, delta, payload: { t: 0 } }),
    thinking: (messageId: string, delta: string) => make('message.thinking', { messageId, delta, payload: { t: 0 } }),
    completed: (messageId: string, content: string) => make('message.completed', { messageId, payload: { content } }),
    toolCall: (messageId: string, id: string, name: string, input: unknown) => make('tool.call', { messageId, payload: { id, name, input } }),
    toolResult: (messageId: string, id: string, output: string, isError = false) => make('tool.result', { messageId, payload: { id, output, isError } }),
    turnCompleted: (messageId: string | null, usage = { inputTokens: 10, outputTokens: 5 }) =>
      make('turn.completed', { messageId, payload: { turnId: 't1', usage } }),
    turnFailed: (messageId: string | null, error: string) =>
      make('turn.failed', { messageId, payload: { turnId: 't1', error, usage: { inputTokens: 0, outputTokens: 0 } } }),
    egressBlocked: (host: string, port: number, reason: string) => make('egress.blocked', { messageId: null, payload: { host, port, reason } }),
    turnCancelled: (messageId: string | null) => make('turn.cancelled', { messageId, payload: { turnId: 't1', usage: { inputTokens: 0, outputTokens: 0 } } }),
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
