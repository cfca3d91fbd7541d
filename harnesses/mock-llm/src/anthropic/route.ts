import type { IncomingMessage, ServerResponse } from 'node:http';
import { checkAuth } from '../auth.ts';
import { readJson } from '../body.ts';
import { sendJson } from '../errors.ts';
import { generate, type ServerContext } from '../generate.ts';
import { stableId } from '../ids.ts';
import { toProtocolReply } from '../reply.ts';
import { planOrFail } from '../failures.ts';
import { countPromptTokens } from '../tokens.ts';
import { sendAnthropicError } from './errors.ts';
import { parseMessagesRequest } from './request.ts';
import { messageAtOnce, streamMessage } from './stream.ts';

/** `POST /v1/messages`: the Anthropic Messages API, streaming or not. */
export async function messages(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = performance.now();
  checkAuth(req, ctx.options.apiKey);
  const request = parseMessagesRequest(await readJson(req, ctx.options.maxBodyBytes));
  const plan = planOrFail(ctx, res, request.messages, (f) => sendAnthropicError(res, f.status, f.message));
  if (!plan) return;
  const reply = toProtocolReply(plan.reply, request.tools);
  const meta = { id: stableId('msg_mock_', request.messages), model: request.model, inputTokens: countPromptTokens(request.messages) };
  await generate(ctx, req, res, plan, start, async (pacer) => {
    if (request.stream) await streamMessage(res, meta, reply, pacer);
    else sendJson(res, 200, await messageAtOnce(meta, reply, pacer));
  });
}

/** `POST /v1/messages/count_tokens`: the same word count the usage reports. */
export async function countTokens(ctx: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  checkAuth(req, ctx.options.apiKey);
  const request = parseMessagesRequest(await readJson(req, ctx.options.maxBodyBytes));
  sendJson(res, 200, { input_tokens: countPromptTokens(request.messages) });
}
