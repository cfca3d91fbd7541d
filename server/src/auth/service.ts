import type { Db } from '../db/index.ts';
import type { EventBus } from '../events/bus.ts';
import { hashApiKey } from './keys.ts';
import type { Viewer } from './viewer.ts';

const CACHE_TTL_MS = 5_000;
const TOUCH_INTERVAL_MS = 60_000;

/**
 * Resolves `Authorization: Bearer <key>` to a viewer. Lookups are cached for a few
 * seconds so a busy client costs no database round trip per request. Revocation is
 * broadcast on the event bus: every process drops its cache and tells its listeners
 * (the WebSocket server closes that key's sockets) as soon as the message arrives.
 */
export class AuthService {
  readonly #db: Db;
  readonly #bus: EventBus;
  readonly #cache = new Map<string, { viewer: Promise<Viewer | null>; expires: number }>();
  readonly #touched = new Map<string, number>();
  readonly #revokedListeners = new Set<(keyId: string) => void>();
  /** Keys revoked while this process ran: a lookup that raced the revocation cannot revive one. */
  readonly #revoked = new Set<string>();

  constructor(db: Db, bus: EventBus) {
    this.#db = db;
    this.#bus = bus;
    bus.onControl((message) => {
      if (message.kind !== 'key-revoked') return;
      this.#revoked.add(message.keyId);
      this.#cache.clear();
      for (const listener of this.#revokedListeners) listener(message.keyId);
    });
  }

  /** The viewer, and whether a key was sent that did not authenticate. */
  async identify(authorization: string | null | undefined): Promise<{ viewer: Viewer | null; keyRejected: boolean }> {
    const found = await this.authenticate(authorization);
    const viewer = found && this.#revoked.has(found.keyId) ? null : found;
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

  /** Tells every process, this one included, that the key no longer authenticates. */
  announceRevoked(keyId: string): void {
    this.#bus.publishControl({ kind: 'key-revoked', keyId });
  }

  /** Called with the id of every key revoked anywhere. */
  onRevoked(listener: (keyId: string) => void): () => void {
    this.#revokedListeners.add(listener);
    return () => this.#revokedListeners.delete(listener);
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
