import { useId, useMemo, useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { EmptyState, ErrorNotice, Loading } from '../../components/Feedback.tsx';
import { PageHeader } from '../../components/PageHeader.tsx';
import { describeError, type Problem } from '../../lib/graphql/errors.ts';
import { CopyButton } from './CopyButton.tsx';
import { DeliveryView, type Delivery } from './DeliveryView.tsx';
import { CreateWebhookMutation, DeleteWebhookMutation, RedeliverMutation, UpdateWebhookMutation, WebhookDeliveriesQuery, WebhooksQuery } from './documents.ts';

const CONTEXT = { additionalTypenames: ['Webhook', 'WebhookDelivery'] };
const EVENTS = ['turn.completed', 'turn.failed', 'session.status', 'schedule.run.missed', 'egress.blocked'];

function Deliveries({ webhookId }: { webhookId: string }) {
  const [{ data, error, fetching }] = useQuery({ query: WebhookDeliveriesQuery, variables: { id: webhookId }, context: useMemo(() => CONTEXT, []) });
  const [redelivery, redeliver] = useMutation(RedeliverMutation);
  if (fetching && !data) return <Loading label="Loading deliveries…" />;
  if (error) return <ErrorNotice problem={describeError(error)} />;
  const deliveries = data?.webhook?.deliveries.edges.map((e) => e.node as Delivery) ?? [];
  if (deliveries.length === 0) return <p className="muted">No deliveries yet.</p>;
  return (
    <div className="stack">
      {deliveries.map((d) => (
        <DeliveryView key={d.id} delivery={d} busy={redelivery.fetching} onRedeliver={(id) => void redeliver({ id }, CONTEXT)} />
      ))}
    </div>
  );
}

export default function WebhooksPage() {
  const [{ data, error, fetching }, refetch] = useQuery({ query: WebhooksQuery, context: useMemo(() => CONTEXT, []) });
  const [creation, create] = useMutation(CreateWebhookMutation);
  const [, update] = useMutation(UpdateWebhookMutation);
  const [, remove] = useMutation(DeleteWebhookMutation);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['turn.completed', 'turn.failed']);
  const [open, setOpen] = useState<string | null>(null);
  const id = useId();
  const webhooks = data?.webhooks.edges.map((e) => e.node) ?? [];

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await create({ input: { url: url.trim(), events } }, CONTEXT);
    setProblem(result.error ? describeError(result.error) : null);
    setSecret(result.data?.createWebhook.secret ?? null);
  };

  return (
    <div className="page">
      <PageHeader title="Webhooks">
        <p className="muted">URLs that hear about your team&apos;s sessions and schedules, signed per the Standard Webhooks specification.</p>
      </PageHeader>
      {secret ? (
        <section className="notice notice-success" aria-label="New webhook">
          <strong>Webhook created. Copy its signing secret now: it is not shown again.</strong>
          <div className="copy-row">
            <code data-testid="webhook-secret">{secret}</code>
            <CopyButton text={secret} label="signing secret" />
          </div>
        </section>
      ) : null}
      <form className="form" aria-label="New webhook" onSubmit={(e) => void submit(e)}>
        {problem ? <ErrorNotice problem={problem} /> : null}
        <div className="field">
          <label htmlFor={`${id}-url`}>URL</label>
          <input id={`${id}-url`} type="url" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/hooks/paddock" required />
        </div>
        <fieldset className="field">
          <legend>Events</legend>
          {EVENTS.map((event) => (
            <label key={event} className="checkbox">
              <input
                type="checkbox"
                checked={events.includes(event)}
                onChange={(e) => setEvents((list) => (e.target.checked ? [...list, event] : list.filter((x) => x !== event)))}
              />{' '}
              {event}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button button-primary" disabled={creation.fetching || events.length === 0}>
          Create webhook
        </button>
      </form>
      {error ? <ErrorNotice problem={describeError(error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} /> : null}
      {fetching && !data ? <Loading /> : null}
      {data && webhooks.length === 0 ? <EmptyState title="No webhooks yet">Add one above to hear when turns finish.</EmptyState> : null}
      <ul className="card-list">
        {webhooks.map((w) => (
          <li key={w.id} className="card">
            <div className="card-row">
              <div>
                <code>{w.url}</code> · {w.events.join(', ')} · {w.agent ? w.agent.name : 'all agents'}
                <div className="muted">{w.enabled ? `${w.consecutiveFailures} failures in a row` : (w.disabledReason ?? 'Disabled')}</div>
              </div>
              <div className="page-actions">
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => setOpen(open === w.id ? null : w.id)}
                  aria-expanded={open === w.id}
                >
                  Deliveries
                </button>
                <button
                  type="button"
                  className="button button-secondary button-small"
                  onClick={() => void update({ id: w.id, input: { enabled: !w.enabled } }, CONTEXT)}
                >
                  {w.enabled ? 'Disable' : 'Enable'}
                </button>
                <button type="button" className="button button-ghost button-small" onClick={() => void remove({ id: w.id }, CONTEXT)}>
                  Delete
                </button>
              </div>
            </div>
            {open === w.id ? <Deliveries webhookId={w.id} /> : null}
          </li>
        ))}
      </ul>
    </div>
  );
}
