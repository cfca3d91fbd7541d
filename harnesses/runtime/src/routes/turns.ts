import type { CancelResponse, StartTurnRequest } from '../api.ts';
import type { App } from '../app.ts';
import { readJson } from '../http/body.ts';
import { badRequest, conflict, notFound } from '../http/errors.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';
import { z } from 'zod';
import { optional, parseRequest, text, withDefault } from '../validate.ts';
import { parseTraceparent } from '../trace-context.ts';

const decision = z.object({
  toolCallId: text({ nonEmpty: true, maxLength: 200 }),
  approved: z.boolean({ error: 'must be a boolean.' }),
  reason: withDefault(text().nullable(), null),
});

/** A resumed turn (`resume`) continues a paused one: its `content` is not used. */
const startTurnSchema = z.object({
  turnId: text({ nonEmpty: true, maxLength: 200 }),
  content: text(),
  resume: optional(z.object({ decisions: z.array(decision, { error: 'must be an array.' }) })),
}) satisfies z.ZodType<StartTurnRequest, unknown>;

function decodeTurnId(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest('The turn id in the path is not valid percent-encoding.');
  }
}

export function turnRoutes(app: App): Route[] {
  return [
    {
      method: 'POST',
      path: /^\/v1\/turns$/,
      auth: true,
      handle: async ({ req, res }) => {
        const { turnId, content, resume } = parseRequest(startTurnSchema, await readJson(req));
        const session = app.session;
        if (app.shuttingDown) throw conflict('The harness runtime is shutting down.');
        if (!session) throw conflict('No session is attached; POST /v1/session first.');
        const running = app.runner.current;
        if (running) throw conflict(`Turn ${running.id} is still running; wait for its terminal event or cancel it.`);
        app.runner.start({ turnId, content, resume: resume?.decisions, session, res, trace: parseTraceparent(req.headers.traceparent) });
      },
    },
    {
      method: 'POST',
      path: /^\/v1\/turns\/(?<turnId>[^/]+)\/cancel$/,
      auth: true,
      handle: async ({ res, params }) => {
        const turnId = decodeTurnId(params.turnId ?? '');
        if (!(await app.runner.cancel(turnId))) throw notFound(`No running turn has id ${turnId}.`);
        const body: CancelResponse = { cancelled: true, turnId };
        sendJson(res, 200, body);
      },
    },
  ];
}
