import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Checks `Authorization: Bearer <token>` in constant time. Comparing fixed-size digests
 * keeps timingSafeEqual usable when the lengths differ and hides the token's length.
 */
export function createBearerCheck(token: string): (req: IncomingMessage) => boolean {
  const expected = digest(`Bearer ${token}`);
  return (req) => timingSafeEqual(digest(req.headers.authorization ?? ''), expected);
}
