import { mkdir } from 'node:fs/promises';
import type { TurnContext } from '../adapter.ts';
import type { CliMcpServer, CliProtocol, CliRun } from '../cli/protocol.ts';
import { CodexExecTranslator } from './exec-json.ts';

/** A TOML basic string: `-c key=value` parses the value as TOML, and a bare prompt could parse as something else. */
const tomlString = (text: string) => JSON.stringify(text).replaceAll('\u007f', '\\u007f');

/**
 * How long Codex waits for an MCP server to answer its handshake. Codex's own default is
 * 10 s, after which it runs the turn without that server's tools; on a busy node, through
 * the egress proxy, a healthy server can take longer, and an unreachable one fails at once.
 */
const CODEX_MCP_STARTUP_TIMEOUT_SECONDS = 60;

/**
 * The agent's MCP servers that answer now. Codex starts a turn without waiting for a
 * server still handshaking, so on a busy node the model would miss its tools; a server
 * marked required is waited for, but one that fails then fails the whole turn. So the
 * runtime asks each server first: one that does not answer is reported (`mcp.error`)
 * and left out, and the turn goes on without it, as with every harness. The listing also
 * names the tools the agent's allowedTools leave out, for Codex not to offer them.
 */
export async function readyMcpServers(ctx: TurnContext): Promise<readonly CliMcpServer[]> {
  const { ready, failures } = await ctx.session.mcp.reachable(ctx.signal);
  for (const failure of failures) ctx.emit({ type: 'mcp.error', server: failure.server, phase: 'connect', error: failure.error });
  return ready.map(({ config, excludedTools }) => ({ ...config, excludedTools }));
}

/**
 * MCP servers as Codex configuration overrides (`mcp_servers.<name>.url`, `http_headers`,
 * `startup_timeout_sec`, `required` and `disabled_tools`, Streamable HTTP). Codex offers
 * each server's tools in a namespace `mcp__<server>`.
 */
export function codexMcpArgs(servers: readonly CliMcpServer[]): string[] {
  return servers.flatMap((s) => {
    const headers = Object.entries(s.headers).map(([name, value]) => `${tomlString(name)} = ${tomlString(value)}`);
    const excluded = s.excludedTools ?? [];
    return [
      '--config',
      `mcp_servers.${s.name}.url=${tomlString(s.url)}`,
      ...(headers.length > 0 ? ['--config', `mcp_servers.${s.name}.http_headers={ ${headers.join(', ')} }`] : []),
      '--config',
      `mcp_servers.${s.name}.startup_timeout_sec=${CODEX_MCP_STARTUP_TIMEOUT_SECONDS}`,
      '--config',
      `mcp_servers.${s.name}.required=true`,
      ...(excluded.length > 0 ? ['--config', `mcp_servers.${s.name}.disabled_tools=[${excluded.map(tomlString).join(', ')}]`] : []),
    ];
  });
}

/**
 * `codex exec --json`, one run per turn; `codex exec … resume <id>` continues the thread.
 * The prompt goes through stdin (`-`): it can be far longer than one argument may be.
 */
export const codexProtocol: CliProtocol = {
  args: (run: CliRun) => [
    'exec',
    '--json',
    '--model',
    run.model,
    ...(run.systemPrompt !== '' ? ['--config', `developer_instructions=${tomlString(run.systemPrompt)}`] : []),
    ...codexMcpArgs(run.mcpServers),
    // Options of `exec` must come before its `resume` subcommand.
    ...run.extraArgs,
    ...(run.resumeId ? ['resume', run.resumeId] : []),
    '-',
  ],
  stdin: (run: CliRun) => run.prompt,
  mcpServers: readyMcpServers,
  translator: (sink) => new CodexExecTranslator(sink),
  // Codex refuses a CODEX_HOME that does not exist yet.
  prepare: async (env) => {
    if (env.CODEX_HOME) await mkdir(env.CODEX_HOME, { recursive: true });
  },
};
