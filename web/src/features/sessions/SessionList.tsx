import { StatusBadge } from '../../components/StatusBadge.tsx';
import type { SessionStatus } from '../../gql/graphql.ts';
import { formatNumber, formatRelative } from '../../lib/format.ts';
import { Link } from 'wouter';
import { href } from '../../app/routes.tsx';

export type SessionRow = {
  id: string;
  title: string;
  status: SessionStatus;
  createdAt: string;
  lastActiveAt: string;
  usage: { totalTokens: number };
  agent?: { id: string; name: string };
};

export function SessionList({ sessions, busy }: { sessions: SessionRow[]; busy?: boolean }) {
  return (
    <ul className="card-list" aria-label="Sessions" aria-busy={busy || undefined}>
      {sessions.map((s) => (
        <li key={s.id} className="card card-link session-row">
          <div className="card-main">
            <Link to={href.session(s.id)} className="card-title">
              {s.title || 'Untitled session'}
            </Link>
            <p className="card-text small muted">
              {s.agent ? <>{s.agent.name} · </> : null}
              Started {formatRelative(s.createdAt)} · active {formatRelative(s.lastActiveAt)}
            </p>
          </div>
          <div className="card-meta">
            <StatusBadge status={s.status} />
            <span className="muted small">{formatNumber(s.usage.totalTokens)} tokens</span>
          </div>
        </li>
      ))}
    </ul>
  );
}
