import { formatDateTime } from '../../lib/format.ts';

export type Delivery = {
  id: string;
  eventType: string;
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED';
  attempt: number;
  statusCode?: number | null;
  latencyMs?: number | null;
  error?: string | null;
  nextRetryAt?: string | null;
  createdAt: string;
  payload: unknown;
  responseBody?: string | null;
};

const STATUS_TEXT = { PENDING: 'Pending', SUCCEEDED: 'Delivered', FAILED: 'Failed' } as const;

/** One delivery: what was sent, what came back, and when it is tried next. */
export function DeliveryView({ delivery, onRedeliver, busy }: { delivery: Delivery; onRedeliver: (id: string) => void; busy: boolean }) {
  return (
    <details className="delivery">
      <summary>
        <span className={`badge badge-${delivery.status.toLowerCase()}`}>{STATUS_TEXT[delivery.status]}</span> <code>{delivery.eventType}</code> ·{' '}
        {delivery.statusCode != null ? `HTTP ${delivery.statusCode}` : delivery.error ? 'no answer' : 'not sent yet'}
        {delivery.latencyMs != null ? ` · ${delivery.latencyMs} ms` : ''} · attempt {delivery.attempt} · {formatDateTime(delivery.createdAt)}
      </summary>
      <dl className="delivery-facts">
        {delivery.error ? (
          <>
            <dt>Error</dt>
            <dd>{delivery.error}</dd>
          </>
        ) : null}
        {delivery.nextRetryAt ? (
          <>
            <dt>Next retry</dt>
            <dd>{formatDateTime(delivery.nextRetryAt)}</dd>
          </>
        ) : null}
      </dl>
      <h4>Payload</h4>
      <pre className="code-block" aria-label="Payload">
        {JSON.stringify(delivery.payload, null, 2)}
      </pre>
      <h4>Response</h4>
      <pre className="code-block" aria-label="Response">
        {delivery.responseBody ?? '(none)'}
      </pre>
      <button type="button" className="button button-secondary button-small" disabled={busy} onClick={() => onRedeliver(delivery.id)}>
        Redeliver
      </button>
    </details>
  );
}
