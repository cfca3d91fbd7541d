import { mkdir } from 'node:fs/promises';
import type { HistoryMessage } from '../../api.ts';
import type { RuntimeHarness } from '../../harness/definition.ts';
import type { Session } from '../../session/session.ts';
import type { HarnessAdapter, TurnContext, TurnOutcome } from '../adapter.ts';
import { pendingCalls } from '../chat/wire.ts';
import { foldHistory } from './fold-history.ts';
import type { CliProtocol } from './protocol.ts';
import { CliTurn, ResumeFailed, type CliHarness, type Predecided } from './run-cli.ts';

export interface CliAdapterOptions {
  definition: RuntimeHarness;
  /** Private state of the CLI (config, sessions); created if missing. */
  stateDir: string;
}

/**
 * Decisions on calls whose CLI process is gone (a new sandbox, a restarted runtime): each
 * call gets its result now, and the agent is told in its next prompt, so no decision is
 * lost. An approved call is made again by the new process and then runs without asking.
 */
function settleOrphanedCalls(ctx: TurnContext, harnessName: string): { prompt: string; predecided: Predecided[] } {
  const notes: string[] = [];
  const predecided: Predecided[] = [];
  for (const call of pendingCalls(ctx.session.history)) {
    const decision = ctx.resume?.find((d) => d.toolCallId === call.id);
    const described = `${call.name} with ${JSON.stringify(call.input)}`;
    let output: string;
    if (decision?.approved) {
      predecided.push({ name: call.name, input: call.input });
      output = `Approved by a person, but the ${harnessName} process that asked had ended, so it did not run; the agent was asked to make the call again.`;
      notes.push(
        `A person approved your call to ${described}. It did not run because your previous process ended while waiting. Make that call again now; it is approved.`,
      );
    } else if (decision) {
      output = `Denied by a person: ${decision.reason || 'no reason given'}.`;
      notes.push(`A person denied your call to ${described}: ${decision.reason || 'no reason given'}. Go on without it.`);
    } else {
      output = 'Not run: the turn paused on an earlier call of the same step.';
      notes.push(`Your call to ${described} did not run; make it again if you still need it.`);
    }
    ctx.emit({ type: 'tool.result', id: call.id, output, isError: true });
    ctx.record({ role: 'tool', toolCallId: call.id, content: output });
  }
  // Nothing open in the history it was given (it was attached without the paused call): the agent just goes on.
  if (notes.length === 0) notes.push('Go on where you left off.');
  return { prompt: `[Paddock] ${notes.join('\n')}`, predecided };
}

/**
 * A harness that runs a command-line agent once per turn and translates its output.
 * The agent's own session is resumed on later turns; a session the CLI has never seen
 * (a fresh sandbox) starts with the conversation so far folded into its first prompt.
 * A turn paused for approval keeps its CLI process, which the resumed turn answers.
 */
export function createCliAdapter(protocol: CliProtocol, { definition, stateDir }: CliAdapterOptions): HarnessAdapter {
  const { cli } = definition;
  if (!cli) {
    throw new Error(
      `Harness "${definition.name}" uses the ${definition.adapter} adapter, which needs a cli block (command, args, env) in its definition file.`,
    );
  }
  if (stateDir === '') throw new Error(`Harness "${definition.name}" needs a state directory for its CLI's sessions (PADDOCK_STATE_DIR).`);
  const harness: CliHarness = { name: definition.name, cli, protocol, stateDir };
  // Keyed by the attached session: re-attaching (rehydration) starts the CLI afresh.
  const cliSessions = new WeakMap<Session, string>();
  // The runtime holds one session and one turn at a time, so at most one run waits for a decision.
  let held: { session: Session; turn: CliTurn } | undefined;

  const keep = (session: Session, { turn, outcome }: { turn: CliTurn; outcome: TurnOutcome }): TurnOutcome => {
    if (outcome.pausedOn !== undefined) held = { session, turn };
    return outcome;
  };

  const start = async (ctx: TurnContext, content: string, earlier: readonly HistoryMessage[], predecided: Predecided[] = []): Promise<TurnOutcome> => {
    const mcpServers = protocol.mcpServers ? await protocol.mcpServers(ctx) : ctx.session.mcpServers;
    const base = { model: ctx.session.model, systemPrompt: ctx.session.systemPrompt, mcpServers };
    const remember = (id: string) => cliSessions.set(ctx.session, id);
    const fresh = async () =>
      keep(ctx.session, await CliTurn.start(ctx, harness, { ...base, prompt: foldHistory(earlier, content), resumeId: undefined }, remember, predecided));
    const resumeId = cli.resume ? cliSessions.get(ctx.session) : undefined;
    if (!resumeId) return fresh();
    try {
      return keep(ctx.session, await CliTurn.start(ctx, harness, { ...base, prompt: content, resumeId }, remember, predecided));
    } catch (error) {
      if (!(error instanceof ResumeFailed)) throw error;
      ctx.log.warn({ cliSession: resumeId }, 'the agent CLI could not resume its session; starting a new one from the conversation');
      cliSessions.delete(ctx.session);
      return fresh();
    }
  };

  return {
    name: definition.adapter,
    runTurn: async (ctx) => {
      await mkdir(stateDir, { recursive: true });
      const carried = held;
      held = undefined;
      if (carried && ctx.resume && carried.session === ctx.session) {
        const outcome = await carried.turn.resume(ctx, ctx.resume);
        if (outcome) {
          if (outcome.pausedOn !== undefined) held = carried;
          return outcome;
        }
      }
      carried?.turn.discard();
      if (ctx.resume) {
        ctx.log.warn('the agent CLI that asked for approval is gone; telling a new run the decisions');
        const { prompt, predecided } = settleOrphanedCalls(ctx, definition.name);
        return start(ctx, prompt, ctx.session.history, predecided);
      }
      return start(ctx, ctx.content, ctx.session.history.slice(0, -1));
    },
    close: () => {
      held?.turn.discard();
      held = undefined;
    },
  };
}
