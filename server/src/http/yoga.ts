import type { IncomingMessage } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useGraphQlJit } from '@envelop/graphql-jit';
import { createYoga, maskError, type YogaServerInstance } from 'graphql-yoga';
import { getOperationAST, GraphQLError } from 'graphql';
import { isTransientDbError } from '../db/errors.ts';
import { PUBLIC_CODES, rateLimited, unavailable } from '../errors/index.ts';
import { renderPaddockGraphiql } from './graphiql.ts';
import type { ClientInfo } from '../audit/service.ts';
import type { Viewer } from '../auth/viewer.ts';
import type { Context } from '../graphql/context.ts';
import { createLoaders } from '../graphql/loaders.ts';
import { useIntrospectionAuth, useOperationLimits } from '../graphql/limits.ts';
import { useCodedErrors } from '../graphql/coded-errors.ts';
import { useCompiledSubscriptions } from '../graphql/compiled-subscriptions.ts';
import { useInputText } from '../graphql/input-text.ts';
import type { Logger } from '../log/index.ts';
import type { Services } from '../services.ts';
import { corsFor, graphiqlSecurity } from './security.ts';
import { useGraphqlMetrics } from '../telemetry/graphql.ts';
import type { Throttle } from './throttle.ts';
import { tracingEnabled } from '../telemetry/tracing.ts';
import { useTracing } from '../telemetry/tracing-graphql.ts';

/**
 * Node's request (HTTP), or the WebSocket server's per-connection authentication
 * (it authenticates once per connection and throttles on its own).
 */
export type ServerContext = { req?: IncomingMessage; wsAuth?: { viewer: Viewer | null; keyRejected: boolean; client: ClientInfo } };

export type Yoga = YogaServerInstance<ServerContext, Context>;

const GRAPHIQL_TITLE = 'Paddock GraphQL';

export function createGraphqlServer(schema: GraphQLSchema, services: Services, throttle: Throttle): Yoga {
  const log = services.log.child({ component: 'graphql' });
  const graphiql = graphiqlSecurity(() => renderPaddockGraphiql(services.config, GRAPHIQL_TITLE));
  return createYoga<ServerContext, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: GRAPHIQL_TITLE },
    renderGraphiQL: graphiql.render,
    batching: false,
    cors: corsFor(services.config.corsOrigins),
    plugins: [
      ...(services.config.metrics.enabled ? [useGraphqlMetrics()] : []),
      ...(tracingEnabled() ? [useTracing()] : []),
      graphiql.plugin,
      useOperationLimits(services.config.limits),
      useInputText(),
      useCodedErrors(),
      useIntrospectionAuth(services.config.publicIntrospection),
      // Compiles each distinct operation once; repeated queries skip graphql-js's interpreter.
      // Subscriptions have their own plugin: graphql-jit hands a subscription field the
      // operation's variables instead of its arguments, so `sessionEvents(sessionId: $s)`
      // would see no sessionId; there only each event's payload runs compiled.
      useGraphQlJit({}, { enableIf: (args) => getOperationAST(args.document, args.operationName)?.operation !== 'subscription' }),
      useCompiledSubscriptions(),
    ],
    healthCheckEndpoint: '/graphql/health',
    // Unexpected errors are logged without quoting source and reach clients as "Unexpected error.".
    maskedErrors: { maskError: (error, message, isDev) => maskUnexpected(error, message, log, isDev) },
    logging: {
      debug: (...args) => log.debug({ args }, 'yoga'),
      info: (...args) => log.info({ args }, 'yoga'),
      warn: (...args) => log.warn({ args }, 'yoga'),
      // A client's mistake is not the server's error; unexpected ones are logged when masked.
      error: (...args) => (isClientError(args[0]) ? log.debug : log.error).call(log, { err: describeError(args[0]) }, 'graphql error'),
    },
    context: async (initial): Promise<Context> => {
      if (initial.wsAuth) {
        const { viewer, keyRejected, client } = initial.wsAuth;
        return { viewer, keyRejected, client, services, loaders: createLoaders(services, viewer), log };
      }
      const { viewer, keyRejected } = await services.auth.identify(initial.request.headers.get('authorization'));
      const client = { address: throttle.addressOf(initial.req), userAgent: initial.request.headers.get('user-agent') };
      if (keyRejected) {
        services.audit.authFailure(client, 'http');
        await throttle.authFailed(client.address);
      }
      if (viewer) {
        services.audit.keyUsed(viewer, client);
        const wait = await throttle.keyRequest(viewer.keyId);
        if (wait > 0) throw rateLimited(`This API key is over its request rate (PADDOCK_KEY_REQUESTS_PER_SECOND); retry in ${wait} s.`, wait);
      }
      return { viewer, keyRejected, client, services, loaders: createLoaders(services, viewer), log, origin: new URL(initial.request.url).origin };
    },
  });
}

function isClientError(error: unknown): boolean {
  return error instanceof GraphQLError && !(error.originalError && !(error.originalError instanceof GraphQLError));
}

/**
 * What is safe to log about an unexpected error: its class, code and message, but not
 * Prisma's rendering of the calling source, which it puts in the message.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const original = (error as { originalError?: unknown }).originalError;
  if (original instanceof Error && original !== error) return describeError(original);
  const code = (error as { code?: unknown }).code;
  const prisma = error.name.startsWith('PrismaClient');
  const message = prisma
    ? (error.message
        .split('\n')
        .filter((line) => line.trim() !== '')
        .at(-1) ?? error.name)
    : error.message;
  return { type: error.name, message, ...(code !== undefined ? { code } : {}), ...(prisma ? {} : { stack: error.stack }) };
}

/**
 * Errors Paddock raised on purpose keep their message and code; anything else is
 * logged and masked. Matched by code rather than class, so it holds even when a
 * library loads its own copy of graphql.
 */
function maskUnexpected(error: unknown, message: string, log: Logger, isDev?: boolean): Error {
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
  const masked = maskError(error, message, isDev);
  if (masked.message === message) log.error({ err: describeError(error), path: (error as { path?: unknown }).path }, 'unexpected error');
  return masked;
}
