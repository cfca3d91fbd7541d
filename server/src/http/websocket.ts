import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Viewer } from '../auth/viewer.ts';
import type { Services } from '../services.ts';
import type { Yoga } from './yoga.ts';

type Extra = { auth: { viewer: Viewer | null; keyRejected: boolean } };
type Executor = { execute: (args: ExecutionArgs) => unknown; subscribe: (args: ExecutionArgs) => unknown };

/**
 * graphql-ws on `/graphql`, sharing yoga's envelop pipeline (schema, context,
 * validation, error masking) so both transports behave the same. The API key comes
 * from `connectionParams.authorization` and is checked once per connection.
 */
export function attachWebSocket(server: Server, yoga: Yoga, services: Services) {
  const wss = new WebSocketServer({ server, path: '/graphql', maxPayload: services.config.limits.maxBodyBytes });
  const disposable = useServer<Record<string, unknown> | undefined, Extra>(
    {
      onConnect: async (ctx) => {
        const raw = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        (ctx.extra as Extra & object).auth = await services.auth.identify(typeof raw === 'string' ? raw : null);
        return true;
      },
      execute: (args) => (args.rootValue as Executor).execute(args) as never,
      subscribe: (args) => (args.rootValue as Executor).subscribe(args) as never,
      onSubscribe: async (ctx, _id, params) => {
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
          ...ctx,
          wsAuth: ctx.extra.auth,
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
      for (const client of wss.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
