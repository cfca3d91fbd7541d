import type { ToolCall } from '../../api.ts';
import { isJson, list, obj, str, type Json } from '../cli/json.ts';

/** A Codex item that is a tool use, as a Paddock tool call; undefined for other items. */
export function toolCallOf(item: Json): ToolCall | undefined {
  const id = str(item.id);
  switch (item.type) {
    case 'command_execution':
      return { id, name: 'shell', input: { command: str(item.command) } };
    case 'file_change':
      return { id, name: 'apply_patch', input: { changes: list(item.changes).filter(isJson) } };
    case 'mcp_tool_call':
      // The name the model calls it by: the tool in the server's namespace, `mcp__<server>`.
      return { id, name: `mcp__${str(item.server)}__${str(item.tool)}`, input: obj(item.arguments) };
    case 'web_search':
      return { id, name: 'web_search', input: { query: str(item.query) } };
    default:
      return undefined;
  }
}

/** Text of an MCP result's content blocks. */
function mcpText(result: Json): string {
  return list(result.content)
    .map((block) => str(obj(block).text))
    .filter(Boolean)
    .join('\n');
}

/** The result of a completed tool item. */
export function toolResultOf(item: Json): { output: string; isError: boolean } {
  const failed = item.status === 'failed';
  switch (item.type) {
    case 'command_execution': {
      const exitCode = typeof item.exit_code === 'number' ? item.exit_code : undefined;
      return { output: str(item.aggregated_output), isError: failed || (exitCode !== undefined && exitCode !== 0) };
    }
    case 'file_change': {
      const lines = list(item.changes).map((change) => `${str(obj(change).kind)} ${str(obj(change).path)}`);
      return { output: lines.join('\n'), isError: failed };
    }
    case 'mcp_tool_call': {
      const error = str(obj(item.error).message);
      return { output: error || mcpText(obj(item.result)), isError: failed || error !== '' };
    }
    default:
      return { output: '', isError: failed };
  }
}
