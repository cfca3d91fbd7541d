import type { ServerResponse } from 'node:http';
import type { HarnessAdapter } from '../adapters/adapter.ts';
import { TurnError } from '../adapters/adapter.ts';
import type { Logger } from '../log.ts';
import type { ApprovalDecision } from '../api.ts';
import type { Usage } from '../events.ts';
import type { Session } from '../session/session.ts';
import type { TraceParent } from '../trace-context.ts';
import { EventStream } from './event-stream.ts';

/** Upper bound on waiting for an aborted turn, so a stuck adapter cannot hang cancel or shutdown. */
const WIND_DOWN_MS = 5_000;

function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

interface RunningTurn {
  id: string;
  abort: AbortController;
  finished: Promise<void>;
}

export interface StartTurn {
  turnId: string;
  content: string;
  resume?: readonly ApprovalDecision[] | undefined;
  session: Session;
  res: ServerResponse;
  trace?: TraceParent | undefined;
}

/** Why a turn was stopped early; logged, never sent to the client. */
export type StopReason = 'cancel-requested' | 'client-disconnected' | 'shutdown';

/** Runs at most one turn at a time and guarantees exactly one terminal event per turn. */
export class TurnRunner {
  readonly #adapter: HarnessAdapter;
  readonly #workspace: string;
  readonly #log: Logger;
  #current: RunningTurn | null = null;

  constructor(adapter: HarnessAdapter, workspace: string, log: Logger) {
    this.#adapter = adapter;
    this.#workspace = workspace;
    this.#log = log;
  }

  get current(): { id: string } | null {
    return this.#current ? { id: this.#current.id } : null;
  }

  /** Starts streaming a turn on `res`; the caller has checked that no turn is running. */
  start({ turnId, content, resume, session, res, trace }: StartTurn): void {
    const abort = new AbortController();
    const stream = new EventStream(res);
    // The platform starts a new turn only after a terminal event, so an abandoned stream is a cancel.
    res.on('close', () => {
      if (!res.writableFinished) this.#stop(abort, 'client-disconnected');
    });
    const turn: RunningTurn = { id: turnId, abort, finished: Promise.resolve() };
    this.#current = turn;
    turn.finished = this.#run(turn, content, resume, session, stream, trace).finally(() => {
      if (this.#current === turn) this.#current = null;
      stream.end();
    });
  }

  async #run(
    turn: RunningTurn,
    content: string,
    resume: readonly ApprovalDecision[] | undefined,
    session: Session,
    stream: EventStream,
    trace: TraceParent | undefined,
  ): Promise<void> {
    const log = this.#log.child({ sessionId: session.id, turnId: turn.id });
    const started = performance.now();
    const { signal } = turn.abort;
    if (!resume) session.history.push({ role: 'user', content });
    stream.emit({ type: 'turn.started', turnId: turn.id });
    log.info({ resumed: resume !== undefined }, 'turn started');
    let used: Usage = { inputTokens: 0, outputTokens: 0 };
    try {
      const { usage, pausedOn } = await this.#adapter.runTurn({
        turnId: turn.id,
        trace,
        content,
        resume,
        session,
        workspace: this.#workspace,
        signal,
        log,
        emit: (event) => stream.emit(event),
        record: (message) => session.history.push(message),
        usage: (total) => {
          used = { ...total };
        },
      });
      signal.throwIfAborted();
      if (pausedOn !== undefined) {
        stream.emit({ type: 'turn.paused', toolCallId: pausedOn, usage });
        log.info({ toolCallId: pausedOn, ms: Math.round(performance.now() - started) }, 'turn paused for approval');
        return;
      }
      stream.emit({ type: 'turn.completed', usage });
      log.info({ usage, events: stream.count, ms: Math.round(performance.now() - started) }, 'turn completed');
    } catch (error) {
      if (signal.aborted) {
        stream.emit({ type: 'turn.cancelled', usage: used });
        log.info({ reason: String(signal.reason), ms: Math.round(performance.now() - started) }, 'turn cancelled');
      } else if (error instanceof TurnError) {
        stream.emit({ type: 'turn.failed', error: error.message, usage: used });
        log.warn({ error: error.message }, 'turn failed');
      } else {
        stream.emit({ type: 'turn.failed', error: `The harness runtime hit an internal error: ${String(error)}`, usage: used });
        log.error({ err: error }, 'turn crashed');
      }
    }
  }

  #stop(abort: AbortController, reason: StopReason): void {
    if (!abort.signal.aborted) abort.abort(reason);
  }

  /** Cancels the running turn if its id matches; resolves once its terminal event is out. */
  async cancel(turnId: string): Promise<boolean> {
    const turn = this.#current;
    if (!turn || turn.id !== turnId) return false;
    this.#stop(turn.abort, 'cancel-requested');
    await settleWithin(turn.finished, WIND_DOWN_MS);
    return true;
  }

  /** For shutdown: cancels whatever runs and waits (bounded) for it to wind down. */
  async stopAll(): Promise<void> {
    const turn = this.#current;
    if (!turn) return;
    this.#stop(turn.abort, 'shutdown');
    await settleWithin(turn.finished, WIND_DOWN_MS);
  }
}
