import { badInput } from '../errors/index.ts';
import { MAX_MESSAGE_CHARS } from '../sessions/service.ts';

/** Longest text one `{{body.…}}` placeholder puts into a prompt; longer values are cut. */
export const MAX_PLACEHOLDER_CHARS = 4_000;
export const MAX_PROMPT_TEMPLATE_CHARS = 20_000;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PATH = /^body(\.[A-Za-z0-9_-]+)*$/;

export type TemplateVars = {
  scheduledAt?: Date;
  runNumber: number;
  /** A trigger's request body, parsed. */
  body?: unknown;
  /** GitHub: the X-GitHub-Event header. */
  event?: string;
};

/** Which placeholders a prompt may use where. */
export type TemplateKind = 'schedule' | 'trigger';

const ALLOWED: Record<TemplateKind, string[]> = {
  schedule: ['scheduledAt', 'runNumber'],
  trigger: ['runNumber', 'event', 'body', 'body.path.to.field'],
};

/** Checks a prompt template when it is saved, so a typo fails then rather than at 3 a.m. */
export function validateTemplate(prompt: string, kind: TemplateKind): string {
  if (prompt.trim() === '') throw badInput('prompt must not be empty.', 'prompt');
  if (prompt.length > MAX_PROMPT_TEMPLATE_CHARS)
    throw badInput(`prompt must be at most ${MAX_PROMPT_TEMPLATE_CHARS} characters (got ${prompt.length}).`, 'prompt');
  for (const [, name] of prompt.matchAll(PLACEHOLDER)) {
    const ok = kind === 'schedule' ? name === 'scheduledAt' || name === 'runNumber' : name === 'runNumber' || name === 'event' || PATH.test(name ?? '');
    if (!ok) {
      throw badInput(`prompt uses {{${name}}}, which a ${kind} does not know; use ${ALLOWED[kind].map((n) => `{{${n}}}`).join(', ')}.`, 'prompt');
    }
  }
  return prompt;
}

/**
 * JSON-escapes a value for a prompt: strings without their quotes (so a placeholder inside
 * a quoted JSON string stays valid JSON, and a body cannot break out of it), anything else
 * as JSON. Cut at MAX_PLACEHOLDER_CHARS.
 */
function escapeValue(value: unknown): string {
  if (value === undefined || value === null) return '';
  const json = JSON.stringify(value) ?? '';
  const text = typeof value === 'string' ? json.slice(1, -1) : json;
  return text.length > MAX_PLACEHOLDER_CHARS ? `${text.slice(0, MAX_PLACEHOLDER_CHARS)}…[truncated]` : text;
}

function lookup(body: unknown, path: string[]): unknown {
  let current = body;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Fills a validated template; unknown body paths become empty. The result fits a message. */
export function renderTemplate(prompt: string, vars: TemplateVars): string {
  const rendered = prompt.replace(PLACEHOLDER, (_match, name: string) => {
    if (name === 'scheduledAt') return vars.scheduledAt ? vars.scheduledAt.toISOString() : '';
    if (name === 'runNumber') return String(vars.runNumber);
    if (name === 'event') return escapeValue(vars.event ?? '');
    if (name === 'body') return escapeValue(vars.body);
    if (name.startsWith('body.')) return escapeValue(lookup(vars.body, name.split('.').slice(1)));
    return '';
  });
  return rendered.length > MAX_MESSAGE_CHARS ? `${rendered.slice(0, MAX_MESSAGE_CHARS - 20)}…[truncated]` : rendered;
}
