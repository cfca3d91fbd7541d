import type { Reply } from './script.ts';
import { chunkArguments } from './tokens.ts';
import { toolUseFor, type ToolUse } from './tool-dialect.ts';

/** A reply ready for a protocol writer: text (with optional thinking), or one tool call in the client's shape. */
export type ProtocolReply =
  | { kind: 'text'; tokens: string[]; thinking: string[] }
  | {
      kind: 'tool';
      callId: string;
      use: ToolUse;
      argumentChunks: string[];
      /** A Responses API custom (freeform) tool: the call carries its text input, not JSON arguments. */
      custom?: true;
    };

/** Maps the script's reply onto the tools the client offered. */
export function toProtocolReply(reply: Exclude<Reply, { kind: 'fail' }>, tools: readonly string[]): ProtocolReply {
  if (reply.kind === 'text') return reply;
  const use = toolUseFor(reply.name, reply.arguments, tools);
  return { kind: 'tool', callId: reply.callId, use, argumentChunks: chunkArguments(JSON.stringify(use.input)) };
}

/** Paced units of a reply, which is also its output token count. */
export const unitCount = (reply: ProtocolReply): number => (reply.kind === 'text' ? reply.thinking.length + reply.tokens.length : reply.argumentChunks.length);
