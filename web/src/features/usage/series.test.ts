import { describe, expect, it } from 'vitest';
import { dailySeries, lastDays, MAX_SERIES, type DailyUsageRow } from './series.ts';

const today = new Date('2026-03-10T15:00:00Z');
const row = (day: string, agent: string, model: string, tokens: number, cost: number | null, unpriced = 0): DailyUsageRow => ({
  day: `${day}T00:00:00.000Z`,
  agentId: agent,
  agent: { name: `agent-${agent}` },
  model,
  usage: { totalTokens: tokens, costUsd: cost, unpricedTokens: unpriced },
});

describe('dailySeries', () => {
  it('lists every day of the window, oldest first, in UTC', () => {
    expect(lastDays(3, today)).toEqual(['2026-03-08', '2026-03-09', '2026-03-10']);
  });

  it('stacks cost by model with zero days filled in, biggest first', () => {
    const data = dailySeries([row('2026-03-08', 'a', 'gpt-4o', 100, 0.5), row('2026-03-10', 'b', 'gpt-4o', 50, 0.25), row('2026-03-10', 'a', 'mock', 10, 1)], {
      by: 'model',
      metric: 'cost',
      days: 3,
      today,
    });
    expect(data.series.map((s) => [s.label, s.values])).toEqual([
      ['mock', [0, 0, 1]],
      ['gpt-4o', [0.5, 0, 0.25]],
    ]);
    expect(data.max).toBe(1.25);
  });

  it('groups tokens by agent name and counts unpriced tokens', () => {
    const data = dailySeries([row('2026-03-09', 'a', 'x', 100, null, 100), row('2026-03-09', 'a', 'y', 20, 0.1)], {
      by: 'agent',
      metric: 'tokens',
      days: 3,
      today,
    });
    expect(data.series).toEqual([{ key: 'a', label: 'agent-a', values: [0, 120, 0], total: 120 }]);
    expect(data.unpricedTokens).toBe(100);
  });

  it('ignores rows outside the window and folds the smallest series into "others"', () => {
    const rows = Array.from({ length: MAX_SERIES + 2 }, (_, i) => row('2026-03-10', `a${i}`, `m${i}`, (i + 1) * 10, i + 1));
    const data = dailySeries([...rows, row('2026-01-01', 'old', 'old', 999, 999)], { by: 'model', metric: 'cost', days: 7, today });
    expect(data.series).toHaveLength(MAX_SERIES);
    expect(data.series.at(-1)).toMatchObject({ key: '__other', label: '3 others', total: 1 + 2 + 3 });
    expect(data.series.some((s) => s.label === 'old')).toBe(false);
  });
});
