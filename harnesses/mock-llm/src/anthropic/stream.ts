import type { ServerResponse } from 'node:http';
import type { Pacer } from '../pacing.ts';
import { unitCount, type ProtocolReply } from '../reply.ts';
import { sendEvent, startSse } from '../sse.ts';

export interface MessageMeta {
  id: string;
  model: string;
  inputTokens: number;
}

/** Thinking blocks carry a signature the client sends back; the mock never checks it. */
const SIGNATURE = 'paddock-mock-signature';

const toolUseId = (callId: string) => `toolu_${callId.replace(/^call_/, '')}`;
const stopReason = (reply: ProtocolReply) => (reply.kind === 'tool' ? 'tool_use' : 'end_turn');

/** The content blocks of a whole reply, as the non-streaming API returns them. */
function contentOf(reply: ProtocolReply): Array<Record<string, unknown>> {
  if (reply.kind === 'tool') return [{ type: 'tool_use', id: toolUseId(reply.callId), name: reply.use.name, input: reply.use.input }];
  const blocks: Array<Record<string, unknown>> = [];
  if (reply.thinking.length > 0) blocks.push({ type: 'thinking', thinking: reply.thinking.join(''), signature: SIGNATURE });
  blocks.push({ type: 'text', text: reply.tokens.join('') });
  return blocks;
}

/** Starts a block and writes one paced delta per unit (the caller stops it). Returns the next unit index. */
async function block(
  res: ServerResponse,
  pacer: Pacer,
  index: number,
  firstUnit: number,
  start: Record<string, unknown>,
  units: string[],
  delta: (unit: string) => Record<string, unknown>,
): Promise<number> {
  sendEvent(res, 'content_block_start', { index, content_block: start });
  let unit = firstUnit;
  for (const piece of units) {
    await pacer.waitFor(unit++);
    sendEvent(res, 'content_block_delta', { index, delta: delta(piece) });
  }
  return unit;
}

/** Streams a Messages API reply: message_start, paced content blocks, message_delta with usage, message_stop. */
export async function streamMessage(res: ServerResponse, meta: MessageMeta, reply: ProtocolReply, pacer: Pacer): Promise<void> {
  startSse(res);
  sendEvent(res, 'message_start', {
    message: {
      id: meta.id,
      type: 'message',
      role: 'assistant',
      model: meta.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: meta.inputTokens, output_tokens: 1 },
    },
  });
  let index = 0;
  if (reply.kind === 'tool') {
    const start = { type: 'tool_use', id: toolUseId(reply.callId), name: reply.use.name, input: {} };
    await block(res, pacer, index, 0, start, reply.argumentChunks, (partial_json) => ({ type: 'input_json_delta', partial_json }));
    sendEvent(res, 'content_block_stop', { index });
  } else {
    let unit = 0;
    if (reply.thinking.length > 0) {
      unit = await block(res, pacer, index, unit, { type: 'thinking', thinking: '', signature: '' }, reply.thinking, (thinking) => ({
        type: 'thinking_delta',
        thinking,
      }));
      sendEvent(res, 'content_block_delta', { index, delta: { type: 'signature_delta', signature: SIGNATURE } });
      sendEvent(res, 'content_block_stop', { index });
      index++;
    }
    await block(res, pacer, index, unit, { type: 'text', text: '' }, reply.tokens, (text) => ({ type: 'text_delta', text }));
    sendEvent(res, 'content_block_stop', { index });
  }
  sendEvent(res, 'message_delta', {
    delta: { stop_reason: stopReason(reply), stop_sequence: null },
    usage: { output_tokens: unitCount(reply) },
  });
  sendEvent(res, 'message_stop', {});
  res.end();
}

/** The non-streaming Messages API body, sent once the whole reply would have streamed. */
export async function messageAtOnce(meta: MessageMeta, reply: ProtocolReply, pacer: Pacer): Promise<Record<string, unknown>> {
  const units = unitCount(reply);
  if (units > 0) await pacer.waitFor(units - 1);
  return {
    id: meta.id,
    type: 'message',
    role: 'assistant',
    model: meta.model,
    content: contentOf(reply),
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: { input_tokens: meta.inputTokens, output_tokens: units },
  };
}
