import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { ScheduleForm, type ScheduleFormValues } from './ScheduleForm.tsx';

const agents = [
  { id: 'a1', name: 'reviewer' },
  { id: 'a2', name: 'reporter' },
];

describe('ScheduleForm', () => {
  it('creates a schedule with a six-field cron, a time zone and the run options', { timeout: 30_000 }, async () => {
    const onSubmit = vi.fn<(values: ScheduleFormValues) => void>();
    render(<ScheduleForm agents={agents} busy={false} problem={null} onSubmit={onSubmit} />);
    await userEvent.selectOptions(screen.getByLabelText('Agent'), 'a2');
    await userEvent.type(screen.getByLabelText('Name'), ' weekly report ');
    await userEvent.clear(screen.getByLabelText('Cron'));
    await userEvent.type(screen.getByLabelText('Cron'), '30 0 9 * * MON');
    await userEvent.clear(screen.getByLabelText('Time zone'));
    await userEvent.type(screen.getByLabelText('Time zone'), 'Europe/Berlin');
    await userEvent.selectOptions(screen.getByLabelText('Session'), 'REUSE_SESSION');
    await userEvent.selectOptions(screen.getByLabelText(/still answering/), 'QUEUE');
    await userEvent.click(screen.getByRole('button', { name: 'Create schedule' }));
    expect(onSubmit).toHaveBeenCalledWith({
      agentId: 'a2',
      name: 'weekly report',
      cron: '30 0 9 * * MON',
      timezone: 'Europe/Berlin',
      prompt: expect.stringContaining('{{scheduledAt}}'),
      sessionMode: 'REUSE_SESSION',
      overlap: 'QUEUE',
    });
  });

  it("defaults to the first agent and shows the API's complaint", () => {
    const onSubmit = vi.fn();
    render(
      <ScheduleForm
        agents={agents}
        busy={false}
        problem={{ code: 'BAD_USER_INPUT', title: 'Check the input', message: '"61 * * * *" is not a cron expression.', field: 'cron' }}
        onSubmit={onSubmit}
      />,
    );
    expect((screen.getByLabelText('Agent') as HTMLSelectElement).value).toBe('a1');
    expect(screen.getByRole('alert')).toHaveTextContent('is not a cron expression');
  });

  it('cannot be sent without an agent', () => {
    render(<ScheduleForm agents={[]} busy={false} problem={null} onSubmit={vi.fn()} />);
    expect(screen.getByRole('button', { name: 'Create schedule' })).toBeDisabled();
  });
});
