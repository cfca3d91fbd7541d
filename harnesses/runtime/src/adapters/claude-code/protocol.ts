import type { McpServerConfig } from '../../api.ts';
import type { CliProtocol, CliRun } from '../cli/protocol.ts';
import { ClaudeStreamTranslator } from './stream-json.ts';

/**
 * The agent's MCP servers as Claude Code's `--mcp-config` JSON, and only those
 * (`--strict-mcp-config`). Claude Code names their tools `mcp__<server>__<tool>`.
 */
export function claudeMcpArgs(servers: readonly McpServerConfig[]): string[] {
  if (servers.length === 0) return [];
  const mcpServers = Object.fromEntries(servers.map((s) => [s.name, { type: s.transport === 'SSE' ? 'sse' : 'http', url: s.url, headers: s.headers }]));
  return ['--mcp-config', JSON.stringify({ mcpServers }), '--strict-mcp-config'];
}

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
    ...run.extraArgs,
  ],
  // One user message; closing stdin afterwards makes Claude Code exit when the turn is done.
  stdin: (run: CliRun) => `${JSON.stringify({ type: 'user', message: { role: 'user', content: run.prompt }, parent_tool_use_id: null })}\n`,
  translator: (sink) => new ClaudeStreamTranslator(sink),
};
