import { createHash } from 'node:crypto';

/** A deterministic id: the same conversation always gets the same one. */
export function stableId(prefix: string, ...parts: unknown[]): string {
  return `${prefix}${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 24)}`;
}
