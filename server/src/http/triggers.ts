import type { IncomingMessage, ServerResponse } from 'node:http';
import { decodeGlobalId, encodeGlobalId } from '../ids/global-id.ts';
import { sendJson } from './health.ts';
import type { Throttle } from './throttle.ts';
import type { Logger } from '../log/index.ts';
import type { FireResult, TriggerService } from '../automations/triggers/service.ts';
import { bearerMatches, githubSignatureMatches } from '../automations/triggers/signatures.ts';

export const TRIGGER_PATH = /^\/triggers\/([^/]+)\/?$/;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The body as the prompt template sees it: JSON, GitHub's form-encoded `payload=`, text, or null when empty. */
function parseBody(raw: Buffer, contentType: string): { ok: true; body: unknown } | { ok: false; error: string } {
  if (raw.length === 0) return { ok: true, body: null };
  const text = raw.toString('utf8');
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  try {
    if (type === 'application/x-www-form-urlencoded') {
      const payload = new URLSearchParams(text).get('payload');
      return { ok: true, body: payload === null ? Object.fromEntries(new URLSearchParams(text)) : JSON.parse(payload) };
    }
    if (type === '' || type === 'application/json' || type.endsWith('+json')) return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, error: 'The request body is not valid JSON; send JSON with Content-Type: application/json.' };
  }
  return { ok: true, body: text };
}

function eventMatches(filters: string[], event: string, body: unknown): boolean {
  if (filters.length === 0) return true;
  const action =
    body !== null && typeof body === 'object' && typeof (body as { action?: unknown }).action === 'string' ? (body as { action: string }).action : null;
  return filters.includes(event) || (action !== null && filters.includes(`${event}.${action}`));
}

function answer(result: FireResult): { status: number; body: Record<string, unknown> } {
  const run = { runId: encodeGlobalId('TriggerRun', result.run.id), runNumber: result.run.runNumber, outcome: result.run.outcome };
  const session = result.run.sessionId ? { sessionId: encodeGlobalId('Session', result.run.sessionId) } : {};
  switch (result.kind) {
    case 'started':
      return { status: 202, body: { accepted: true, ...run, ...session } };
    case 'queued':
      return {
        status: 202,
        body: { accepted: true, ...run, message: "Queued: the trigger's session is answering an earlier request; this run starts when it is done." },
      };
    case 'duplicate':
      return {
        status: 200,
        body: { accepted: false, duplicate: true, ...run, ...session, message: 'This delivery was already accepted; it does not run again.' },
      };
    case 'failed':
      return { status: 503, body: { accepted: true, ...run, error: `The run could not start: ${result.run.error ?? 'unknown reason'}` } };
  }
}

/**
 * `POST /triggers/{id}`: unknown trigger 404, body over the limit 413, wrong secret or
 * signature 401, disabled 409, accepted 202 (a replayed GitHub delivery 200 without a run).
 * Failed authentications count against the address like wrong API keys.
 */
export async function handleTriggerRequest(
  req: IncomingMessage,
  res: ServerResponse,
  deps: { triggers: TriggerService; throttle: Throttle; maxBodyBytes: number; log: Logger },
): Promise<void> {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const rawId = TRIGGER_PATH.exec(path)?.[1] ?? '';
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return sendJson(res, 405, { error: `Triggers are called with POST, not ${req.method ?? 'this method'}.` });
  }
  let id: string | null = null;
  try {
    const decoded = decodeGlobalId(rawId);
    if (decoded.typename === 'Trigger') id = decoded.id;
  } catch {
    id = null;
  }
  const trigger = id ? await deps.triggers.byId(id) : null;
  if (!trigger) return sendJson(res, 404, { error: `No trigger ${rawId || '(empty id)'}; use the url a createTrigger call returned.` });

  const address = deps.throttle.addressOf(req);
  const wait = await deps.throttle.authBlockedFor(address);
  if (wait > 0) {
    res.setHeader('retry-after', String(wait));
    return sendJson(res, 429, { error: `Too many failed authentications from this address; retry in ${wait} s.` });
  }
  const declared = Number(header(req, 'content-length') ?? 0);
  if (declared > deps.maxBodyBytes) {
    res.setHeader('connection', 'close');
    return sendJson(res, 413, {
      error: `The request body is ${declared} bytes; a trigger accepts at most ${deps.maxBodyBytes} (PADDOCK_TRIGGER_MAX_BODY_BYTES).`,
    });
  }
  let raw: Buffer;
  try {
    raw = await readBody(req, deps.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof BodyTooLarge)) throw error;
    res.setHeader('connection', 'close');
    return sendJson(res, 413, { error: `The request body is over the ${deps.maxBodyBytes} bytes a trigger accepts (PADDOCK_TRIGGER_MAX_BODY_BYTES).` });
  }

  const authentic =
    trigger.kind === 'HTTP'
      ? trigger.secretHash !== null && bearerMatches(header(req, 'authorization'), trigger.secretHash)
      : githubSignatureMatches(header(req, 'x-hub-signature-256'), deps.triggers.githubSecret(trigger) ?? '', raw);
  if (!authentic) {
    await deps.throttle.authFailed(address);
    deps.log.info({ triggerId: trigger.id, address }, 'trigger request with a wrong secret or signature');
    return sendJson(res, 401, {
      error:
        trigger.kind === 'HTTP'
          ? 'Send the trigger\'s secret as "Authorization: Bearer <secret>"; this one is missing or wrong.'
          : "X-Hub-Signature-256 is missing or does not match; set the webhook secret in GitHub to the trigger's secret and the content type to application/json.",
    });
  }
  if (!trigger.enabled) return sendJson(res, 409, { error: 'This trigger is disabled; enable it with updateTrigger to accept requests again.' });

  const parsed = parseBody(raw, header(req, 'content-type') ?? '');
  if (!parsed.ok) return sendJson(res, 400, { error: parsed.error });
  let event: string | null = null;
  let deliveryId: string | null = null;
  if (trigger.kind === 'GITHUB') {
    event = header(req, 'x-github-event')?.trim() || null;
    deliveryId = header(req, 'x-github-delivery')?.trim().slice(0, 100) || null;
    if (!event) return sendJson(res, 400, { error: 'X-GitHub-Event is missing; GitHub sends it with every delivery.' });
    if (event === 'ping') return sendJson(res, 200, { accepted: false, message: 'pong: the signature matches; this trigger is ready.' });
    if (!eventMatches(trigger.events, event, parsed.body)) {
      return sendJson(res, 200, { accepted: false, message: `Ignored: this trigger runs on ${trigger.events.join(', ')}, not ${event}.` });
    }
  }
  const { status, body } = answer(await deps.triggers.fire(trigger, { body: parsed.body, deliveryId, event }));
  return sendJson(res, status, body);
}
