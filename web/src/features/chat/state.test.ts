import { describe, expect, it } from 'vitest';
import { eventFactory, message, shuffled } from '../../test/fixtures.ts';
import { getFragmentData } from '../../gql/index.ts';
import { EventsTabEvent, summary } from './EventsTab.tsx';
import { chatReducer, initChat, receive, type ChatState, type StreamEvent } from './state.ts';

const empty = (lastSeq = 0): ChatState => initChat({ messages: [], lastSeq, sessionStatus: 'IDLE', usage: { inputTokens: 0, outputTokens: 0 } });
const feed = (state: ChatState, events: StreamEvent[]) => chatReducer(state, { type: 'events', events });
const texts = (state: ChatState) => state.messages.map((m) => `${m.role}:${m.content}:${m.status}`);

/** One scripted turn: user message, two streamed steps around a tool call, then the end. */
function scriptedTurn(startSeq = 2) {
  const f = eventFactory(startSeq);
  const events = [
    f.userMessage('u1', 'run it'),
    f.status('RUNNING'),
    f.turnStarted(),
    f.status('RUNNING'),
    f.delta('a1', 'Let me '),
    f.delta('a1', 'check.'),
    f.toolCall('a1', 'call_1', 'run_command', { command: 'echo hi' }),
    f.toolResult('tool1', 'call_1', 'hi\n'),
    f.delta('a2', 'It printed '),
    f.delta('a2', '`hi`.'),
    f.completed('a2', 'It printed `hi`.'),
    f.turnCompleted('a2', { inputTokens: 30, outputTokens: 12 }),
    f.status('IDLE'),
  ];
  return events;
}

describe('chat reducer: a live turn', () => {
  it('builds the conversation from events', () => {
    const state = feed(empty(2), scriptedTurn());
    expect(texts(state)).toEqual(['USER:run it:COMPLETE', 'ASSISTANT:Let me check.:COMPLETE', 'TOOL:hi\n:COMPLETE', 'ASSISTANT:It printed `hi`.:COMPLETE']);
    expect(state.messages[1]!.toolCalls).toEqual([{ id: 'call_1', name: 'run_command', input: { command: 'echo hi' }, output: 'hi\n', isError: false }]);
    expect(state.lastSeq).toBe(15);
    expect(state.running).toBe(false);
    expect(state.sessionStatus).toBe('IDLE');
    expect(state.usage).toEqual({ inputTokens: 30, outputTokens: 12 });
    expect(state.outcome).toBeNull();
    expect(state.liveEvents.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  });

  it('shows the reply growing token by token while running', () => {
    const f = eventFactory(2);
    let state = feed(empty(2), [f.userMessage('u1', 'hi'), f.status('RUNNING'), f.turnStarted()]);
    expect(state.running).toBe(true);
    state = feed(state, [f.delta('a1', 'tok1 ')]);
    expect(state.messages.at(-1)).toMatchObject({ id: 'a1', content: 'tok1 ', status: 'STREAMING' });
    state = feed(state, [f.delta('a1', 'tok2')]);
    expect(state.messages.at(-1)!.content).toBe('tok1 tok2');
    expect(state.running).toBe(true);
  });
});

describe('chat reducer: duplicates', () => {
  it('ignores every event it has already applied', () => {
    const events = scriptedTurn();
    const once = feed(empty(2), events);
    const twice = feed(once, events);
    expect(twice).toBe(once);
  });

  it('ignores an event repeated back to back', () => {
    const f = eventFactory(0);
    const delta = f.delta('a1', 'x');
    const state = feed(empty(0), [delta, delta, delta]);
    expect(state.messages[0]!.content).toBe('x');
  });

  it('ignores events at or below the loaded lastSeq', () => {
    const f = eventFactory(0);
    const old = [f.userMessage('u1', 'hi'), f.delta('a1', 'hello')];
    const state = feed(empty(2), old);
    expect(state.messages).toEqual([]);
    expect(state.lastSeq).toBe(2);
  });

  it('does not add a user message twice when both the mutation result and the event arrive', () => {
    const f = eventFactory(2);
    const sent = message({ id: 'u1', role: 'USER', content: 'hi' });
    let state = chatReducer(empty(2), { type: 'sent', message: sent });
    expect(state.running).toBe(true);
    state = feed(state, [f.userMessage('u1', 'hi')]);
    expect(state.messages).toHaveLength(1);
    // and in the other order
    const g = eventFactory(2);
    let other = feed(empty(2), [g.userMessage('u1', 'hi')]);
    other = chatReducer(other, { type: 'sent', message: sent });
    expect(other.messages).toHaveLength(1);
  });
});

describe('chat reducer: gaps and ordering', () => {
  it('holds events that arrive after a gap until the gap is filled', () => {
    const f = eventFactory(0);
    const [e1, e2, e3, e4] = [f.delta('a1', 'one '), f.delta('a1', 'two '), f.delta('a1', 'three '), f.delta('a1', 'four')];
    let state = feed(empty(0), [e1!, e3!, e4!]);
    expect(state.messages[0]!.content).toBe('one ');
    expect(state.lastSeq).toBe(1);
    expect(state.pending.map((e) => e.seq)).toEqual([3, 4]);
    state = feed(state, [e2!]);
    expect(state.messages[0]!.content).toBe('one two three four');
    expect(state.pending).toEqual([]);
    expect(state.lastSeq).toBe(4);
  });

  it('keeps one copy of an early event that arrives twice', () => {
    const f = eventFactory(0);
    const [e1, e2, e3] = [f.delta('a1', 'a'), f.delta('a1', 'b'), f.delta('a1', 'c')];
    let state = feed(empty(0), [e3!, e3!]);
    expect(state.pending).toHaveLength(1);
    state = feed(state, [e1!, e2!, e3!]);
    expect(state.messages[0]!.content).toBe('abc');
  });

  it('reaches the same state from any arrival order with duplicates', () => {
    const events = scriptedTurn();
    const expected = feed(empty(2), events);
    for (let seed = 1; seed <= 200; seed++) {
      const noisy = shuffled([...events, ...events.filter((_, i) => (i * seed) % 3 === 0)], seed);
      const state = noisy.reduce(receive, empty(2));
      expect(texts(state)).toEqual(texts(expected));
      expect(state.lastSeq).toBe(expected.lastSeq);
      expect(state.pending).toEqual([]);
      expect(state.usage).toEqual(expected.usage);
      expect(state.messages[1]!.toolCalls).toEqual(expected.messages[1]!.toolCalls);
    }
  });
});

describe('chat reducer: reconnects and reloads', () => {
  it('a resubscription that replays from an older seq changes nothing', () => {
    const events = scriptedTurn();
    const live = feed(empty(2), events.slice(0, 8));
    // The connection dropped; the server replays from seq 5 (an older `after`) onwards.
    const resumed = feed(
      live,
      events.filter((e) => e.seq > 5),
    );
    expect(texts(resumed)).toEqual(texts(feed(empty(2), events)));
  });

  it('finishes a reply exactly once after a reload at any point of the turn', () => {
    const events = scriptedTurn();
    const expected = texts(feed(empty(2), events));
    // sendMessage stores the user message and its two events in one transaction, so a
    // reload sees both or neither.
    for (const cut of [0, ...events.map((_, k) => k).filter((k) => k >= 2), events.length]) {
      const seen = events.slice(0, cut);
      // What the API returns on reload: stored rows (a streaming message is stored
      // empty until its step ends) and lastSeq from before the running turn.
      const stored = feed(empty(2), seen).messages.map((m) => (m.status === 'STREAMING' ? { ...m, content: '', toolCalls: [] } : m));
      // Session.lastSeq only moves when the turn has ended and everything is stored.
      const turnOver = cut === events.length;
      const lastSeq = turnOver ? events[cut - 1]!.seq : cut === 0 ? 2 : 4;
      const reloaded = initChat({ messages: stored, lastSeq, sessionStatus: turnOver ? 'IDLE' : 'RUNNING', usage: { inputTokens: 0, outputTokens: 0 } });
      const state = feed(
        reloaded,
        events.filter((e) => e.seq > lastSeq),
      );
      expect(texts(state), `reload after ${cut} events`).toEqual(expected);
      expect(state.messages.filter((m) => m.role === 'ASSISTANT').map((m) => m.toolCalls.length)).toEqual([1, 0]);
    }
  });

  it('never appends deltas to a message the loaded history shows complete', () => {
    const f = eventFactory(4);
    const history = [message({ id: 'u1', role: 'USER', content: 'hi' }), message({ id: 'a1', content: 'tok1 tok2 tok3', status: 'COMPLETE' })];
    const state = initChat({ messages: history, lastSeq: 4, sessionStatus: 'IDLE', usage: { inputTokens: 0, outputTokens: 0 } });
    const after = feed(state, [
      f.turnStarted(),
      f.delta('a1', 'tok1 '),
      f.delta('a1', 'tok2 '),
      f.delta('a1', 'tok3'),
      f.completed('a1', 'tok1 tok2 tok3'),
      f.turnCompleted('a1'),
    ]);
    expect(after.messages[1]).toMatchObject({ content: 'tok1 tok2 tok3', status: 'COMPLETE' });
  });

  it('never appends deltas to a stopped or failed message', () => {
    const f = eventFactory(4);
    const history = [message({ id: 'a1', content: 'partial', status: 'CANCELLED' }), message({ id: 'a2', content: 'half', status: 'FAILED' })];
    const state = initChat({ messages: history, lastSeq: 4, sessionStatus: 'IDLE', usage: { inputTokens: 0, outputTokens: 0 } });
    const after = feed(state, [f.delta('a1', 'partial'), f.delta('a2', 'half')]);
    expect(after.messages.map((m) => m.content)).toEqual(['partial', 'half']);
  });

  it('rebuilds a streaming message that was stored empty, then keeps streaming live', () => {
    const f = eventFactory(4);
    const replay = [f.turnStarted(), f.delta('a1', 'tok1 '), f.delta('a1', 'tok2 ')];
    const history = [message({ id: 'u1', role: 'USER', content: '/long' }), message({ id: 'a1', content: '', status: 'STREAMING' })];
    let state = initChat({ messages: history, lastSeq: 4, sessionStatus: 'RUNNING', usage: { inputTokens: 0, outputTokens: 0 } });
    expect(state.running).toBe(true);
    state = feed(state, replay);
    state = feed(state, replay); // the stream replays again after a reconnect
    state = feed(state, [f.delta('a1', 'tok3'), f.completed('a1', 'tok1 tok2 tok3'), f.turnCompleted('a1'), f.status('IDLE')]);
    expect(state.messages[1]).toMatchObject({ content: 'tok1 tok2 tok3', status: 'COMPLETE' });
    expect(state.running).toBe(false);
  });

  it('takes message.completed as the full text even if deltas were missed', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.completed('a1', 'the whole reply')]);
    expect(state.messages[0]).toMatchObject({ content: 'the whole reply', status: 'COMPLETE' });
  });

  it('does not duplicate tool calls or tool messages that are also in history', () => {
    const f = eventFactory(4);
    const history = [
      message({ id: 'a1', content: 'Checking', toolCalls: [{ id: 'c1', name: 'run_command', input: {}, output: 'ok', isError: false }] }),
      message({ id: 't1', role: 'TOOL', content: 'ok', toolCallId: 'c1' }),
    ];
    const state = initChat({ messages: history, lastSeq: 4, sessionStatus: 'RUNNING', usage: { inputTokens: 0, outputTokens: 0 } });
    const after = feed(state, [f.delta('a1', 'Checking'), f.toolCall('a1', 'c1', 'run_command', {}), f.toolResult('t1', 'c1', 'ok')]);
    expect(after.messages).toHaveLength(2);
    expect(after.messages[0]!.toolCalls).toHaveLength(1);
    expect(after.messages[0]!.content).toBe('Checking');
  });

  it('prepends earlier pages without duplicates', () => {
    const f = eventFactory(0);
    let state = feed(empty(0), [f.userMessage('u3', 'third')]);
    state = chatReducer(state, {
      type: 'earlier',
      messages: [message({ id: 'u1', role: 'USER', content: 'first' }), message({ id: 'u3', role: 'USER', content: 'third' })],
    });
    expect(state.messages.map((m) => m.id)).toEqual(['u1', 'u3']);
    const same = chatReducer(state, { type: 'earlier', messages: [message({ id: 'u1', role: 'USER' })] });
    expect(same).toBe(state);
  });
});

describe('chat reducer: visible reasoning', () => {
  it('collects message.thinking on the reply, apart from its text', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [
      f.turnStarted(),
      f.thinking('a1', 'Let me '),
      f.thinking('a1', 'think.'),
      f.delta('a1', 'Answer'),
      f.completed('a1', 'Answer'),
    ]);
    expect(state.messages).toEqual([expect.objectContaining({ id: 'a1', thinking: 'Let me think.', content: 'Answer', status: 'COMPLETE' })]);
  });
});

describe('chat reducer: how turns end', () => {
  it('marks a failed turn with its error', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.turnStarted(), f.delta('a1', 'Hal'), f.turnFailed('a1', 'The model gateway timed out.'), f.status('IDLE')]);
    expect(state.outcome).toEqual({ kind: 'failed', error: 'The model gateway timed out.' });
    expect(state.messages[0]).toMatchObject({ status: 'FAILED', error: 'The model gateway timed out.', content: 'Hal' });
    expect(state.running).toBe(false);
  });

  it('reports a failure that happened before any reply', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.turnStarted(), f.turnFailed(null, 'No sandbox could be started.'), f.status('FAILED')]);
    expect(state.outcome).toEqual({ kind: 'failed', error: 'No sandbox could be started.' });
    expect(state.sessionStatus).toBe('FAILED');
    expect(state.messages).toEqual([]);
  });

  it('keeps a failure before any reply in the transcript, on the message it answered, after later turns', () => {
    const f = eventFactory(0);
    let state = feed(empty(0), [f.userMessage('u1', 'hello'), f.turnStarted(), f.turnFailed(null, 'The model gateway refused the request.'), f.status('IDLE')]);
    expect(state.messages).toEqual([expect.objectContaining({ id: 'u1', role: 'USER', error: 'The model gateway refused the request.' })]);
    state = feed(state, [f.userMessage('u2', 'again'), f.turnStarted(), f.delta('a2', 'Hi'), f.completed('a2', 'Hi'), f.turnCompleted('a2'), f.status('IDLE')]);
    expect(state.outcome).toBeNull();
    expect(state.messages.map((m) => [m.id, m.error])).toEqual([
      ['u1', 'The model gateway refused the request.'],
      ['u2', null],
      ['a2', null],
    ]);
  });

  it('adds the usage a stopped turn reports', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.turnStarted(), f.delta('a1', 'tok'), f.turnCancelled('a1', { inputTokens: 7, outputTokens: 3 })]);
    expect(state.usage).toEqual({ inputTokens: 7, outputTokens: 3 });
  });

  it('marks a stopped reply as cancelled and keeps its text', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.turnStarted(), f.delta('a1', 'tok1 tok2'), f.turnCancelled('a1'), f.status('IDLE')]);
    expect(state.outcome).toEqual({ kind: 'cancelled' });
    expect(state.messages[0]).toMatchObject({ status: 'CANCELLED', content: 'tok1 tok2' });
  });

  it('clears the previous outcome when a new turn starts', () => {
    const f = eventFactory(0);
    let state = feed(empty(0), [f.turnStarted(), f.turnCancelled(null)]);
    expect(state.outcome).not.toBeNull();
    state = feed(state, [f.userMessage('u2', 'again'), f.turnStarted()]);
    expect(state.outcome).toBeNull();
    expect(state.running).toBe(true);
  });

  it('follows session.status', () => {
    const f = eventFactory(0);
    let state = feed(empty(0), [f.status('PROVISIONING')]);
    expect(state).toMatchObject({ sessionStatus: 'PROVISIONING', running: true });
    state = feed(state, [f.status('SUSPENDED')]);
    expect(state).toMatchObject({ sessionStatus: 'SUSPENDED', running: false });
  });

  it('passes over events the API could not type, keeping the seq order', () => {
    const f = eventFactory(0);
    const state = feed(empty(0), [f.status('RUNNING'), f.unrecognized('tool.approval_requested', { toolCallId: 'c1' }), f.status('IDLE')]);
    expect(state).toMatchObject({ lastSeq: 3, sessionStatus: 'IDLE', running: false, messages: [] });
  });
});

describe('chat reducer: egress refusals', () => {
  it('lists the requests the egress proxy refused during the turn, until the next turn starts', () => {
    const f = eventFactory(2);
    let state = feed(empty(2), [
      f.turnStarted(),
      f.egressBlocked('evil.example', 443, "not in the agent's egress allow-list"),
      f.turnCompleted(null, { inputTokens: 1, outputTokens: 1 }),
    ]);
    expect(state.blocked).toEqual([{ seq: 4, host: 'evil.example', port: 443, reason: "not in the agent's egress allow-list" }]);
    state = feed(state, [f.turnStarted()]);
    expect(state.blocked).toEqual([]);
  });

  it('summarises them in the event timeline', () => {
    const event = eventFactory(1).egressBlocked('169.254.169.254', 80, 'resolves to a metadata address');
    expect(summary(getFragmentData(EventsTabEvent, event))).toBe('169.254.169.254:80 — resolves to a metadata address');
  });
});
