import type { ServerResponse } from 'node:http';
import type { ServerContext } from './generate.ts';
import { stableId } from './ids.ts';
import { planReply, type Plan, type Reply } from './script.ts';
import type { ChatMessage } from './conversation.ts';

/**
 * The reply to send now: a `/fail … times=N` fails only the conversation's first N
 * requests (counted per server), so clients that retry can be seen to recover.
 */
function replyNow(ctx: ServerContext, messages: ChatMessage[], plan: Plan): Reply {
  const reply = plan.reply;
  if (reply.kind !== 'fail' || reply.times === undefined || reply.then === undefined) return reply;
  const key = stableId('conversation-', messages);
  const seen = ctx.attempts.get(key) ?? 0;
  ctx.attempts.set(key, seen + 1);
  return seen < reply.times ? reply : reply.then;
}

type Failure = Extract<Reply, { kind: 'fail' }>;
type Replying = Plan & { reply: Exclude<Reply, Failure> };

/**
 * The plan for a request, or null once its scripted failure has been sent, with
 * `Retry-After` where the failure asks for it, in the protocol's own error shape.
 */
export function planOrFail(ctx: ServerContext, res: ServerResponse, messages: ChatMessage[], sendFailure: (failure: Failure) => void): Replying | null {
  const planned = planReply(messages);
  const reply = replyNow(ctx, messages, planned);
  if (reply.kind !== 'fail') return { ...planned, reply };
  if (reply.retryAfter !== undefined) res.setHeader('retry-after', String(reply.retryAfter));
  sendFailure(reply);
  return null;
}
