import type { CliConfig } from '../../harness/cli-config.ts';
import { TurnError, type TurnContext, type TurnOutcome } from '../adapter.ts';
import { CliProcess, type CliExit } from './cli-process.ts';
import { isJson, type Json } from './json.ts';
import type { CliProtocol, CliRun } from './protocol.ts';
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

/** One run of the CLI for one turn. */
export async function runCli(
  ctx: TurnContext,
  harness: { name: string; cli: CliConfig; protocol: CliProtocol; stateDir: string },
  run: Omit<CliRun, 'extraArgs'>,
  onSession: (id: string) => void,
): Promise<TurnOutcome> {
  const { cli, protocol } = harness;
  const { env, args: extraArgs, secrets } = runEnvironment(cli, ctx, harness.stateDir);
  const program = resolveProgram(cli.command[0] ?? '', env.PATH);
  if (!program) {
    throw new TurnError(
      `The ${harness.name} harness could not find the program "${cli.command[0]}" on PATH. Install it in the sandbox image or fix cli.command in its definition.`,
    );
  }
  await protocol.prepare?.(env);
  let sawSession = false;
  const recorder = new TurnRecorder(ctx, (id) => {
    sawSession = true;
    onSession(id);
  });
  const translator = protocol.translator(recorder);
  const full: CliRun = { ...run, extraArgs };
  let exitTimer: NodeJS.Timeout | undefined;
  const proc = new CliProcess({
    program,
    args: [...cli.command.slice(1), ...protocol.args(full)],
    env,
    cwd: ctx.workspace,
    stdin: protocol.stdin(full),
    onLine: (line) => {
      const message = parseLine(line);
      if (!message) return;
      try {
        translator.handle(message);
      } catch (error) {
        recorder.failed(`Paddock could not follow the ${harness.name} output: ${error instanceof Error ? error.message : String(error)}`);
        proc.stop();
      }
      if (recorder.outcome.completed && !exitTimer) exitTimer = setTimeout(() => proc.stop(), EXIT_AFTER_RESULT_MS);
    },
  });
  const onAbort = () => proc.stop();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  if (ctx.signal.aborted) proc.stop();
  let exit: CliExit;
  try {
    exit = await proc.exited;
  } finally {
    clearTimeout(exitTimer);
    ctx.signal.removeEventListener('abort', onAbort);
  }

  translator.finish?.();
  if (ctx.signal.aborted) {
    recorder.close('Cancelled before it finished.');
    ctx.signal.throwIfAborted();
  }
  recorder.close('The agent stopped before this tool call finished.');
  const { completed, failure, usage } = recorder.outcome;
  if (exit.error) throw new TurnError(`The ${harness.name} harness could not start "${program}": ${exit.error.message}.`);
  if (completed && !failure) return { usage };
  if (run.resumeId && !sawSession && recorder.emitted === 0) throw new ResumeFailed();
  const stderr = redact(proc.stderrTail.trim(), secrets);
  const detail = failure ? redact(failure, secrets) : `${cli.command[0]} ended (${describeExit(exit)}) before finishing the turn`;
  throw new TurnError(stderr !== '' && !failure ? `${detail}: ${stderr.slice(-1_000)}` : detail);
}
