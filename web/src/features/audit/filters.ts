import type { AuditEventFilter } from '../../gql/graphql.ts';
import { startOfDay } from '../sessions/filters.ts';

/** Actions worth picking from a list; any other can be typed. */
export const KNOWN_ACTIONS = [
  'auth.failure',
  'apikey.use',
  'apikey.create',
  'apikey.revoke',
  'team.create',
  'agent.create',
  'agent.update',
  'agent.delete',
  'secret.set',
  'secret.remove',
  'session.create',
  'session.end',
  'message.send',
  'turn.cancel',
  'egress.blocked',
];

export type AuditParams = { action?: string | null; key?: string | null; target?: string | null; from?: string | null; to?: string | null };

/** The API's filter from the URL's; `to` is inclusive for people, exclusive for the API. */
export function toAuditFilter(params: AuditParams): { filter: AuditEventFilter | null; problem: string | null } {
  const filter: AuditEventFilter = {};
  if (params.action?.trim()) filter.action = params.action.trim();
  if (params.key?.trim()) filter.actorKeyId = params.key.trim();
  if (params.target?.trim()) filter.targetId = params.target.trim();
  const from = params.from ? startOfDay(params.from) : null;
  let to: string | null = null;
  const end = params.to ? startOfDay(params.to) : null;
  if (end) {
    const next = new Date(end);
    next.setDate(next.getDate() + 1);
    to = next.toISOString();
  }
  if (from) filter.from = from;
  if (to) filter.to = to;
  const problem = from && to && from >= to ? 'The “from” date must be on or before the “to” date.' : null;
  return { filter: Object.keys(filter).length > 0 ? filter : null, problem };
}
