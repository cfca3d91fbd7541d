import type { RuntimeEvent } from '@paddock/harness-runtime/client';
import { describe, expect, it } from 'vitest';
import { stepsOf, type TurnRow } from './service.ts';
import { TurnTimeline, type StepObserver, type TurnStep } from './timeline.ts';

function follow(events: RuntimeEvent[]) {
  const seen: string[] = [];
  const observer: StepObserver = {
    stepStarted: (step, detail) => seen.push(`start ${step.kind} ${step.name}${detail.spanId ? ` ${detail.spanId}` : ''}`),
    stepEnded: (step, detail) => seen.push(`end ${step.kind} ${step.status}${detail.errorType ? ` ${detail.errorType}` : ''}`),
  };
  const timeline = new TurnTimeline({ model: 'gpt-x', startedAt: 0, observer });
  for (const event of events) timeline.observe(event);
  return { timeline, seen, brief: timeline.steps.map((s: TurnStep) => [s.kind, s.name, s.status, s.startedAt, s.endedAt]) };
}

const usage = { inputTokens: 10, outputTokens: 5 };

describe('TurnTimeline', () => {
  it('takes model requests from a harness that reports them, retries included', () => {
    const { timeline, seen, brief } = follow([
      { type: 'turn.started', turnId: 't', t: 100 },
      { type: 'model.request', model: 'gpt-x', spanId: 'aaaaaaaaaaaaaaaa', t: 110 },
      { type: 'model.retry', attempt: 1, maxRetries: 3, status: 503, delayMs: 1000, error: 'overloaded', t: 120 },
      { type: 'model.request', model: 'gpt-x', spanId: 'bbbbbbbbbbbbbbbb', t: 1120 },
      { type: 'message.thinking', delta: 'hm', t: 1150 },
      { type: 'message.delta', delta: 'Hi', t: 1200 },
      { type: 'model.response', responseModel: 'gpt-x-2025', finishReason: 'stop', usage, t: 1300 },
      { type: 'message.completed', content: 'Hi', t: 1301 },
      { type: 'turn.completed', usage, t: 1310 },
    ]);
    expect(brief).toEqual([
      ['MODEL', 'gpt-x', 'FAILED', 110, 120],
      ['MODEL', 'gpt-x', 'COMPLETED', 1120, 1300],
    ]);
    expect(timeline.steps[0]).toMatchObject({ error: 'overloaded' });
    expect(timeline.steps[1]).toMatchObject({ firstTokenAt: 1150, responseModel: 'gpt-x-2025', finishReason: 'stop', inputTokens: 10, outputTokens: 5 });
    expect(timeline.firstTokenAt).toBe(1150);
    expect(seen).toEqual(['start MODEL gpt-x aaaaaaaaaaaaaaaa', 'end MODEL FAILED 503', 'start MODEL gpt-x bbbbbbbbbbbbbbbb', 'end MODEL COMPLETED']);
  });

  it('infers model steps around tool calls for harnesses that do not report requests', () => {
    const { brief, timeline } = follow([
      { type: 'turn.started', turnId: 't', t: 100 },
      { type: 'message.thinking', delta: 'let me look', t: 400 },
      { type: 'tool.call', id: 'c1', name: 'Bash', input: { command: 'ls' }, t: 500 },
      { type: 'tool.result', id: 'c1', output: 'boom\nmore', isError: true, t: 700 },
      { type: 'message.delta', delta: 'Done', t: 900 },
      { type: 'message.completed', content: 'Done', t: 950 },
      { type: 'turn.completed', usage, t: 960 },
    ]);
    expect(brief).toEqual([
      ['MODEL', 'gpt-x', 'COMPLETED', 100, 500],
      ['TOOL', 'Bash', 'FAILED', 500, 700],
      ['MODEL', 'gpt-x', 'COMPLETED', 700, 950],
    ]);
    expect(timeline.steps[1]).toMatchObject({ toolCallId: 'c1', error: 'boom' });
    expect(timeline.steps[2]?.firstTokenAt).toBe(900);
  });

  it('ends what still runs with the turn: cancelled or failed', () => {
    const cancelled = follow([
      { type: 'turn.started', turnId: 't', t: 0 },
      { type: 'model.request', model: 'gpt-x', t: 10 },
      { type: 'message.delta', delta: 'Hi', t: 20 },
      { type: 'turn.cancelled', usage, t: 30 },
    ]);
    expect(cancelled.brief).toEqual([['MODEL', 'gpt-x', 'CANCELLED', 10, 30]]);
    expect(cancelled.seen.at(-1)).toBe('end MODEL CANCELLED cancelled');
    const failed = follow([
      { type: 'turn.started', turnId: 't', t: 0 },
      { type: 'model.request', model: 'gpt-x', t: 10 },
      { type: 'turn.failed', error: 'The model gateway refused the request (HTTP 400)', t: 30 },
    ]);
    expect(failed.timeline.steps[0]).toMatchObject({ status: 'FAILED', endedAt: 30, error: 'The model gateway refused the request (HTTP 400)' });
    expect(failed.seen.at(-1)).toBe('end MODEL FAILED model_error');
  });

  it('shows the steps a dead worker left running as ended with the turn that recovery ended', () => {
    const running: TurnStep = { kind: 'TOOL', name: 'run_command', status: 'RUNNING', startedAt: 10, endedAt: null, toolCallId: 'c1' };
    const done: TurnStep = { kind: 'MODEL', name: 'gpt-x', status: 'COMPLETED', startedAt: 0, endedAt: 10 };
    const row = (status: TurnRow['status'], endedAt: Date | null) => ({ status, endedAt, steps: [done, running] }) as unknown as TurnRow;
    expect(stepsOf(row('RUNNING', null))).toEqual([done, running]);
    expect(stepsOf(row('FAILED', new Date(500)))).toEqual([done, { ...running, status: 'FAILED', endedAt: 500 }]);
  });
});
