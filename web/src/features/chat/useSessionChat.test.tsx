import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, renderHook } from '@testing-library/react';
import type { Client as WsClient, Sink } from 'graphql-ws';
import { eventFactory, message } from '../../test/fixtures.ts';
import { GAP_TIMEOUT_MS, useSessionChat } from './useSessionChat.ts';
import type { StreamEvent } from './state.ts';

type Subscription = { payload: { variables: { after: number; sessionId: string } }; sink: Sink; disposed: boolean; sent: string[] };

/**
 * A stand-in for the graphql-ws client. Like the real one, it serialises the
 * subscribe payload each time it (re)connects, which is when `after` is read.
 */
function fakeWs() {
  const subscriptions: Subscription[] = [];
  const listeners: Record<string, Set<() => void>> = { connected: new Set(), closed: new Set() };
  const client = {
    subscribe(payload: unknown, sink: Sink) {
      const sub: Subscription = { payload: payload as Subscription['payload'], sink, disposed: false, sent: [JSON.stringify(payload)] };
      subscriptions.push(sub);
      return () => {
        sub.disposed = true;
      };
    },
    on(event: 'connected' | 'closed', listener: () => void) {
      listeners[event]!.add(listener);
      return () => listeners[event]!.delete(listener);
    },
  } as unknown as Pick<WsClient, 'subscribe' | 'on'>;
  return {
    client,
    subscriptions,
    active: () => subscriptions.filter((s) => !s.disposed),
    emit: (event: StreamEvent) => subscriptions.at(-1)!.sink.next({ data: { sessionEvents: event } }),
    /** The socket dropped and came back: graphql-ws sends the same payload again. */
    reconnect: () => {
      for (const l of listeners.closed!) l();
      const sub = subscriptions.at(-1)!;
      sub.sent.push(JSON.stringify(sub.payload));
      for (const l of listeners.connected!) l();
    },
  };
}

const initial = (lastSeq: number) => ({
  messages: [message({ id: 'u0', role: 'USER', content: 'earlier' })],
  lastSeq,
  sessionStatus: 'IDLE' as const,
  usage: { inputTokens: 0, outputTokens: 0 },
});

describe('useSessionChat', () => {
  afterEach(() => vi.useRealTimers());

  it('subscribes after the loaded lastSeq and applies live events', () => {
    const ws = fakeWs();
    const { result } = renderHook(() => useSessionChat(ws.client, 'S1', initial(7), vi.fn()));
    expect(JSON.parse(ws.subscriptions[0]!.sent[0]!).variables).toEqual({ sessionId: 'S1', after: 7 });
    const f = eventFactory(7);
    act(() => {
      ws.emit(f.userMessage('u1', 'hi'));
      ws.emit(f.turnStarted());
      ws.emit(f.delta('a1', 'Hello'));
    });
    expect(result.current.state.messages.map((m) => m.content)).toEqual(['earlier', 'hi', 'Hello']);
    expect(result.current.state.running).toBe(true);
    expect(result.current.connection).toBe('live');
  });

  it('resubscribes after the last applied seq when the connection comes back', () => {
    const ws = fakeWs();
    const { result } = renderHook(() => useSessionChat(ws.client, 'S1', initial(3), vi.fn()));
    const f = eventFactory(3);
    const events = [f.turnStarted(), f.delta('a1', 'one '), f.delta('a1', 'two ')];
    act(() => events.forEach(ws.emit));
    act(() => ws.reconnect());
    expect(JSON.parse(ws.subscriptions[0]!.sent[1]!).variables.after).toBe(6);
    // A server replaying from further back changes nothing.
    act(() => [...events, f.delta('a1', 'three')].forEach(ws.emit));
    expect(result.current.state.messages.at(-1)!.content).toBe('one two three');
  });

  it('restarts the stream when a gap is not filled in time', () => {
    vi.useFakeTimers();
    const ws = fakeWs();
    const { result } = renderHook(() => useSessionChat(ws.client, 'S1', initial(0), vi.fn()));
    const f = eventFactory(0);
    const [e1, e2, e3] = [f.delta('a1', 'a'), f.delta('a1', 'b'), f.delta('a1', 'c')];
    act(() => {
      ws.emit(e1!);
      ws.emit(e3!);
    });
    expect(result.current.state.pending).toHaveLength(1);
    act(() => vi.advanceTimersByTime(GAP_TIMEOUT_MS + 10));
    expect(ws.subscriptions[0]!.disposed).toBe(true);
    expect(JSON.parse(ws.subscriptions[1]!.sent[0]!).variables.after).toBe(1);
    act(() => [e2!, e3!].forEach(ws.emit));
    expect(result.current.state.messages[1]!.content).toBe('abc');
  });

  it('signs out when the API key is refused and reports other errors', () => {
    const ws = fakeWs();
    const onUnauthenticated = vi.fn();
    const { result } = renderHook(() => useSessionChat(ws.client, 'S1', initial(0), onUnauthenticated));
    act(() => ws.subscriptions[0]!.sink.error([{ message: 'Send an API key', extensions: { code: 'UNAUTHENTICATED' } }]));
    expect(onUnauthenticated).toHaveBeenCalled();

    const other = fakeWs();
    const { result: second } = renderHook(() => useSessionChat(other.client, 'S2', initial(0), vi.fn()));
    act(() => other.subscriptions[0]!.sink.next({ errors: [{ message: 'Session S2 was not found.', extensions: { code: 'NOT_FOUND' } }] }));
    expect(second.current.problem).toMatchObject({ code: 'NOT_FOUND', message: 'Session S2 was not found.' });
    expect(second.current.connection).toBe('failed');
    act(() => second.current.reconnect());
    expect(other.active()).toHaveLength(1);
    expect(second.current.problem).toBeNull();
    expect(result.current.problem).toBeNull();
  });
});
