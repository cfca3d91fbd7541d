import { createHash } from 'node:crypto';
import type { Pace } from './pacing.ts';
import type { ChatMessage } from './conversation.ts';
import { tokenize } from './tokens.ts';

/** What the mock answers, decided from the request alone (no state, no randomness). */
export type Reply =
  /** `thinking` tokens stream first as a reasoning block where the protocol has one. */
  | { kind: 'text'; tokens: string[]; thinking: string[] }
  /** A tool call named in the chat harness's vocabulary (`run_command`, `read_file`, ...); other protocols map it. */
  | { kind: 'tool'; callId: string; name: string; arguments: Record<string, unknown> }
  /**
   * An HTTP error instead of a reply, with `Retry-After` when `retryAfter` is set. With
   * `times`, only that many requests of the conversation fail; later ones get `then`.
   */
  | { kind: 'fail'; status: number; message: string; retryAfter?: number; times?: number; then?: Reply };

export interface Plan {
  reply: Reply;
  /** Directive-level pacing overrides (`/slow`, `/long N rate=R first=MS`). */
  pace: Partial<Pace>;
}

/** Rate used by `/slow`, slow enough for a person to watch tokens arrive. */
export const SLOW_TOKENS_PER_SECOND = 10;
/** Upper bound for `/long N`, so one request cannot tie up the server forever. */
export const MAX_LONG_TOKENS = 100_000;

const text = (value: string, thinking = ''): Reply => ({ kind: 'text', tokens: tokenize(value), thinking: tokenize(thinking) });

function lastOf(messages: ChatMessage[], role: string): ChatMessage | undefined {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.role === role) return messages[i];
  return undefined;
}

/** Deterministic tool-call id: same conversation, same id. */
function callId(messages: ChatMessage[], name: string): string {
  const hash = createHash('sha256').update(`${messages.length}:${name}:${messages.at(-1)?.content ?? ''}`);
  return `call_${hash.digest('hex').slice(0, 24)}`;
}

function tool(messages: ChatMessage[], name: string, args: Record<string, unknown>): Reply {
  return { kind: 'tool', callId: callId(messages, name), name, arguments: args };
}

function echo(user: string, messages: ChatMessage[]): Reply {
  return text(`You said: ${user} (${messages.length} messages)\n\n` + '> **Paddock offline mock model**: a deterministic reply, no real LLM was called.');
}

/** Reads `key=number` options; the rest are positional words. */
function options(args: string): { words: string[]; values: Map<string, number> } {
  const words: string[] = [];
  const values = new Map<string, number>();
  for (const part of args.split(/\s+/).filter(Boolean)) {
    const [key, value] = part.split('=');
    const number = Number(value);
    if (key && value !== undefined && Number.isFinite(number) && number >= 0) values.set(key, number);
    else words.push(part);
  }
  return { words, values };
}

/**
 * `/fail [status] [retry-after=S] [times=N]`: an HTTP error, 500 unless a 4xx/5xx status is
 * given (clients retry 5xx and 429, not other 4xx), optionally with `Retry-After: S`. With
 * `times=N` only the conversation's first N requests fail; then the mock answers normally.
 */
function fail(args: string, user: string, messages: ChatMessage[]): Reply {
  const { words, values } = options(args);
  const status = Number.parseInt(words[0] ?? '', 10);
  const valid = Number.isInteger(status) && status >= 400 && status <= 599;
  const times = values.get('times');
  const retryAfter = values.get('retry-after');
  return {
    kind: 'fail',
    status: valid ? status : 500,
    message: `The mock model failed on purpose (/fail${valid ? ` ${status}` : ''}).`,
    ...(retryAfter !== undefined ? { retryAfter } : {}),
    ...(times !== undefined ? { times, then: echo(user, messages) } : {}),
  };
}

/** `/hang [after=N]`: streams N tokens (default 0) of `tok1 tok2 …`, then sends nothing more, like a hung model. */
function hang(args: string): Plan {
  const after = Math.min(MAX_LONG_TOKENS, Math.floor(options(args).values.get('after') ?? 0));
  const tokens = Array.from({ length: after + 1 }, (_, i) => `tok${i + 1} `);
  return { reply: { kind: 'text', tokens, thinking: [] }, pace: { hangAt: after } };
}

/** `/long N rate=R first=MS`: exactly N tokens `tok1 tok2 …`. */
function long(args: string): Plan {
  const [countText = '', ...options] = args.split(/\s+/).filter(Boolean);
  const count = Math.min(MAX_LONG_TOKENS, Math.max(0, Number.parseInt(countText, 10) || 0));
  const pace: Partial<Pace> = {};
  for (const option of options) {
    const [key, value] = option.split('=');
    const number = Number(value);
    if (!Number.isFinite(number) || number < 0) continue;
    if (key === 'rate') pace.tokensPerSecond = number;
    if (key === 'first') pace.firstTokenMs = number;
  }
  const tokens = Array.from({ length: count }, (_, i) => (i === count - 1 ? `tok${i + 1}` : `tok${i + 1} `));
  return { reply: { kind: 'text', tokens, thinking: [] }, pace };
}

/** `/call TOOL_NAME {json args}`: calls any tool by name (an MCP tool, say) with a JSON object as its arguments. */
function call(args: string, messages: ChatMessage[]): Reply {
  const match = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args);
  if (!match) return text('Usage: /call TOOL_NAME {json args}');
  const [, name = '', json = ''] = match;
  if (json.trim() === '') return tool(messages, name, {});
  try {
    const input: unknown = JSON.parse(json);
    if (typeof input === 'object' && input !== null && !Array.isArray(input)) return tool(messages, name, input as Record<string, unknown>);
  } catch {
    // Answered below.
  }
  return text(`The arguments of /call must be a JSON object, e.g. /call ${name} {"query": "paddock"}.`);
}

/** Reply to the user message that ends the conversation, honouring `/directives`. */
function answerUser(user: string, messages: ChatMessage[]): Plan {
  const trimmed = user.trim();
  const match = /^\/(\w+)(?:\s+([\s\S]*))?$/.exec(trimmed);
  const directive = match?.[1] ?? '';
  const rest = match?.[2]?.trim() ?? '';
  switch (directive) {
    case 'fail':
      return { reply: fail(rest, user, messages), pace: {} };
    case 'hang':
      return hang(rest);
    case 'call':
      return { reply: call(rest, messages), pace: {} };
    case 'tool':
    case 'loop':
      return { reply: tool(messages, 'run_command', { command: rest }), pace: {} };
    case 'read':
      return { reply: tool(messages, 'read_file', { path: rest }), pace: {} };
    case 'list':
      return { reply: tool(messages, 'list_files', { path: rest === '' ? '.' : rest }), pace: {} };
    case 'write': {
      const space = rest.search(/\s/);
      const path = space < 0 ? rest : rest.slice(0, space);
      const content = space < 0 ? '' : rest.slice(space + 1);
      return { reply: tool(messages, 'write_file', { path, content }), pace: {} };
    }
    case 'long':
      return long(rest);
    case 'slow':
      return { reply: echo(rest, messages), pace: { tokensPerSecond: SLOW_TOKENS_PER_SECOND } };
    case 'think':
      return { reply: text(`You said: ${rest}`, `The user wants me to think about: ${rest}`), pace: {} };
    default:
      return { reply: echo(user, messages), pace: {} };
  }
}

/** The shell command of a tool call in any protocol's shape: `command` (string or argv) or `cmd`. */
function commandOf(argumentsJson: string): string | undefined {
  try {
    const args: unknown = JSON.parse(argumentsJson);
    if (typeof args !== 'object' || args === null) return undefined;
    const { command, cmd } = args as { command?: unknown; cmd?: unknown };
    if (typeof command === 'string') return command;
    if (typeof cmd === 'string') return cmd;
    // `["bash", "-lc", "ls"]`: the script is the last word.
    if (Array.isArray(command) && typeof command.at(-1) === 'string') return String(command.at(-1));
  } catch {
    // Malformed arguments only change the wording of the summary.
  }
  return undefined;
}

/** Codex wraps command output in a header ending with an `Output:` line; the summary quotes what follows. */
function outputOf(content: string): string {
  const marker = content.indexOf('\nOutput:\n');
  return marker >= 0 ? content.slice(marker + '\nOutput:\n'.length) : content;
}

/** After a tool result: summarise it, unless the user asked for `/loop`. */
function answerTool(result: ChatMessage, messages: ChatMessage[]): Plan {
  const user = lastOf(messages, 'user')?.content.trim() ?? '';
  if (user.startsWith('/loop ')) return answerUser(user, messages);
  const call = messages.flatMap((m) => m.toolCalls).find((c) => c.id === result.toolCallId);
  const firstLine = outputOf(result.content).split('\n', 1)[0] ?? '';
  const command = call ? commandOf(call.arguments) : undefined;
  const subject = command === undefined ? `Tool \`${call?.name ?? 'unknown'}\` finished.` : `Ran \`${command}\`.`;
  return { reply: text(`${subject} First line of output: ${firstLine}`), pace: {} };
}

export function planReply(messages: ChatMessage[]): Plan {
  const last = messages.at(-1);
  if (last?.role === 'tool') return answerTool(last, messages);
  const user = lastOf(messages, 'user');
  return answerUser(user?.content ?? '', messages);
}
