import { describe, expect, it } from 'vitest';
import { parseSessionEvent, parseStoredToolCalls, SESSION_EVENT_TYPES } from './index.ts';

describe('parseSessionEvent', () => {
  it('types a stored event by its kind', () => {
    expect(parseSessionEvent({ type: 'tool.call', delta: null, payload: { id: 'c1', name: 'run_command', input: { command: 'ls' } } })).toEqual({
      type: 'tool.call',
      delta: null,
      payload: { id: 'c1', name: 'run_command', input: { command: 'ls' } },
    });
    expect(parseSessionEvent({ type: 'message.delta', delta: 'Hel', payload: { t: 1.5 } })).toMatchObject({ type: 'message.delta', delta: 'Hel' });
  });

  it('reads events stored before a field existed', () => {
    // turn.failed written by recovery before codes and usage were recorded.
    expect(parseSessionEvent({ type: 'turn.failed', delta: null, payload: { turnId: 't1', error: 'The worker went silent.' } })?.payload).toEqual({
      turnId: 't1',
      error: 'The worker went silent.',
    });
    expect(
      parseSessionEvent({ type: 'model.retry', delta: null, payload: { attempt: 1, maxRetries: 3, status: null, delayMs: 500, error: 'refused' } }),
    ).not.toBeNull();
  });

  it('gives null for unknown kinds and payloads that do not match their kind', () => {
    expect(parseSessionEvent({ type: 'agent.renamed', delta: null, payload: {} })).toBeNull();
    expect(parseSessionEvent({ type: 'tool.approval_requested', delta: null, payload: {} })).toBeNull();
    expect(parseSessionEvent({ type: 'toString', delta: null, payload: {} })).toBeNull();
    expect(parseSessionEvent({ type: 'session.status', delta: null, payload: { status: 'ASLEEP' } })).toBeNull();
    expect(parseSessionEvent({ type: 'egress.blocked', delta: null, payload: null })).toBeNull();
    expect(parseSessionEvent({ type: 'message.thinking', delta: null, payload: { t: 0 } })).toBeNull();
  });

  it('lists every kind once', () => {
    expect(new Set(SESSION_EVENT_TYPES).size).toBe(SESSION_EVENT_TYPES.length);
    expect(SESSION_EVENT_TYPES).toContain('egress.blocked');
  });
});

describe('parseStoredToolCalls', () => {
  it('types stored tool calls and skips entries that are not tool calls', () => {
    expect(
      parseStoredToolCalls([
        { id: 'c1', name: 'run_command', input: { command: 'ls' }, output: 'a\n', isError: false },
        { id: 'c2', name: 'read_file', input: { path: 'x' } },
        { name: 'no id', input: {} },
        'junk',
      ]),
    ).toEqual([
      { id: 'c1', name: 'run_command', input: { command: 'ls' }, output: 'a\n', isError: false },
      { id: 'c2', name: 'read_file', input: { path: 'x' } },
    ]);
    expect(parseStoredToolCalls(null)).toEqual([]);
    expect(parseStoredToolCalls({ id: 'c1' })).toEqual([]);
  });
});
