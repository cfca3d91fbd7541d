/**
 * Request and response shapes of the runtime's HTTP API, shared by the server and
 * `RuntimeClient` so both sides of the wire agree at compile time.
 */

import type { ToolCall } from '@paddock/events';

export type { ToolCall };

export type Role = 'user' | 'assistant' | 'tool' | 'system';

/** One stored conversation message, as the platform persists and replays it. */
export interface HistoryMessage {
  role: Role;
  content: string;
  toolCalls?: ToolCall[];
  /** For `tool` messages: the id of the call this is the result of. */
  toolCallId?: string;
}

export interface SessionLimits {
  /** Model requests per turn before the turn fails (default 8). */
  maxSteps?: number;
  /** Per tool invocation (default 30 000 ms). */
  toolTimeoutMs?: number;
  /** Tool output given back to the model is cut to this size (default 16 KiB). */
  maxToolOutputBytes?: number;
  /**
   * `none` runs the agent's commands in a private network namespace with only
   * loopback (`unshare -rn`); `host` (default) leaves them the sandbox's network.
   */
  commandNetwork?: 'host' | 'none';
  /** A model request fails when no byte of the answer arrives within this (default 60 000 ms). */
  modelFirstByteTimeoutMs?: number;
  /** A model stream fails when nothing arrives for this long (default 120 000 ms). */
  modelIdleTimeoutMs?: number;
  /** Model requests answered 5xx or 429 (or refused a connection) are retried this often (default 3). */
  modelMaxRetries?: number;
}

export interface GatewayConfig {
  /** OpenAI-compatible base URL including `/v1`; requests go to `${baseUrl}/chat/completions`. */
  baseUrl: string;
  apiKey: string;
}

/** A remote MCP server of the agent. Header values are egress placeholders, never the real credentials. */
export interface McpServerConfig {
  /** DNS label; the model sees its tools as `<name>__<tool>`. */
  name: string;
  url: string;
  /** `STREAMABLE_HTTP` falls back to legacy SSE when the server does not speak it. */
  transport: 'STREAMABLE_HTTP' | 'SSE';
  headers: Record<string, string>;
  /** Globs over the server's tool names; empty offers every tool. */
  allowedTools: string[];
}

export type ToolAction = 'ALLOW' | 'ASK' | 'DENY';

/** One rule of an agent's tool policy; the first rule that matches a call decides. */
export interface ToolRule {
  /** Glob over tool names (`run_command`, `github__*`). */
  tool: string;
  /** Glob over the shell command of a `run_command` call; a rule with one matches no other tool. */
  commandPattern?: string | null;
  action: ToolAction;
}

/** A person's answer to a call the policy held for approval. */
export interface ApprovalDecision {
  toolCallId: string;
  approved: boolean;
  /** Given back to the model as the tool's error when denied. */
  reason?: string | null;
}

/**
 * The egress proxy's address and two tokens: `token` for the runtime's own model calls
 * (and a command-line harness, which is the model client), `commandToken` for the
 * commands the agent runs, which the proxy gives no access to the model gateway.
 */
export interface EgressCredentials {
  /** Where the proxy is, e.g. `http://paddock-egress:3128`; unset, the sandbox's relay to it (`PADDOCK_EGRESS_PORT`). */
  proxyUrl?: string;
  token: string;
  commandToken: string;
}

/** `POST /v1/session`: attach (or re-attach, replacing all state) a session. */
export interface AttachRequest {
  sessionId: string;
  systemPrompt: string;
  model: string;
  gateway: GatewayConfig;
  /** The agent's secrets: visible to commands the agent runs, never logged or echoed. */
  env: Record<string, string>;
  /** Credentials for the sandbox's egress proxy; without them, proxy variables come from `env` and the sandbox's environment. */
  egress?: EgressCredentials;
  history: HistoryMessage[];
  limits?: SessionLimits;
  mcpServers?: McpServerConfig[];
  toolPolicy?: ToolRule[];
}

export interface AttachResponse {
  ok: true;
  sessionId: string;
  /** Messages of history now held by the runtime. */
  messages: number;
}

export interface HealthResponse {
  ok: true;
  harness: string;
  attached: boolean;
  sessionId: string | null;
  turn: null | { id: string };
}

/** `POST /v1/turns`: starts a turn; the response is an NDJSON stream of `RuntimeEvent`s. */
export interface StartTurnRequest {
  turnId: string;
  content: string;
  /**
   * Continues a turn that paused for approval instead of starting one: `content` is
   * ignored and the pending tool calls of the last assistant message run with these decisions.
   */
  resume?: { decisions: ApprovalDecision[] };
}

export interface CancelResponse {
  cancelled: true;
  turnId: string;
}

export interface ExecRequest {
  command: string;
  /** Default 30 000 ms, at most 10 minutes. */
  timeoutMs?: number;
}

export interface ExecResult {
  /** Exit status; 128 + signal number when the process was killed by a signal. */
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** True when stdout or stderr was cut at the output limit. */
  truncated: boolean;
}

export type FileType = 'file' | 'directory' | 'symlink' | 'other';

export interface FileEntry {
  name: string;
  type: FileType;
  size: number;
}

export interface FileList {
  /** The listed directory, relative to the workspace ('.' for its root). */
  path: string;
  entries: FileEntry[];
}

export interface WriteFileResponse {
  path: string;
  size: number;
}

export type ErrorCode = 'bad_request' | 'unauthorized' | 'not_found' | 'method_not_allowed' | 'conflict' | 'payload_too_large' | 'forbidden' | 'internal';

/** Every non-2xx JSON response has this shape. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}
