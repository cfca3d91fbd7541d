import { createHash, createHmac } from 'node:crypto';

/** Name under which the model gateway's key is substituted and redacted. */
export const GATEWAY_KEY_NAME = 'LITELLM_API_KEY';

/**
 * The stand-in a sandbox holds instead of a secret: derived from the sandbox's egress
 * token, so it means something only to the egress proxy, and only for that sandbox.
 */
export function placeholderFor(egressToken: string, name: string): string {
  return `paddock-secret-${createHmac('sha256', egressToken).update(name).digest('base64url').slice(0, 32)}`;
}

/** How an egress token is looked up: only its hash is stored. */
export function egressTokenHash(egressToken: string): string {
  return createHash('sha256').update(egressToken).digest('hex');
}
