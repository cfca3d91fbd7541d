import type { ApprovalDecision, HistoryMessage, ToolCall } from '../../api.ts';
import type { Usage } from '../../events.ts';
import { TurnError, type HarnessAdapter, type TurnContext, type TurnOutcome } from '../adapter.ts';
import { proxyDispatcher } from '../../http/proxy.ts';
import { MCP_SEPARATOR, McpCallError } from '../../mcp/mcp-hub.ts';
import { decide, describeRule } from '../../policy/tool-policy.ts';
import { truncateText } from '../../process/capped-output.ts';
import { childTraceparent } from '../../trace-context.ts';
import { GatewayError, openChatStream } from './gateway.ts';
import { emptyStep, readChatStream, type StepResult, type StreamedToolCall } from './stream-reader.ts';
import { TOOL_DEFINITIONS } from './tool-definitions.ts';
import { executeTool, type ToolEnvironment, type ToolOutput } from './tools.ts';
import { conversation, pendingCalls, toWire, type WireMessage } from './wire.ts';

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
    await this.#connectMcp();
    if (this.#ctx.resume) {
      const pending = pendingCalls(this.#ctx.session.history).map((c) => ({ ...c, argumentError: undefined }));
      const pausedOn = await this.#runTools(pending, this.#ctx.resume);
      if (pausedOn !== undefined) return { usage: this.#usage, pausedOn };
    }
    for (let step = 0; step < maxSteps; step++) {
      const calls = await this.#modelStep();
      if (calls.length === 0) return { usage: this.#usage };
      const pausedOn = await this.#runTools(calls, []);
      if (pausedOn !== undefined) return { usage: this.#usage, pausedOn };
    }
    throw new TurnError(`The agent stopped after ${maxSteps} model steps without a final answer (limits.maxSteps). Ask it to continue, or raise the limit.`);
  }

  /** Lists the MCP servers' tools (connecting those not yet connected); a failure is an event, not a failed turn. */
  async #connectMcp(): Promise<void> {
    const { mcp } = this.#ctx.session;
    if (mcp.empty) return;
    for (const failure of await mcp.connect(this.#ctx.signal)) {
      this.#ctx.emit({ type: 'mcp.error', server: failure.server, phase: 'connect', error: failure.error });
    }
  }

  #toolDefinitions() {
    const mcpTools = this.#ctx.session.mcp.tools().map((tool) => ({
      type: 'function' as const,
      function: { name: tool.qualifiedName, description: tool.description, parameters: tool.inputSchema },
    }));
    return [...TOOL_DEFINITIONS, ...mcpTools];
  }

  /** One model request; records the assistant message and returns its tool calls. */
  async #modelStep(): Promise<PlannedCall[]> {
    const ctx = this.#ctx;
    const { modelMaxRetries } = ctx.session.limits;
    let step: StepResult;
    for (let attempt = 0; ; attempt++) {
      step = emptyStep();
      try {
        await this.#stream(step);
        break;
      } catch (error) {
        // Only a request that produced nothing yet is repeated; a reply cannot be taken back.
        const untouched = step.text === '' && step.toolCalls.length === 0;
        if (!(error instanceof GatewayError) || !error.retryable || !untouched || ctx.signal.aborted) throw error;
        const delayMs = retryDelay(attempt, error.retryAfterMs);
        if (attempt >= modelMaxRetries || delayMs === undefined) {
          throw attempt > 0 ? new TurnError(`${error.message} (gave up after ${attempt} ${attempt === 1 ? 'retry' : 'retries'})`) : error;
        }
        ctx.emit({
          type: 'model.retry',
          attempt: attempt + 1,
          maxRetries: modelMaxRetries,
          ...(error.status !== undefined ? { status: error.status } : {}),
          delayMs,
          error: error.message,
        });
        ctx.log.warn({ attempt: attempt + 1, status: error.status, delayMs }, 'model request failed; retrying');
        await sleep(delayMs, ctx.signal);
      }
    }
    if (!step.done) throw new TurnError('The model stream ended before the model finished its answer.');
    ctx.emit({
      type: 'model.response',
      usage: { inputTokens: step.inputTokens, outputTokens: step.outputTokens },
      ...(step.responseModel ? { responseModel: step.responseModel } : {}),
      ...(step.finishReason ? { finishReason: step.finishReason } : {}),
    });
    this.#usage.inputTokens += step.inputTokens;
    this.#usage.outputTokens += step.outputTokens;
    if (step.cacheReadTokens > 0) this.#usage.cacheReadTokens = (this.#usage.cacheReadTokens ?? 0) + step.cacheReadTokens;
    ctx.usage(this.#usage);

    const calls: PlannedCall[] = step.toolCalls.map((call, i) => {
      const { input, error } = parseInput(call);
      return { id: call.id || `call_${ctx.turnId}_${i}`, name: call.name, input, argumentError: error };
    });
    const toolCalls: ToolCall[] = calls.map(({ id, name, input }) => ({ id, name, input }));
    this.#record({ role: 'assistant', content: step.text, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
    if (step.text !== '' || toolCalls.length === 0) ctx.emit({ type: 'message.completed', content: step.text });
    return calls;
  }

  /**
   * Streams one model answer into `step`, bounded in time: the first byte must come
   * within `modelFirstByteTimeoutMs`, and then something at least every `modelIdleTimeoutMs`.
   */
  async #stream(step: StepResult): Promise<void> {
    const ctx = this.#ctx;
    const { modelFirstByteTimeoutMs, modelIdleTimeoutMs } = ctx.session.limits;
    const watchdog = new AbortController();
    const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
    const firstByte = `The model gateway did not start answering within ${seconds(modelFirstByteTimeoutMs)} (model first-byte timeout). The gateway or the model provider may be overloaded or down; send the message again later.`;
    const idle = `The model gateway stopped sending the answer for ${seconds(modelIdleTimeoutMs)} (model stream idle timeout). Send the message again; if it keeps happening, check the gateway.`;
    // One timer for the whole answer: a read only notes its time, and the timer, when it
    // fires, either gives up or sleeps until the new deadline (no timer churn per token).
    const started = performance.now();
    let lastByte: number | undefined;
    let timedOut: string | null = null;
    const check = () => {
      const limit = lastByte === undefined ? modelFirstByteTimeoutMs : modelIdleTimeoutMs;
      const left = (lastByte ?? started) + limit - performance.now();
      if (left > 0) {
        timer = setTimeout(check, left);
        return;
      }
      timedOut = lastByte === undefined ? firstByte : idle;
      watchdog.abort();
    };
    let timer = setTimeout(check, modelFirstByteTimeoutMs);
    const onBytes = () => {
      // The idle limit may be shorter than the first-byte one: the timer must wake by then.
      if (lastByte === undefined && modelIdleTimeoutMs < modelFirstByteTimeoutMs) {
        clearTimeout(timer);
        timer = setTimeout(check, modelIdleTimeoutMs);
      }
      lastByte = performance.now();
    };
    const traced = ctx.trace ? childTraceparent(ctx.trace) : undefined;
    ctx.emit({ type: 'model.request', model: ctx.session.model, ...(traced ? { spanId: traced.spanId } : {}) });
    try {
      const body = await openChatStream(
        ctx.session.gateway,
        {
          model: ctx.session.model,
          messages: this.#messages,
          tools: this.#toolDefinitions(),
          stream: true,
          stream_options: { include_usage: true },
        },
        AbortSignal.any([ctx.signal, watchdog.signal]),
        await proxyDispatcher(ctx.session.modelEnv),
        traced ? { traceparent: traced.header } : {},
      );
      await readChatStream(
        body,
        step,
        (delta) => ctx.emit({ type: 'message.delta', delta }),
        (delta) => ctx.emit({ type: 'message.thinking', delta }),
        onBytes,
      );
    } catch (error) {
      // Keep what the model already said so the next turn knows it.
      if (ctx.signal.aborted && step.text !== '') this.#record({ role: 'assistant', content: step.text });
      if (ctx.signal.aborted || error instanceof TurnError) throw error;
      if (timedOut !== null) throw new TurnError(timedOut);
      throw new TurnError(`The model stream broke off: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Runs the calls in order under the agent's tool policy. Returns the id of a call the
   * policy holds for a person (the turn pauses there; later calls wait for the resumed turn).
   */
  async #runTools(calls: PlannedCall[], decisions: readonly ApprovalDecision[]): Promise<string | undefined> {
    const ctx = this.#ctx;
    for (const [i, call] of calls.entries()) {
      if (ctx.signal.aborted) {
        // Every tool call needs a result, or the model API rejects the conversation.
        for (const skipped of calls.slice(i)) {
          this.#record({ role: 'tool', toolCallId: skipped.id, content: 'Cancelled before it ran.' });
        }
        ctx.signal.throwIfAborted();
      }
      const server =
        ctx.session.mcp.find(call.name)?.server ??
        mcpServerOf(
          call.name,
          ctx.session.mcpServers.map((s) => s.name),
        );
      const tagged = server ? { server } : {};
      const decision = decisions.find((d) => d.toolCallId === call.id);
      let result: ToolOutput;
      if (decision) {
        // Its tool.call was streamed when the turn paused on it.
        result = decision.approved ? await this.#execute(call) : { output: `Denied by a person: ${decision.reason || 'no reason given'}.`, isError: true };
      } else {
        ctx.emit({ type: 'tool.call', id: call.id, name: call.name, input: call.input, ...tagged });
        const policy = decide(ctx.session.toolPolicy, call.name, call.input);
        if (policy.action === 'ASK' && policy.rule && !call.argumentError) {
          ctx.emit({ type: 'tool.approval_requested', id: call.id, name: call.name, input: call.input, rule: policy.rule, ...tagged });
          return call.id;
        }
        result =
          policy.action === 'DENY' && policy.rule
            ? { output: `Denied by the agent's tool policy: ${describeRule(policy.rule)}.`, isError: true }
            : await this.#execute(call);
      }
      ctx.emit({ type: 'tool.result', id: call.id, output: result.output, isError: result.isError, ...tagged });
      this.#record({ role: 'tool', toolCallId: call.id, content: result.output });
    }
    ctx.signal.throwIfAborted();
    return undefined;
  }

  async #execute(call: PlannedCall): Promise<ToolOutput> {
    if (call.argumentError) return { output: call.argumentError, isError: true };
    const ctx = this.#ctx;
    const { mcp, mcpServers, limits } = ctx.session;
    const tool = mcp.find(call.name);
    if (!tool) {
      const server = mcpServerOf(
        call.name,
        mcpServers.map((s) => s.name),
      );
      if (server) return { output: `Error: the MCP server "${server}" is unavailable, so "${call.name}" cannot be called now.`, isError: true };
      return executeTool(call.name, call.input, this.#tools);
    }
    try {
      const result = await mcp.call(tool, call.input, limits.toolTimeoutMs, ctx.signal);
      return { output: truncateText(result.output, limits.maxToolOutputBytes), isError: result.isError };
    } catch (error) {
      ctx.signal.throwIfAborted();
      const message = error instanceof McpCallError ? error.message : String(error);
      ctx.emit({ type: 'mcp.error', server: tool.server, phase: 'call', error: message });
      return { output: `Error: the MCP server "${tool.server}" failed the call: ${message}`, isError: true };
    }
  }
}

/** The configured MCP server a `<server>__<tool>` name points at, if any. */
function mcpServerOf(name: string, servers: readonly string[]): string | undefined {
  const at = name.indexOf(MCP_SEPARATOR);
  if (at <= 0) return undefined;
  const server = name.slice(0, at);
  return servers.includes(server) ? server : undefined;
}

/** Longest wait before a retry; a gateway that asks for more gets no retry. */
const MAX_RETRY_DELAY_MS = 60_000;

/** Exponential backoff with jitter from 1 s, or what the gateway asked for in `Retry-After`. */
function retryDelay(attempt: number, retryAfterMs: number | undefined): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs <= MAX_RETRY_DELAY_MS ? retryAfterMs : undefined;
  return Math.round(Math.min(20_000, 1_000 * 2 ** attempt) * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The `chat` harness: a tool-using agent loop against an OpenAI-compatible streaming endpoint. */
export function createChatAdapter(): HarnessAdapter {
  return {
    name: 'chat',
    runTurn: (ctx) => new ChatTurn(ctx).run(),
  };
}
