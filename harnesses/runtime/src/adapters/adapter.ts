import type { ApprovalDecision, HistoryMessage } from '../api.ts';
import type { AdapterEvent, Usage } from '../events.ts';
import type { Logger } from '../log.ts';
import type { Session } from '../session/session.ts';
import type { TraceParent } from '../trace-context.ts';

/** Everything an adapter needs to run one turn; the runtime owns the stream and the state. */
export interface TurnContext {
  readonly turnId: string;
  /** The platform's trace of this turn; requests to the model gateway continue it. */
  readonly trace?: TraceParent | undefined;
  /** The user's message; already appended to `session.history`. Empty when resuming. */
  readonly content: string;
  /**
   * Set when the turn continues after pausing for approval: the pending tool calls of the
   * last assistant message run first, with these decisions.
   */
  readonly resume?: readonly ApprovalDecision[] | undefined;
  readonly session: Session;
  /** Real path of the workspace; commands and file tools run inside it. */
  readonly workspace: string;
  /** Fires on cancel, client disconnect or shutdown. Stop promptly and let the abort error propagate. */
  readonly signal: AbortSignal;
  readonly log: Logger;
  /** Streams an event to the platform. Cheap enough to call per token. */
  emit(event: AdapterEvent): void;
  /** Appends a message to the conversation so later turns (and the model's next step) see it. */
  record(message: HistoryMessage): void;
  /** Reports the turn's tokens so far (cumulative), so a stopped or failed turn still accounts for them. */
  usage(total: Usage): void;
}

export interface TurnOutcome {
  usage: Usage;
  /** The turn waits for a person to decide on this tool call (it has emitted `tool.approval_requested`). */
  pausedOn?: string;
}

/**
 * A harness: how one turn is carried out. `chat` drives an OpenAI-compatible model
 * directly; CLI harnesses (claude-code, codex) would spawn their tool and translate its
 * output into the same events. Throw `TurnError` for failures a person can fix.
 */
export interface HarnessAdapter {
  readonly name: string;
  runTurn(context: TurnContext): Promise<TurnOutcome>;
  /** Ends what the adapter keeps between turns (a CLI waiting on a paused turn's decision). */
  close?(): void;
}

/** A turn failure with a message meant for the person running the agent. */
export class TurnError extends Error {}
