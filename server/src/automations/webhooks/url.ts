import { lookup } from 'node:dns/promises';
import { badInput } from '../../errors/index.ts';
import { parseAddress, refusedReason, type PrivateAllowList } from '../../egress/rules.ts';

export const MAX_URL_CHARS = 2_000;

export class DestinationRefused extends Error {}

export type ResolveFn = (host: string) => Promise<string[]>;
const resolveAll: ResolveFn = async (host) => (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The address a webhook request goes to: the URL's host resolved, every address checked
 * against the egress rules for private, loopback, link-local and metadata ranges (unless
 * PADDOCK_EGRESS_PRIVATE_ALLOW lists them). The request then connects to this address, so
 * the name cannot be rebound between the check and the connection.
 */
export async function resolveDestination(url: URL, privateAllow: PrivateAllowList, resolve: ResolveFn = resolveAll): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  const literal = parseAddress(host);
  let addresses: string[];
  if (literal) addresses = [literal.toString()];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new DestinationRefused(`${host} does not resolve (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
  }
  if (addresses.length === 0) throw new DestinationRefused(`${host} has no address.`);
  for (const address of addresses) {
    const reason = refusedReason(address, privateAllow);
    if (reason)
      throw new DestinationRefused(
        `${host} resolves to a ${reason} address (${address}), which webhooks may not reach; an operator can allow such ranges with PADDOCK_EGRESS_PRIVATE_ALLOW.`,
      );
  }
  return addresses[0]!;
}

/** Checks a webhook URL when it is saved: http(s), no credentials, a destination webhooks may reach. */
export async function validateWebhookUrl(raw: string, privateAllow: PrivateAllowList, resolve?: ResolveFn): Promise<string> {
  const text = raw.trim();
  if (text.length > MAX_URL_CHARS) throw badInput(`url must be at most ${MAX_URL_CHARS} characters.`, 'url');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput(`"${raw}" is not a URL; write it in full, like https://example.com/hooks/paddock.`, 'url');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput(`url must be http:// or https://, not ${url.protocol}//.`, 'url');
  if (url.username || url.password)
    throw badInput('url must not contain credentials; check the webhook-signature header to authenticate Paddock instead.', 'url');
  try {
    await resolveDestination(url, privateAllow, resolve);
  } catch (error) {
    if (error instanceof DestinationRefused) throw badInput(error.message, 'url');
    throw error;
  }
  return url.toString();
}
