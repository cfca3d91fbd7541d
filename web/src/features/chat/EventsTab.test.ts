import { describe, expect, it } from 'vitest';
import { getFragmentData } from '../../gql/index.ts';
import { eventFactory, type FixtureEvent } from '../../test/fixtures.ts';
import { EventsTabEvent, groupDeltas, summary } from './EventsTab.tsx';

const timeline = (events: FixtureEvent[]) => getFragmentData(EventsTabEvent, events);

describe('event timeline', () => {
  it('summarises each kind from its typed fields', () => {
    const f = eventFactory(0);
    const events = timeline([
      f.status('PROVISIONING', 'Starting the sandbox'),
      f.userMessage('u1', 'hello'),
      f.toolCall('a1', 'c1', 'run_command', { command: 'ls' }),
      f.toolResult('t1', 'c1', 'boom', true),
      f.modelRetry(1, 503, 'The model gateway failed (HTTP 503).'),
      f.turnFailed('a1', 'The sandbox stopped responding.', 'SANDBOX_UNRESPONSIVE'),
      f.turnCompleted('a1', { inputTokens: 12, outputTokens: 3 }),
      f.unrecognized('tool.approval_requested', { toolCallId: 'c1' }),
    ]);
    expect(events.map(summary)).toEqual([
      'PROVISIONING — Starting the sandbox',
      'hello',
      'run_command {"command":"ls"}',
      'error: boom',
      'retry 1/3 in 1000 ms (HTTP 503) — The model gateway failed (HTTP 503).',
      'SANDBOX_UNRESPONSIVE: The sandbox stopped responding.',
      '12 in · 3 out',
      '{"toolCallId":"c1"}',
    ]);
  });

  it('groups consecutive deltas of one message into a row', () => {
    const f = eventFactory(0);
    const rows = groupDeltas(timeline([f.delta('a1', 'Hel'), f.delta('a1', 'lo'), f.thinking('a1', 'hmm'), f.delta('a1', '!'), f.delta('a2', 'x')]));
    expect(rows.map((r) => (r.kind === 'deltas' ? `${r.count}:${r.text}` : r.event.type))).toEqual(['2:Hello', 'message.thinking', '1:!', '1:x']);
  });
});
