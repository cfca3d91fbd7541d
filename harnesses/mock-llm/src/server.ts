import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readJson } from './body.ts';
import { completeAtOnce, streamCompletion, type CompletionMeta } from './completion.ts';
import { RequestError, sendError, sendJson } from './errors.ts';
import { mockModel, modelList } from './models.ts';
import { resolveOptions, type MockLlm, type MockLlmOptions, type MockLlmStats, type ResolvedOptions } from './options.ts';
import { Pacer, type Pace } from './pacing.ts';
import { parseChatRequest, type ChatMessage } from './request.ts';
import { planReply } from './script.ts';
import { countWords } from './tokens.ts';

function headerNumber(req: IncomingMessage, name: string): number | undefined {
  const raw = req.headers[name];
  if (typeof raw !== 'string' || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new RequestError(400, `Header ${name} must be a non-negative number.`);
  return value;
}

function promptTokens(messages: ChatMessage[]): number {
  let total = 0;
  for (const m of messages) {
    total += countWords(m.content);
    for (const call of m.toolCalls) total += countWords(call.arguments);
  }
  return total;
}

function checkAuth(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const given = createHash('sha256').update(req.headers.authorization ?? '').digest();
  const wanted = createHash('sha256').update(`Bearer ${apiKey}`).digest();
  if (!timingSafeEqual(given, wanted)) {
    throw new RequestError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
  }
}

async function chatCompletions(req: IncomingMessage, res: ServerResponse, options: ResolvedOptions, stats: MockLlmStats): Promise<void> {
  const start = performance.now();
  checkAuth(req, options.apiKey);
  const request = parseChatRequest(await readJson(req, options.maxBodyBytes));
  const plan = planReply(request.messages);
  if (plan.reply.kind === 'fail') {
    sendError(res, 500, plan.reply.message, 'server_error', 'mock_failure');
    return;
  }
  // Directive beats header beats server default.
  const pace: Pace = {
    tokensPerSecond: plan.pace.tokensPerSecond ?? headerNumber(req, 'x-mock-tokens-per-second') ?? options.tokensPerSecond,
    firstTokenMs: plan.pace.firstTokenMs ?? headerNumber(req, 'x-mock-first-token-ms') ?? options.firstTokenLatencyMs,
  };
  const abort = new AbortController();
  // A client that hangs up stops generation at the next token.
  res.on('close', () => abort.abort());
  const meta: CompletionMeta = {
    id: `chatcmpl-mock-${createHash('sha256').update(JSON.stringify(request.messages)).digest('hex').slice(0, 24)}`,
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    promptTokens: promptTokens(request.messages),
    includeUsage: request.includeUsage,
  };
  const pacer = new Pacer(pace, abort.signal, start);
  stats.generating++;
  try {
    if (request.stream) {
      req.socket.setNoDelay(true);
      await streamCompletion(res, meta, plan.reply, pacer);
    } else {
      sendJson(res, 200, await completeAtOnce(meta, plan.reply, pacer));
    }
  } catch (error) {
    if (!abort.signal.aborted) throw error;
  } finally {
    stats.generating--;
  }
}

function route(req: IncomingMessage, res: ServerResponse, options: ResolvedOptions, stats: MockLlmStats): Promise<void> | void {
  const path = (req.url ?? '/').split('?', 1)[0];
  stats.requests++;
  if (path === '/v1/chat/completions') {
    if (req.method !== 'POST') throw new RequestError(405, 'Use POST for /v1/chat/completions.');
    return chatCompletions(req, res, options, stats);
  }
  if (req.method !== 'GET') throw new RequestError(405, `Use GET for ${path}.`);
  if (path === '/healthz') return sendJson(res, 200, { ok: true });
  checkAuth(req, options.apiKey);
  if (path === '/v1/models') return sendJson(res, 200, modelList);
  if (path === `/v1/models/${mockModel.id}`) return sendJson(res, 200, mockModel);
  throw new RequestError(404, `Unknown path ${path}.`, 'invalid_request_error', 'not_found');
}

/** Starts the deterministic OpenAI-compatible mock model server. */
export async function startMockLlm(input: MockLlmOptions = {}): Promise<MockLlm> {
  const options = resolveOptions(input);
  const stats: MockLlmStats = { requests: 0, generating: 0 };
  const server = createServer((req, res) => {
    Promise.resolve()
      .then(() => route(req, res, options, stats))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        if (error instanceof RequestError) {
          sendError(res, error.status, error.message, error.type, error.code);
        } else {
          sendError(res, 500, 'The mock model server hit an internal error.', 'server_error');
        }
        if (!req.complete) req.resume();
      });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/v1`,
    port,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
