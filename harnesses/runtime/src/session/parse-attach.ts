import { z } from 'zod';
import type { AttachRequest, HistoryMessage, McpServerConfig, ToolCall, ToolRule } from '../api.ts';
import { jsonObject, optional, parseRequest, text, withDefault } from '../validate.ts';
import { limitsSchema, type ResolvedLimits } from './limits.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type AttachInput = Omit<AttachRequest, 'limits' | 'mcpServers' | 'toolPolicy'> & {
  limits: ResolvedLimits;
  mcpServers: McpServerConfig[];
  toolPolicy: ToolRule[];
};

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const mcpServer = z.object({
  name: text({ nonEmpty: true, maxLength: 63 }).regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a DNS label (lowercase letters, digits, "-").' }),
  url: text({ nonEmpty: true, maxLength: 2_000 }).refine((url) => URL.canParse(url) && /^https?:$/.test(new URL(url).protocol), {
    error: 'must be an absolute http(s) URL.',
  }),
  transport: withDefault(z.enum(['STREAMABLE_HTTP', 'SSE'], { error: 'must be STREAMABLE_HTTP or SSE.' }), 'STREAMABLE_HTTP'),
  // Values are placeholders, but messages still name the header only.
  headers: withDefault(
    z.record(z.string(), z.string({ error: 'must be a string.' }), { error: 'must be a JSON object.' }).superRefine((headers, ctx) => {
      for (const name of Object.keys(headers)) if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', message: `has an invalid header name "${name}".` });
    }),
    {},
  ),
  allowedTools: withDefault(z.array(text({ nonEmpty: true, maxLength: 500 }), { error: 'must be an array.' }), []),
}) satisfies z.ZodType<McpServerConfig, unknown>;

const toolRule = z.object({
  tool: text({ nonEmpty: true, maxLength: 200 }),
  commandPattern: withDefault(text({ nonEmpty: true, maxLength: 500 }).nullable(), null),
  action: z.enum(['ALLOW', 'ASK', 'DENY'], { error: 'must be ALLOW, ASK or DENY.' }),
}) satisfies z.ZodType<ToolRule, unknown>;

const toolCall = z.object({
  id: text({ nonEmpty: true }),
  name: text({ nonEmpty: true }),
  input: withDefault(jsonObject, {}),
}) satisfies z.ZodType<ToolCall, unknown>;

const historyMessage = z
  .object({
    role: z.enum(['user', 'assistant', 'tool', 'system'], { error: 'must be one of user, assistant, tool, system.' }),
    content: withDefault(text(), ''),
    toolCalls: optional(z.array(toolCall, { error: 'must be an array.' })),
    toolCallId: optional(text({ nonEmpty: true })),
  })
  .refine((m) => m.role !== 'tool' || m.toolCallId !== undefined, { error: 'has role "tool" and so needs a toolCallId.' })
  // Absent optional fields stay absent rather than becoming `undefined` keys.
  .transform(({ toolCalls, toolCallId, ...message }): HistoryMessage => ({
    ...message,
    ...(toolCalls !== undefined && { toolCalls }),
    ...(toolCallId !== undefined && { toolCallId }),
  }));

// Values are secrets: errors name the variable, never its value.
const env = z.record(z.string(), z.string({ error: 'must be a string.' }), { error: 'must be a JSON object.' }).superRefine((vars, ctx) => {
  for (const name of Object.keys(vars)) {
    if (!ENV_NAME.test(name)) ctx.addIssue({ code: 'custom', message: `name "${name}" is not a valid environment variable name.` });
  }
});

const baseUrl = text({ nonEmpty: true }).transform((raw, ctx) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.issues.push({ code: 'custom', input: raw, message: 'must be an absolute http(s) URL, e.g. http://gateway:4000/v1.' });
    return z.NEVER;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    ctx.issues.push({ code: 'custom', input: raw, message: 'must use http or https.' });
    return z.NEVER;
  }
  // Requests go to `${baseUrl}/chat/completions`; a trailing slash would double it.
  return raw.replace(/\/+$/, '');
});

const attachSchema = z.object({
  sessionId: text({ nonEmpty: true, maxLength: 200 }),
  systemPrompt: withDefault(text(), ''),
  model: text({ nonEmpty: true, maxLength: 500 }),
  gateway: z.object({ baseUrl, apiKey: withDefault(text(), '') }),
  env: withDefault(env, {}),
  egress: optional(
    z.object({
      proxyUrl: optional(baseUrl),
      token: text({ nonEmpty: true, maxLength: 200 }),
      commandToken: text({ nonEmpty: true, maxLength: 200 }),
    }),
  ),
  history: withDefault(z.array(historyMessage, { error: 'must be an array.' }), []),
  limits: limitsSchema,
  mcpServers: withDefault(z.array(mcpServer, { error: 'must be an array.' }), []),
  toolPolicy: withDefault(z.array(toolRule, { error: 'must be an array.' }), []),
}) satisfies z.ZodType<AttachInput, unknown>;

/** Validates a `POST /v1/session` body. */
export function parseAttach(body: unknown): AttachInput {
  return parseRequest(attachSchema, body);
}
