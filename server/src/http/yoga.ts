import type { GraphQLSchema } from 'graphql';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { getOperationAST, GraphQLError } from 'graphql';
import { isTransientDbError } from '../db/errors.ts';
import { PUBLIC_CODES, unavailable } from '../errors/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Context } from '../graphql/context.ts';
import { createLoaders } from '../graphql/loaders.ts';
import type { Services } from '../services.ts';

/** Set by the WebSocket server, which authenticates once per connection. */
export type ServerContext = { wsAuth?: { viewer: Viewer | null; keyRejected: boolean } };

export type Yoga = YogaServerInstance<ServerContext, Context>;

export function createGraphqlServer(schema: GraphQLSchema, services: Services): Yoga {
  const log = services.log.child({ component: 'graphql' });
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Paddock GraphQL', subscriptionsProtocol: 'WS' },
    batching: false,
    // Compiles each distinct operation once; repeated queries skip graphql-js's interpreter.
    // Not subscriptions: graphql-jit hands a subscription field the operation's variables
    // instead of its arguments, so `sessionEvents(sessionId: $s)` would see no sessionId.
    plugins: [useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== 'subscription' })],
    healthCheckEndpoint: '/graphql/health',
    // Unexpected errors are logged with their stack and reach clients as "Unexpected error.".
    maskedErrors: { maskError: maskUnexpected },
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      error: (...args) => log.error({ err: args[0], args: args.slice(1) }, 'graphql error'),
    },
    context: async (initial): Promise<Context> => {
      const { viewer, keyRejected } = initial.wsAuth ?? (await services.auth.identify(initial.request.headers.get('authorization')));
      return { viewer, keyRejected, services, loaders: createLoaders(services, viewer), log };
    },
  });
}

/**
 * Errors Paddock raised on purpose keep their message and code; anything else is
 * masked. Matched by code rather than class, so it holds even when a library loads
 * its own copy of graphql.
 */
function maskUnexpected(error: unknown, message: string, isDev?: boolean): Error {
  const located = error as { path?: readonly (string | number)[]; nodes?: never };
  for (let e: unknown = error; e instanceof Error; e = (e as { originalError?: unknown }).originalError) {
    if (isTransientDbError(e)) {
      const { message: text, extensions } = unavailable('Paddock cannot reach its database right now. Try again in a few seconds.');
      return new GraphQLError(text, { path: located.path, nodes: located.nodes, extensions });
    }
    const code = (e as { extensions?: { code?: unknown } }).extensions?.code;
    if (typeof code === 'string' && PUBLIC_CODES.has(code)) {
      return new GraphQLError(e.message, { path: located.path, nodes: located.nodes, extensions: (e as GraphQLError).extensions });
    }
    // Pothos rejects malformed arguments (e.g. an ID of the wrong type) with this class.
    if (e.name === 'PothosValidationError') {
      return new GraphQLError(e.message, { path: located.path, nodes: located.nodes, extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return maskError(error, message, isDev);
}
