import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Compares two hex digests in constant time. */
export function sameDigest(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** An HTTP trigger's `Authorization: Bearer <secret>` against the stored SHA-256 of its secret. */
export function bearerMatches(header: string | undefined, secretHash: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match !== null && sameDigest(sha256Hex(match[1]!), secretHash);
}

/** GitHub's `X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body, hex>`. */
export function githubSignatureMatches(header: string | undefined, secret: string, body: Buffer): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest('hex');
  return sameDigest(match[1]!.toLowerCase(), expected);
}
