import type { HarnessAdapter } from './adapters/adapter.ts';
import type { Logger } from './log.ts';
import type { SandboxFacts, Session } from './session/session.ts';
import type { TurnRunner } from './turns/turn-runner.ts';

/** Shared state the route handlers work on. */
export interface App {
  readonly adapter: HarnessAdapter;
  /** Real path of the workspace root. */
  readonly workspace: string;
  readonly log: Logger;
  readonly runner: TurnRunner;
  /** The sandbox's own environment, the base for commands. */
  readonly processEnv: NodeJS.ProcessEnv;
  /** What the sandbox around the runtime provides. */
  readonly sandbox: SandboxFacts;
  session: Session | null;
  /** Aborts for in-flight `/v1/exec` commands, so shutdown can stop them. */
  readonly execs: Set<AbortController>;
  shuttingDown: boolean;
}
