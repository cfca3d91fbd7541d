import type { IncomingMessage, Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientInfo } from '../audit/service.ts';
import type { Viewer } from '../auth/viewer.ts';
import { rateLimited, unauthenticated } from '../errors/index.ts';
import type { Services } from '../services.ts';
import type { Throttle } from './throttle.ts';
import type { Yoga } from './yoga.ts';

/** Close codes a client can act on: the key was revoked; too many failed authentications. */
export const CLOSE_KEY_REVOKED = CloseCode.Forbidden; // 4403
export const CLOSE_TOO_MANY_FAILURES = 4429;

type Auth = { viewer: Viewer | null; keyRejected: boolean; client: ClientInfo };
type Extra = { socket: WebSocket; request: IncomingMessage; auth?: Auth; authorization?: string | null };
type Executor = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

/**
 * graphql-ws on `/graphql`, sharing yoga's envelop pipeline (schema, context,
 * validation, limits, error masking) so both transports behave the same. The API key
 * comes from `connectionParams.authorization`; it is checked when the socket opens and
 * again for every operation, and a revoked key's sockets are closed with 4403 the moment
 * the revocation reaches this process.
 */
export function attachWebSocket(server: Server, yoga: Yoga, services: Services, throttle: Throttle) {
  const { wsMaxSubscriptions } = services.config.limits;
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: services.config.limits.maxBodyBytes });
  const socketsByKey = new Map<string, Set<WebSocket>>();

  const stopRevoked = services.auth.onRevoked((keyId) => {
    for (const socket of socketsByKey.get(keyId) ?? []) socket.close(CLOSE_KEY_REVOKED, 'API key revoked');
    socketsByKey.delete(keyId);
  });

  const track = (keyId: string, socket: WebSocket) => {
    let set = socketsByKey.get(keyId);
    if (!set) socketsByKey.set(keyId, (set = new Set()));
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      if (set.size === 0 && socketsByKey.get(keyId) === set) socketsByKey.delete(keyId);
    });
  };

  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const authorization = typeof raw === 'string' ? raw : null;
        const address = throttle.addressOf(ctx.extra.request);
        if (authorization) {
          const wait = await throttle.authBlockedFor(address);
          if (wait > 0) {
            ctx.extra.socket.close(CLOSE_TOO_MANY_FAILURES, `Too many failed authentications; retry in ${wait} s`);
            return false;
          }
        }
        const client = { address, userAgent: ctx.extra.request.headers['user-agent'] ?? null };
        const auth = { ...(await services.auth.identify(authorization)), client };
        if (auth.keyRejected) {
          services.audit.authFailure(client, 'websocket');
          await throttle.authFailed(address);
        }
        if (auth.viewer) services.audit.keyUsed(auth.viewer, client);
        ctx.extra.auth = auth;
        ctx.extra.authorization = authorization;
        if (auth.viewer) track(auth.viewer.keyId, ctx.extra.socket);
        return true;
      },
      execute: (args) => (args.rootValue as Executor).execute(args) as never,
      subscribe: (args) => (args.rootValue as Executor).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const active = Object.keys(ctx.subscriptions).length;
        if (active > wsMaxSubscriptions) {
          return [
            rateLimited(
              `This connection already runs ${active - 1} operations; the limit is ${wsMaxSubscriptions} (PADDOCK_WS_MAX_SUBSCRIPTIONS). Complete some first.`,
              1,
            ),
          ];
        }
        // The key is checked again for every operation (a cache hit unless it was revoked).
        const before = ctx.extra.auth ?? { viewer: null, keyRejected: false, client: { address: null, userAgent: null } };
        const auth = before.viewer ? { ...(await services.auth.identify(ctx.extra.authorization)), client: before.client } : before;
        if (before.viewer && !auth.viewer) {
          ctx.extra.socket.close(CLOSE_KEY_REVOKED, 'API key revoked');
          return [unauthenticated('This API key is not valid: it was revoked or never existed. Ask an admin for a new one.')];
        }
        if (auth.viewer) {
          const wait = await throttle.keyRequest(auth.viewer.keyId);
          if (wait > 0) return [rateLimited(`This API key is over its request rate (PADDOCK_KEY_REQUESTS_PER_SECOND); retry in ${wait} s.`, wait)];
        }
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          wsAuth: auth,
          params,
        });
        let document;
        try {
          document = parse(params.query);
        } catch (error) {
          return [error as never];
        }
        const args: ExecutionArgs = {
          schema,
          operationName: params.operationName,
          document,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
        const errors = validate(args.schema, args.document);
        return errors.length > 0 ? errors : args;
      },
    },
    wss,
  );
  return {
    async close() {
      stopRevoked();
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
