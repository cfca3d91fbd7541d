import type { Db } from '../db/index.ts';
import { hashApiKey } from './keys.ts';
import type { Viewer } from './viewer.ts';

const CACHE_TTL_MS = 5_000;
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <key>` to a viewer. Lookups are cached for a few
 * seconds so a busy client costs no database round trip per request; revocation in
 * this process takes effect at once, elsewhere within the TTL.
 */
export class AuthService {
  readonly #db: Db;
  readonly #cache = new Map<string, { viewer: Promise<Viewer | null>; expires: number }>();
  readonly #touched = new Map<string, number>();

  constructor(db: Db) {
    this.#db = db;
  }

  /** The viewer, and whether a key was sent that did not authenticate. */
  async identify(authorization: string | null | undefined): Promise<{ viewer: Viewer | null; keyRejected: boolean }> {
    const viewer = await this.authenticate(authorization);
    return { viewer, keyRejected: viewer === null && parseBearer(authorization) !== null };
  }

  async authenticate(authorization: string | null | undefined): Promise<Viewer | null> {
    const key = parseBearer(authorization);
    if (!key) return null;
    const hash = hashApiKey(key);
    const now = Date.now();
    const cached = this.#cache.get(hash);
    if (cached && cached.expires > now) return cached.viewer;

    // The promise is cached, so a burst of connections with one key costs one lookup.
    const viewer = this.#lookup(hash, now);
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { viewer, expires: now + CACHE_TTL_MS });
    viewer.catch(() => this.#cache.delete(hash));
    return viewer;
  }

  /** Drops every cached lookup, so a revoked key stops working in this process at once. */
  forget(): void {
    this.#cache.clear();
  }

  async #lookup(hash: string, now: number): Promise<Viewer | null> {
    const row = await this.#db.apiKey.findUnique({ where: { hash } });
    if (!row || row.revokedAt) return null;
    this.#touch(row.id, now);
    return { keyId: row.id, keyName: row.name, teamId: row.teamId, role: row.role };
  }

  #touch(keyId: string, now: number): void {
    if ((this.#touched.get(keyId) ?? 0) + TOUCH_INTERVAL_MS > now) return;
    this.#touched.set(keyId, now);
    void this.#db.apiKey.update({ where: { id: keyId }, data: { lastUsedAt: new Date(now) } }).catch(() => undefined);
  }
}

/** Accepts `Bearer <key>` (any case) or a bare key, as graphql-ws clients often send one. */
export function parseBearer(header: string | null | undefined): string | null {
  if (!header) return null;
  const trimmed = header.trim();
  const match = /^bearer\s+(\S+)$/i.exec(trimmed);
  if (match) return match[1] ?? null;
  return /^\S+$/.test(trimmed) ? trimmed : null;
}
