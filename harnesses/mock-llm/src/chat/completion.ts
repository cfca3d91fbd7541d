import type { ServerResponse } from 'node:http';
import type { Pacer } from '../pacing.ts';
import type { Reply } from '../script.ts';
import { chunkArguments } from '../tokens.ts';

type ToolReply = Extract<Reply, { kind: 'tool' }>;
type TextReply = Extract<Reply, { kind: 'text' }>;

/** Fields shared by every chunk and completion of one response. */
export interface CompletionMeta {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
  includeUsage: boolean;
}

const usage = (meta: CompletionMeta, completionTokens: number) => ({
  prompt_tokens: meta.promptTokens,
  completion_tokens: completionTokens,
  total_tokens: meta.promptTokens + completionTokens,
});

/** The stream units of a reply: text tokens, or pieces of the tool call's JSON arguments. */
function units(reply: TextReply | ToolReply): string[] {
  return reply.kind === 'text' ? reply.tokens : chunkArguments(JSON.stringify(reply.arguments));
}

/** Writes an SSE `chat.completion.chunk` stream, one paced chunk per token. */
export async function streamCompletion(res: ServerResponse, meta: CompletionMeta, reply: TextReply | ToolReply, pacer: Pacer): Promise<void> {
  // The prefix is constant per response, so each token costs one small stringify.
  const prefix = `data: {"id":${JSON.stringify(meta.id)},"object":"chat.completion.chunk","created":${meta.created},"model":${JSON.stringify(meta.model)},"choices":`;
  const send = (choices: string) => res.write(`${prefix}${choices}}\n\n`);
  const choice = (delta: unknown, finish: string | null = null) =>
    `[{"index":0,"delta":${JSON.stringify(delta)},"logprobs":null,"finish_reason":${JSON.stringify(finish)}}]`;

  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  res.flushHeaders();

  // Thinking streams first as `reasoning_content`, the field gateways such as LiteLLM use.
  const thinking = reply.kind === 'text' ? reply.thinking : [];
  for (let i = 0; i < thinking.length; i++) {
    await pacer.waitFor(i);
    if (i === 0) send(choice({ role: 'assistant', content: '', reasoning_content: '', refusal: null }));
    send(choice({ reasoning_content: thinking[i] ?? '' }));
  }
  const pieces = units(reply);
  for (let i = 0; i < pieces.length; i++) {
    await pacer.waitFor(thinking.length + i);
    const piece = pieces[i] ?? '';
    if (reply.kind === 'text') {
      if (i === 0) send(choice({ role: 'assistant', content: '', refusal: null }));
      send(choice({ content: piece }));
    } else if (i === 0) {
      send(
        choice({
          role: 'assistant',
          content: null,
          tool_calls: [{ index: 0, id: reply.callId, type: 'function', function: { name: reply.name, arguments: '' } }],
          refusal: null,
        }),
      );
      send(choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    } else {
      send(choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
  }
  if (pieces.length === 0 && thinking.length === 0) send(choice({ role: 'assistant', content: '', refusal: null }));
  send(choice({}, reply.kind === 'text' ? 'stop' : 'tool_calls'));
  if (meta.includeUsage) send(`[],"usage":${JSON.stringify(usage(meta, thinking.length + pieces.length))}`);
  res.end('data: [DONE]\n\n');
}

/** The non-streaming `chat.completion` body, sent once the whole reply would have streamed. */
export async function completeAtOnce(meta: CompletionMeta, reply: TextReply | ToolReply, pacer: Pacer): Promise<Record<string, unknown>> {
  const pieces = units(reply);
  if (pieces.length > 0) await pacer.waitFor(pieces.length - 1);
  const message =
    reply.kind === 'text'
      ? { role: 'assistant', content: pieces.join(''), refusal: null }
      : {
          role: 'assistant',
          content: null,
          refusal: null,
          tool_calls: [{ id: reply.callId, type: 'function', function: { name: reply.name, arguments: JSON.stringify(reply.arguments) } }],
        };
  return {
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.kind === 'text' ? 'stop' : 'tool_calls' }],
    usage: usage(meta, pieces.length),
  };
}
