import type { TurnContext } from '../adapter.ts';
import { obj, str } from '../cli/json.ts';
import type { CliMcpServer, CliPermissions, CliProtocol, CliRun } from '../cli/protocol.ts';
import { ClaudeStreamTranslator } from './stream-json.ts';

/**
 * The agent's MCP servers as Claude Code's `--mcp-config` JSON, and only those
 * (`--strict-mcp-config`). Claude Code names their tools `mcp__<server>__<tool>`; the ones
 * a server's allowedTools leave out are `--disallowedTools`, so the model is not offered them.
 */
export function claudeMcpArgs(servers: readonly CliMcpServer[]): string[] {
  if (servers.length === 0) return [];
  const mcpServers = Object.fromEntries(servers.map((s) => [s.name, { type: s.transport === 'SSE' ? 'sse' : 'http', url: s.url, headers: s.headers }]));
  const disallowed = servers.flatMap((s) => (s.excludedTools ?? []).map((tool) => `mcp__${s.name}__${tool}`));
  return ['--mcp-config', JSON.stringify({ mcpServers }), '--strict-mcp-config', ...(disallowed.length > 0 ? ['--disallowedTools', disallowed.join(',')] : [])];
}

/**
 * The agent's MCP servers, each that narrows its tools with allowedTools listed first so
 * its other tools can be left out. Claude Code waits for the servers itself, and reports
 * the ones it cannot reach; servers without allowedTools are not asked.
 */
async function claudeMcpServers(ctx: TurnContext): Promise<readonly CliMcpServer[]> {
  const servers = ctx.session.mcpServers;
  if (!servers.some((s) => s.allowedTools.length > 0)) return servers;
  const { ready } = await ctx.session.mcp.reachable(ctx.signal);
  return servers.map((s) => ({ ...s, excludedTools: ready.find((r) => r.config.name === s.name)?.excludedTools ?? [] }));
}

/**
 * Claude Code asks before every tool call: `--permission-prompt-tool stdio` sends each
 * question as a `control_request` (`can_use_tool`) on stdout and reads the answer as a
 * `control_response` on stdin, the control protocol of Anthropic's Agent SDK. An `ask`
 * rule for every tool makes it ask even for the calls it would allow by itself (read-only
 * tools and commands, and all under `bypassPermissions`), so the policy sees them all.
 */
export function claudePermissionArgs(run: CliRun): string[] {
  if (!run.askPermission) return [];
  return ['--permission-prompt-tool', 'stdio', '--settings', JSON.stringify({ permissions: { ask: ['*'] } })];
}

export const claudePermissions: CliPermissions = {
  request: (message) => {
    if (message.type !== 'control_request') return undefined;
    const request = obj(message.request);
    if (request.subtype !== 'can_use_tool') return undefined;
    return { requestId: str(message.request_id), toolCallId: str(request.tool_use_id), name: str(request.tool_name), input: obj(request.input) };
  },
  answer: (request, verdict) =>
    JSON.stringify({
      type: 'control_response',
      response: {
        subtype: 'success',
        request_id: request.requestId,
        response: verdict.allow ? { behavior: 'allow', updatedInput: verdict.input } : { behavior: 'deny', message: verdict.message },
      },
    }),
};

/**
 * Claude Code in headless streaming mode: stream-json in and out, with partial messages
 * so text and thinking arrive token by token. One run per turn; `--resume` continues it.
 */
export const claudeCodeProtocol: CliProtocol = {
  args: (run: CliRun) => [
    '--print',
    '--verbose',
    '--output-format',
    'stream-json',
    '--input-format',
    'stream-json',
    '--include-partial-messages',
    '--model',
    run.model,
    ...(run.systemPrompt !== '' ? ['--append-system-prompt', run.systemPrompt] : []),
    ...(run.resumeId ? ['--resume', run.resumeId] : []),
    ...claudeMcpArgs(run.mcpServers),
    ...claudePermissionArgs(run),
    ...run.extraArgs,
  ],
  // One user message; closing stdin (after the answers to its permission requests) makes Claude Code exit when the turn is done.
  stdin: (run: CliRun) => `${JSON.stringify({ type: 'user', message: { role: 'user', content: run.prompt }, parent_tool_use_id: null })}\n`,
  mcpServers: claudeMcpServers,
  translator: (sink) => new ClaudeStreamTranslator(sink),
  permissions: claudePermissions,
};
