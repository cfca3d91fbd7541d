import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';

/** Headers every page Paddock serves carries: no MIME sniffing, no framing, no referrer leaks. */
const COMMON_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The dashboard: scripts and styles only from its own origin (Vite builds no inline
 * script), API calls and WebSockets to its own origin, never framed.
 */
export const DASHBOARD_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function setDashboardHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
  res.setHeader('content-security-policy', DASHBOARD_CSP);
}

/**
 * GraphiQL is yoga's page served from this origin (./graphiql.ts); its small inline
 * bootstrap scripts are allowed by hash, not by 'unsafe-inline'. Its editor injects
 * styles and runs workers from blobs.
 */

function graphiqlCsp(page: string): string {
  const hashes = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    (m) =>
      `'sha256-${createHash('sha256')
        .update(m[1] ?? '')
        .digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' ${hashes.join(' ')}`,
    "worker-src 'self' blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Security headers on every response of the GraphQL endpoint; GraphiQL's page gets the
 * CSP that matches the page it was rendered as (the same options render the same page).
 */
export function graphiqlSecurity(renderPage: () => string) {
  let csp = graphiqlCsp('');
  return {
    render: () => {
      const page = renderPage();
      csp = graphiqlCsp(page);
      return page;
    },
    plugin: {
      onResponse({ response }) {
        for (const [name, value] of Object.entries(COMMON_HEADERS)) response.headers.set(name, value);
        if (response.headers.get('content-type')?.startsWith('text/html')) response.headers.set('content-security-policy', csp);
      },
    } satisfies Plugin,
  };
}

/**
 * CORS for the origins in PADDOCK_CORS_ORIGINS only; with none configured, no CORS
 * headers at all (the dashboard is same-origin and needs none).
 */
export function corsFor(origins: readonly string[]) {
  if (origins.length === 0) return false;
  return (request: YogaInitialContext['request']) => {
    const origin = request.headers.get('origin');
    if (!origin || !origins.includes(origin)) return false;
    return { origin, credentials: true, methods: ['GET', 'POST'], allowedHeaders: ['authorization', 'content-type'], maxAge: 600 };
  };
}
