import type { Translator, TurnSink } from '../cli/protocol.ts';
import { isJson, list, num, obj, str, type Json } from '../cli/json.ts';

/** Text of a tool_result's content: a string or an array of text blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  return list(content)
    .map((block) => (str(obj(block).type) === 'text' ? str(obj(block).text) : ''))
    .join('');
}

/** Why a `result` line reports failure, in the CLI's own words where it gave any. */
function failureOf(result: Json): string {
  const text = str(result.result);
  if (text !== '') return text;
  const errors = list(result.errors).map(str).filter(Boolean);
  if (errors.length > 0) return errors.join('; ');
  return `Claude Code stopped: ${str(result.subtype) || 'unknown error'}.`;
}

/**
 * Reads Claude Code's `--output-format stream-json` lines. Top-level lines only: lines of
 * sub-agents (`parent_tool_use_id` set) are the Task tool's inner work, reported through
 * its result. With partial messages, text and thinking come from `stream_event` deltas and
 * the `assistant` lines only add tool calls; without them, `assistant` lines carry the text.
 */
export class ClaudeStreamTranslator implements Translator {
  readonly #sink: TurnSink;
  #messageId = '';
  /** Messages whose text or thinking already streamed as deltas. */
  readonly #streamed = new Set<string>();

  constructor(sink: TurnSink) {
    this.#sink = sink;
  }

  handle(line: Json): void {
    if (line.parent_tool_use_id !== null && line.parent_tool_use_id !== undefined) return;
    switch (line.type) {
      case 'system':
        if (line.subtype === 'init' && str(line.session_id) !== '') this.#sink.session(str(line.session_id));
        else if (line.subtype === 'api_retry') this.#sink.warn(`retrying a model request: ${JSON.stringify(line.error ?? line)}`);
        return;
      case 'stream_event':
        return this.#streamEvent(obj(line.event));
      case 'assistant':
        // A failed model request shows up as a synthetic assistant message; its `result` line reports the failure.
        if (line.is_api_error_message === true) return;
        return this.#assistant(obj(line.message));
      case 'user':
        return this.#toolResults(obj(line.message));
      case 'result':
        return this.#result(line);
    }
  }

  #step(messageId: string): void {
    if (messageId === '' || messageId === this.#messageId) return;
    if (this.#messageId !== '') this.#sink.endStep();
    this.#messageId = messageId;
  }

  #streamEvent(event: Json): void {
    if (event.type === 'message_start') {
      this.#step(str(obj(event.message).id));
    } else if (event.type === 'content_block_delta') {
      const delta = obj(event.delta);
      if (delta.type === 'text_delta') {
        this.#streamed.add(this.#messageId);
        this.#sink.text(str(delta.text));
      } else if (delta.type === 'thinking_delta') {
        this.#streamed.add(this.#messageId);
        this.#sink.thinking(str(delta.thinking));
      }
    }
  }

  #assistant(message: Json): void {
    this.#step(str(message.id));
    const streamed = this.#streamed.has(this.#messageId);
    for (const block of list(message.content).filter(isJson)) {
      if (block.type === 'text' && !streamed) this.#sink.text(str(block.text));
      else if (block.type === 'thinking' && !streamed) this.#sink.thinking(str(block.thinking));
      else if (block.type === 'tool_use') this.#sink.toolCall({ id: str(block.id), name: str(block.name), input: obj(block.input) });
    }
  }

  #toolResults(message: Json): void {
    for (const block of list(message.content).filter(isJson)) {
      if (block.type === 'tool_result') this.#sink.toolResult(str(block.tool_use_id), resultText(block.content), block.is_error === true);
    }
  }

  #result(result: Json): void {
    const usage = obj(result.usage);
    const cacheRead = num(usage.cache_read_input_tokens);
    const cacheWrite = num(usage.cache_creation_input_tokens);
    this.#sink.usage({
      // Cached prompt tokens are prompt tokens too.
      inputTokens: num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens),
      outputTokens: num(usage.output_tokens),
      ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
      ...(cacheWrite > 0 ? { cacheWriteTokens: cacheWrite } : {}),
    });
    if (result.is_error === true || str(result.subtype) !== 'success') this.#sink.failed(failureOf(result));
    else this.#sink.completed();
  }
}
