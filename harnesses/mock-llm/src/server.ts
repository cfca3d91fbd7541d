import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens, messages } from './anthropic/route.ts';
import { sendAnthropicError } from './anthropic/errors.ts';
import { checkAuth } from './auth.ts';
import { chatCompletions } from './chat/route.ts';
import { RequestError, sendError, sendJson } from './errors.ts';
import type { ServerContext } from './generate.ts';
import { mockModel, modelList } from './models.ts';
import { resolveOptions, type MockLlm, type MockLlmOptions } from './options.ts';
import { responses } from './responses/route.ts';

const MAX_TRACEPARENTS = 1_000;

type Handler = (ctx: ServerContext, req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Model endpoints by path; each speaks its own protocol, all answer from the same script. */
const POST_ROUTES: Record<string, Handler> = {
  '/v1/chat/completions': chatCompletions,
  '/v1/messages': messages,
  '/v1/messages/count_tokens': countTokens,
  '/v1/responses': responses,
};

function route(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> | void {
  ctx.stats.requests++;
  const handler = POST_ROUTES[path];
  const traceparent = req.headers.traceparent;
  if (handler && typeof traceparent === 'string') {
    ctx.traceparents.push(traceparent);
    if (ctx.traceparents.length > MAX_TRACEPARENTS) ctx.traceparents.shift();
  }
  if (handler) {
    if (req.method !== 'POST') throw new RequestError(405, `Use POST for ${path}.`);
    return handler(ctx, req, res);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new RequestError(405, `Use GET for ${path}.`);
  // Claude Code probes the base URL with HEAD / before its first request.
  if (path === '/healthz' || path === '/') return sendJson(res, 200, { ok: true });
  checkAuth(req, ctx.options.apiKey);
  if (path === '/v1/models') return sendJson(res, 200, modelList);
  if (path === `/v1/models/${mockModel.id}`) return sendJson(res, 200, mockModel);
  throw new RequestError(404, `Unknown path ${path}.`, 'invalid_request_error', 'not_found');
}

/** Errors in the envelope of the protocol the client speaks. */
function fail(res: ServerResponse, path: string, error: unknown): void {
  const status = error instanceof RequestError ? error.status : 500;
  const message = error instanceof RequestError ? error.message : 'The mock model server hit an internal error.';
  if (path.startsWith('/v1/messages')) sendAnthropicError(res, status, message);
  else if (error instanceof RequestError) sendError(res, status, message, error.type, error.code);
  else sendError(res, 500, message, 'server_error');
}

/** Starts the deterministic mock model server (Chat Completions, Anthropic Messages, OpenAI Responses). */
export async function startMockLlm(input: MockLlmOptions = {}): Promise<MockLlm> {
  const ctx: ServerContext = { options: resolveOptions(input), stats: { requests: 0, generating: 0 }, attempts: new Map(), traceparents: [] };
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    Promise.resolve()
      .then(() => route(ctx, req, res, path))
      .catch((error: unknown) => {
        if (res.headersSent) {
          res.destroy();
          return;
        }
        fail(res, path, error);
        if (!req.complete) req.resume();
      });
  });
  server.keepAliveTimeout = 65_000;
  const { options } = ctx;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/v1`,
    port,
    stats: () => ({ ...ctx.stats }),
    traceparents: () => [...ctx.traceparents],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
