import type { ReactNode } from 'react';
import { useQuery } from 'urql';
import { Link, useLocation } from 'wouter';
import { paths } from './routes.tsx';
import { ViewerQuery } from './documents.ts';
import { useAuth } from './auth.tsx';

const NAV = [
  {
    to: paths.agents,
    label: 'Agents',
    icon: 'M4 7a3 3 0 1 1 6 0 3 3 0 0 1-6 0Zm10 0a3 3 0 1 1 6 0 3 3 0 0 1-6 0ZM2 19c0-3 2.5-5 5-5s5 2 5 5m0 0c0-3 2.5-5 5-5s5 2 5 5',
  },
  { to: paths.sessions, label: 'Sessions', icon: 'M4 5h16v10H9l-5 4V5Z' },
  { to: paths.team, label: 'Team usage', icon: 'M4 20V10m6 10V4m6 16v-7m4 7H2' },
  // The audit log is for key managers: team ADMIN and OPERATOR keys.
  { to: paths.audit, label: 'Audit log', icon: 'M6 3h9l4 4v14H6V3Zm3 7h7m-7 4h7m-7 4h4', roles: ['ADMIN', 'OPERATOR'] },
  { to: paths.schedules, label: 'Schedules', icon: 'M12 3a9 9 0 1 0 0 18 9 9 0 0 0 0-18Zm0 4v5l3 2' },
  { to: paths.triggers, label: 'Triggers', icon: 'M13 2 4 14h7l-1 8 9-12h-7l1-8Z' },
  { to: paths.webhooks, label: 'Webhooks', icon: 'M4 12h5l2-6 2 12 2-6h5' },
];

/** The signed-in frame: a left navigation (a top bar on narrow screens) and the page. */
export function Layout({ children }: { children: ReactNode }) {
  const [pathname] = useLocation();
  const { signOut } = useAuth();
  const [{ data }] = useQuery({ query: ViewerQuery });
  const viewer = data?.viewer;

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <Link to={paths.agents} className="brand" aria-label="Paddock home">
          <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
            <rect width="32" height="32" rx="8" fill="currentColor" />
            <path d="M10 23V9h7a5 5 0 0 1 0 10h-7" fill="none" stroke="#fff" strokeWidth="3" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <span>Paddock</span>
        </Link>
        <nav aria-label="Main" className="nav">
          {NAV.filter((item) => !item.roles || (viewer && item.roles.includes(viewer.role))).map((item) => {
            const active = pathname === item.to || pathname.startsWith(`${item.to}/`);
            return (
              <Link key={item.to} to={item.to} className={`nav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
                <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true">
                  <path d={item.icon} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" strokeLinecap="round" />
                </svg>
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="sidebar-foot">
          {viewer ? (
            <div className="viewer" title={`Key ${viewer.apiKey.prefix}…`}>
              <span className="viewer-team">{viewer.team.name}</span>
              <span className="viewer-key">
                {viewer.apiKey.name} · {viewer.role.charAt(0) + viewer.role.slice(1).toLowerCase()}
              </span>
            </div>
          ) : null}
          <button type="button" className="button button-ghost" onClick={() => signOut()}>
            Sign out
          </button>
        </div>
      </aside>
      <main id="main" className="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
