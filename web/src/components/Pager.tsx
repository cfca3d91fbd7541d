type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor?: string | null; endCursor?: string | null };

/**
 * A Relay server may report hasNextPage=false when paging backwards (and
 * hasPreviousPage=false going forwards); having arrived from the other side proves
 * that side exists.
 */
export function withArrival(pageInfo: PageInfo, arrived: { after?: string | null; before?: string | null }): PageInfo {
  return {
    ...pageInfo,
    hasNextPage: pageInfo.hasNextPage || Boolean(arrived.before),
    hasPreviousPage: pageInfo.hasPreviousPage || Boolean(arrived.after),
  };
}

/** Previous / next page controls for a Relay connection whose cursors live in the URL. */
export function Pager({ pageInfo, onPage, label }: { pageInfo: PageInfo; onPage: (page: { after?: string; before?: string }) => void; label: string }) {
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
