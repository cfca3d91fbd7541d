import { list, obj, str, type Json } from '../cli/json.ts';

/** A file change's kind as `codex exec --json` names it. */
function changeKind(kind: unknown): string {
  const type = str(obj(kind).type);
  return type === '' && typeof kind === 'string' ? kind : type;
}

/**
 * An app-server thread item (camelCase, v2) in the shape `codex exec --json` prints
 * (snake_case), so both ways of running Codex go through one translator and produce the
 * same events; undefined for items that produce none (the user's own message, say).
 */
export function execItemOf(item: Json): Json | undefined {
  const id = str(item.id);
  const status = str(item.status);
  switch (item.type) {
    case 'agentMessage':
      return { id, type: 'agent_message', text: str(item.text) };
    case 'reasoning': {
      const summary = list(item.summary).map(str).filter(Boolean);
      const text = (summary.length > 0 ? summary : list(item.content).map(str).filter(Boolean)).join('\n');
      return { id, type: 'reasoning', text };
    }
    case 'commandExecution':
      return {
        id,
        type: 'command_execution',
        command: str(item.command),
        aggregated_output: str(item.aggregatedOutput),
        ...(typeof item.exitCode === 'number' ? { exit_code: item.exitCode } : {}),
        status: status === 'declined' ? 'failed' : status,
      };
    case 'fileChange':
      return {
        id,
        type: 'file_change',
        changes: list(item.changes).map((change) => ({ path: str(obj(change).path), kind: changeKind(obj(change).kind) })),
        status: status === 'declined' ? 'failed' : status,
      };
    case 'mcpToolCall':
      return {
        id,
        type: 'mcp_tool_call',
        server: str(item.server),
        tool: str(item.tool),
        arguments: obj(item.arguments),
        result: obj(item.result),
        ...(item.error ? { error: obj(item.error) } : {}),
        status,
      };
    case 'webSearch':
      return { id, type: 'web_search', query: str(item.query) };
    case 'error':
      return { id, type: 'error', message: str(item.message) };
    default:
      return undefined;
  }
}
