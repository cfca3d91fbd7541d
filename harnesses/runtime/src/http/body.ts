import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge } from './errors.ts';

/** Request body limits, in bytes. History can be long, so attach gets the most room. */
export const BODY_LIMITS = {
  default: 1024 * 1024,
  attach: 64 * 1024 * 1024,
  file: 16 * 1024 * 1024,
} as const;

/** Reads the whole body, refusing it as soon as it grows past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw tooLarge(`The request body is larger than the ${limit}-byte limit.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw tooLarge(`The request body is larger than the ${limit}-byte limit.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks, size);
}

export async function readJson(req: IncomingMessage, limit: number = BODY_LIMITS.default): Promise<unknown> {
  const body = await readBody(req, limit);
  if (body.length === 0) throw badRequest('The request body is empty; send a JSON object.');
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw badRequest(`The request body is not valid JSON: ${detail}`);
  }
}
