import { shellQuote } from './shell-quote.ts';

/** A tool call in the shape the client offered: a name and a JSON object input. */
export interface ToolUse {
  name: string;
  input: Record<string, unknown>;
  /** The Responses API namespace of the tool (Codex offers each MCP server's tools as one, `mcp__<server>`). */
  namespace?: string;
}

/** The script's tool intents, as one shell command each, for clients that only offer a shell. */
const str = (value: unknown, fallback: string): string => (typeof value === 'string' ? value : fallback);

/** Tools of the chat harness's vocabulary that clients without them get as shell commands. */
const SHELL_MAPPED: ReadonlySet<string> = new Set(['run_command', 'read_file', 'list_files', 'write_file']);

function asShellCommand(name: string, args: Record<string, unknown>): string {
  switch (name) {
    case 'run_command':
      return str(args.command, '');
    case 'read_file':
      return `cat -- ${shellQuote(str(args.path, ''))}`;
    case 'list_files':
      return `ls -la -- ${shellQuote(str(args.path, '.'))}`;
    case 'write_file':
      return `printf '%s' ${shellQuote(str(args.content, ''))} > ${shellQuote(str(args.path, ''))}`;
    default:
      return `echo ${shellQuote(`unknown tool ${name}`)}`;
  }
}

/** Shell tools by client, first offered wins: Claude Code, Codex (unified exec, shell_command, shell). */
const SHELLS: ReadonlyArray<{ tool: string; input: (command: string) => Record<string, unknown> }> = [
  { tool: 'Bash', input: (command) => ({ command, description: 'Run the command the user asked for' }) },
  { tool: 'exec_command', input: (cmd) => ({ cmd }) },
  { tool: 'shell_command', input: (command) => ({ command }) },
  { tool: 'shell', input: (command) => ({ command: ['bash', '-lc', command] }) },
];

/**
 * Maps a tool call of the chat harness's vocabulary onto the tools the client offered:
 * as is when offered (the chat harness), else through the client's own shell tool.
 */
export function toolUseFor(name: string, args: Record<string, unknown>, offered: readonly string[]): ToolUse {
  // Tools named outright (`/call`) go to the client as they are, offered or not.
  if (offered.length === 0 || offered.includes(name) || !SHELL_MAPPED.has(name)) return { name, input: args };
  const command = asShellCommand(name, args);
  const shell = SHELLS.find((s) => offered.includes(s.tool));
  if (!shell) return { name: 'run_command', input: { command } };
  return { name: shell.tool, input: shell.input(command) };
}
