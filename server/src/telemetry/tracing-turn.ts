import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { encodeGlobalId } from '../ids/global-id.ts';
import type { StepObserver, TurnStep } from '../turns/timeline.ts';
import { attributes, captureMessageContent, contextFrom, failSpan, GENAI, startSpanWithId, tracer, tracingEnabled, traceHeaders } from './tracing.ts';

export type TurnTraceStart = {
  turnId: string;
  sessionId: string;
  /** The trace context stored with the turn by the request that queued it. */
  traceContext: unknown;
  queuedAt: Date;
  claimedAt: Date;
  agent: { id: string; name: string; harness: string; model: string };
  /** The model gateway, for `server.address` / `server.port`. */
  gatewayUrl: string;
};

type Ending = {
  status: 'COMPLETED' | 'FAILED' | 'CANCELLED' | 'AWAITING_APPROVAL';
  error?: string | undefined;
  usage?: { inputTokens: number; outputTokens: number } | undefined;
};

/** The provider whose API the harness speaks to the gateway. */
function providerOf(harness: string): string {
  return harness === 'claude-code' ? 'anthropic' : 'openai';
}

/** The GenAI `{role, parts}` message shape, as a JSON string. */
function messages(role: 'user' | 'assistant', text: string): string {
  return JSON.stringify([{ role, parts: [{ type: 'text', content: text }] }]);
}

/**
 * The spans of one turn, following the OpenTelemetry GenAI conventions:
 * `invoke_agent {agent}` (from the moment the turn was queued) with children for the
 * queue wait, the sandbox acquisition, each model request (`chat {model}`) and each
 * tool call (`execute_tool {tool}`). Everything handed in here is already redacted;
 * message content is added only when OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT is set.
 */
export class TurnTrace implements StepObserver {
  readonly #root: Span;
  readonly #context: Context;
  readonly #start: TurnTraceStart;
  readonly #spans = new Map<TurnStep, Span>();
  readonly #server: { address: string; port: number | undefined };
  readonly #conversationId: string;

  /** Null when tracing is off: the turn then records no spans at all. */
  static begin(start: TurnTraceStart): TurnTrace | null {
    return tracingEnabled() ? new TurnTrace(start) : null;
  }

  private constructor(start: TurnTraceStart) {
    this.#start = start;
    this.#conversationId = encodeGlobalId('Session', start.sessionId);
    const { agent } = start;
    const url = new URL(start.gatewayUrl);
    this.#server = { address: url.hostname, port: url.port ? Number(url.port) : undefined };
    this.#root = tracer().startSpan(
      `invoke_agent ${agent.name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: start.queuedAt,
        attributes: attributes({
          [GENAI.operationName]: 'invoke_agent',
          [GENAI.providerName]: providerOf(agent.harness),
          // The ids the GraphQL API shows, so a trace leads straight to the agent and session.
          [GENAI.agentId]: encodeGlobalId('Agent', agent.id),
          [GENAI.agentName]: agent.name,
          [GENAI.conversationId]: this.#conversationId,
          [GENAI.requestModel]: agent.model,
          'paddock.turn.id': encodeGlobalId('Turn', start.turnId),
          'paddock.harness': agent.harness,
        }),
      },
      contextFrom(start.traceContext),
    );
    this.#context = trace.setSpan(contextFrom(start.traceContext), this.#root);
    tracer().startSpan('queue_wait', { startTime: start.queuedAt }, this.#context).end(start.claimedAt);
  }

  /** `traceparent` for the runtime: its model requests continue this turn's trace. */
  get traceparent(): string | undefined {
    return traceHeaders(this.#context).traceparent;
  }

  /** The user's message, when content capture is on. */
  input(content: string): void {
    if (captureMessageContent()) this.#root.setAttribute(GENAI.inputMessages, messages('user', content));
  }

  sandboxAcquired(startedAt: number, endedAt: number, detail: { driver: string; launch: string } | { driver: string; error: string }): void {
    const span = tracer().startSpan(
      'sandbox_acquire',
      {
        startTime: startedAt,
        attributes: attributes({
          'paddock.sandbox.driver': detail.driver,
          'paddock.sandbox.launch': 'launch' in detail ? detail.launch : undefined,
          'paddock.sandbox.acquire_ms': Math.round(endedAt - startedAt),
        }),
      },
      this.#context,
    );
    if ('error' in detail) failSpan(span, 'sandbox_error', detail.error, endedAt);
    else span.end(endedAt);
  }

  stepStarted(step: TurnStep, detail: { spanId?: string | undefined; input?: unknown }): void {
    const { agent } = this.#start;
    if (step.kind === 'MODEL') {
      const span = startSpanWithId(
        detail.spanId,
        `chat ${step.name}`,
        {
          kind: SpanKind.CLIENT,
          startTime: step.startedAt,
          attributes: attributes({
            [GENAI.operationName]: 'chat',
            [GENAI.providerName]: providerOf(agent.harness),
            [GENAI.requestModel]: step.name,
            [GENAI.conversationId]: this.#conversationId,
            'server.address': this.#server.address,
            'server.port': this.#server.port,
          }),
        },
        this.#context,
      );
      this.#spans.set(step, span);
      return;
    }
    const span = tracer().startSpan(
      `execute_tool ${step.name}`,
      {
        kind: SpanKind.INTERNAL,
        startTime: step.startedAt,
        attributes: attributes({
          [GENAI.operationName]: 'execute_tool',
          [GENAI.toolName]: step.name,
          [GENAI.toolCallId]: step.toolCallId,
          [GENAI.toolType]: 'function',
          [GENAI.toolCallArguments]: captureMessageContent() && detail.input !== undefined ? JSON.stringify(detail.input) : undefined,
        }),
      },
      this.#context,
    );
    this.#spans.set(step, span);
  }

  stepEnded(step: TurnStep, detail: { output?: string | undefined; errorType?: string | undefined }): void {
    const span = this.#spans.get(step);
    if (!span) return;
    this.#spans.delete(step);
    if (step.kind === 'MODEL') {
      span.setAttributes(
        attributes({
          [GENAI.responseModel]: step.responseModel,
          [GENAI.responseFinishReasons]: step.finishReason ? [step.finishReason] : undefined,
          [GENAI.usageInputTokens]: step.inputTokens,
          [GENAI.usageOutputTokens]: step.outputTokens,
          [GENAI.responseTimeToFirstChunk]: step.firstTokenAt != null ? (step.firstTokenAt - step.startedAt) / 1000 : undefined,
        }),
      );
    } else if (captureMessageContent() && detail.output !== undefined) {
      span.setAttribute(GENAI.toolCallResult, detail.output);
    }
    const at = step.endedAt ?? Date.now();
    if (detail.errorType) failSpan(span, detail.errorType, step.error ?? undefined, at);
    else span.end(at);
  }

  /** Ends the turn's span; `output` is the reply (added only with content capture). */
  end(ending: Ending, output?: string): void {
    const root = this.#root;
    if (ending.usage) root.setAttributes({ [GENAI.usageInputTokens]: ending.usage.inputTokens, [GENAI.usageOutputTokens]: ending.usage.outputTokens });
    if (captureMessageContent() && output) root.setAttribute(GENAI.outputMessages, messages('assistant', output));
    root.setAttribute('paddock.turn.status', ending.status);
    if (ending.status === 'AWAITING_APPROVAL') {
      // This run ends here; the call that waits for a person gets its result in the resumed run's trace.
      for (const span of this.#spans.values()) span.setAttribute('paddock.tool.awaiting_approval', true).end();
      this.#spans.clear();
      root.end();
    } else if (ending.status === 'COMPLETED') {
      root.setStatus({ code: SpanStatusCode.OK });
      root.end();
    } else failSpan(root, ending.status === 'CANCELLED' ? 'cancelled' : 'turn_failed', ending.error);
  }
}
