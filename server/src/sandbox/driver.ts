import type { HarnessDefinition } from '../harnesses/definition.ts';

/** Everything a driver needs to create one session's sandbox. Holds no agent secrets. */
export type SandboxSpec = {
  /** DNS-1035 label, unique per session. */
  name: string;
  sessionId: string;
  agentId: string;
  agentName: string;
  teamId: string;
  harness: HarnessDefinition;
  /** The definition's file, for drivers that run the runtime from this checkout. */
  harnessFile?: string | undefined;
  /** Bearer token the runtime requires; generated per sandbox. */
  token: string;
  /** `CONTAINER_ENV_*` values, prefix stripped. */
  env: Record<string, string>;
  egressAllow: string[];
  /**
   * The egress proxy this sandbox's traffic leaves through. `socketPath` is the worker's
   * proxy socket on the host (local driver); `caPem` is the CA the proxy signs intercepted
   * connections with, to install into the sandbox's trust store. The proxy credentials
   * come with the session, at attach time.
   */
  egress?: { socketPath: string; caPem: string };
};

/** How a turn got its sandbox: an already running one, a suspended one resumed, a pre-started (warm) one adopted, or a new (cold) one. */
export type SandboxLaunch = 'reused' | 'resumed' | 'warm' | 'cold';

/** `launch` is what the driver knows; unset means a fresh start. */
export type StartedSandbox = { url: string; launch?: 'resumed' | 'warm' | 'cold' };

export type SandboxPhaseReport = (phase: 'PROVISIONING' | 'READY', message: string) => void;

/**
 * Creates and removes sandboxes. Drivers know nothing about sessions or turns: the
 * sandbox service drives them and records what they report.
 */
export interface SandboxDriver {
  readonly kind: 'local' | 'kubernetes';
  /**
   * Starts the sandbox (or resumes a suspended one) and resolves with the runtime's
   * base URL once it answers its health check; rejects with a SandboxError by `deadline`.
   */
  start(spec: SandboxSpec, opts: { deadline: number; report: SandboxPhaseReport }): Promise<StartedSandbox>;
  /** Stops compute but keeps what a resume needs; drivers without that just destroy. */
  suspend(name: string): Promise<void>;
  destroy(name: string): Promise<void>;
  /** Names of the sandboxes this driver currently runs, to reconcile against the database. */
  list(): Promise<string[]>;
  close(): Promise<void>;
}

/** A provisioning failure a person can act on; `terminal` ones are not retried. */
export class SandboxError extends Error {
  readonly terminal: boolean;

  constructor(message: string, { terminal = false }: { terminal?: boolean } = {}) {
    super(message);
    this.terminal = terminal;
  }
}

/** `ps-<session uuid without dashes>`: a valid DNS-1035 label of 35 characters. */
export function sandboxName(sessionId: string): string {
  return `ps-${sessionId.replaceAll('-', '')}`;
}
