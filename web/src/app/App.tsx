import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Loading } from '../components/Feedback.tsx';
import { matchPath, navigate, useLocation } from '../lib/router/router.tsx';
import { SignInPage } from '../features/signin/SignInPage.tsx';
import { AuthProvider, useAuth } from './auth.tsx';
import { Layout } from './Layout.tsx';

// Each page is its own chunk: the first load carries only the shell and one page.
const AgentsPage = lazy(() => import('../features/agents/AgentsPage.tsx'));
const AgentPage = lazy(() => import('../features/agents/AgentPage.tsx'));
const AgentEditorPage = lazy(() => import('../features/agents/AgentEditorPage.tsx'));
const SessionsPage = lazy(() => import('../features/sessions/SessionsPage.tsx'));
const SessionPage = lazy(() => import('../features/chat/SessionPage.tsx'));
const SchedulesPage = lazy(() => import('../features/automations/SchedulesPage.tsx'));
const TriggersPage = lazy(() => import('../features/automations/TriggersPage.tsx'));
const WebhooksPage = lazy(() => import('../features/automations/WebhooksPage.tsx'));

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function route(pathname: string): ReactNode {
  if (pathname === '/' || pathname === '/sign-in') return <Redirect to="/agents" />;
  if (pathname === '/agents') return <AgentsPage />;
  if (pathname === '/agents/new') return <AgentEditorPage />;
  let params = matchPath('/agents/:id/edit', pathname);
  if (params) return <AgentEditorPage key={params.id} agentId={params.id} />;
  params = matchPath('/agents/:id', pathname);
  if (params) return <AgentPage key={params.id} agentId={params.id!} />;
  if (pathname === '/sessions') return <SessionsPage />;
  if (pathname === '/schedules') return <SchedulesPage />;
  if (pathname === '/triggers') return <TriggersPage />;
  if (pathname === '/webhooks') return <WebhooksPage />;
  params = matchPath('/sessions/:id', pathname);
  if (params) return <SessionPage key={params.id} sessionId={params.id!} />;
  return <NotFound />;
}

function NotFound() {
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>There is nothing at this address. Go back to your agents to carry on.</p>
      <button type="button" className="button button-primary" onClick={() => navigate('/agents')}>
        Go to agents
      </button>
    </div>
  );
}

function Routes() {
  const { apiKey } = useAuth();
  const { pathname, search } = useLocation();

  if (!apiKey) {
    // Unauthenticated visits land on sign-in and come back to where they were going.
    const next = pathname === '/sign-in' ? (search.get('next') ?? '/agents') : `${pathname}${window.location.search}`;
    return <SignInGate next={next} />;
  }
  return (
    <Layout>
      <Suspense fallback={<Loading />}>{route(pathname)}</Suspense>
    </Layout>
  );
}

function SignInGate({ next }: { next: string }) {
  useEffect(() => {
    const target = `/sign-in${next && next !== '/' && next !== '/agents' ? `?next=${encodeURIComponent(next)}` : ''}`;
    if (window.location.pathname + window.location.search !== target) navigate(target, { replace: true });
  }, [next]);
  return <SignInPage onSignedIn={() => navigate(next.startsWith('/') && !next.startsWith('//') ? next : '/agents', { replace: true })} />;
}

export function App() {
  return (
    <AuthProvider>
      <Routes />
    </AuthProvider>
  );
}
