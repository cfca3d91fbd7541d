import { finished, type Readable } from 'node:stream';
import { TurnError } from '../adapter.ts';

/** A tool call being assembled from streamed deltas. */
export interface StreamedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** What one model step produced; filled in as chunks arrive, so a cancel keeps the partial text. */
export interface StepResult {
  text: string;
  toolCalls: StreamedToolCall[];
  inputTokens: number;
  outputTokens: number;
  /** Prompt tokens served from the provider's cache (`prompt_tokens_details.cached_tokens`). */
  cacheReadTokens: number;
  /** Set by a finish_reason or `[DONE]`; still false after the body ends means the stream was cut off. */
  done: boolean;
  /** The model that answered, as the gateway names it (may differ from the one asked for). */
  responseModel?: string;
  finishReason?: string;
}

export const emptyStep = (): StepResult => ({ text: '', toolCalls: [], inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, done: false });

interface ChunkToolCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

interface Chunk {
  model?: string;
  choices?: Array<{ delta?: { content?: string | null; reasoning_content?: string | null; tool_calls?: ChunkToolCall[] }; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } | null } | null;
  error?: { message?: string };
}

function applyToolCalls(step: StepResult, deltas: ChunkToolCall[]): void {
  for (const delta of deltas) {
    const index = delta.index ?? step.toolCalls.length - 1;
    let call = step.toolCalls[index];
    if (!call) {
      call = { id: '', name: '', arguments: '' };
      step.toolCalls[index] = call;
    }
    if (delta.id) call.id = delta.id;
    if (delta.function?.name) call.name += delta.function.name;
    if (delta.function?.arguments) call.arguments += delta.function.arguments;
  }
}

type Listeners = { onText: (delta: string) => void; onThinking?: ((delta: string) => void) | undefined };

function applyChunk(step: StepResult, data: string, { onText, onThinking }: Listeners): void {
  let chunk: Chunk;
  try {
    chunk = JSON.parse(data) as Chunk;
  } catch {
    throw new TurnError('The model gateway sent a malformed stream chunk (not JSON).');
  }
  if (chunk.error) throw new TurnError(`The model gateway reported an error mid-stream: ${chunk.error.message ?? 'unknown error'}`);
  const choice = chunk.choices?.[0];
  if (typeof chunk.model === 'string' && chunk.model !== '') step.responseModel = chunk.model;
  if (choice?.finish_reason) {
    step.done = true;
    step.finishReason = choice.finish_reason;
  }
  const delta = choice?.delta;
  if (delta) {
    // Visible reasoning, as gateways pass it through for reasoning models.
    if (typeof delta.reasoning_content === 'string' && delta.reasoning_content !== '') onThinking?.(delta.reasoning_content);
    if (typeof delta.content === 'string' && delta.content !== '') {
      step.text += delta.content;
      onText(delta.content);
    }
    if (delta.tool_calls) applyToolCalls(step, delta.tool_calls);
  }
  if (chunk.usage) {
    step.inputTokens = chunk.usage.prompt_tokens ?? 0;
    step.outputTokens = chunk.usage.completion_tokens ?? 0;
    step.cacheReadTokens = chunk.usage.prompt_tokens_details?.cached_tokens ?? 0;
  }
}

/**
 * Consumes an OpenAI Server-Sent Events stream into `step`, calling `onText` per content
 * delta, `onThinking` per `reasoning_content` delta and `onBytes` whenever anything
 * arrives (keep-alive comments too, which prove the gateway is alive). Only `data:` lines
 * matter; comments and other fields are skipped. Each read is handled in the stream's own
 * `data` callback, decoded by the stream and cut into lines where they stand: no promise
 * per chunk, and only an unfinished line is kept for the next one.
 */
export function readChatStream(
  body: Readable,
  step: StepResult,
  onText: (delta: string) => void,
  onThinking?: (delta: string) => void,
  onBytes?: () => void,
): Promise<void> {
  const listeners: Listeners = { onText, onThinking };
  const handleLine = (line: string) => {
    if (!line.startsWith('data:')) return;
    const data = line.slice(line.charCodeAt(5) === 32 ? 6 : 5).trimEnd();
    if (data === '[DONE]') step.done = true;
    else if (data !== '') applyChunk(step, data, listeners);
  };
  return new Promise((resolve, reject) => {
    let buffer = '';
    let failed = false;
    body.setEncoding('utf8');
    body.on('data', (text: string) => {
      if (failed) return;
      onBytes?.();
      buffer += text;
      let start = 0;
      try {
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n', start)) {
          handleLine(buffer.slice(start, newline));
          start = newline + 1;
        }
      } catch (error) {
        failed = true;
        body.destroy();
        reject(error);
        return;
      }
      if (start > 0) buffer = buffer.slice(start);
    });
    // Errors, aborts and a connection closed before the end all land here.
    finished(body, (error) => {
      if (failed) return;
      if (error) return reject(error);
      try {
        handleLine(buffer);
      } catch (lastLineError) {
        return reject(lastLineError);
      }
      step.toolCalls = step.toolCalls.filter((call) => call !== undefined);
      resolve();
    });
  });
}
