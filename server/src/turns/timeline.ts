import type { RuntimeEvent } from '@paddock/harness-runtime/client';

export type StepKind = 'MODEL' | 'TOOL';
export type StepStatus = 'RUNNING' | 'COMPLETED' | 'FAILED' | 'CANCELLED';

/** One model request or tool call of a turn, as stored in `Turn.steps` (times in epoch ms). */
export type TurnStep = {
  kind: StepKind;
  /** The model asked (MODEL) or the tool called (TOOL). */
  name: string;
  status: StepStatus;
  startedAt: number;
  endedAt: number | null;
  /** MODEL: when the first streamed token (reply or reasoning) arrived. */
  firstTokenAt?: number | null;
  responseModel?: string | null;
  finishReason?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  /** TOOL: the model's id for the call. */
  toolCallId?: string | null;
  /** Why the step failed (a model request that was retried, a tool that reported an error). */
  error?: string | null;
};

/** Told about steps as they start and end, e.g. to record trace spans. */
export interface StepObserver {
  stepStarted(step: TurnStep, detail: { spanId?: string | undefined; input?: unknown }): void;
  stepEnded(step: TurnStep, detail: { output?: string | undefined; errorType?: string | undefined }): void;
}

/**
 * Follows a turn's runtime events and keeps its steps: model requests and tool calls
 * with their times. Harnesses that report model requests (`model.request` /
 * `model.response`) get exact steps; for the others a model step is taken to run from
 * the turn's start, or the last tool result, to the model's first tool call or its
 * completed message.
 */
export class TurnTimeline {
  readonly steps: TurnStep[];
  firstTokenAt: number | null;
  readonly #model: string;
  readonly #observer: StepObserver | undefined;
  /** The harness reports model requests itself. */
  #explicit = false;
  #modelStep: TurnStep | null = null;
  #boundary: number;

  /** `steps` and `firstTokenAt` carry on a turn that paused (for a tool approval) and now resumes. */
  constructor(opts: { model: string; startedAt: number; observer?: StepObserver | undefined; steps?: TurnStep[]; firstTokenAt?: number | null }) {
    this.steps = opts.steps ?? [];
    this.firstTokenAt = opts.firstTokenAt ?? null;
    this.#model = opts.model;
    this.#observer = opts.observer;
    this.#boundary = opts.startedAt;
  }

  /** Follows one event (already redacted); true when a step started or ended, i.e. the steps are worth storing. */
  observe(event: RuntimeEvent): boolean {
    switch (event.type) {
      case 'turn.started':
        this.#boundary = event.t;
        return false;
      case 'model.request':
        this.#explicit = true;
        this.#openModel(event.t, event.model || this.#model, event.spanId);
        return true;
      case 'model.response': {
        const step = this.#modelStep;
        if (!step) return false;
        Object.assign(step, {
          responseModel: event.responseModel ?? null,
          finishReason: event.finishReason ?? null,
          inputTokens: event.usage.inputTokens,
          outputTokens: event.usage.outputTokens,
        });
        this.#endModel(event.t, 'COMPLETED');
        return true;
      }
      case 'model.retry': {
        if (!this.#modelStep) return false;
        this.#modelStep.error = event.error;
        this.#endModel(event.t, 'FAILED', event.status === undefined ? 'connection_error' : String(event.status));
        return true;
      }
      case 'message.delta':
      case 'message.thinking': {
        const step = this.#inferredModel(event.t);
        if (step && step.firstTokenAt == null) step.firstTokenAt = event.t;
        this.firstTokenAt ??= event.t;
        return false;
      }
      case 'message.completed': {
        this.#inferredModel(event.t);
        const ended = !this.#explicit && this.#modelStep !== null;
        if (ended) this.#endModel(event.t, 'COMPLETED');
        return ended;
      }
      case 'tool.call': {
        this.#inferredModel(event.t);
        if (!this.#explicit && this.#modelStep) this.#endModel(event.t, 'COMPLETED');
        const step: TurnStep = { kind: 'TOOL', name: event.name, status: 'RUNNING', startedAt: event.t, endedAt: null, toolCallId: event.id };
        this.steps.push(step);
        this.#observer?.stepStarted(step, { input: event.input });
        return true;
      }
      case 'tool.result': {
        const step = this.steps.findLast((s) => s.kind === 'TOOL' && s.toolCallId === event.id && s.status === 'RUNNING');
        this.#boundary = event.t;
        if (!step) return false;
        step.endedAt = event.t;
        step.status = event.isError ? 'FAILED' : 'COMPLETED';
        if (event.isError) step.error = firstLine(event.output);
        this.#observer?.stepEnded(step, { output: event.output, ...(event.isError ? { errorType: 'tool_error' } : {}) });
        return true;
      }
      // A paused turn's steps stay as they are: the call awaiting approval runs (and ends) when the turn resumes.
      case 'tool.approval_requested':
      case 'mcp.error':
      case 'turn.paused':
        return false;
      case 'turn.completed':
      case 'turn.failed':
      case 'turn.cancelled':
        this.close(
          event.t,
          event.type === 'turn.completed' ? 'COMPLETED' : event.type === 'turn.failed' ? 'FAILED' : 'CANCELLED',
          event.type === 'turn.failed' ? event.error : undefined,
        );
        return true;
    }
  }

  /** Ends whatever still runs, as the turn ends (`at` epoch ms). */
  close(at: number, status: Exclude<StepStatus, 'RUNNING'>, error?: string): void {
    for (const step of this.steps) {
      if (step.status !== 'RUNNING') continue;
      step.endedAt = at;
      // A model request that ends with a completed turn did finish; anything else was cut short.
      step.status = status;
      if (error && status === 'FAILED') step.error = error;
      const errorType = status === 'COMPLETED' ? undefined : status === 'CANCELLED' ? 'cancelled' : step.kind === 'MODEL' ? 'model_error' : 'turn_failed';
      this.#observer?.stepEnded(step, errorType ? { errorType } : {});
    }
    this.#modelStep = null;
  }

  #openModel(at: number, name: string, spanId?: string): TurnStep {
    const step: TurnStep = { kind: 'MODEL', name, status: 'RUNNING', startedAt: at, endedAt: null, firstTokenAt: null };
    this.steps.push(step);
    this.#modelStep = step;
    this.#observer?.stepStarted(step, { spanId });
    return step;
  }

  /** The running model step; for harnesses that do not report requests, opened on the first sign of one. */
  #inferredModel(at: number): TurnStep | null {
    if (this.#modelStep || this.#explicit) return this.#modelStep;
    return this.#openModel(Math.min(this.#boundary, at), this.#model);
  }

  #endModel(at: number, status: StepStatus, errorType?: string): void {
    const step = this.#modelStep;
    if (!step) return;
    step.endedAt = at;
    step.status = status;
    this.#modelStep = null;
    this.#observer?.stepEnded(step, errorType ? { errorType } : {});
  }
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
