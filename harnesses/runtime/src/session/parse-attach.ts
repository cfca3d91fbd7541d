import type { AttachRequest, HistoryMessage, Role, ToolCall } from '../api.ts';
import { badRequest } from '../http/errors.ts';
import { array, isObject, object, optionalString, string } from '../validate.ts';
import { parseLimits, type ResolvedLimits } from './limits.ts';

const ROLES: ReadonlySet<string> = new Set<Role>(['user', 'assistant', 'tool', 'system']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type AttachInput = Omit<AttachRequest, 'limits'> & { limits: ResolvedLimits };

function toolCall(value: unknown, field: string): ToolCall {
  const call = object(value, field);
  const input = call.input ?? {};
  if (!isObject(input)) throw badRequest(`${field}.input must be a JSON object.`);
  return {
    id: string(call.id, `${field}.id`, { nonEmpty: true }),
    name: string(call.name, `${field}.name`, { nonEmpty: true }),
    input,
  };
}

function historyMessage(value: unknown, i: number): HistoryMessage {
  const field = `history[${i}]`;
  const message = object(value, field);
  if (typeof message.role !== 'string' || !ROLES.has(message.role)) {
    throw badRequest(`${field}.role must be one of user, assistant, tool, system.`);
  }
  const parsed: HistoryMessage = {
    role: message.role as Role,
    content: optionalString(message.content, `${field}.content`, ''),
  };
  if (message.toolCalls !== undefined && message.toolCalls !== null) {
    parsed.toolCalls = array(message.toolCalls, `${field}.toolCalls`).map((c, j) => toolCall(c, `${field}.toolCalls[${j}]`));
  }
  if (message.toolCallId !== undefined && message.toolCallId !== null) {
    parsed.toolCallId = string(message.toolCallId, `${field}.toolCallId`, { nonEmpty: true });
  }
  if (parsed.role === 'tool' && parsed.toolCallId === undefined) {
    throw badRequest(`${field} has role "tool" and so needs a toolCallId.`);
  }
  return parsed;
}

function env(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries = Object.entries(object(value, 'env'));
  for (const [name, v] of entries) {
    // Values are secrets: error messages name the variable, never its value.
    if (!ENV_NAME.test(name)) throw badRequest(`env name "${name}" is not a valid environment variable name.`);
    if (typeof v !== 'string') throw badRequest(`env.${name} must be a string.`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function baseUrl(value: unknown): string {
  const raw = string(value, 'gateway.baseUrl', { nonEmpty: true });
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest('gateway.baseUrl must be an absolute http(s) URL, e.g. http://gateway:4000/v1.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badRequest('gateway.baseUrl must use http or https.');
  }
  // Requests go to `${baseUrl}/chat/completions`; a trailing slash would double it.
  return raw.replace(/\/+$/, '');
}

/** Validates a `POST /v1/session` body. */
export function parseAttach(body: unknown): AttachInput {
  const input = object(body, 'The request body');
  const gateway = object(input.gateway, 'gateway');
  return {
    sessionId: string(input.sessionId, 'sessionId', { nonEmpty: true, maxLength: 200 }),
    systemPrompt: optionalString(input.systemPrompt, 'systemPrompt', ''),
    model: string(input.model, 'model', { nonEmpty: true, maxLength: 500 }),
    gateway: { baseUrl: baseUrl(gateway.baseUrl), apiKey: optionalString(gateway.apiKey, 'gateway.apiKey', '') },
    env: env(input.env),
    history: input.history === undefined || input.history === null ? [] : array(input.history, 'history').map(historyMessage),
    limits: parseLimits(input.limits),
  };
}
