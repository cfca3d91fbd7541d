import type { HistoryMessage } from '../../api.ts';

/** OpenAI Chat Completions message shapes, as sent on the wire. */
export interface WireToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export type WireMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: WireToolCall[] }
  | { role: 'tool'; tool_call_id: string; content: string };

export function toWire(message: HistoryMessage): WireMessage {
  switch (message.role) {
    case 'assistant': {
      const calls = message.toolCalls ?? [];
      if (calls.length === 0) return { role: 'assistant', content: message.content };
      return {
        role: 'assistant',
        // OpenAI wants null rather than "" next to tool calls.
        content: message.content === '' ? null : message.content,
        tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.input) } })),
      };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    default:
      return { role: message.role, content: message.content };
  }
}

/** What the model reads for a call whose turn ended before it ran (cancelled while awaiting approval). */
export const NOT_RUN = 'Not run: the turn ended before this tool call ran.';

/**
 * The model's view of the conversation: system prompt first, then the history. Every tool
 * call needs a result before the next message or the model API rejects the conversation,
 * so calls a turn never ran get one; calls at the very end are left to a resumed turn.
 */
export function conversation(systemPrompt: string, history: readonly HistoryMessage[]): WireMessage[] {
  const messages: WireMessage[] = systemPrompt === '' ? [] : [{ role: 'system', content: systemPrompt }];
  let unanswered: string[] = [];
  for (const message of history) {
    if (message.role === 'tool') unanswered = unanswered.filter((id) => id !== message.toolCallId);
    else {
      for (const id of unanswered) messages.push({ role: 'tool', tool_call_id: id, content: NOT_RUN });
      unanswered = message.role === 'assistant' ? (message.toolCalls ?? []).map((c) => c.id) : [];
    }
    messages.push(toWire(message));
  }
  return messages;
}

/** Tool calls of the last assistant message that have no result yet: what a resumed turn runs. */
export function pendingCalls(history: readonly HistoryMessage[]): HistoryMessage['toolCalls'] & object {
  const index = history.findLastIndex((m) => m.role === 'assistant');
  const assistant = history[index];
  if (!assistant?.toolCalls) return [];
  const answered = new Set(
    history
      .slice(index + 1)
      .filter((m) => m.role === 'tool')
      .map((m) => m.toolCallId),
  );
  return assistant.toolCalls.filter((c) => !answered.has(c.id));
}
