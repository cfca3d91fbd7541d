import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DeliveryView, type Delivery } from './DeliveryView.tsx';

const failed: Delivery = {
  id: 'd1',
  eventType: 'turn.completed',
  status: 'PENDING',
  attempt: 2,
  statusCode: 503,
  latencyMs: 41,
  error: null,
  nextRetryAt: '2026-01-01T12:00:30.000Z',
  createdAt: '2026-01-01T12:00:00.000Z',
  payload: { type: 'turn.completed', data: { sessionId: 'U2Vzc2lvbjox' } },
  responseBody: 'failing on purpose with 503',
};

describe('DeliveryView', () => {
  it('shows the status code, latency, attempt and next retry, and what was sent and answered', async () => {
    render(<DeliveryView delivery={failed} busy={false} onRedeliver={vi.fn()} />);
    expect(screen.getByText(/HTTP 503 · 41 ms · attempt 2/)).toBeInTheDocument();
    await userEvent.click(screen.getByText(/HTTP 503/));
    expect(screen.getByText('Next retry')).toBeInTheDocument();
    expect(screen.getByLabelText('Payload')).toHaveTextContent('"sessionId": "U2Vzc2lvbjox"');
    expect(screen.getByLabelText('Response')).toHaveTextContent('failing on purpose with 503');
  });

  it('says when an attempt got no answer, and redelivers on request', async () => {
    const onRedeliver = vi.fn();
    render(
      <DeliveryView
        delivery={{
          ...failed,
          status: 'FAILED',
          statusCode: null,
          latencyMs: 15000,
          error: 'no answer within 15000 ms',
          nextRetryAt: null,
          responseBody: null,
        }}
        busy={false}
        onRedeliver={onRedeliver}
      />,
    );
    expect(screen.getByText(/no answer · 15000 ms/)).toBeInTheDocument();
    await userEvent.click(screen.getByText(/no answer ·/));
    expect(screen.getByText('no answer within 15000 ms')).toBeInTheDocument();
    expect(screen.getByLabelText('Response')).toHaveTextContent('(none)');
    expect(screen.queryByText('Next retry')).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Redeliver' }));
    expect(onRedeliver).toHaveBeenCalledWith('d1');
  });
});
