import { randomBytes } from 'node:crypto';

/** W3C Trace Context version 00: `00-<trace id>-<parent span id>-<flags>`. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export interface TraceParent {
  traceId: string;
  spanId: string;
  flags: string;
}

/** The `traceparent` the platform sent with a turn; undefined when absent or malformed (the turn is then not traced). */
export function parseTraceparent(value: string | string[] | undefined): TraceParent | undefined {
  const match = typeof value === 'string' ? TRACEPARENT.exec(value.trim()) : null;
  if (!match || /^0+$/.test(match[1]!) || /^0+$/.test(match[2]!)) return undefined;
  return { traceId: match[1]!, spanId: match[2]!, flags: match[3]! };
}

/**
 * A `traceparent` for an outgoing request in the same trace, naming a fresh span id
 * that the platform records the request's span under.
 */
export function childTraceparent(parent: TraceParent): { header: string; spanId: string } {
  const spanId = randomBytes(8).toString('hex');
  return { header: `00-${parent.traceId}-${spanId}-${parent.flags}`, spanId };
}
