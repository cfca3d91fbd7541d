import type { McpServerConfig, ToolCall } from '../../api.ts';
import type { MatchedRule } from '@paddock/events';
import type { Usage } from '../../events.ts';
import type { TurnContext } from '../adapter.ts';

/** An MCP server as a CLI gets it: `excludedTools`, when known, are the tools it must not offer the model. */
export type CliMcpServer = McpServerConfig & { excludedTools?: readonly string[] };

/** What one run of the CLI is asked to do. */
export interface CliRun {
  /** The text to send: the user's message, preceded by the earlier conversation when not resuming. */
  prompt: string;
  /** The CLI's own session to continue, if any. */
  resumeId: string | undefined;
  model: string;
  /** The agent's system prompt ('' for none). */
  systemPrompt: string;
  /** The definition's extra `args`, already expanded. */
  extraArgs: readonly string[];
  /** The agent's MCP servers; header values are placeholders the egress proxy swaps for the credentials. */
  mcpServers: readonly CliMcpServer[];
  /** The CLI asks the runtime before every tool call (the agent has a tool policy); stdin stays open for the answers. */
  askPermission: boolean;
}

/**
 * Where a translator puts what it reads. The runtime turns these calls into Paddock
 * events and conversation history, so translators only understand their CLI's format.
 */
export interface TurnSink {
  /** The CLI's session id, to resume next turn. */
  session(id: string): void;
  text(delta: string): void;
  thinking(delta: string): void;
  /** The current model step (one assistant message) is over. */
  endStep(): void;
  toolCall(call: ToolCall): void;
  toolResult(id: string, output: string, isError: boolean): void;
  /** The policy holds this call for a person; the turn pauses on it. */
  approvalRequested(call: ToolCall, rule: MatchedRule): void;
  usage(usage: Usage): void;
  /** The CLI finished the turn successfully. */
  completed(): void;
  /** The CLI gave up on the turn; `message` is shown to the person. */
  failed(message: string): void;
  /** Something worth logging that does not end the turn. */
  warn(message: string): void;
}

/** Reads one CLI's JSON output lines for the duration of one run. */
export interface Translator {
  handle(message: Record<string, unknown>): void;
  /** The CLI has exited: report anything still pending (e.g. an error it printed but never ended the turn with). */
  finish?(): void;
}

/** The CLI asks whether a tool call may run. */
export interface PermissionRequest {
  /** The CLI's id of the request, echoed in the answer. */
  requestId: string;
  /** The id of the call in the CLI's output (`tool.call`). */
  toolCallId: string;
  name: string;
  input: Record<string, unknown>;
}

export type PermissionVerdict = { allow: true; input: Record<string, unknown> } | { allow: false; message: string };

/** How a CLI asks before running a tool, and how it is answered. */
export interface CliPermissions {
  /** The permission request an output line carries, if it is one. */
  request(message: Record<string, unknown>): PermissionRequest | undefined;
  /** The stdin line answering it. */
  answer(request: PermissionRequest, verdict: PermissionVerdict): string;
}

/** How to talk to one command-line agent: its arguments, its stdin, and its output format. */
export interface CliProtocol {
  /** Arguments after the definition's command. */
  args(run: CliRun): string[];
  /** Written to the CLI's stdin, which is then closed. */
  stdin(run: CliRun): string;
  translator(sink: TurnSink): Translator;
  /** The agent's MCP servers to give the CLI for a run; unset, all of them. */
  mcpServers?(ctx: TurnContext): Promise<readonly CliMcpServer[]>;
  /** Readies the CLI's environment before a run (e.g. creates a config directory it will not create itself). */
  prepare?(env: Readonly<Record<string, string>>): Promise<void>;
  /** Present when the CLI can ask before each tool call (`CliRun.askPermission`), so a tool policy can apply. */
  permissions?: CliPermissions;
}
