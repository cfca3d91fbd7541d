import type { MessageStatus, SessionStatus } from '../gql/graphql.ts';

const SESSION_LABELS: Record<SessionStatus, string> = {
  PROVISIONING: 'Provisioning',
  RUNNING: 'Running',
  AWAITING_APPROVAL: 'Awaiting approval',
  IDLE: 'Idle',
  SUSPENDED: 'Suspended',
  FAILED: 'Failed',
  ENDED: 'Ended',
};

const TONES: Record<SessionStatus, 'info' | 'active' | 'neutral' | 'muted' | 'danger' | 'warning'> = {
  PROVISIONING: 'info',
  RUNNING: 'active',
  AWAITING_APPROVAL: 'warning',
  IDLE: 'neutral',
  SUSPENDED: 'muted',
  FAILED: 'danger',
  ENDED: 'muted',
};

/** A session's status as a coloured pill; running states pulse. */
export function StatusBadge({ status }: { status: SessionStatus }) {
  return (
    <span className={`badge badge-${TONES[status]}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {SESSION_LABELS[status]}
    </span>
  );
}

const MESSAGE_LABELS: Partial<Record<MessageStatus, [string, string]>> = {
  CANCELLED: ['Stopped', 'muted'],
  FAILED: ['Failed', 'danger'],
  STREAMING: ['Writing…', 'active'],
  PENDING: ['Waiting…', 'info'],
};

export function MessageStatusBadge({ status }: { status: MessageStatus }) {
  const entry = MESSAGE_LABELS[status];
  if (!entry) return null;
  return (
    <span className={`badge badge-small badge-${entry[1]}`} data-message-status={status}>
      {entry[0]}
    </span>
  );
}
