import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAuth } from '../auth.ts';
import { readJson } from '../body.ts';
import { sendJson, sendScriptedFailure } from '../errors.ts';
import { generate, type ServerContext } from '../generate.ts';
import { stableId } from '../ids.ts';
import { toProtocolReply } from '../reply.ts';
import { planOrFail } from '../failures.ts';
import { countPromptTokens } from '../tokens.ts';
import { asCustom, inNamespace, parseResponsesRequest } from './request.ts';
import { responseAtOnce, streamResponse, type ResponseMeta } from './stream.ts';

/** `POST /v1/responses`: the OpenAI Responses API, streaming or not. */
export async function responses(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = performance.now();
  checkAuth(req, ctx.options.apiKey);
  const request = parseResponsesRequest(await readJson(req, ctx.options.maxBodyBytes));
  const plan = planOrFail(ctx, res, request.messages, (f) => sendScriptedFailure(res, f));
  if (!plan) return;
  const reply = asCustom(inNamespace(toProtocolReply(plan.reply, request.tools), request.namespaces), request.customTools);
  const meta: ResponseMeta = {
    id: stableId('resp_', request.messages),
    model: request.model,
    createdAt: Math.floor(Date.now() / 1000),
    inputTokens: countPromptTokens(request.messages),
  };
  await generate(ctx, req, res, plan, start, async (pacer) => {
    if (request.stream) await streamResponse(res, meta, reply, pacer);
    else sendJson(res, 200, await responseAtOnce(meta, reply, pacer));
  });
}
