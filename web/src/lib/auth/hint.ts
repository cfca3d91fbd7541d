/** Where the server keeps its bootstrap admin key, as `/signin-hint` reports it (a path, never the key). */
export type AdminKeyLocation = { source: 'env'; variable: string } | { source: 'file'; path: string };

export async function fetchAdminKeyLocation(fetchImpl: typeof fetch = fetch): Promise<AdminKeyLocation | null> {
  try {
    const response = await fetchImpl('/signin-hint', { headers: { accept: 'application/json' } });
    if (!response.ok) return null;
    const body = (await response.json()) as { adminKey?: unknown };
    const location = body.adminKey;
    if (typeof location !== 'object' || location === null) return null;
    const { source, path, variable } = location as Record<string, unknown>;
    if (source === 'file' && typeof path === 'string') return { source, path };
    if (source === 'env' && typeof variable === 'string') return { source, variable };
    return null;
  } catch {
    // An older or unreachable server: the page falls back to a hint without a path.
    return null;
  }
}
