import type { GatewayConfig, HistoryMessage } from '../api.ts';
import { PRIVATE_ENV_NAMES } from '../config.ts';
import type { ResolvedLimits } from './limits.ts';
import type { AttachInput } from './parse-attach.ts';

/** The attached session: its configuration and the live conversation. */
export interface Session {
  readonly id: string;
  readonly systemPrompt: string;
  readonly model: string;
  readonly gateway: Readonly<GatewayConfig>;
  readonly limits: Readonly<ResolvedLimits>;
  /** Environment for commands the agent runs: the sandbox's own plus the agent's secrets. */
  readonly commandEnv: Readonly<Record<string, string>>;
  /** The agent's secrets alone, so output shown to people can be scrubbed of them. */
  readonly agentEnv: Readonly<Record<string, string>>;
  /** Grows as turns run, so the next turn continues the conversation. */
  readonly history: HistoryMessage[];
}

/** The sandbox's environment minus what only the runtime may see. */
export function baseCommandEnv(processEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && !PRIVATE_ENV_NAMES.includes(name)) env[name] = value;
  }
  return env;
}

export function createSession(input: AttachInput, processEnv: NodeJS.ProcessEnv): Session {
  const commandEnv = { ...baseCommandEnv(processEnv), ...input.env };
  for (const name of PRIVATE_ENV_NAMES) delete commandEnv[name];
  return {
    id: input.sessionId,
    systemPrompt: input.systemPrompt,
    model: input.model,
    gateway: input.gateway,
    limits: input.limits,
    commandEnv,
    agentEnv: input.env,
    history: [...input.history],
  };
}
