import { isClientPreamble, isObject, type ChatMessage, type Conversation, type Json } from '../conversation.ts';
import { RequestError } from '../errors.ts';
import type { ProtocolReply } from '../reply.ts';
import { chunkArguments } from '../tokens.ts';

/** Text of a string or of `input_text` / `output_text` / `text` parts, skipping CLI preamble parts. */
function partsText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (isObject(p) && typeof p.text === 'string' && !isClientPreamble(p.text) ? p.text : '')).join('');
}

const message = (role: string, content: string): ChatMessage => ({ role, content, toolCalls: [], toolCallId: undefined });

/** Appends a call to the assistant message it belongs to, starting one when needed. */
function addCall(out: ChatMessage[], id: string, name: string, args: string): void {
  let last = out.at(-1);
  if (last?.role !== 'assistant') {
    last = message('assistant', '');
    out.push(last);
  }
  last.toolCalls.push({ id, name, arguments: args });
}

/** Folds Responses input items into chat messages; reasoning and unknown items are skipped. */
function normalise(items: Json[]): ChatMessage[] {
  const out: ChatMessage[] = [];
  for (const item of items) {
    const type = item.type ?? 'message';
    const callId = typeof item.call_id === 'string' ? item.call_id : '';
    if (type === 'message' && typeof item.role === 'string') {
      const text = partsText(item.content);
      // Instructions are system context; preamble-only user messages are not the prompt.
      if (item.role === 'developer' || item.role === 'system') out.push(message('system', text));
      else if (text !== '' || item.role === 'assistant') out.push(message(item.role, text));
    } else if (type === 'function_call') {
      const name = String(item.name ?? '');
      addCall(
        out,
        callId,
        typeof item.namespace === 'string' ? `${item.namespace}__${name}` : name,
        typeof item.arguments === 'string' ? item.arguments : '{}',
      );
    } else if (type === 'custom_tool_call') {
      addCall(out, callId, String(item.name ?? ''), JSON.stringify({ input: item.input }));
    } else if (type === 'local_shell_call' && isObject(item.action)) {
      addCall(out, callId, 'local_shell', JSON.stringify({ command: item.action.command }));
    } else if (type === 'function_call_output' || type === 'custom_tool_call_output' || type === 'local_shell_call_output') {
      const output = typeof item.output === 'string' ? item.output : partsText(item.output);
      out.push({ role: 'tool', content: output, toolCalls: [], toolCallId: callId });
    }
  }
  return out;
}

/** A Responses request: the conversation, and the namespaces and custom (freeform) tools the client offered. */
export type ResponsesRequest = Conversation & { namespaces: string[]; customTools: string[] };

/**
 * A tool call named `<namespace>__<tool>` (as `/call` names it) split into the namespace
 * the client offered and the tool inside it, as the Responses API sends such calls.
 */
export function inNamespace(reply: ProtocolReply, namespaces: readonly string[]): ProtocolReply {
  if (reply.kind !== 'tool') return reply;
  const namespace = namespaces.filter((ns) => reply.use.name.startsWith(`${ns}__`)).sort((a, b) => b.length - a.length)[0];
  if (!namespace) return reply;
  return { ...reply, use: { ...reply.use, namespace, name: reply.use.name.slice(namespace.length + 2) } };
}

/**
 * A call of a tool the client offered as a custom (freeform) tool, such as Codex's
 * `apply_patch`: its input is the text of the call's `input` argument (`/call apply_patch
 * {"input": "*** Begin Patch…"}`), or the arguments as JSON when there is none.
 */
export function asCustom(reply: ProtocolReply, customTools: readonly string[]): ProtocolReply {
  if (reply.kind !== 'tool' || reply.use.namespace || !customTools.includes(reply.use.name)) return reply;
  const { input } = reply.use.input;
  return { ...reply, custom: true, argumentChunks: chunkArguments(typeof input === 'string' ? input : JSON.stringify(reply.use.input)) };
}

/** Validates a `POST /v1/responses` body the way the Responses API would reject it. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  if (!isObject(body)) throw new RequestError(400, 'The request body must be a JSON object.');
  const input = body.input;
  if (typeof input !== 'string' && !Array.isArray(input)) {
    throw new RequestError(400, "'input' is required and must be a string or an array of items.", 'invalid_request_error', 'missing_required_parameter');
  }
  if (body.model !== undefined && typeof body.model !== 'string') throw new RequestError(400, "'model' must be a string.");
  const messages = typeof input === 'string' ? [message('user', input)] : normalise(input.filter(isObject));
  if (typeof body.instructions === 'string' && body.instructions !== '') messages.unshift(message('system', body.instructions));
  const offered = Array.isArray(body.tools) ? body.tools.filter(isObject) : [];
  // A namespace's tools count as offered under their qualified names.
  const tools = offered.flatMap((t) =>
    t.type === 'namespace' && Array.isArray(t.tools)
      ? t.tools.filter(isObject).map((inner) => `${String(t.name)}__${String(inner.name ?? '')}`)
      : [String(t.name ?? t.type ?? '')],
  );
  const namespaces = offered.filter((t) => t.type === 'namespace' && typeof t.name === 'string').map((t) => String(t.name));
  return {
    model: typeof body.model === 'string' && body.model !== '' ? body.model : 'paddock-mock',
    messages,
    stream: body.stream === true,
    tools,
    namespaces,
    customTools: offered.filter((t) => t.type === 'custom' && typeof t.name === 'string').map((t) => String(t.name)),
  };
}
