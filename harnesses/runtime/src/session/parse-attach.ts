import { z } from 'zod';
import type { AttachRequest, HistoryMessage, ToolCall } from '../api.ts';
import { jsonObject, optional, parseRequest, text, withDefault } from '../validate.ts';
import { limitsSchema, type ResolvedLimits } from './limits.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type AttachInput = Omit<AttachRequest, 'limits'> & { limits: ResolvedLimits };

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
}) satisfies z.ZodType<AttachInput, unknown>;

/** Validates a `POST /v1/session` body. */
export function parseAttach(body: unknown): AttachInput {
  return parseRequest(attachSchema, body);
}
