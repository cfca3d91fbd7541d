import { stringifyDocument } from '@urql/core';
import type { Client as WsClient, Sink } from 'graphql-ws';
import type { SessionEventsSubscription } from '../../gql/graphql.ts';
import { SessionEventsSubscription as SessionEventsDocument } from './documents.ts';
import type { StreamEvent } from './state.ts';

export type StreamHandlers = {
  next: (event: StreamEvent) => void;
  /** GraphQL errors (an array) or a fatal connection problem. */
  error: (error: unknown) => void;
  complete?: () => void;
};

/**
 * Subscribes to `sessionEvents(sessionId, after)`. `after` is read each time the
 * subscribe message is sent: graphql-ws serialises the payload again whenever it
 * reconnects and resubscribes, so a dropped connection resumes right after the last
 * event the view applied instead of replaying from where the page first subscribed.
 */
export function subscribeSessionEvents(ws: Pick<WsClient, 'subscribe'>, sessionId: string, getAfter: () => number, handlers: StreamHandlers): () => void {
  const payload = {
    query: stringifyDocument(SessionEventsDocument),
    operationName: 'SessionEvents',
    get variables() {
      return { sessionId, after: getAfter() };
    },
  };
  const sink: Sink<{ data?: SessionEventsSubscription | null; errors?: readonly unknown[] }> = {
    next(result) {
      if (result.errors && result.errors.length > 0) handlers.error(result.errors);
      else if (result.data?.sessionEvents) handlers.next(result.data.sessionEvents);
    },
    error: handlers.error,
    complete: () => handlers.complete?.(),
  };
  return ws.subscribe(payload, sink);
}
