/**
 * The conversation every protocol's request is reduced to, so one script answers
 * Chat Completions, Anthropic Messages and OpenAI Responses alike.
 */

/** One tool call the assistant made earlier in the conversation; `arguments` is its JSON text. */
export interface PriorToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A message reduced to what the mock reasons about. Tool results are `tool` messages. */
export interface ChatMessage {
  role: string;
  content: string;
  toolCalls: PriorToolCall[];
  toolCallId: string | undefined;
}

/** A parsed request of any protocol. */
export interface Conversation {
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** Names of the tools the client offered; decides which tool a `/tool` directive becomes. */
  tools: string[];
}

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Context the CLIs put into user messages ahead of the prompt (Claude Code's
 * `<system-reminder>`s, Codex's `<environment_context>`); the script answers the prompt itself.
 */
const PREAMBLE = /^\s*<(system-reminder|environment_context|user_instructions|permissions instructions|skills_instructions|apps_instructions)>/;

export const isClientPreamble = (text: string): boolean => PREAMBLE.test(text);
