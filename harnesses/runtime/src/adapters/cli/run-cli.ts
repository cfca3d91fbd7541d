import type { ApprovalDecision } from '../../api.ts';
import type { CliConfig } from '../../harness/cli-config.ts';
import { commandOf, decide, describeRule } from '../../policy/tool-policy.ts';
import { TurnError, type TurnContext, type TurnOutcome } from '../adapter.ts';
import { CliProcess, type CliExit } from './cli-process.ts';
import { isJson, type Json } from './json.ts';
import type { CliProtocol, CliRun, PermissionRequest, PermissionVerdict, Translator } from './protocol.ts';
import { resolveProgram } from './resolve-program.ts';
import { redact, runEnvironment } from './run-environment.ts';
import { TurnRecorder } from './turn-recorder.ts';

/** Once the CLI has reported its result, how long it gets to exit (it is saving its session for the next resume). */
const EXIT_AFTER_RESULT_MS = 5_000;

const describeExit = (exit: CliExit) => (exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code ?? 'unknown'}`);

/** A run whose `--resume` found nothing to resume: the CLI quit before starting a session or saying anything. */
export class ResumeFailed extends Error {}

/** A JSON object line; anything else (blank lines, stray text) is not part of the protocol. */
function parseLine(line: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isJson(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export interface CliHarness {
  name: string;
  cli: CliConfig;
  protocol: CliProtocol;
  stateDir: string;
}

/** A call a person already decided on, which the CLI makes again in a new process: it is not asked about twice. */
export interface Predecided {
  name: string;
  input: Record<string, unknown>;
}

/** Same call: same tool and, for shell tools, same command (the CLI may word the rest of the input anew). */
function sameCall(a: Predecided, name: string, input: Record<string, unknown>): boolean {
  if (a.name !== name) return false;
  const command = commandOf(a.input);
  if (command !== undefined) return command === commandOf(input);
  return JSON.stringify(a.input) === JSON.stringify(input);
}

/**
 * One run of the CLI. With a tool policy, the CLI asks before each tool call; a call the
 * policy holds for a person pauses the turn while the CLI, its question unanswered,
 * waits. The turn that resumes with the person's decision answers it and goes on
 * reading the same process.
 */
export class CliTurn {
  #ctx: TurnContext;
  readonly #harness: CliHarness;
  readonly #run: CliRun;
  readonly #proc: CliProcess;
  readonly #recorder: TurnRecorder;
  readonly #translator: Translator;
  readonly #program: string;
  readonly #secrets: string[];
  readonly #predecided: Predecided[];
  #sawSession = false;
  #exitTimer: NodeJS.Timeout | undefined;
  /** The request the turn paused on, then any the CLI asked meanwhile. */
  readonly #asking: PermissionRequest[] = [];
  #paused = false;
  #onPause: (() => void) | undefined;

  private constructor(
    ctx: TurnContext,
    harness: CliHarness,
    run: CliRun,
    setup: { program: string; env: Record<string, string>; secrets: string[] },
    onSession: (id: string) => void,
    predecided: Predecided[],
  ) {
    this.#ctx = ctx;
    this.#harness = harness;
    this.#run = run;
    this.#program = setup.program;
    this.#secrets = setup.secrets;
    this.#predecided = [...predecided];
    this.#recorder = new TurnRecorder(ctx, (id) => {
      this.#sawSession = true;
      onSession(id);
    });
    const { cli, protocol } = harness;
    const translator = protocol.translator(this.#recorder);
    this.#translator = translator;
    this.#proc = new CliProcess({
      program: setup.program,
      args: [...cli.command.slice(1), ...protocol.args(run)],
      env: setup.env,
      cwd: ctx.workspace,
      stdin: protocol.stdin(run),
      keepStdinOpen: run.askPermission,
      onLine: (line) => {
        const message = parseLine(line);
        if (!message) return;
        const request = run.askPermission ? protocol.permissions?.request(message) : undefined;
        try {
          if (request) this.#ask(request);
          else translator.handle(message);
        } catch (error) {
          this.#recorder.failed(`Paddock could not follow the ${harness.name} output: ${error instanceof Error ? error.message : String(error)}`);
          this.#proc.stop();
        }
        const { completed, failure } = this.#recorder.outcome;
        // Its result is out: the CLI, reading its conversation from stdin, may now exit.
        if (completed || failure !== undefined) this.#proc.endInput();
        if (completed && !this.#exitTimer) this.#exitTimer = setTimeout(() => this.#proc.stop(), EXIT_AFTER_RESULT_MS);
      },
    });
  }

  /** Starts the CLI for `run` and follows it until the turn ends or pauses. */
  static async start(
    ctx: TurnContext,
    harness: CliHarness,
    run: Omit<CliRun, 'extraArgs' | 'askPermission'>,
    onSession: (id: string) => void,
    predecided: Predecided[] = [],
  ): Promise<{ turn: CliTurn; outcome: TurnOutcome }> {
    const { cli, protocol } = harness;
    const { env, args: extraArgs, secrets } = runEnvironment(cli, ctx, harness.stateDir);
    const program = resolveProgram(cli.command[0] ?? '', env.PATH);
    if (!program) {
      throw new TurnError(
        `The ${harness.name} harness could not find the program "${cli.command[0]}" on PATH. Install it in the sandbox image or fix cli.command in its definition.`,
      );
    }
    await protocol.prepare?.(env);
    const askPermission = protocol.permissions !== undefined && ctx.session.toolPolicy.length > 0;
    const turn = new CliTurn(ctx, harness, { ...run, extraArgs, askPermission }, { program, env, secrets }, onSession, predecided);
    return { turn, outcome: await turn.#follow() };
  }

  /** The CLI is still there, waiting for the answer to the call its turn paused on. */
  get waiting(): boolean {
    return this.#paused && this.#proc.running;
  }

  /**
   * Answers the call the turn paused on with the person's decision and follows the CLI
   * on, in the resumed turn. Undefined when this process cannot: it ended meanwhile, or
   * the decisions are not about its call.
   */
  async resume(ctx: TurnContext, decisions: readonly ApprovalDecision[]): Promise<TurnOutcome | undefined> {
    const request = this.#asking[0];
    const decision = request && decisions.find((d) => d.toolCallId === request.toolCallId);
    if (!this.waiting || !request || !decision) return undefined;
    this.#ctx = ctx;
    this.#recorder.rebind(ctx);
    this.#paused = false;
    this.#asking.shift();
    this.#answer(
      request,
      decision.approved ? { allow: true, input: request.input } : { allow: false, message: `Denied by a person: ${decision.reason || 'no reason given'}.` },
    );
    // Calls the CLI asked about while the turn was paused.
    for (const next of this.#asking.splice(0)) this.#ask(next);
    return this.#follow();
  }

  /** Ends a paused run nobody will resume (the turn was cancelled, or a new conversation attached). */
  discard(): void {
    this.#proc.stop();
  }

  #answer(request: PermissionRequest, verdict: PermissionVerdict): void {
    const line = this.#harness.protocol.permissions?.answer(request, verdict);
    if (line !== undefined) this.#proc.write(`${line}\n`);
  }

  /** Applies the agent's policy to a call the CLI asks about; the first rule that matches decides. */
  #ask(request: PermissionRequest): void {
    if (this.#paused) {
      this.#asking.push(request);
      return;
    }
    const { name, input } = request;
    const known = this.#predecided.findIndex((p) => sameCall(p, name, input));
    if (known >= 0) {
      this.#predecided.splice(known, 1);
      this.#answer(request, { allow: true, input });
      return;
    }
    const policy = decide(this.#ctx.session.toolPolicy, name, input);
    if (policy.action === 'ASK' && policy.rule) {
      this.#recorder.approvalRequested({ id: request.toolCallId, name, input }, policy.rule);
      this.#asking.unshift(request);
      this.#paused = true;
      this.#onPause?.();
    } else if (policy.action === 'DENY' && policy.rule) {
      this.#answer(request, { allow: false, message: `Denied by the agent's tool policy: ${describeRule(policy.rule)}.` });
    } else {
      this.#answer(request, { allow: true, input });
    }
  }

  /** Waits for the CLI to end the turn, or to pause it on a call for a person. */
  async #follow(): Promise<TurnOutcome> {
    const ctx = this.#ctx;
    const paused = new Promise<'paused'>((resolve) => {
      this.#onPause = () => resolve('paused');
    });
    const onAbort = () => this.#proc.stop();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    if (ctx.signal.aborted) this.#proc.stop();
    let ended: CliExit | 'paused';
    try {
      ended = this.#paused ? 'paused' : await Promise.race([this.#proc.exited, paused]);
    } finally {
      this.#onPause = undefined;
      ctx.signal.removeEventListener('abort', onAbort);
    }
    if (ended === 'paused') {
      const request = this.#asking[0];
      if (request) return { usage: this.#recorder.outcome.usage, pausedOn: request.toolCallId };
    }
    const exit = await this.#proc.exited;
    return this.#finish(exit);
  }

  #finish(exit: CliExit): TurnOutcome {
    const ctx = this.#ctx;
    const { cli } = this.#harness;
    clearTimeout(this.#exitTimer);
    this.#translator.finish?.();
    if (ctx.signal.aborted) {
      this.#recorder.close('Cancelled before it finished.');
      ctx.signal.throwIfAborted();
    }
    this.#recorder.close('The agent stopped before this tool call finished.');
    const { completed, failure, usage } = this.#recorder.outcome;
    if (exit.error) throw new TurnError(`The ${this.#harness.name} harness could not start "${this.#program}": ${exit.error.message}.`);
    if (completed && !failure) return { usage };
    if (this.#run.resumeId && !this.#sawSession && this.#recorder.emitted === 0) throw new ResumeFailed();
    const stderr = redact(this.#proc.stderrTail.trim(), this.#secrets);
    const detail = failure ? redact(failure, this.#secrets) : `${cli.command[0]} ended (${describeExit(exit)}) before finishing the turn`;
    throw new TurnError(stderr !== '' && !failure ? `${detail}: ${stderr.slice(-1_000)}` : detail);
  }
}
