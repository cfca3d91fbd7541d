import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.ts';
import { HttpError } from './errors.ts';
import { sendError } from './respond.ts';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  /** Named groups captured from the route's pattern. */
  params: Record<string, string>;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT';
  /** Matched against the whole pathname; named groups become `params`. */
  path: RegExp;
  /** False only for probes that must work without credentials. */
  auth: boolean;
  handle(ctx: RequestContext): Promise<void> | void;
}

export interface RouterOptions {
  routes: Route[];
  authorized(req: IncomingMessage): boolean;
  log: Logger;
}

/** Builds the request listener: route matching, auth, and errors as JSON (never a crash). */
export function createRouter({ routes, authorized, log }: RouterOptions) {
  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://runtime');
    const matches = routes.map((route) => ({ route, match: route.path.exec(url.pathname) })).filter((m) => m.match);
    if (matches.length === 0) throw new HttpError(404, 'not_found', `No route for ${url.pathname}.`);
    const found = matches.find((m) => m.route.method === req.method);
    if (!found?.match) {
      const allowed = matches.map((m) => m.route.method).join(', ');
      res.setHeader('allow', allowed);
      throw new HttpError(405, 'method_not_allowed', `${req.method ?? '?'} is not allowed on ${url.pathname}; use ${allowed}.`);
    }
    // Authenticate before reading any body.
    if (found.route.auth && !authorized(req)) {
      res.setHeader('www-authenticate', 'Bearer');
      throw new HttpError(401, 'unauthorized', 'Missing or wrong bearer token (Authorization: Bearer <PADDOCK_RUNTIME_TOKEN>).');
    }
    await found.route.handle({ req, res, url, params: { ...found.match.groups } });
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    dispatch(req, res).catch((error: unknown) => {
      if (!(error instanceof HttpError)) log.error({ err: error, method: req.method, path: req.url?.split('?', 1)[0] }, 'request failed');
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendError(res, error instanceof HttpError ? error : new HttpError(500, 'internal', 'The harness runtime hit an internal error.'));
      // Unread body bytes would otherwise stall the connection.
      if (!req.complete) req.resume();
    });
  };
}
