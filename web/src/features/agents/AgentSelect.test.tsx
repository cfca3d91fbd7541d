import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AgentSelect } from './AgentSelect.tsx';

const AGENTS = [
  { id: 'a1', name: 'Triage' },
  { id: 'a2', name: 'Reviewer' },
];

describe('AgentSelect', () => {
  it('shows the first agent as chosen until one is picked, and reports the pick', async () => {
    const onChange = vi.fn();
    render(<AgentSelect id="agent" agents={AGENTS} value="" onChange={onChange} />);
    const select = screen.getByLabelText('Agent');
    expect(select).toHaveValue('a1');
    await userEvent.selectOptions(select, 'Reviewer');
    expect(onChange).toHaveBeenCalledWith('a2');
  });

  it('is disabled with a placeholder while the agents load', () => {
    render(<AgentSelect id="agent" agents={[]} value="" onChange={() => {}} loading />);
    const select = screen.getByLabelText('Agent');
    expect(select).toBeDisabled();
    expect(screen.getByRole('option', { name: 'Loading agents…' })).toBeInTheDocument();
  });
});
