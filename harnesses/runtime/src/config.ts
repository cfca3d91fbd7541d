import { closeSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { DEFAULT_HARNESS_DIR } from './harness/paths.ts';

export interface RuntimeConfig {
  token: string;
  port: number;
  host: string;
  /** Listen on this Unix socket instead of a TCP port (local sandboxes have no network to listen on). */
  socket: string | undefined;
  /** Accept on this already listening socket, inherited from the parent, instead. */
  listenFd: number | undefined;
  workspace: string;
  harness: string;
  /** An explicit harness definition file (images bake theirs in). */
  harnessFile: string | undefined;
  /** Where to find the definition otherwise. */
  harnessDir: string;
  /** Private state of CLI agents: their sessions (for resume) and settings. */
  stateDir: string;
  logLevel: LogLevel;
  /** The platform's egress proxy, relayed from a loopback port inside the sandbox. */
  egress: { socket: string; port: number } | undefined;
  /** The sandbox already has a network namespace of its own whose only way out is the egress relay. */
  privateNetwork: boolean;
  /** The sandbox's memory limit in bytes, to explain a command the kernel killed. */
  memoryLimitBytes: number | undefined;
}

/** A configuration problem that should stop the process with a clear message. */
export class ConfigError extends Error {}

function port(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65_535) {
    throw new ConfigError(`${name} must be an integer from 0 to 65535, got "${raw}".`);
  }
  return value;
}

/**
 * The token from `PADDOCK_RUNTIME_TOKEN_FD` (a pipe the local driver writes once and
 * closes, so the token never sits in the environment, where /proc/<pid>/environ would
 * show it), else from `PADDOCK_RUNTIME_TOKEN`.
 */
function token(env: NodeJS.ProcessEnv): string {
  const fd = env.PADDOCK_RUNTIME_TOKEN_FD;
  if (fd !== undefined && fd !== '') {
    const n = Number(fd);
    if (!Number.isInteger(n) || n < 3) throw new ConfigError(`PADDOCK_RUNTIME_TOKEN_FD must be a file descriptor number of 3 or more, got "${fd}".`);
    try {
      return readFileSync(n, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`Could not read the runtime token from file descriptor ${n}: ${(error as Error).message}`);
    } finally {
      try {
        closeSync(n);
      } catch {
        // already closed
      }
    }
  }
  return env.PADDOCK_RUNTIME_TOKEN ?? '';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

function logLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  const level = LOG_LEVELS.find((l) => l === raw);
  if (!level) throw new ConfigError(`PADDOCK_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}".`);
  return level;
}

function fdNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 3) throw new ConfigError(`${name} must be a file descriptor number of 3 or more, got "${raw}".`);
  return value;
}

function bytes(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new ConfigError(`${name} must be a positive number of bytes, got "${raw}".`);
  return value;
}

/** Every environment variable the runtime reads is parsed here and nowhere else. */
export function loadConfig(env: NodeJS.ProcessEnv): RuntimeConfig {
  const secret = token(env);
  if (secret.trim() === '') {
    throw new ConfigError(
      'PADDOCK_RUNTIME_TOKEN is required (or PADDOCK_RUNTIME_TOKEN_FD, a pipe to read it from): the platform authenticates to the runtime with it.',
    );
  }
  const egressSocket = env.PADDOCK_EGRESS_SOCKET || undefined;
  return {
    token: secret,
    port: port('PADDOCK_RUNTIME_PORT', env.PADDOCK_RUNTIME_PORT, 8080),
    host: env.PADDOCK_RUNTIME_HOST || '0.0.0.0',
    socket: env.PADDOCK_RUNTIME_SOCKET ? path.resolve(env.PADDOCK_RUNTIME_SOCKET) : undefined,
    listenFd: fdNumber('PADDOCK_RUNTIME_LISTEN_FD', env.PADDOCK_RUNTIME_LISTEN_FD),
    workspace: path.resolve(env.PADDOCK_WORKSPACE || '/workspace'),
    harness: env.PADDOCK_HARNESS || 'chat',
    harnessFile: env.PADDOCK_HARNESS_FILE ? path.resolve(env.PADDOCK_HARNESS_FILE) : undefined,
    harnessDir: path.resolve(env.PADDOCK_HARNESS_DIR || DEFAULT_HARNESS_DIR),
    stateDir: path.resolve(env.PADDOCK_STATE_DIR || path.join(env.HOME || homedir(), '.paddock')),
    logLevel: logLevel(env.PADDOCK_LOG_LEVEL),
    egress: egressSocket ? { socket: path.resolve(egressSocket), port: port('PADDOCK_EGRESS_PORT', env.PADDOCK_EGRESS_PORT, 3128) } : undefined,
    privateNetwork: env.PADDOCK_SANDBOX_NETWORK === 'private',
    memoryLimitBytes: bytes('PADDOCK_SANDBOX_MEMORY_BYTES', env.PADDOCK_SANDBOX_MEMORY_BYTES),
  };
}

/** Variables the runtime keeps to itself: commands the agent runs must not see the runtime token. */
export const PRIVATE_ENV_NAMES: readonly string[] = ['PADDOCK_RUNTIME_TOKEN', 'PADDOCK_RUNTIME_TOKEN_FD', 'PADDOCK_RUNTIME_LISTEN_FD'];

/** Variables that route a command's traffic to the egress proxy. */
export const PROXY_ENV_NAMES: readonly string[] = [
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'http_proxy',
  'https_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NO_PROXY',
  'no_proxy',
  'NODE_USE_ENV_PROXY',
];
