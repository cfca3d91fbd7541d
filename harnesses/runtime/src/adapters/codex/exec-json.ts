import type { Translator, TurnSink } from '../cli/protocol.ts';
import { num, obj, str, type Json } from '../cli/json.ts';

/** Codex passes a gateway's error body on verbatim; its `error.message` is what a person should read. */
function readable(message: string): string {
  try {
    const body: unknown = JSON.parse(message);
    const inner = str(obj(obj(body).error).message) || str(obj(body).message);
    if (inner !== '') return inner;
  } catch {
    // Plain text already.
  }
  return message;
}
import { toolCallOf, toolResultOf } from './tool-items.ts';

/**
 * Reads `codex exec --json` lines (thread/turn/item events). Codex reports whole items,
 * not tokens, so an agent message arrives as one delta; if a version sends `item.updated`
 * with growing text, only the new part is emitted.
 */
export class CodexExecTranslator implements Translator {
  readonly #sink: TurnSink;
  /** Characters of each text item already emitted. */
  readonly #shown = new Map<string, number>();
  readonly #called = new Set<string>();
  #lastError = '';
  #ended = false;

  constructor(sink: TurnSink) {
    this.#sink = sink;
  }

  handle(line: Json): void {
    switch (line.type) {
      case 'thread.started':
        if (str(line.thread_id) !== '') this.#sink.session(str(line.thread_id));
        return;
      case 'item.started':
      case 'item.updated':
      case 'item.completed':
        return this.#item(obj(line.item), line.type === 'item.completed');
      case 'turn.completed': {
        const usage = obj(line.usage);
        // Codex's input_tokens already include the cached ones.
        const cacheRead = num(usage.cached_input_tokens);
        this.#sink.usage({
          inputTokens: num(usage.input_tokens),
          outputTokens: num(usage.output_tokens),
          ...(cacheRead > 0 ? { cacheReadTokens: cacheRead } : {}),
        });
        this.#ended = true;
        return this.#sink.completed();
      }
      case 'turn.failed':
        this.#ended = true;
        return this.#sink.failed(readable(str(obj(line.error).message) || this.#lastError) || 'Codex reported that the turn failed.');
      case 'error':
        // Often followed by turn.failed; kept in case the process just exits.
        this.#lastError = str(line.message);
        return this.#sink.warn(this.#lastError);
    }
  }

  /** A call announced by an earlier run of the turn (one that paused for approval): its result comes here, its call does not again. */
  announced(id: string): void {
    this.#called.add(id);
  }

  finish(): void {
    if (!this.#ended && this.#lastError !== '') this.#sink.failed(readable(this.#lastError));
  }

  /** Emits the part of a growing text item not yet shown. */
  #grow(item: Json, emit: (delta: string) => void): void {
    const id = str(item.id);
    const text = str(item.text);
    const shown = this.#shown.get(id) ?? 0;
    if (text.length > shown) emit(text.slice(shown));
    this.#shown.set(id, Math.max(shown, text.length));
  }

  #item(item: Json, completed: boolean): void {
    switch (item.type) {
      case 'agent_message':
        this.#grow(item, (delta) => this.#sink.text(delta));
        if (completed) this.#sink.endStep();
        return;
      case 'reasoning':
        return this.#grow(item, (delta) => this.#sink.thinking(delta));
      case 'error':
        // Non-fatal notices (e.g. unknown model metadata); fatal ones come as turn.failed.
        return this.#sink.warn(str(item.message));
      case 'todo_list':
        return;
    }
    const call = toolCallOf(item);
    if (!call) return;
    if (!this.#called.has(call.id)) {
      this.#called.add(call.id);
      this.#sink.toolCall(call);
    }
    if (completed) {
      const result = toolResultOf(item);
      this.#sink.toolResult(call.id, result.output, result.isError);
    }
  }
}
