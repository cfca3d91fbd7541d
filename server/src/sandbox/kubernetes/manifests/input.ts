import type { HarnessDefinition } from '../../../harnesses/definition.ts';

/** What an agent's sandbox objects are built from; a SandboxSpec carries all of it. */
export type AgentSandboxInput = {
  agentId: string;
  agentName: string;
  teamId: string;
  harness: HarnessDefinition;
  egressAllow: readonly string[];
};

/** Paths inside every sandbox container. */
export const SANDBOX_PATHS = { workspace: '/workspace', home: '/home/sandbox', tmp: '/tmp' } as const;

/** The uid/gid sandbox containers run as (the runtime image's non-root user). */
export const SANDBOX_UID = 1000;
