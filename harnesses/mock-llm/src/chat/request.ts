import { isObject, type ChatMessage, type PriorToolCall } from '../conversation.ts';
import { RequestError } from '../errors.ts';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  includeUsage: boolean;
}

/** Text of `content`, which OpenAI allows as a string, null, or an array of parts. */
function contentText(content: unknown, where: string): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : '')).join('');
  }
  throw new RequestError(400, `${where}.content must be a string, null or an array of content parts`);
}

function toolCalls(value: unknown, where: string): PriorToolCall[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new RequestError(400, `${where}.tool_calls must be an array`);
  return value.map((call, i) => {
    const fn = isObject(call) ? call.function : undefined;
    if (!isObject(call) || !isObject(fn) || typeof fn.name !== 'string') {
      throw new RequestError(400, `${where}.tool_calls[${i}] must have a function with a name`);
    }
    return {
      id: typeof call.id === 'string' ? call.id : '',
      name: fn.name,
      arguments: typeof fn.arguments === 'string' ? fn.arguments : '',
    };
  });
}

function message(value: unknown, i: number): ChatMessage {
  const where = `messages[${i}]`;
  if (!isObject(value)) throw new RequestError(400, `${where} must be an object`, 'invalid_request_error', 'invalid_value');
  if (typeof value.role !== 'string') throw new RequestError(400, `${where}.role must be a string`);
  return {
    role: value.role,
    content: contentText(value.content, where),
    toolCalls: toolCalls(value.tool_calls, where),
    toolCallId: typeof value.tool_call_id === 'string' ? value.tool_call_id : undefined,
  };
}

/** Validates a parsed `/v1/chat/completions` body the way OpenAI would reject it. */
export function parseChatRequest(body: unknown): ChatRequest {
  if (!isObject(body)) throw new RequestError(400, 'The request body must be a JSON object.');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new RequestError(400, "'messages' is required and must be a non-empty array.", 'invalid_request_error', 'missing_required_parameter');
  }
  if (body.model !== undefined && typeof body.model !== 'string') {
    throw new RequestError(400, "'model' must be a string.");
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    model: typeof body.model === 'string' && body.model !== '' ? body.model : 'paddock-mock',
    messages: body.messages.map(message),
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}
