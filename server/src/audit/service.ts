import type { ApiKeyRole, AuditOutcome, Db, Prisma } from '../db/index.ts';
import type { AuditEvent } from '../db/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import { newId } from '../ids/index.ts';
import type { Logger } from '../log/index.ts';
import { hasScope } from '../auth/roles.ts';
import type { Viewer } from '../auth/viewer.ts';

/** Where a request came from, as far as the API can tell (X-Forwarded-For with PADDOCK_TRUST_PROXY_HOPS). */
export type ClientInfo = { address: string | null; userAgent: string | null };

export type AuditEntry = {
  /** Dotted: `agent.create`, `apikey.revoke`, `auth.failure`, ... */
  action: string;
  outcome: AuditOutcome;
  actor?: Pick<Viewer, 'keyId' | 'role' | 'teamId'> | null;
  /** The team the action concerns; defaults to the actor's. */
  teamId?: string | null;
  client?: ClientInfo | null;
  targetId?: string | null;
  detail?: Record<string, unknown>;
};

export type AuditFilter = { action?: string | null; actorKeyId?: string | null; targetId?: string | null; from?: Date | null; to?: Date | null };

/** A key's use is recorded at most this often per key and API process; lastUsedAt is finer. */
export const KEY_USE_INTERVAL_MS = 15 * 60_000;
const MAX_TRACKED_KEYS = 10_000;

/**
 * The append-only audit log: one row per entry in `AuditEvent` (the database refuses to
 * change or delete them), and the same entry as one JSON line on stdout with
 * `"audit": true`, for a SIEM to collect.
 */
export class AuditLog {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #keyUses = new Map<string, number>();
  /** Global IDs, as the API shows them; passed in because the API layer owns their format. */
  readonly #globalId: (typename: string, id: string) => string;

  constructor(db: Db, log: Logger, globalId: (typename: string, id: string) => string) {
    this.#db = db;
    this.#globalId = globalId;
    // Audit lines are kept at the default log level even where PADDOCK_LOG_LEVEL is quieter; only `silent` drops them.
    this.#log = log.child({ audit: true }, { level: log.level === 'silent' ? 'silent' : 'info' });
  }

  async record(entry: AuditEntry): Promise<AuditEvent> {
    const row = {
      id: newId(),
      action: entry.action,
      actorKeyId: entry.actor?.keyId ?? null,
      actorRole: (entry.actor?.role ?? null) as ApiKeyRole | null,
      teamId: entry.teamId !== undefined ? entry.teamId : (entry.actor?.teamId ?? null),
      clientAddress: entry.client?.address?.slice(0, 64) ?? null,
      userAgent: entry.client?.userAgent?.slice(0, 256) ?? null,
      targetId: entry.targetId?.slice(0, 128) ?? null,
      outcome: entry.outcome,
      detail: (entry.detail ?? undefined) as Prisma.InputJsonValue | undefined,
      createdAt: new Date(),
    };
    const stored = await this.#db.auditEvent.create({ data: row });
    this.#log.info(
      {
        auditId: stored.id,
        action: stored.action,
        outcome: stored.outcome,
        actorKeyId: stored.actorKeyId,
        actorRole: stored.actorRole,
        teamId: stored.teamId,
        clientAddress: stored.clientAddress,
        userAgent: stored.userAgent,
        targetId: stored.targetId,
        ...(entry.detail ? { detail: entry.detail } : {}),
      },
      stored.action,
    );
    return stored;
  }

  /** Records without holding up the caller; a failure to record is logged, never thrown. */
  recordLater(entry: AuditEntry): void {
    this.record(entry).catch((error: unknown) => this.#log.error({ err: error, action: entry.action }, 'could not record an audit entry'));
  }

  authFailure(client: ClientInfo, transport: 'http' | 'websocket'): void {
    this.recordLater({ action: 'auth.failure', outcome: 'DENIED', actor: null, teamId: null, client, detail: { transport } });
  }

  /**
   * "Key use": the first authenticated request of a key, then at most one entry per key
   * every KEY_USE_INTERVAL_MS per API process, so a busy client does not flood the log.
   */
  keyUsed(viewer: Viewer, client: ClientInfo): void {
    const now = Date.now();
    if ((this.#keyUses.get(viewer.keyId) ?? -Infinity) + KEY_USE_INTERVAL_MS > now) return;
    if (this.#keyUses.size >= MAX_TRACKED_KEYS) this.#keyUses.clear();
    this.#keyUses.set(viewer.keyId, now);
    this.recordLater({ action: 'apikey.use', outcome: 'SUCCESS', actor: viewer, client, targetId: this.#globalId('ApiKey', viewer.keyId) });
  }

  /** A request the egress proxy refused, on the log of the session's team; the sandbox is the actor, so no key. */
  egressBlocked(blocked: { sessionId: string; host: string; port: number; reason: string }): void {
    const record = async () => {
      const session = await this.#db.session.findUnique({ where: { id: blocked.sessionId }, select: { teamId: true } });
      await this.record({
        action: 'egress.blocked',
        outcome: 'DENIED',
        actor: null,
        teamId: session?.teamId ?? null,
        targetId: this.#globalId('Session', blocked.sessionId),
        detail: { host: blocked.host, port: blocked.port, reason: blocked.reason },
      });
    };
    record().catch((error: unknown) => this.#log.error({ err: error, action: 'egress.blocked' }, 'could not record an audit entry'));
  }

  /** A webhook Paddock turned off after too many failed deliveries; no key did it, so the entry has no actor. */
  async webhookDisabled(webhook: { id: string; teamId: string }, reason: string): Promise<void> {
    await this.record({
      action: 'webhook.disable',
      outcome: 'SUCCESS',
      actor: null,
      teamId: webhook.teamId,
      targetId: this.#globalId('Webhook', webhook.id),
      detail: { reason },
    });
  }

  /** Newest first. A team ADMIN sees its team's entries; the OPERATOR every entry. */
  async list(viewer: Viewer, filter: AuditFilter, window: PageWindow): Promise<AuditEvent[]> {
    const where: Prisma.AuditEventWhereInput = {
      ...(hasScope(viewer.role, 'operator') ? {} : { teamId: viewer.teamId }),
      ...(filter.action ? { action: filter.action } : {}),
      ...(filter.actorKeyId ? { actorKeyId: filter.actorKeyId } : {}),
      ...(filter.targetId ? { targetId: filter.targetId } : {}),
      ...(filter.from || filter.to ? { createdAt: { ...(filter.from ? { gte: filter.from } : {}), ...(filter.to ? { lt: filter.to } : {}) } } : {}),
      id: { ...(window.after ? { lt: window.after } : {}), ...(window.before ? { gt: window.before } : {}) },
    };
    return this.#db.auditEvent.findMany({ where, orderBy: { id: window.backward ? 'asc' : 'desc' }, take: window.limit });
  }

  /** Entries since a point in time, oldest first (the CLI). */
  async since(from: Date, limit: number, afterId?: string): Promise<AuditEvent[]> {
    return this.#db.auditEvent.findMany({
      where: { createdAt: { gte: from }, ...(afterId ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Deletes entries older than `days` days: the only deletion the table's trigger lets through. */
  async purgeOlderThan(days: number): Promise<number> {
    const cutoff = new Date(Date.now() - days * 86_400_000);
    const [, deleted] = await this.#db.$transaction([
      this.#db.$executeRaw`SET LOCAL paddock.audit_retention = 'on'`,
      this.#db.$executeRaw`DELETE FROM "AuditEvent" WHERE "createdAt" < ${cutoff}`,
    ]);
    return deleted;
  }
}
