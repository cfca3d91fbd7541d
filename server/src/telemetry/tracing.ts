import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtobufTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  RandomIdGenerator,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type IdGenerator,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import type { TracingConfig } from '../config/index.ts';
import type { Logger } from '../log/index.ts';

/**
 * OpenTelemetry GenAI semantic convention names Paddock sets. Defined here rather than
 * imported: `@opentelemetry/semantic-conventions` marks its gen_ai constants deprecated
 * since they moved to the GenAI conventions' own repository.
 */
export const GENAI = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentId: 'gen_ai.agent.id',
  agentName: 'gen_ai.agent.name',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseFinishReasons: 'gen_ai.response.finish_reasons',
  responseTimeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  usageInputTokens: 'gen_ai.usage.input_tokens',
  usageOutputTokens: 'gen_ai.usage.output_tokens',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
  toolType: 'gen_ai.tool.type',
  toolCallArguments: 'gen_ai.tool.call.arguments',
  toolCallResult: 'gen_ai.tool.call.result',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  errorType: 'error.type',
} as const;

const TRACER_NAME = 'paddock';

/**
 * Span ids are random, except where a span must carry an id chosen before it starts:
 * the harness runtime picks the id of each model request span, sends it to the model
 * gateway in `traceparent` (so the gateway's spans become its children), and the worker
 * then records the span under that id.
 */
class PresetSpanIds implements IdGenerator {
  readonly #random = new RandomIdGenerator();
  next: string | undefined;

  generateTraceId(): string {
    return this.#random.generateTraceId();
  }

  generateSpanId(): string {
    const preset = this.next;
    this.next = undefined;
    return preset ?? this.#random.generateSpanId();
  }
}

type Active = { provider: TracerProvider; ids: PresetSpanIds; captureContent: boolean; users: number };
let active: Active | null = null;

function samplerFor({ name, parentBased, ratio }: TracingConfig['sampler']): Sampler {
  const root = name === 'always_on' ? new AlwaysOnSampler() : name === 'always_off' ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(ratio);
  return parentBased ? new ParentBasedSampler({ root }) : root;
}

/**
 * Starts the process's tracing SDK when `config` is set and returns a function that
 * flushes and stops it. Nothing is started without configuration: the OpenTelemetry
 * API's no-op tracer then makes every span call nearly free. One SDK per process,
 * shared (and counted) by the platforms a process opens.
 */
export function startTracing(config: TracingConfig | undefined, log: Logger): () => Promise<void> {
  if (!config) return async () => undefined;
  if (!active) {
    const ids = new PresetSpanIds();
    const exporter = config.protocol === 'http/json' ? new JsonTraceExporter({ url: config.url }) : new ProtobufTraceExporter({ url: config.url });
    const resource = resourceFromAttributes({ 'service.name': config.serviceName }).merge(detectResources({ detectors: [envDetector] }));
    const provider = new TracerProvider({
      resource,
      sampler: samplerFor(config.sampler),
      idGenerator: ids,
      spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.exportDelayMs })],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(provider);
    active = { provider, ids, captureContent: config.captureMessageContent, users: 0 };
    log.info({ url: config.url, protocol: config.protocol, sampler: config.sampler }, 'exporting traces over OTLP');
  }
  const current = active;
  current.users += 1;
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    current.users -= 1;
    if (current.users > 0 || active !== current) return;
    active = null;
    await current.provider.shutdown().catch((error: unknown) => log.warn({ err: error }, 'could not export the last spans'));
    trace.disable();
    propagation.disable();
    context.disable();
  };
}

export function tracingEnabled(): boolean {
  return active !== null;
}

/** Prompts, replies, tool arguments and results go into spans only when the operator asked for it. */
export function captureMessageContent(): boolean {
  return active?.captureContent ?? false;
}

/** Exports every span ended so far; for tests and orderly shutdown. */
export async function flushTraces(): Promise<void> {
  await active?.provider.forceFlush();
}

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

/** Starts a span whose id was chosen beforehand (see PresetSpanIds). */
export function startSpanWithId(spanId: string | undefined, name: string, options: SpanOptions, parent: Context): Span {
  if (!active || !spanId || !/^[0-9a-f]{16}$/.test(spanId) || spanId === '0000000000000000') return tracer().startSpan(name, options, parent);
  active.ids.next = spanId;
  try {
    return tracer().startSpan(name, options, parent);
  } finally {
    active.ids.next = undefined;
  }
}

/** The W3C trace context headers (`traceparent`, `tracestate`) of `ctx`; empty when nothing is traced. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  if (active) propagation.inject(ctx, carrier);
  return carrier;
}

/** A context continuing the trace in `headers` (as stored or received); the root context when there is none. */
export function contextFrom(headers: unknown): Context {
  if (!active || typeof headers !== 'object' || headers === null) return ROOT_CONTEXT;
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) if (typeof value === 'string') carrier[key.toLowerCase()] = value;
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/** Ends `span` as failed with `error.type`; `message` is a description safe to export. */
export function failSpan(span: Span, errorType: string, message?: string, at?: number | Date): void {
  span.setAttribute(GENAI.errorType, errorType);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(message ? { message } : {}) });
  span.end(at);
}

/** Attributes without the undefined entries. */
export function attributes(values: Record<string, string | number | boolean | string[] | undefined | null>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null) out[key] = value;
  return out;
}
