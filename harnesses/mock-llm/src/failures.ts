import type { ServerResponse } from 'node:http';
import type { ServerContext } from './generate.ts';
import { stableId } from './ids.ts';
import type { Plan, Reply } from './script.ts';
import type { ChatMessage } from './conversation.ts';

/**
 * The reply to send now: a `/fail … times=N` fails only the conversation's first N
 * requests (counted per server), so clients that retry can be seen to recover.
 */
export function replyNow(ctx: ServerContext, messages: ChatMessage[], plan: Plan): Reply {
  const reply = plan.reply;
  if (reply.kind !== 'fail' || reply.times === undefined || reply.then === undefined) return reply;
  const key = stableId('conversation-', messages);
  const seen = ctx.attempts.get(key) ?? 0;
  ctx.attempts.set(key, seen + 1);
  return seen < reply.times ? reply : reply.then;
}

/** Sets `Retry-After` on a failure that asks for it. */
export function setRetryAfter(res: ServerResponse, reply: Extract<Reply, { kind: 'fail' }>): void {
  if (reply.retryAfter !== undefined) res.setHeader('retry-after', String(reply.retryAfter));
}
