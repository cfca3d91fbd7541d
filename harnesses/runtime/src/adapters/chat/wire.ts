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

/** The model's view of the conversation: system prompt first, then the history. */
export function conversation(systemPrompt: string, history: readonly HistoryMessage[]): WireMessage[] {
  const messages: WireMessage[] = systemPrompt === '' ? [] : [{ role: 'system', content: systemPrompt }];
  for (const message of history) messages.push(toWire(message));
  return messages;
}
