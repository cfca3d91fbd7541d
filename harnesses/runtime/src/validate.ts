import { z } from 'zod';
import { badRequest } from './http/errors.ts';

/**
 * Request validation for the runtime's HTTP API. Schemas carry the wording of their
 * own errors; `parseRequest` turns the first problem into a 400 whose message names the
 * field (`history[2].role must be one of ...`), never the value, since values may be secrets.
 */

/** `history[2].toolCalls[0].id` from zod's issue path. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** Wording for the checks a schema did not word itself. */
const fallbackMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'object' || issue.expected === 'record' ? 'must be a JSON object.' : `must be ${article(issue.expected)}.`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.`;
    default:
      return 'is not valid.';
  }
};

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** Parses `value` with `schema`, or throws a 400 describing the first problem. */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value, { error: fallbackMessage });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? fieldName(issue.path) : 'The request body';
  throw badRequest(`${field} ${issue.message}`);
}

/** A JSON object (not an array, not null). */
export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be a JSON object.' });

/** A string; `nonEmpty` also refuses whitespace only. */
export function text(options: { nonEmpty?: boolean; maxLength?: number } = {}) {
  let schema = z.string({ error: 'must be a string.' });
  if (options.maxLength !== undefined) schema = schema.max(options.maxLength, { error: `must be at most ${options.maxLength} characters.` });
  return options.nonEmpty ? schema.refine((s) => s.trim() !== '', { error: 'must not be empty.', abort: true }) : schema;
}

/** An integer from `min` to `max`. */
export function intRange(min: number, max: number) {
  const error = `must be an integer from ${min} to ${max}.`;
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** `schema`, with null or a missing value read as `fallback`. */
export function withDefault<S extends z.ZodType>(schema: S, fallback: z.output<S>) {
  return schema.nullish().transform((value) => value ?? fallback);
}

/** `schema`, with null read as missing. */
export function optional<S extends z.ZodType>(schema: S) {
  return schema.nullish().transform((value) => value ?? undefined);
}
