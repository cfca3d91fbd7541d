import { isClientPreamble, isObject, type ChatMessage, type Conversation, type Json } from '../conversation.ts';
import { RequestError } from '../errors.ts';

/** Text of a string or an array of `{type:'text', text}` blocks. */
function blockText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
}

const toolResult = (block: Json): ChatMessage => ({
  role: 'tool',
  content: blockText(block.content),
  toolCalls: [],
  toolCallId: typeof block.tool_use_id === 'string' ? block.tool_use_id : undefined,
});

/** One Messages API message as chat messages: tool results become `tool` messages of their own. */
function normalise(value: unknown, i: number): ChatMessage[] {
  // Claude Code also sends `system` messages mid-conversation (e.g. about its command sandbox).
  if (!isObject(value) || (value.role !== 'user' && value.role !== 'assistant' && value.role !== 'system')) {
    throw new RequestError(400, `messages.${i}.role: must be "user", "assistant" or "system"`);
  }
  const role = value.role;
  if (typeof value.content === 'string') return [{ role, content: value.content, toolCalls: [], toolCallId: undefined }];
  if (!Array.isArray(value.content)) throw new RequestError(400, `messages.${i}.content: must be a string or an array of blocks`);
  const blocks = value.content.filter(isObject);
  const out: ChatMessage[] = blocks.filter((b) => b.type === 'tool_result').map(toolResult);
  const text = blocks
    .filter((b) => b.type === 'text' && typeof b.text === 'string' && !isClientPreamble(b.text))
    .map((b) => String(b.text))
    .join('');
  const toolCalls = blocks
    .filter((b) => b.type === 'tool_use')
    .map((b) => ({ id: String(b.id ?? ''), name: String(b.name ?? ''), arguments: JSON.stringify(b.input ?? {}) }));
  if (text !== '' || toolCalls.length > 0 || out.length === 0) out.push({ role, content: text, toolCalls, toolCallId: undefined });
  return out;
}

/** Validates a `POST /v1/messages` body the way the Messages API would reject it. */
export function parseMessagesRequest(body: unknown): Conversation {
  if (!isObject(body)) throw new RequestError(400, 'The request body must be a JSON object.');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new RequestError(400, 'messages: at least one message is required');
  }
  if (body.model !== undefined && typeof body.model !== 'string') throw new RequestError(400, 'model: must be a string');
  const tools = Array.isArray(body.tools) ? body.tools.filter(isObject).map((t) => String(t.name ?? '')) : [];
  return {
    model: typeof body.model === 'string' && body.model !== '' ? body.model : 'paddock-mock',
    messages: body.messages.flatMap(normalise),
    stream: body.stream === true,
    tools,
  };
}
