import type { Session } from '../../session/session.ts';
import type { HarnessAdapter } from '../adapter.ts';
import { createCliAdapter, type CliAdapterOptions } from '../cli/cli-adapter.ts';
import { AppServerTurn, HeldProcessGone, type HeldTurn } from './app-server-turn.ts';
import { codexProtocol } from './protocol.ts';

/**
 * The Codex harness. An agent without a tool policy runs each turn with `codex exec
 * --json`, which acts without asking; one with a policy runs over `codex app-server`,
 * where Codex asks before each command and file change and the policy answers. A turn
 * that pauses for a person keeps its app server waiting on the question until the
 * resumed turn brings the answer.
 */
export function createCodexAdapter(options: CliAdapterOptions): HarnessAdapter {
  const exec = createCliAdapter(codexProtocol, options);
  const { definition, stateDir } = options;
  // createCliAdapter has checked that the definition has one.
  const cli = definition.cli!;
  const harness = { name: definition.name, cli, stateDir };
  const threads = new WeakMap<Session, string>();
  // The runtime runs one session's turns one at a time, so at most one turn waits.
  let held: HeldTurn | null = null;

  return {
    name: definition.adapter,
    runTurn: async (ctx) => {
      const waiting = held;
      held = null;
      // A paused turn that is not resumed was cancelled, or its session replaced; one whose
      // Codex died meanwhile continues like one whose sandbox was replaced.
      const resumable = waiting && ctx.resume && waiting.session === ctx.session && waiting.state.server.running ? waiting : null;
      if (waiting && !resumable) waiting.state.server.stop();
      if (ctx.session.toolPolicy.length === 0 && !ctx.resume) return exec.runTurn(ctx);
      const run = await new AppServerTurn(ctx, harness, threads).run(resumable).catch((error: unknown) => {
        if (!(error instanceof HeldProcessGone)) throw error;
        ctx.log.warn('the Codex process that asked for approval had ended; continuing the turn without it');
        return new AppServerTurn(ctx, harness, threads).run(null);
      });
      held = run.held ?? null;
      return run.outcome;
    },
  };
}
