import type { HistoryMessage, ToolCall } from '../../api.ts';
import type { Usage } from '../../events.ts';
import { TurnError, type HarnessAdapter, type TurnContext, type TurnOutcome } from '../adapter.ts';
import { openChatStream } from './gateway.ts';
import { emptyStep, readChatStream, type StepResult, type StreamedToolCall } from './stream-reader.ts';
import { TOOL_DEFINITIONS } from './tool-definitions.ts';
import { executeTool, type ToolEnvironment } from './tools.ts';
import { conversation, toWire, type WireMessage } from './wire.ts';

/** Parses streamed arguments; a model that emits broken JSON gets told so in the tool result. */
function parseInput(call: StreamedToolCall): { input: Record<string, unknown>; error?: string } {
  if (call.arguments.trim() === '') return { input: {} };
  try {
    const value: unknown = JSON.parse(call.arguments);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return { input: value as Record<string, unknown> };
    return { input: {}, error: 'Error: the tool arguments must be a JSON object.' };
  } catch {
    return { input: { arguments: call.arguments }, error: 'Error: the tool arguments were not valid JSON.' };
  }
}

/** A tool call to run, or to answer with `argumentError` when its arguments were unusable. */
interface PlannedCall extends ToolCall {
  argumentError: string | undefined;
}

class ChatTurn {
  readonly #ctx: TurnContext;
  readonly #messages: WireMessage[];
  readonly #usage: Usage = { inputTokens: 0, outputTokens: 0 };
  readonly #tools: ToolEnvironment;

  constructor(ctx: TurnContext) {
    this.#ctx = ctx;
    // Built once per turn, then extended as messages are recorded.
    this.#messages = conversation(ctx.session.systemPrompt, ctx.session.history);
    this.#tools = {
      workspace: ctx.workspace,
      env: ctx.session.commandEnv,
      timeoutMs: ctx.session.limits.toolTimeoutMs,
      maxOutputBytes: ctx.session.limits.maxToolOutputBytes,
      network: ctx.session.limits.commandNetwork,
      memoryLimitBytes: ctx.session.sandbox.memoryLimitBytes,
      signal: ctx.signal,
    };
  }

  #record(message: HistoryMessage): void {
    this.#ctx.record(message);
    this.#messages.push(toWire(message));
  }

  async run(): Promise<TurnOutcome> {
    const { maxSteps } = this.#ctx.session.limits;
    for (let step = 0; step < maxSteps; step++) {
      const calls = await this.#modelStep();
      if (calls.length === 0) return { usage: this.#usage };
      await this.#runTools(calls);
    }
    throw new TurnError(
      `The agent stopped after ${maxSteps} model steps without a final answer (limits.maxSteps). Ask it to continue, or raise the limit.`,
    );
  }

  /** One streamed model request; records the assistant message and returns its tool calls. */
  async #modelStep(): Promise<PlannedCall[]> {
    const ctx = this.#ctx;
    const step: StepResult = emptyStep();
    try {
      const body = await openChatStream(
        ctx.session.gateway,
        {
          model: ctx.session.model,
          messages: this.#messages,
          tools: TOOL_DEFINITIONS,
          stream: true,
          stream_options: { include_usage: true },
        },
        ctx.signal,
      );
      await readChatStream(body, step, (delta) => ctx.emit({ type: 'message.delta', delta }));
    } catch (error) {
      // Keep what the model already said so the next turn knows it.
      if (ctx.signal.aborted && step.text !== '') this.#record({ role: 'assistant', content: step.text });
      if (ctx.signal.aborted || error instanceof TurnError) throw error;
      throw new TurnError(`The model stream broke off: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!step.done) throw new TurnError('The model stream ended before the model finished its answer.');
    this.#usage.inputTokens += step.inputTokens;
    this.#usage.outputTokens += step.outputTokens;

    const calls: PlannedCall[] = step.toolCalls.map((call, i) => {
      const { input, error } = parseInput(call);
      return { id: call.id || `call_${ctx.turnId}_${i}`, name: call.name, input, argumentError: error };
    });
    const toolCalls: ToolCall[] = calls.map(({ id, name, input }) => ({ id, name, input }));
    this.#record({ role: 'assistant', content: step.text, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    if (step.text !== '' || toolCalls.length === 0) ctx.emit({ type: 'message.completed', content: step.text });
    return calls;
  }

  async #runTools(calls: PlannedCall[]): Promise<void> {
    const ctx = this.#ctx;
    for (const [i, call] of calls.entries()) {
      if (ctx.signal.aborted) {
        // Every tool call needs a result, or the model API rejects the conversation.
        for (const skipped of calls.slice(i)) {
          this.#record({ role: 'tool', toolCallId: skipped.id, content: 'Cancelled before it ran.' });
        }
        ctx.signal.throwIfAborted();
      }
      ctx.emit({ type: 'tool.call', id: call.id, name: call.name, input: call.input });
      const result = call.argumentError
        ? { output: call.argumentError, isError: true }
        : await executeTool(call.name, call.input, this.#tools);
      ctx.emit({ type: 'tool.result', id: call.id, output: result.output, isError: result.isError });
      this.#record({ role: 'tool', toolCallId: call.id, content: result.output });
    }
    ctx.signal.throwIfAborted();
  }
}

/** The `chat` harness: a tool-using agent loop against an OpenAI-compatible streaming endpoint. */
export function createChatAdapter(): HarnessAdapter {
  return {
    name: 'chat',
    runTurn: (ctx) => new ChatTurn(ctx).run(),
  };
}
