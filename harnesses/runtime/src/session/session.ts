import type { EgressCredentials, GatewayConfig, HistoryMessage, McpServerConfig, ToolRule } from '../api.ts';
import { PRIVATE_ENV_NAMES, PROXY_ENV_NAMES } from '../config.ts';
import { proxyDispatcher } from '../http/proxy.ts';
import { createLogger, type Logger } from '../log.ts';
import { McpHub } from '../mcp/mcp-hub.ts';
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
  /**
   * The egress proxy variables for model calls, with the runtime's token. A command-line
   * agent (Claude Code, Codex) is the model client itself, so it gets them too.
   */
  readonly modelEnv: Readonly<Record<string, string>>;
  /** Grows as turns run, so the next turn continues the conversation. */
  readonly history: HistoryMessage[];
  readonly sandbox: Readonly<SandboxFacts>;
  /** The agent's MCP servers as configured (header values are egress placeholders). */
  readonly mcpServers: readonly McpServerConfig[];
  /** Connections to them, reached through the egress proxy like model calls. */
  readonly mcp: McpHub;
  /** First match decides; no match allows. */
  readonly toolPolicy: readonly ToolRule[];
}

/** What the sandbox around the runtime provides, as its driver configured it. */
export interface SandboxFacts {
  /** The sandbox has a network namespace of its own whose only way out is the egress relay. */
  privateNetwork: boolean;
  memoryLimitBytes: number | undefined;
  /** The sandbox's relay to the egress proxy, e.g. `http://127.0.0.1:3128`, for credentials without a proxy URL. */
  egressRelayUrl?: string | undefined;
}

/** The proxy variables HTTP clients honour, carrying `token` as the proxy password. */
export function proxyVariables(proxyUrl: string, token: string): Record<string, string> {
  const url = new URL(proxyUrl);
  url.username = 'paddock';
  url.password = token;
  const value = url.toString().replace(/\/$/, '');
  return { HTTP_PROXY: value, HTTPS_PROXY: value, http_proxy: value, https_proxy: value, ALL_PROXY: value, NO_PROXY: '', no_proxy: '' };
}

/** Model calls get the runtime's token and commands the command token, at the same proxy. */
function splitProxy(egress: EgressCredentials, relayUrl: string | undefined): { model: Record<string, string>; commands: Record<string, string> } {
  const proxyUrl = egress.proxyUrl ?? relayUrl;
  if (!proxyUrl) return { model: {}, commands: {} };
  return { model: proxyVariables(proxyUrl, egress.token), commands: proxyVariables(proxyUrl, egress.commandToken) };
}

/** The sandbox's environment minus what only the runtime may see. */
export function baseCommandEnv(processEnv: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(processEnv)) {
    if (value !== undefined && !PRIVATE_ENV_NAMES.includes(name)) env[name] = value;
  }
  return env;
}

export function createSession(
  input: AttachInput,
  processEnv: NodeJS.ProcessEnv,
  sandbox: SandboxFacts = { privateNetwork: false, memoryLimitBytes: undefined },
  log?: Logger,
): Session {
  const commandEnv = { ...baseCommandEnv(processEnv), ...input.env };
  for (const name of PRIVATE_ENV_NAMES) delete commandEnv[name];
  const modelEnv: Record<string, string> = {};
  if (input.egress) {
    const proxy = splitProxy(input.egress, sandbox.egressRelayUrl);
    Object.assign(modelEnv, proxy.model);
    Object.assign(commandEnv, proxy.commands);
  } else {
    for (const name of PROXY_ENV_NAMES) if (commandEnv[name] !== undefined) modelEnv[name] = commandEnv[name];
  }
  let limits = input.limits;
  if (sandbox.privateNetwork && limits.commandNetwork === 'none') {
    // The sandbox is already cut off but for the egress relay (and cannot make another
    // namespace): commands without network simply do not get the proxy.
    for (const name of PROXY_ENV_NAMES) delete commandEnv[name];
    limits = { ...limits, commandNetwork: 'host' };
  }
  return {
    id: input.sessionId,
    systemPrompt: input.systemPrompt,
    model: input.model,
    gateway: input.gateway,
    limits,
    commandEnv,
    agentEnv: input.env,
    modelEnv,
    history: [...input.history],
    sandbox,
    mcpServers: input.mcpServers,
    mcp: new McpHub(input.mcpServers, () => proxyDispatcher(modelEnv), log ?? createLogger('silent')),
    toolPolicy: input.toolPolicy,
  };
}
