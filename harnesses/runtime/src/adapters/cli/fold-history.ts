import type { HistoryMessage } from '../../api.ts';

function line(message: HistoryMessage): string {
  switch (message.role) {
    case 'user':
      return `User: ${message.content}`;
    case 'assistant': {
      const calls = (message.toolCalls ?? []).map((c) => `\n[called tool ${c.name} with ${JSON.stringify(c.input)}]`).join('');
      return `Assistant: ${message.content}${calls}`;
    }
    case 'tool':
      return `[tool result]\n${message.content}`;
    case 'system':
      return `System: ${message.content}`;
  }
}

/**
 * The prompt for a fresh CLI session that continues a conversation it never saw (a new
 * sandbox, or a CLI that cannot resume): the transcript so far, then the new message.
 */
export function foldHistory(earlier: readonly HistoryMessage[], message: string): string {
  if (earlier.length === 0) return message;
  const transcript = earlier.map(line).join('\n\n');
  return (
    'This conversation started in an earlier session. Its transcript so far:\n\n' +
    `<transcript>\n${transcript}\n</transcript>\n\n` +
    `Continue from there. The user's new message:\n\n${message}`
  );
}
