import type { ProtocolReply } from '../reply.ts';

/** Ids of one response's output items, derived from the response id so replies stay deterministic. */
export interface ItemIds {
  reasoning: string;
  message: string;
  functionCall: string;
}

export const itemIds = (responseId: string): ItemIds => {
  const suffix = responseId.replace(/^resp_/, '');
  return { reasoning: `rs_${suffix}`, message: `msg_${suffix}`, functionCall: `fc_${suffix}` };
};

export const reasoningItem = (id: string, text: string) => ({ id, type: 'reasoning', summary: text === '' ? [] : [{ type: 'summary_text', text }] });

export const outputText = (text: string) => ({ type: 'output_text', text, annotations: [] });

export const messageItem = (id: string, text: string, status: 'in_progress' | 'completed') => ({
  id,
  type: 'message',
  status,
  role: 'assistant',
  content: status === 'completed' ? [outputText(text)] : [],
});

/** A call of a custom (freeform) tool: text input instead of JSON arguments. */
const customCallItem = (id: string, reply: Extract<ProtocolReply, { kind: 'tool' }>, status: 'in_progress' | 'completed') => ({
  id,
  type: 'custom_tool_call',
  status,
  call_id: reply.callId,
  name: reply.use.name,
  input: status === 'completed' ? reply.argumentChunks.join('') : '',
});

export const functionCallItem = (id: string, reply: Extract<ProtocolReply, { kind: 'tool' }>, status: 'in_progress' | 'completed') =>
  reply.custom
    ? customCallItem(id, reply, status)
    : {
        id,
        type: 'function_call',
        status,
        call_id: reply.callId,
        ...(reply.use.namespace ? { namespace: reply.use.namespace } : {}),
        name: reply.use.name,
        arguments: status === 'completed' ? reply.argumentChunks.join('') : '',
      };

/** Every output item of a finished reply, as `response.completed` and the non-streaming body list them. */
export function finalOutput(ids: ItemIds, reply: ProtocolReply): Array<Record<string, unknown>> {
  if (reply.kind === 'tool') return [functionCallItem(ids.functionCall, reply, 'completed')];
  const items: Array<Record<string, unknown>> = [];
  if (reply.thinking.length > 0) items.push(reasoningItem(ids.reasoning, reply.thinking.join('')));
  items.push(messageItem(ids.message, reply.tokens.join(''), 'completed'));
  return items;
}

export const usageOf = (inputTokens: number, reply: ProtocolReply) => {
  const reasoning = reply.kind === 'text' ? reply.thinking.length : 0;
  const output = reply.kind === 'text' ? reply.tokens.length + reasoning : reply.argumentChunks.length;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: reasoning },
    total_tokens: inputTokens + output,
  };
};
