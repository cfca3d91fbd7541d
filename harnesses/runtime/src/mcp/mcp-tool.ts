/** Separates server and tool in the names the model sees: `github__create_issue`. */
export const MCP_SEPARATOR = '__';

export interface McpTool {
  /** What the model calls it: `<server>__<tool>`. */
  qualifiedName: string;
  server: string;
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface McpCallResult {
  output: string;
  isError: boolean;
}
