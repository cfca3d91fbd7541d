import type { ServerResponse } from 'node:http';
import type { Pacer } from '../pacing.ts';
import { unitCount, type ProtocolReply } from '../reply.ts';
import { sendEvent, startSse } from '../sse.ts';
import { finalOutput, functionCallItem, itemIds, messageItem, outputText, reasoningItem, usageOf } from './output.ts';

export interface ResponseMeta {
  id: string;
  model: string;
  createdAt: number;
  inputTokens: number;
}

/** The response object in a given state, as every lifecycle event and the non-streaming body carry it. */
export function responseObject(meta: ResponseMeta, reply: ProtocolReply, done: boolean): Record<string, unknown> {
  return {
    id: meta.id,
    object: 'response',
    created_at: meta.createdAt,
    status: done ? 'completed' : 'in_progress',
    model: meta.model,
    output: done ? finalOutput(itemIds(meta.id), reply) : [],
    usage: done ? usageOf(meta.inputTokens, reply) : null,
  };
}

/** Writes events with the increasing `sequence_number` the Responses API stamps on each. */
class EventWriter {
  readonly #res: ServerResponse;
  #seq = 0;
  constructor(res: ServerResponse) {
    this.#res = res;
  }
  send(type: string, data: Record<string, unknown>): void {
    sendEvent(this.#res, type, { sequence_number: this.#seq++, ...data });
  }
}

async function streamReasoning(out: EventWriter, pacer: Pacer, id: string, index: number, tokens: string[]): Promise<void> {
  const at = { item_id: id, output_index: index, summary_index: 0 };
  out.send('response.output_item.added', { output_index: index, item: reasoningItem(id, '') });
  out.send('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
  for (const [i, delta] of tokens.entries()) {
    await pacer.waitFor(i);
    out.send('response.reasoning_summary_text.delta', { ...at, delta });
  }
  const text = tokens.join('');
  out.send('response.reasoning_summary_text.done', { ...at, text });
  out.send('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
  out.send('response.output_item.done', { output_index: index, item: reasoningItem(id, text) });
}

async function streamText(out: EventWriter, pacer: Pacer, id: string, index: number, tokens: string[], firstUnit: number): Promise<void> {
  const at = { item_id: id, output_index: index, content_index: 0 };
  out.send('response.output_item.added', { output_index: index, item: messageItem(id, '', 'in_progress') });
  out.send('response.content_part.added', { ...at, part: outputText('') });
  for (const [i, delta] of tokens.entries()) {
    await pacer.waitFor(firstUnit + i);
    out.send('response.output_text.delta', { ...at, delta, logprobs: [] });
  }
  const text = tokens.join('');
  out.send('response.output_text.done', { ...at, text, logprobs: [] });
  out.send('response.content_part.done', { ...at, part: outputText(text) });
  out.send('response.output_item.done', { output_index: index, item: messageItem(id, text, 'completed') });
}

async function streamCall(out: EventWriter, pacer: Pacer, id: string, reply: Extract<ProtocolReply, { kind: 'tool' }>): Promise<void> {
  out.send('response.output_item.added', { output_index: 0, item: functionCallItem(id, reply, 'in_progress') });
  const events = reply.custom ? 'response.custom_tool_call_input' : 'response.function_call_arguments';
  for (const [i, delta] of reply.argumentChunks.entries()) {
    await pacer.waitFor(i);
    out.send(`${events}.delta`, { item_id: id, output_index: 0, delta });
  }
  const whole = reply.argumentChunks.join('');
  out.send(`${events}.done`, { item_id: id, output_index: 0, ...(reply.custom ? { input: whole } : { arguments: whole }) });
  out.send('response.output_item.done', { output_index: 0, item: functionCallItem(id, reply, 'completed') });
}

/** Streams a Responses API reply: created, paced output items, completed with usage. */
export async function streamResponse(res: ServerResponse, meta: ResponseMeta, reply: ProtocolReply, pacer: Pacer): Promise<void> {
  const out = new EventWriter(res);
  const ids = itemIds(meta.id);
  startSse(res);
  out.send('response.created', { response: responseObject(meta, reply, false) });
  out.send('response.in_progress', { response: responseObject(meta, reply, false) });
  if (reply.kind === 'tool') {
    await streamCall(out, pacer, ids.functionCall, reply);
  } else {
    const thinking = reply.thinking.length > 0;
    if (thinking) await streamReasoning(out, pacer, ids.reasoning, 0, reply.thinking);
    await streamText(out, pacer, ids.message, thinking ? 1 : 0, reply.tokens, reply.thinking.length);
  }
  out.send('response.completed', { response: responseObject(meta, reply, true) });
  res.end();
}

/** The non-streaming Responses body, sent once the whole reply would have streamed. */
export async function responseAtOnce(meta: ResponseMeta, reply: ProtocolReply, pacer: Pacer): Promise<Record<string, unknown>> {
  const units = unitCount(reply);
  if (units > 0) await pacer.waitFor(units - 1);
  return responseObject(meta, reply, true);
}
