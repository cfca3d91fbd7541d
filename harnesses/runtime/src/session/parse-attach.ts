import type { AttachRequest, HistoryMessage, McpServerConfig, Role, ToolCall, ToolRule } from '../api.ts';
import { badRequest } from '../http/errors.ts';
import { array, isObject, object, optionalString, string } from '../validate.ts';
import { parseLimits, type ResolvedLimits } from './limits.ts';

const ROLES: ReadonlySet<string> = new Set<Role>(['user', 'assistant', 'tool', 'system']);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type AttachInput = Omit<AttachRequest, 'limits' | 'mcpServers' | 'toolPolicy'> & {
  limits: ResolvedLimits;
  mcpServers: McpServerConfig[];
  toolPolicy: ToolRule[];
};

const SERVER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ACTIONS: ReadonlySet<string> = new Set(['ALLOW', 'ASK', 'DENY']);

function stringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  return array(value, field).map((v, i) => string(v, `${field}[${i}]`, { nonEmpty: true, maxLength: 500 }));
}

function mcpServer(value: unknown, i: number): McpServerConfig {
  const field = `mcpServers[${i}]`;
  const server = object(value, field);
  const name = string(server.name, `${field}.name`, { nonEmpty: true, maxLength: 63 });
  if (!SERVER_NAME.test(name)) throw badRequest(`${field}.name must be a DNS label (lowercase letters, digits, "-").`);
  const url = string(server.url, `${field}.url`, { nonEmpty: true, maxLength: 2_000 });
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw badRequest(`${field}.url must be an absolute http(s) URL.`);
  const transport = server.transport ?? 'STREAMABLE_HTTP';
  if (transport !== 'STREAMABLE_HTTP' && transport !== 'SSE') throw badRequest(`${field}.transport must be STREAMABLE_HTTP or SSE.`);
  const headers = server.headers === undefined || server.headers === null ? {} : object(server.headers, `${field}.headers`);
  for (const [header, v] of Object.entries(headers)) {
    // Values are placeholders, but messages still name the header only.
    if (!HEADER_NAME.test(header)) throw badRequest(`${field}.headers has an invalid header name "${header}".`);
    if (typeof v !== 'string') throw badRequest(`${field}.headers.${header} must be a string.`);
  }
  return { name, url, transport, headers: headers as Record<string, string>, allowedTools: stringList(server.allowedTools, `${field}.allowedTools`) };
}

function toolRule(value: unknown, i: number): ToolRule {
  const field = `toolPolicy[${i}]`;
  const rule = object(value, field);
  const action = rule.action;
  if (typeof action !== 'string' || !ACTIONS.has(action)) throw badRequest(`${field}.action must be ALLOW, ASK or DENY.`);
  const commandPattern = rule.commandPattern === undefined || rule.commandPattern === null ? null : string(rule.commandPattern, `${field}.commandPattern`, { nonEmpty: true, maxLength: 500 });
  return { tool: string(rule.tool, `${field}.tool`, { nonEmpty: true, maxLength: 200 }), commandPattern, action: action as ToolRule['action'] };
}

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
    mcpServers: input.mcpServers === undefined || input.mcpServers === null ? [] : array(input.mcpServers, 'mcpServers').map(mcpServer),
    toolPolicy: input.toolPolicy === undefined || input.toolPolicy === null ? [] : array(input.toolPolicy, 'toolPolicy').map(toolRule),
  };
}
