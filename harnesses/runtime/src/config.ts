import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_HARNESS_DIR } from './harness/paths.ts';

export interface RuntimeConfig {
  token: string;
  port: number;
  host: string;
  workspace: string;
  harness: string;
  /** An explicit harness definition file (images bake theirs in). */
  harnessFile: string | undefined;
  /** Where to find the definition otherwise. */
  harnessDir: string;
  /** Private state of CLI agents: their sessions (for resume) and settings. */
  stateDir: string;
  logLevel: string;
}

/** A configuration problem that should stop the process with a clear message. */
export class ConfigError extends Error {}

function port(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 8080;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`PADDOCK_RUNTIME_PORT must be an integer from 0 to 65535, got "${raw}".`);
  }
  return value;
}

/** Every environment variable the runtime reads is parsed here and nowhere else. */
export function loadConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  const token = env.PADDOCK_RUNTIME_TOKEN ?? '';
  if (token.trim() === '') {
    throw new ConfigError('PADDOCK_RUNTIME_TOKEN is required: the platform authenticates to the runtime with it.');
  }
  return {
    token,
    port: port(env.PADDOCK_RUNTIME_PORT),
    host: env.PADDOCK_RUNTIME_HOST || '0.0.0.0',
    workspace: path.resolve(env.PADDOCK_WORKSPACE || '/workspace'),
    harness: env.PADDOCK_HARNESS || 'chat',
    harnessFile: env.PADDOCK_HARNESS_FILE ? path.resolve(env.PADDOCK_HARNESS_FILE) : undefined,
    harnessDir: path.resolve(env.PADDOCK_HARNESS_DIR || DEFAULT_HARNESS_DIR),
    stateDir: path.resolve(env.PADDOCK_STATE_DIR || path.join(env.HOME || homedir(), '.paddock')),
    logLevel: env.PADDOCK_LOG_LEVEL || 'info',
  };
}

/** Variables the runtime keeps to itself: commands the agent runs must not see the runtime token. */
export const PRIVATE_ENV_NAMES: readonly string[] = ['PADDOCK_RUNTIME_TOKEN'];
