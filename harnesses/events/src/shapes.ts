import { z } from 'zod';

/** Tokens a model request (or a whole turn) consumed. */
export const usageSchema = z.object({
  /** Every prompt token, cached ones included. */
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  /** Of inputTokens, those read from the provider's prompt cache, where the harness reports them. */
  cacheReadTokens: z.number().int().nonnegative().optional(),
  /** Of inputTokens, those written to the provider's prompt cache, where the harness reports them. */
  cacheWriteTokens: z.number().int().nonnegative().optional(),
});
export type Usage = z.infer<typeof usageSchema>;

/** A tool call the agent made; `input` is the parsed JSON arguments. */
export const toolCallSchema = z.object({
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
  /** The MCP server the tool belongs to; absent for the harness's own tools. */
  server: z.string().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/** What a tool answered to the call with the same `id`. */
export const toolResultSchema = z.object({
  id: z.string(),
  output: z.string(),
  isError: z.boolean(),
  server: z.string().optional(),
});
export type ToolResult = z.infer<typeof toolResultSchema>;

/**
 * A tool call as an assistant message stores it (`Message.toolCalls`): the call, and
 * once the tool answered, its output.
 */
export const storedToolCallSchema = toolCallSchema.extend({
  output: z.string().optional(),
  isError: z.boolean().optional(),
});
export type StoredToolCall = z.infer<typeof storedToolCallSchema>;

/** A model request failed in a way worth retrying; the next attempt starts after `delayMs`. */
export const modelRetrySchema = z.object({
  /** 1 for the first retry. */
  attempt: z.number().int().positive(),
  maxRetries: z.number().int().nonnegative(),
  /** HTTP status of the failed attempt; absent (or null) when the connection failed. */
  status: z.number().int().nullish(),
  delayMs: z.number().nonnegative(),
  error: z.string(),
});
export type ModelRetry = z.infer<typeof modelRetrySchema>;

/** The rule of an agent's tool policy that decided a call, by its position in the policy. */
export const matchedRuleSchema = z.object({
  index: z.number().int().nonnegative(),
  tool: z.string(),
  commandPattern: z.string().nullable(),
  action: z.enum(['ALLOW', 'ASK', 'DENY']),
});
export type MatchedRule = z.infer<typeof matchedRuleSchema>;

/** An MCP server could not be reached, refused the credentials or failed a call; the turn goes on without it. */
export const mcpErrorSchema = z.object({
  server: z.string(),
  /** `connect`: listing its tools; `call`: a tool call. */
  phase: z.enum(['connect', 'call']),
  error: z.string(),
});
export type McpError = z.infer<typeof mcpErrorSchema>;

/** `Message.toolCalls` as stored (JSON), typed; entries that are not tool calls are skipped. */
export function parseStoredToolCalls(raw: unknown): StoredToolCall[] {
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((entry: unknown) => {
    const parsed = storedToolCallSchema.safeParse(entry);
    return parsed.success ? [parsed.data] : [];
  });
}
