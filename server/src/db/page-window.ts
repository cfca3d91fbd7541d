/**
 * One page of rows ordered by id, as a service reads it: `limit` rows after `after`
 * and/or before `before`, from the end when `backward`. The API's connections turn
 * cursors into windows (graphql/pagination.ts).
 */
export type PageWindow<K = string> = { after: K | undefined; before: K | undefined; limit: number; backward: boolean };
