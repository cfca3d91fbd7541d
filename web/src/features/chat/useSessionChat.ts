import { useCallback, useEffect, useEffectEvent, useMemo, useState, useSyncExternalStore } from 'react';
import type { Client as WsClient } from 'graphql-ws';
import { describeError, isUnauthenticated, type Problem } from '../../lib/graphql/errors.ts';
import type { ChatAction, ChatMessage, ChatState } from './state.ts';
import type { SessionStatus } from '../../gql/graphql.ts';
import { createChatStore } from './store.ts';
import { subscribeSessionEvents } from './stream.ts';

export type Connection = 'connecting' | 'live' | 'reconnecting' | 'failed';

/** How long events may wait behind a missing seq before the stream is restarted. */
export const GAP_TIMEOUT_MS = 3_000;

export type SessionChat = {
  state: ChatState;
  dispatch: (action: ChatAction) => void;
  connection: Connection;
  problem: Problem | null;
  /** Drops the subscription and resubscribes after the last applied seq. */
  reconnect: () => void;
};

type Initial = { messages: ChatMessage[]; lastSeq: number; sessionStatus: SessionStatus; usage: { inputTokens: number; outputTokens: number } };

/**
 * The live conversation of one session: starts from the loaded history and applies
 * `sessionEvents` from `lastSeq` on, across reconnects, without gaps or duplicates.
 */
export function useSessionChat(
  ws: Pick<WsClient, 'subscribe' | 'on'>,
  sessionId: string,
  initial: Initial,
  onUnauthenticated: (message: string) => void,
): SessionChat {
  // The store belongs to this mount; a different session remounts the view.
  const [store] = useState(() => createChatStore(initial));
  const state = useSyncExternalStore(store.subscribe, store.getState, store.getState);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [generation, setGeneration] = useState(0);
  const rejected = useEffectEvent((message: string) => onUnauthenticated(message));

  useEffect(() => {
    const offConnected = ws.on('connected', () => setConnection('live'));
    const offClosed = ws.on('closed', () => setConnection((c) => (c === 'failed' ? c : 'reconnecting')));
    return () => {
      offConnected();
      offClosed();
    };
  }, [ws]);

  useEffect(() => {
    const dispose = subscribeSessionEvents(ws, sessionId, () => store.getState().lastSeq, {
      next: (event) => {
        setConnection('live');
        store.dispatch({ type: 'events', events: [event] });
      },
      error: (error) => {
        if (isUnauthenticated(error)) {
          rejected('Your API key was not accepted.');
          return;
        }
        setProblem(describeError(error));
        setConnection('failed');
      },
    });
    return dispose;
  }, [ws, sessionId, store, generation]);

  const reconnect = useCallback(() => {
    setProblem(null);
    setConnection((c) => (c === 'failed' ? 'connecting' : c));
    setGeneration((g) => g + 1);
  }, []);

  // Events parked behind a missing seq should be filled by the stream at once; if
  // they are not, start over from the last applied seq.
  const hasGap = state.pending.length > 0;
  useEffect(() => {
    if (!hasGap) return;
    const timer = setTimeout(reconnect, GAP_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [hasGap, reconnect]);

  return useMemo(() => ({ state, dispatch: store.dispatch, connection, problem, reconnect }), [state, store, connection, problem, reconnect]);
}
