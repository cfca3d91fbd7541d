import { mkdir } from 'node:fs/promises';
import type { HistoryMessage } from '../../api.ts';
import type { RuntimeHarness } from '../../harness/definition.ts';
import type { Session } from '../../session/session.ts';
import type { HarnessAdapter } from '../adapter.ts';
import { foldHistory } from './fold-history.ts';
import type { CliProtocol } from './protocol.ts';
import { ResumeFailed, runCli } from './run-cli.ts';

export interface CliAdapterOptions {
  definition: RuntimeHarness;
  /** Private state of the CLI (config, sessions); created if missing. */
  stateDir: string;
}

/**
 * A harness that runs a command-line agent once per turn and translates its output.
 * The agent's own session is resumed on later turns; a session the CLI has never seen
 * (a fresh sandbox) starts with the conversation so far folded into its first prompt.
 */
export function createCliAdapter(protocol: CliProtocol, { definition, stateDir }: CliAdapterOptions): HarnessAdapter {
  const { cli } = definition;
  if (!cli) {
    throw new Error(
      `Harness "${definition.name}" uses the ${definition.adapter} adapter, which needs a cli block (command, args, env) in its definition file.`,
    );
  }
  if (stateDir === '') throw new Error(`Harness "${definition.name}" needs a state directory for its CLI's sessions (PADDOCK_STATE_DIR).`);
  const harness = { name: definition.name, cli, protocol, stateDir };
  // Keyed by the attached session: re-attaching (rehydration) starts the CLI afresh.
  const cliSessions = new WeakMap<Session, string>();

  return {
    name: definition.adapter,
    runTurn: async (ctx) => {
      await mkdir(stateDir, { recursive: true });
      const earlier: HistoryMessage[] = ctx.session.history.slice(0, -1);
      const base = { model: ctx.session.model, systemPrompt: ctx.session.systemPrompt, mcpServers: ctx.session.mcpServers };
      const remember = (id: string) => cliSessions.set(ctx.session, id);
      const fresh = () => runCli(ctx, harness, { ...base, prompt: foldHistory(earlier, ctx.content), resumeId: undefined }, remember);
      const resumeId = cli.resume ? cliSessions.get(ctx.session) : undefined;
      if (!resumeId) return fresh();
      try {
        return await runCli(ctx, harness, { ...base, prompt: ctx.content, resumeId }, remember);
      } catch (error) {
        if (!(error instanceof ResumeFailed)) throw error;
        ctx.log.warn({ cliSession: resumeId }, 'the agent CLI could not resume its session; starting a new one from the conversation');
        cliSessions.delete(ctx.session);
        return fresh();
      }
    },
  };
}
