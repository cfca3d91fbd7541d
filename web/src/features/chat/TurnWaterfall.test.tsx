import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import { TurnWaterfall, type TimelineTurn } from './TurnWaterfall.tsx';
import { formatDuration, waterfall } from './waterfall.ts';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + ms).toISOString();

function turn(overrides: Partial<TimelineTurn> = {}): TimelineTurn {
  return {
    id: 't1',
    status: 'COMPLETED',
    queuedAt: at(0),
    startedAt: at(100),
    sandboxReadyAt: at(1100),
    sandboxLaunch: 'COLD',
    endedAt: at(5000),
    durationMs: 5000,
    timeToFirstTokenMs: 1400,
    error: null,
    usage: { inputTokens: 120, outputTokens: 40 },
    userMessage: { content: 'list the files' },
    steps: [
      { kind: 'MODEL', name: 'gpt-4o', status: 'COMPLETED', startedAt: at(1100), endedAt: at(2000), timeToFirstTokenMs: 300, error: null },
      { kind: 'TOOL', name: 'run_command', status: 'FAILED', startedAt: at(2000), endedAt: at(3000), timeToFirstTokenMs: null, error: 'ls: cannot access' },
      { kind: 'MODEL', name: 'gpt-4o', status: 'COMPLETED', startedAt: at(3000), endedAt: at(5000), timeToFirstTokenMs: 200, error: null },
    ],
    ...overrides,
  };
}

describe('waterfall', () => {
  it("lays out queue, sandbox and every step on the turn's time axis", () => {
    const { bars, totalMs } = waterfall(turn(), Date.now());
    expect(totalMs).toBe(5000);
    expect(bars.map((b) => [b.kind, b.label, b.offsetMs, b.durationMs])).toEqual([
      ['queue', 'Queue', 0, 100],
      ['sandbox', 'Sandbox', 100, 1000],
      ['model', 'gpt-4o', 1100, 900],
      ['tool', 'run_command', 2000, 1000],
      ['model', 'gpt-4o', 3000, 2000],
    ]);
    expect(bars[1]?.detail).toBe('cold');
    expect(bars[3]).toMatchObject({ failed: true, detail: 'ls: cannot access' });
    expect(bars[2]?.firstTokenMs).toBe(300);
  });

  it('extends what still runs to now', () => {
    const running = turn({
      status: 'RUNNING',
      endedAt: null,
      durationMs: null,
      steps: [{ kind: 'MODEL', name: 'gpt-4o', status: 'RUNNING', startedAt: at(1100), endedAt: null, timeToFirstTokenMs: null, error: null }],
    });
    const { bars, totalMs } = waterfall(running, Date.parse(at(4000)));
    expect(totalMs).toBe(4000);
    expect(bars.at(-1)).toMatchObject({ durationMs: 2900, running: true });
  });

  it('shows a queued turn as a growing queue bar only', () => {
    const queued = turn({ status: 'QUEUED', startedAt: null, sandboxReadyAt: null, sandboxLaunch: null, endedAt: null, durationMs: null, steps: [] });
    const { bars } = waterfall(queued, Date.parse(at(700)));
    expect(bars).toEqual([expect.objectContaining({ kind: 'queue', durationMs: 700, running: true })]);
  });

  it('formats durations for people', () => {
    expect([formatDuration(850), formatDuration(4200), formatDuration(42_000), formatDuration(185_000)]).toEqual(['850 ms', '4.2 s', '42 s', '3 min 5 s']);
  });
});

describe('TurnWaterfall', () => {
  it("renders one row per bar with its duration, and the turn's figures", () => {
    render(<TurnWaterfall turn={turn()} now={Date.now()} />);
    const card = screen.getByTestId('turn');
    expect(within(card).getByText('list the files')).toBeInTheDocument();
    expect(card).toHaveTextContent(/5\.0 s · first token 1\.4 s · 120 in \/ 40 out/);
    const rows = within(card).getAllByRole('listitem');
    expect(rows.map((r) => r.getAttribute('data-kind'))).toEqual(['queue', 'sandbox', 'model', 'tool', 'model']);
    expect(rows[3]).toHaveTextContent(/run_command · ls: cannot access\s*1\.0 s/);
    expect(rows[3]?.querySelector('.waterfall-bar')).toHaveClass('is-failed');
    expect(rows[2]?.querySelector('.waterfall-token')).not.toBeNull();
  });

  it("shows a failed turn's error", () => {
    render(<TurnWaterfall turn={turn({ status: 'FAILED', error: 'The model gateway refused the request (HTTP 400).' })} now={Date.now()} />);
    expect(screen.getByText('The model gateway refused the request (HTTP 400).')).toBeInTheDocument();
  });
});
