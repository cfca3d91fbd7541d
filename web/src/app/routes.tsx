import { useCallback, type ReactNode } from 'react';
import { Router, useSearchParams, type AroundNavHandler } from 'wouter';

/**
 * The dashboard's addresses, in one place. Patterns are string literals so wouter types
 * each route's params from them (`/agents/:id` gives `{ id: string }`); links are built
 * with `href`, which encodes ids, so no page assembles a path by hand.
 */
export const paths = {
  signIn: '/sign-in',
  agents: '/agents',
  newAgent: '/agents/new',
  agent: '/agents/:id',
  editAgent: '/agents/:id/edit',
  sessions: '/sessions',
  session: '/sessions/:id',
  team: '/team',
  audit: '/audit',
  schedules: '/schedules',
  triggers: '/triggers',
  webhooks: '/webhooks',
} as const;

const segment = encodeURIComponent;

export const href = {
  agent: (id: string) => `/agents/${segment(id)}`,
  editAgent: (id: string) => `/agents/${segment(id)}/edit`,
  session: (id: string) => `/sessions/${segment(id)}`,
  sessionsOfAgent: (agentId: string) => `/sessions?agent=${segment(agentId)}`,
  signIn: (next: string) => (next && next !== '/' && next !== paths.agents ? `${paths.signIn}?next=${segment(next)}` : paths.signIn),
};

/** A path parameter as the page should see it, or null when the address is malformed. */
export function decodeParam(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}

/** Where a signed-in user may be sent back to: only paths inside the dashboard. */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : paths.agents;
}

const here = () => window.location.pathname + window.location.search;

/**
 * Every in-app navigation goes through here: one to the current address adds no history
 * entry, and a new page (not a replaced address, not back/forward) starts at the top.
 */
const aroundNav: AroundNavHandler = (navigate, target, options) => {
  if (target === here()) return;
  navigate(target, options);
  if (!options?.replace) window.scrollTo?.(0, 0);
};

export function AppRouter({ children }: { children: ReactNode }) {
  return <Router aroundNav={aroundNav}>{children}</Router>;
}

type QueryChanges = Record<string, string | null | undefined>;

/**
 * The query string as URLSearchParams, and a setter that changes some parameters
 * (empty values are removed) and by default replaces the history entry, so filters and
 * tabs do not fill the back button.
 */
export function useQueryParams(): [URLSearchParams, (changes: QueryChanges, options?: { replace?: boolean }) => void] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: QueryChanges, { replace = true }: { replace?: boolean } = {}) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(changes)) {
            if (value === null || value === undefined || value === '') next.delete(name);
            else next.set(name, value);
          }
          return next;
        },
        { replace },
      ),
    [setParams],
  );
  return [params, update];
}
