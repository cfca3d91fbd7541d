import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { Redirect, Route, Switch, useLocation, useSearch } from 'wouter';
import { Loading } from '../components/Feedback.tsx';
import { SignInPage } from '../features/signin/SignInPage.tsx';
import { AuthProvider, useAuth } from './auth.tsx';
import { Layout } from './Layout.tsx';
import { AppRouter, decodeParam, href, paths, safeNext } from './routes.tsx';

// Each page is its own chunk: the first load carries only the shell and one page.
const AgentsPage = lazy(() => import('../features/agents/AgentsPage.tsx'));
const AgentPage = lazy(() => import('../features/agents/AgentPage.tsx'));
const AgentEditorPage = lazy(() => import('../features/agents/AgentEditorPage.tsx'));
const SessionsPage = lazy(() => import('../features/sessions/SessionsPage.tsx'));
const SessionPage = lazy(() => import('../features/chat/SessionPage.tsx'));
const SchedulesPage = lazy(() => import('../features/automations/SchedulesPage.tsx'));
const TriggersPage = lazy(() => import('../features/automations/TriggersPage.tsx'));
const WebhooksPage = lazy(() => import('../features/automations/WebhooksPage.tsx'));
const TeamPage = lazy(() => import('../features/usage/TeamPage.tsx'));
const AuditPage = lazy(() => import('../features/audit/AuditPage.tsx'));

/** Renders a page for a decoded `:id`, or "not found" for an address that cannot be decoded. */
function withId(raw: string, page: (id: string) => ReactNode): ReactNode {
  const id = decodeParam(raw);
  return id === null ? <NotFound /> : page(id);
}

function NotFound() {
  const [, navigate] = useLocation();
  return (
    <div className="empty">
      <h1>Page not found</h1>
      <p>There is nothing at this address. Go back to your agents to carry on.</p>
      <button type="button" className="button button-primary" onClick={() => navigate(paths.agents)}>
        Go to agents
      </button>
    </div>
  );
}

function Pages() {
  return (
    <Switch>
      <Route path="/">
        <Redirect to={paths.agents} replace />
      </Route>
      <Route path={paths.signIn}>
        <Redirect to={paths.agents} replace />
      </Route>
      <Route path={paths.agents}>
        <AgentsPage />
      </Route>
      <Route path={paths.newAgent}>
        <AgentEditorPage />
      </Route>
      <Route path={paths.editAgent}>{({ id }) => withId(id, (agentId) => <AgentEditorPage key={agentId} agentId={agentId} />)}</Route>
      <Route path={paths.agent}>{({ id }) => withId(id, (agentId) => <AgentPage key={agentId} agentId={agentId} />)}</Route>
      <Route path={paths.sessions}>
        <SessionsPage />
      </Route>
      <Route path={paths.session}>{({ id }) => withId(id, (sessionId) => <SessionPage key={sessionId} sessionId={sessionId} />)}</Route>
      <Route path={paths.team}>
        <TeamPage />
      </Route>
      <Route path={paths.audit}>
        <AuditPage />
      </Route>
      <Route path={paths.schedules}>
        <SchedulesPage />
      </Route>
      <Route path={paths.triggers}>
        <TriggersPage />
      </Route>
      <Route path={paths.webhooks}>
        <WebhooksPage />
      </Route>
      <Route>
        <NotFound />
      </Route>
    </Switch>
  );
}

function Routes() {
  const { apiKey } = useAuth();
  const [pathname] = useLocation();
  const search = useSearch();

  if (!apiKey) {
    // Unauthenticated visits land on sign-in and come back to where they were going.
    const next = pathname === paths.signIn ? (new URLSearchParams(search).get('next') ?? paths.agents) : `${pathname}${search ? `?${search}` : ''}`;
    return <SignInGate next={next} />;
  }
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Pages />
      </Suspense>
    </Layout>
  );
}

function SignInGate({ next }: { next: string }) {
  const [, navigate] = useLocation();
  useEffect(() => navigate(href.signIn(next), { replace: true }), [navigate, next]);
  return <SignInPage onSignedIn={() => navigate(safeNext(next), { replace: true })} />;
}

export function App() {
  return (
    <AppRouter>
      <AuthProvider>
        <Routes />
      </AuthProvider>
    </AppRouter>
  );
}
