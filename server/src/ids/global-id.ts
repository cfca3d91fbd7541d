import { badInput } from '../errors/index.ts';
import { isUuid } from './index.ts';

/** Relay global ids: base64url of `Type:uuid`. Opaque to clients, validated on the way in. */
export function encodeGlobalId(typename: string, id: string | number | bigint): string {
  return Buffer.from(`${typename}:${String(id)}`).toString('base64url');
}

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  const typename = decoded.slice(0, colon);
  const id = decoded.slice(colon + 1);
  if (colon < 1 || !isUuid(id) || !/^[A-Z][A-Za-z]{0,63}$/.test(typename))
    throw badInput(`"${globalId}" is not a Paddock ID; pass the \`id\` field of an object.`);
  return { typename, id };
}
