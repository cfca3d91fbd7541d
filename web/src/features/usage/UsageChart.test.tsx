import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { UsageChart } from './UsageChart.tsx';
import { dailySeries, type DailyUsageRow } from './series.ts';

const today = new Date('2026-03-10T12:00:00Z');
const rows: DailyUsageRow[] = [
  { day: '2026-03-09T00:00:00.000Z', agentId: 'a', model: 'gpt-4o', usage: { totalTokens: 1000, costUsd: 0.0125, unpricedTokens: 0 } },
  { day: '2026-03-10T00:00:00.000Z', agentId: 'a', model: 'house', usage: { totalTokens: 500, costUsd: null, unpricedTokens: 500 } },
];

describe('UsageChart', () => {
  it('draws one bar segment per day and series, labelled for people', () => {
    const { container } = render(
      <UsageChart data={dailySeries(rows, { by: 'model', metric: 'tokens', days: 3, today })} metric="tokens" title="Tokens per day" />,
    );
    expect(screen.getByRole('img', { name: 'Tokens per day' })).toBeInTheDocument();
    expect(container.querySelectorAll('rect')).toHaveLength(2);
    expect(container.querySelector('rect title')?.textContent).toMatch(/gpt-4o: 1,000/);
  });

  it('shows the same numbers as a table, and warns about unpriced tokens when showing cost', async () => {
    render(<UsageChart data={dailySeries(rows, { by: 'model', metric: 'cost', days: 3, today })} metric="cost" title="Cost per day" />);
    expect(screen.getByText(/500 tokens of models without a known price are not counted/)).toBeInTheDocument();
    await userEvent.click(screen.getByText('Show as table'));
    const table = screen.getByRole('table');
    const day = within(table).getByRole('row', { name: /2026-03-09/ });
    expect(day).toHaveTextContent('$0.01');
  });

  it('says so when there is nothing to draw', () => {
    render(<UsageChart data={dailySeries([], { by: 'agent', metric: 'cost', days: 7, today })} metric="cost" title="Cost" />);
    expect(screen.getByText('No usage in this period.')).toBeInTheDocument();
    expect(screen.queryByRole('img')).toBeNull();
  });
});
