import { createHash, randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'pdk_';

/** A new API key: `pdk_` + 40 base62 characters (~238 bits). */
export function generateApiKey(): string {
  const bytes = randomBytes(40);
  let body = '';
  for (const byte of bytes) body += ALPHABET[byte % 62];
  return KEY_PREFIX + body;
}

/** Keys carry enough entropy that a fast hash is safe; only this hash is stored. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function keyPrefix(key: string): string {
  return key.slice(0, 10);
}
