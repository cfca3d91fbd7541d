import type { AttachResponse } from '../api.ts';
import type { App } from '../app.ts';
import { BODY_LIMITS, readJson } from '../http/body.ts';
import { conflict } from '../http/errors.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';
import { parseAttach } from '../session/parse-attach.ts';
import { createSession } from '../session/session.ts';

export function sessionRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/session$/,
      auth: true,
      handle: async ({ req, res }) => {
        const input = parseAttach(await readJson(req, BODY_LIMITS.attach));
        if (app.runner.current) {
          throw conflict(`Turn ${app.runner.current.id} is running; cancel it before re-attaching the session.`);
        }
        // Re-attaching replaces everything: this is how a fresh sandbox is rehydrated.
        void app.session?.mcp.close();
        app.adapter.close?.();
        app.session = createSession(input, app.processEnv, app.sandbox, app.log);
        app.log.info(
          {
            sessionId: input.sessionId,
            model: input.model,
            messages: input.history.length,
            envVars: Object.keys(input.env).length,
            mcpServers: input.mcpServers.map((s) => s.name),
            toolRules: input.toolPolicy.length,
          },
          'session attached',
        );
        const body: AttachResponse = { ok: true, sessionId: input.sessionId, messages: input.history.length };
        sendJson(res, 200, body);
      },
    },
  ];
}
