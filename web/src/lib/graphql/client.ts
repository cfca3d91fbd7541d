import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { isUnauthenticated } from './errors.ts';

export type ApiClients = { urql: Client; ws: WsClient; dispose: () => void };

/** ws:// or wss:// to `/graphql` on the page's own origin. */
export function webSocketUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
}

/**
 * The dashboard's two transports for one API key: urql over HTTP for queries and
 * mutations, and a graphql-ws client for subscriptions (shared by urql's
 * subscriptionExchange and the session event stream). Any UNAUTHENTICATED answer
 * calls `onUnauthenticated`, which signs the person out.
 */
export function createApiClients(apiKey: string, onUnauthenticated: (message: string) => void): ApiClients {
  const authorization = `Bearer ${apiKey}`;
  const ws = createWsClient({
    url: webSocketUrl(),
    connectionParams: { authorization },
    lazy: true,
    lazyCloseTimeout: 3_000,
    keepAlive: 15_000,
    // Keep trying for as long as the page is open; the session view resumes from its last seq.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const base = Math.min(10_000, 500 * 2 ** Math.min(retries, 5));
      await new Promise((resolve) => setTimeout(resolve, base / 2 + Math.random() * (base / 2)));
    },
  });

  const urql = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetchOptions: () => ({ headers: { authorization } }),
    exchanges: [
      cacheExchange,
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) {
            onUnauthenticated(error.graphQLErrors[0]?.message ?? 'The API key was not accepted.');
          }
        },
      }),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return { urql, ws, dispose: () => void ws.dispose() };
}
