import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * A parameter list for hand-written SQL: `q.param(value)` appends a value and returns its
 * placeholder (`$3`), so a query built from optional filters never splices input into SQL.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** `value` as a LIKE/ILIKE pattern matching it anywhere, its wildcards taken literally. */
export function containsPattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * A query each pooled connection plans once: a named prepared statement, named after its
 * text. For hot reads whose text takes one of a few shapes (the filters only choose which):
 * planning a wide query costs PostgreSQL about as much as running it.
 */
export function prepared(text: string, values: unknown[]): pg.QueryConfig {
  return { name: `paddock_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`, text, values };
}
