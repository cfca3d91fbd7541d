import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAuth } from '../auth.ts';
import { readJson } from '../body.ts';
import { sendJson, sendScriptedFailure } from '../errors.ts';
import { generate, type ServerContext } from '../generate.ts';
import { stableId } from '../ids.ts';
import { planOrFail } from '../failures.ts';
import { countPromptTokens } from '../tokens.ts';
import { completeAtOnce, streamCompletion, type CompletionMeta } from './completion.ts';
import { parseChatRequest } from './request.ts';

/** `POST /v1/chat/completions`. */
export async function chatCompletions(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = performance.now();
  checkAuth(req, ctx.options.apiKey);
  const request = parseChatRequest(await readJson(req, ctx.options.maxBodyBytes));
  const plan = planOrFail(ctx, res, request.messages, (f) => sendScriptedFailure(res, f));
  if (!plan) return;
  const reply = plan.reply;
  const meta: CompletionMeta = {
    id: stableId('chatcmpl-mock-', request.messages),
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    promptTokens: countPromptTokens(request.messages),
    includeUsage: request.includeUsage,
  };
  await generate(ctx, req, res, plan, start, async (pacer) => {
    if (request.stream) await streamCompletion(res, meta, reply, pacer);
    else sendJson(res, 200, await completeAtOnce(meta, reply, pacer));
  });
}
