import { describe, expect, it, vi } from 'vitest';
import { eventFactory, message, type FixtureEvent } from '../../test/fixtures.ts';
import { findResumeSeq, type FetchEvents } from './resume.ts';

function log(events: FixtureEvent[]): FetchEvents {
  return vi.fn(async (after: number, first: number) => events.filter((e) => e.seq > after).slice(0, first));
}

function runningTurn(prefix: number) {
  const f = eventFactory(0);
  const events: FixtureEvent[] = [];
  for (let i = 0; i < prefix; i++) events.push(f.status('IDLE'));
  events.push(f.userMessage('u9', '/long'), f.status('RUNNING'), f.turnStarted(), f.delta('a9', 'tok1 '), f.delta('a9', 'tok2 '));
  return events;
}

const history = [message({ id: 'u9', role: 'USER', content: '/long' }), message({ id: 'a9', content: '', status: 'STREAMING' })];

describe('findResumeSeq', () => {
  it('uses lastSeq when the session is idle', async () => {
    const fetchEvents = log([]);
    expect(await findResumeSeq({ lastSeq: 42, status: 'IDLE', messages: [] }, fetchEvents)).toBe(42);
    expect(fetchEvents).not.toHaveBeenCalled();
  });

  it('uses lastSeq when it is the newest event, as documented', async () => {
    const events = runningTurn(3);
    expect(await findResumeSeq({ lastSeq: events.length, status: 'RUNNING', messages: history }, log(events))).toBe(events.length);
  });

  it('resumes before the running turn when lastSeq is ahead of the log', async () => {
    const events = runningTurn(3);
    // The turn's user.message is seq 4; lastSeq reports a reservation far ahead.
    expect(await findResumeSeq({ lastSeq: 259, status: 'RUNNING', messages: history }, log(events))).toBe(3);
  });

  it('finds the turn further back in a long log', async () => {
    const events = runningTurn(2_500);
    expect(await findResumeSeq({ lastSeq: 2_600, status: 'PROVISIONING', messages: history }, log(events))).toBe(2_500);
  });

  it('falls back to lastSeq if the turn cannot be found', async () => {
    expect(await findResumeSeq({ lastSeq: 10, status: 'RUNNING', messages: history }, log([]))).toBe(10);
  });
});
