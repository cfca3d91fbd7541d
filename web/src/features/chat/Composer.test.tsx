import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Composer } from './Composer.tsx';

function setup(props: Partial<Parameters<typeof Composer>[0]> = {}) {
  const onSend = vi.fn(async () => true);
  const onStop = vi.fn();
  render(<Composer running={false} stopping={false} disabledReason={null} onSend={onSend} onStop={onStop} {...props} />);
  return { onSend, onStop, box: screen.getByLabelText('Message') as HTMLTextAreaElement };
}

describe('Composer', () => {
  it('sends on Enter and clears the box', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'hello{Enter}');
    expect(onSend).toHaveBeenCalledWith('hello');
    await waitFor(() => expect(box.value).toBe(''));
  });

  it('adds a line on Shift+Enter without sending', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(onSend).not.toHaveBeenCalled();
    expect(box.value).toBe('line one\nline two');
    await userEvent.type(box, '{Enter}');
    expect(onSend).toHaveBeenCalledWith('line one\nline two');
  });

  it('does not send blank text', async () => {
    const { onSend, box } = setup();
    await userEvent.type(box, '   {Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('keeps the text when sending fails', async () => {
    const onSend = vi.fn(async () => false);
    const { box } = setup({ onSend });
    await userEvent.type(box, 'keep me{Enter}');
    expect(onSend).toHaveBeenCalled();
    expect(box.value).toBe('keep me');
  });

  it('offers Stop while a turn runs and holds Enter back', async () => {
    const { onSend, onStop, box } = setup({ running: true });
    await userEvent.type(box, 'next question{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(screen.getByText(/still answering/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(onStop).toHaveBeenCalled();
  });

  it('keeps a message typed during a reply, says so, and lets it go once the turn ends', async () => {
    const onSend = vi.fn(async () => true);
    const props = { stopping: false, disabledReason: null, onSend, onStop: vi.fn() };
    const { rerender } = render(<Composer running {...props} />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    expect(screen.getByTestId('composer-hint')).not.toHaveTextContent(/still answering/);
    await userEvent.type(box, 'follow-up');
    expect(screen.getByTestId('composer-hint')).toHaveTextContent(/still answering.*sent when the reply ends/);
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    rerender(<Composer running={false} {...props} />);
    expect(screen.getByTestId('composer-hint')).not.toHaveTextContent(/still answering/);
    expect(box.value).toBe('follow-up');
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(onSend).toHaveBeenCalledWith('follow-up');
  });

  it('is disabled with a reason when the session ended', () => {
    const { box } = setup({ disabledReason: 'This session has ended.' });
    expect(box).toBeDisabled();
    expect(box.placeholder).toBe('This session has ended.');
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
  });
});
