import type { SessionFilter, SessionStatus } from '../../gql/graphql.ts';

export const STATUSES: SessionStatus[] = ['PROVISIONING', 'RUNNING', 'AWAITING_APPROVAL', 'IDLE', 'SUSPENDED', 'FAILED', 'ENDED'];

/** A `YYYY-MM-DD` date input value as local midnight, ISO-encoded; null if invalid. */
export function startOfDay(value: string): string | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The API's filter from the URL's: `to` is inclusive for people, `createdBefore` exclusive for the API. */
export function toSessionFilter(params: { agent?: string | null; status?: string | null; from?: string | null; to?: string | null }): {
  filter: SessionFilter | null;
  problem: string | null;
} {
  const filter: SessionFilter = {};
  if (params.agent) filter.agentId = params.agent;
  if (params.status && (STATUSES as string[]).includes(params.status)) filter.status = params.status as SessionStatus;
  const after = params.from ? startOfDay(params.from) : null;
  let before: string | null = null;
  if (params.to) {
    const start = startOfDay(params.to);
    if (start) {
      const next = new Date(start);
      next.setDate(next.getDate() + 1);
      before = next.toISOString();
    }
  }
  if (after) filter.createdAfter = after;
  if (before) filter.createdBefore = before;
  const problem = after && before && after >= before ? 'The “from” date must be on or before the “to” date.' : null;
  return { filter: Object.keys(filter).length > 0 ? filter : null, problem };
}
