import type { IncomingMessage } from 'node:http';
import { RequestError } from './errors.ts';

/** Reads and parses a JSON body, refusing anything over `limit` bytes. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new RequestError(413, `Request body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) throw new RequestError(413, `Request body is larger than ${limit} bytes.`);
    chunks.push(buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestError(400, 'We could not parse the JSON body of your request.');
  }
}
