import type { HealthResponse } from '../api.ts';
import type { App } from '../app.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';

export function healthRoutes(app: App): Route[] {
  return [
    {
      // Unauthenticated liveness for Kubernetes probes: says nothing about the session.
      method: 'GET',
      path: /^\/healthz$/,
      auth: false,
      handle: ({ res }) => sendJson(res, 200, { ok: true }),
    },
    {
      method: 'GET',
      path: /^\/v1\/health$/,
      auth: true,
      handle: ({ res }) => {
        const body: HealthResponse = {
          ok: true,
          harness: app.adapter.name,
          attached: app.session !== null,
          sessionId: app.session?.id ?? null,
          turn: app.runner.current,
        };
        sendJson(res, 200, body);
      },
    },
  ];
}
