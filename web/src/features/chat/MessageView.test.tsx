import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { message } from '../../test/fixtures.ts';
import { MessageView } from './MessageView.tsx';

describe('MessageView', () => {
  it('shows visible reasoning in a collapsed Thinking block above the reply', async () => {
    render(<MessageView message={message({ id: 'a1', content: 'The answer.', thinking: 'First I check the logs.' })} />);
    const block = screen.getByTestId('thinking');
    expect(block).not.toHaveAttribute('open');
    expect(screen.getByText('Thinking')).toBeInTheDocument();
    await userEvent.click(screen.getByText('Thinking'));
    expect(block).toHaveAttribute('open');
    expect(screen.getByText('First I check the logs.')).toBeVisible();
  });

  it('shows no Thinking block when there was none', () => {
    render(<MessageView message={message({ id: 'a1', content: 'The answer.' })} />);
    expect(screen.queryByText('Thinking')).toBeNull();
  });

  it("shows a failed turn's error under the message it could not answer", () => {
    render(<MessageView message={message({ id: 'u1', role: 'USER', content: 'hello', error: 'The model gateway refused the request.' })} />);
    expect(screen.getByTestId('turn-error')).toHaveTextContent(/could not answer this message.*The model gateway refused the request\./);
  });

  it("shows a failed reply's error in the reply", () => {
    render(<MessageView message={message({ id: 'a1', content: 'Hal', status: 'FAILED', error: 'The model gateway timed out.' })} />);
    expect(screen.getByRole('note')).toHaveTextContent('The model gateway timed out.');
  });
});
