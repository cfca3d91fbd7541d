import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { RequestError } from './errors.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * When the server has an API key, a request must carry it as OpenAI's `Authorization: Bearer`
 * or Anthropic's `x-api-key`: gateways such as LiteLLM accept both, and so do the CLIs' clients.
 */
export function checkAuth(req: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const wanted = digest(apiKey);
  const bearer = /^Bearer (.*)$/.exec(req.headers.authorization ?? '')?.[1];
  const header = req.headers['x-api-key'];
  const given = [bearer, typeof header === 'string' ? header : undefined];
  // Hashing first gives equal lengths, so the comparison itself leaks nothing.
  if (given.some((key) => key !== undefined && timingSafeEqual(digest(key), wanted))) return;
  throw new RequestError(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key');
}
