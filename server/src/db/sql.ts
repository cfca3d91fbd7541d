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
