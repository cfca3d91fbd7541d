import type { AuditEvent as AuditEventRow } from '../db/index.ts';
import { badInput } from '../errors/index.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { decodeGlobalId, encodeGlobalId } from '../graphql/global-id.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { ApiKeyRole } from '../teams/schema.ts';

const AuditOutcome = builder.enumType('AuditOutcome', {
  values: {
    SUCCESS: { description: 'The action was carried out.' },
    FAILURE: { description: 'The action was attempted and failed (bad input, not found, conflict, an error).' },
    DENIED: { description: 'The caller was not allowed: no valid key, or a role without the permission.' },
  } as const,
});


export const AuditEvent = builder.objectRef<AuditEventRow>('AuditEvent').implement({
  description: 'One entry of the append-only audit log: who did what, to what, from where, and how it ended.',
  fields: (t) => ({
    id: t.id({ resolve: (e) => encodeGlobalId('AuditEvent', e.id) }),
    action: t.exposeString('action', {
      description:
        'Dotted name: a mutation as `object.verb` (`agent.create`, `apikey.revoke`, `session.end`, ...), or `auth.failure`, `apikey.use`, `secret.set`, `secret.remove`, `egress.blocked`.',
    }),
    actorKeyId: t.id({ nullable: true, description: 'Global ID of the API key that acted; null when no valid key was sent or the platform acted.', resolve: (e) => (e.actorKeyId ? encodeGlobalId('ApiKey', e.actorKeyId) : null) }),
    actorRole: t.field({ type: ApiKeyRole, nullable: true, description: 'The role of that key when it acted.', resolve: (e) => e.actorRole }),
    teamId: t.id({ nullable: true, description: 'Global ID of the team the action concerns.', resolve: (e) => (e.teamId ? encodeGlobalId('Team', e.teamId) : null) }),
    clientAddress: t.exposeString('clientAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true, description: 'Global ID of the object acted on, when there is one.' }),
    outcome: t.expose('outcome', { type: AuditOutcome }),
    detail: t.field({ type: 'JSON', nullable: true, description: 'More about the entry: the error code of a failure, secret names (never values), a refused host.', resolve: (e) => e.detail }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const AuditEventConnection = builder.connectionObject({ type: AuditEvent, name: 'AuditEventConnection' }, { name: 'AuditEventEdge' });

const AuditEventFilter = builder.inputType('AuditEventFilter', {
  fields: (t) => ({
    action: t.string({ description: 'Exact action, e.g. `agent.create`.' }),
    actorKeyId: t.id({ description: 'Global ID of the API key that acted.' }),
    targetId: t.id({ description: 'Global ID of the object acted on.' }),
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
  }),
});

builder.queryFields((t) => ({
  auditEvents: t.connection(
    {
      type: AuditEvent,
      description: "The audit log, newest first. Team ADMIN: its own team's entries; OPERATOR: every team's, failed authentications included.",
      authScopes: { teamAdmin: true },
      args: { filter: t.arg({ type: AuditEventFilter }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) => {
        const filter = args.filter ?? {};
        let actorKeyId: string | null = null;
        if (filter.actorKeyId) {
          const decoded = decodeGlobalId(String(filter.actorKeyId));
          if (decoded.typename !== 'ApiKey') throw badInput('filter.actorKeyId must be the id of an API key.', 'actorKeyId');
          actorKeyId = decoded.id;
        }
        if (filter.from && filter.to && filter.from >= filter.to) throw badInput('filter.from must be before filter.to.', 'from');
        return keysetConnection(args, (w) =>
          ctx.services.audit.list(viewerOf(ctx), { action: filter.action, actorKeyId, targetId: filter.targetId ? String(filter.targetId) : null, from: filter.from, to: filter.to }, w),
        );
      },
    },
    AuditEventConnection,
  ),
}));
