import { createHash, createHmac } from 'node:crypto';

/** Name under which the model gateway's key is substituted and redacted. */
export const GATEWAY_KEY_NAME = 'LITELLM_API_KEY';

/**
 * The stand-in a sandbox holds instead of a secret: derived from an egress token, so it
 * means something only to the egress proxy, and only for that sandbox. The agent's
 * secrets derive from the command token, the gateway key from the runtime's token.
 */
export function placeholderFor(egressToken: string, name: string): string {
  return `paddock-secret-${createHmac('sha256', egressToken).update(name).digest('base64url').slice(0, 32)}`;
}

/**
 * The egress token of the commands the agent runs, derived one way from the runtime's
 * token: holding it gives no way back to the runtime's, and the proxy grants it no access
 * to the model gateway.
 */
export function commandTokenFor(egressToken: string): string {
  return createHmac('sha256', egressToken).update('paddock-command-token').digest('base64url');
}

/** How an egress token is looked up: only its hash is stored. */
export function egressTokenHash(egressToken: string): string {
  return createHash('sha256').update(egressToken).digest('hex');
}

/** What the sandbox row keeps of a runtime egress token: both tokens' hashes, to look either up by. */
export function egressTokenHashes(egressToken: string): { egressTokenHash: string; commandTokenHash: string } {
  return { egressTokenHash: egressTokenHash(egressToken), commandTokenHash: egressTokenHash(commandTokenFor(egressToken)) };
}
