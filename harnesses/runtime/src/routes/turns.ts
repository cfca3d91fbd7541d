import type { CancelResponse } from '../api.ts';
import type { App } from '../app.ts';
import { readJson } from '../http/body.ts';
import { badRequest, conflict, notFound } from '../http/errors.ts';
import type { Route } from '../http/router.ts';
import { sendJson } from '../http/respond.ts';
import type { ApprovalDecision } from '../api.ts';
import { array, object, optionalString, string } from '../validate.ts';

function decisions(value: unknown): ApprovalDecision[] | undefined {
  if (value === undefined || value === null) return undefined;
  const resume = object(value, 'resume');
  return array(resume.decisions, 'resume.decisions').map((raw, i) => {
    const decision = object(raw, `resume.decisions[${i}]`);
    if (typeof decision.approved !== 'boolean') throw badRequest(`resume.decisions[${i}].approved must be a boolean.`);
    return {
      toolCallId: string(decision.toolCallId, `resume.decisions[${i}].toolCallId`, { nonEmpty: true, maxLength: 200 }),
      approved: decision.approved,
      reason: optionalString(decision.reason, `resume.decisions[${i}].reason`, '') || null,
    };
  });
}

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
        const body = object(await readJson(req), 'The request body');
        const turnId = string(body.turnId, 'turnId', { nonEmpty: true, maxLength: 200 });
        const resume = decisions(body.resume);
        const content = resume ? optionalString(body.content, 'content', '') : string(body.content, 'content');
        const session = app.session;
        if (app.shuttingDown) throw conflict('The harness runtime is shutting down.');
        if (!session) throw conflict('No session is attached; POST /v1/session first.');
        const running = app.runner.current;
        if (running) throw conflict(`Turn ${running.id} is still running; wait for its terminal event or cancel it.`);
        app.runner.start({ turnId, content, resume, session, res });
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
