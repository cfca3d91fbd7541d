import { useMemo } from 'react';
import { useQueryParams } from '../app/routes.tsx';

type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };

/**
 * A Relay server may report hasNextPage=false when paging backwards (and
 * hasPreviousPage=false going forwards); having arrived from the other side proves
 * that side exists.
 */
function withArrival(pageInfo: PageInfo, arrived: { after?: string | null; before?: string | null }): PageInfo {
  return {
    ...pageInfo,
    hasNextPage: pageInfo.hasNextPage || Boolean(arrived.before),
    hasPreviousPage: pageInfo.hasPreviousPage || Boolean(arrived.after),
  };
}

/** Previous / next page controls for a Relay connection. */
function Pager({ pageInfo, onPage, label }: { pageInfo: PageInfo; onPage: (page: { after?: string; before?: string }) => void; label: string }) {
  if (!pageInfo.hasNextPage && !pageInfo.hasPreviousPage) return null;
  return (
    <nav className="pager" aria-label={label}>
      <button
        type="button"
        className="button button-secondary"
        disabled={!pageInfo.hasPreviousPage || !pageInfo.startCursor}
        onClick={() => onPage({ before: pageInfo.startCursor ?? undefined })}
      >
        ← Previous
      </button>
      <button
        type="button"
        className="button button-secondary"
        disabled={!pageInfo.hasNextPage || !pageInfo.endCursor}
        onClick={() => onPage({ after: pageInfo.endCursor ?? undefined })}
      >
        Next →
      </button>
    </nav>
  );
}

/** The URL parameters that select a page; a changed filter sets them back to the first page. */
export const FIRST_PAGE = { after: null, before: null };

/** The connection arguments of the page the URL's `after` / `before` cursors select. */
export function usePageArgs(size: number): { first: number; after: string | null } | { last: number; before: string } {
  const [search] = useQueryParams();
  const after = search.get('after');
  const before = search.get('before');
  return useMemo(() => (before ? { last: size, before } : { first: size, after }), [size, after, before]);
}

/** The Pager of a list paged through the URL (see usePageArgs); each page is a history entry. */
export function UrlPager({ pageInfo, label }: { pageInfo: PageInfo; label: string }) {
  const [search, setSearchParams] = useQueryParams();
  return (
    <Pager
      label={label}
      pageInfo={withArrival(pageInfo, { after: search.get('after'), before: search.get('before') })}
      onPage={(page) => setSearchParams({ after: page.after ?? null, before: page.before ?? null }, { replace: false })}
    />
  );
}
