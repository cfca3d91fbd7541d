import type { ClientInfo } from '../audit/service.ts';
import type { Logger } from '../log/index.ts';
import type { Services } from '../services.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Loaders } from './loaders.ts';

/** Built fresh for every HTTP request and every WebSocket operation. */
export type Context = {
  viewer: Viewer | null;
  /** An API key was sent but is unknown or revoked (as opposed to no key at all). */
  keyRejected: boolean;
  /** Address and user agent of the caller, for the audit log. */
  client: ClientInfo;
  services: Services;
  loaders: Loaders;
  log: Logger;
  /** The origin the request was addressed to (scheme, host, port), for URLs the API hands out; absent on WebSocket. */
  origin?: string;
};

/** Resolvers behind a `member` auth scope may rely on a viewer being present. */
export function viewerOf(ctx: Context) {
  if (!ctx.viewer) throw new Error('viewerOf called on a field without an auth scope');
  return ctx.viewer;
}
