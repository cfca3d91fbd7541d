import {
  defaultFieldResolver,
  getNamedType,
  isObjectType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import type { AuditEvent as AuditEventRow, AuditOutcome as AuditOutcomeValue } from '../db/index.ts';
import { badInput } from '../errors/index.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { decodeGlobalId, encodeGlobalId } from '../ids/global-id.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { ApiKeyRole } from '../teams/schema.ts';
import type { Context } from '../graphql/context.ts';
import type { AuditEntry } from './service.ts';

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
    actorKeyId: t.id({
      nullable: true,
      description: 'Global ID of the API key that acted; null when no valid key was sent or the platform acted.',
      resolve: (e) => (e.actorKeyId ? encodeGlobalId('ApiKey', e.actorKeyId) : null),
    }),
    actorRole: t.field({ type: ApiKeyRole, nullable: true, description: 'The role of that key when it acted.', resolve: (e) => e.actorRole }),
    teamId: t.id({
      nullable: true,
      description: 'Global ID of the team the action concerns.',
      resolve: (e) => (e.teamId ? encodeGlobalId('Team', e.teamId) : null),
    }),
    clientAddress: t.exposeString('clientAddress', { nullable: true }),
    userAgent: t.exposeString('userAgent', { nullable: true }),
    targetId: t.exposeString('targetId', { nullable: true, description: 'Global ID of the object acted on, when there is one.' }),
    outcome: t.expose('outcome', { type: AuditOutcome }),
    detail: t.field({
      type: 'JSON',
      nullable: true,
      description: 'More about the entry: the error code of a failure, secret names (never values), a refused host.',
      resolve: (e) => e.detail,
    }),
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
          ctx.services.audit.list(
            viewerOf(ctx),
            { action: filter.action, actorKeyId, targetId: filter.targetId ? String(filter.targetId) : null, from: filter.from, to: filter.to },
            w,
          ),
        );
      },
    },
    AuditEventConnection,
  ),
}));

/**
 * The audit action of a mutation field: its verb and object, object first and dotted,
 * so `createAgent` is `agent.create` and `revokeApiKey` is `apikey.revoke`.
 */
export function mutationAction(field: string): string {
  const split = /^([a-z]+)([A-Z].*)?$/.exec(field);
  if (!split?.[2]) return `mutation.${field.toLowerCase()}`;
  return `${split[2].toLowerCase()}.${split[1]}`;
}

type Args = Record<string, unknown>;
type Row = Record<string, unknown>;

/** Entries a mutation leaves besides its own: agent secrets set or removed, by name only. */
const FOLLOW_UPS: Record<string, (args: Args, targetId: string | null) => Omit<AuditEntry, 'actor' | 'client' | 'outcome'>[]> = {
  createAgent: (args, targetId) => secretEntries(args, targetId),
  updateAgent: (args, targetId) => secretEntries(args, targetId),
};

/** What a mutation's own entry says besides its target: the settings it set (where they are not secret), which tool call a person decided on, which MCP server was probed. */
const DETAILS: Record<string, (args: Args) => Record<string, unknown>> = {
  setRetention: (args) => ({ ...(args.input as Args) }),
  approveToolCall: (args) => ({ toolCallId: args.toolCallId }),
  denyToolCall: (args) => ({ toolCallId: args.toolCallId }),
  testMcpServer: (args) => ({ server: (args.input as Args | undefined)?.name }),
};

function secretEntries(args: Args, targetId: string | null) {
  const input = (args.input ?? {}) as { env?: { name?: unknown }[] | null; removeEnv?: unknown[] | null };
  const set = (input.env ?? []).map((v) => String(v.name));
  const removed = (input.removeEnv ?? []).map(String);
  return [
    ...(set.length > 0 ? [{ action: 'secret.set', targetId, detail: { names: set } }] : []),
    ...(removed.length > 0 ? [{ action: 'secret.remove', targetId, detail: { names: removed } }] : []),
  ];
}

/**
 * Wraps every mutation field's resolver so each call leaves exactly one audit entry,
 * whatever its outcome; a mutation added later is audited without anyone having to
 * remember. Auth scopes are checked inside the wrapped resolver, so refusals are
 * recorded as DENIED.
 */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  if (!mutation) return schema;
  for (const field of Object.values(mutation.getFields())) wrap(field as GraphQLField<unknown, Context>);
  return schema;
}

function wrap(field: GraphQLField<unknown, Context>): void {
  const resolve = field.resolve ?? defaultFieldResolver;
  const action = mutationAction(field.name);
  const followUps = FOLLOW_UPS[field.name];
  const details = DETAILS[field.name];
  field.resolve = async (root, args: Args, ctx, info) => {
    const base = { action, actor: ctx.viewer, client: ctx.client };
    const detail = details?.(args) ?? {};
    let result: unknown;
    try {
      result = await resolve(root, args, ctx, info);
    } catch (error) {
      const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
      const outcome: AuditOutcomeValue = code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' ? 'DENIED' : 'FAILURE';
      await ctx.services.audit
        .record({ ...base, outcome, targetId: targetFromArgs(args), detail: { ...detail, error: typeof code === 'string' ? code : 'INTERNAL' } })
        .catch((failure: unknown) => {
          ctx.log.error({ err: failure, action }, 'could not record an audit entry');
        });
      throw error;
    }
    const target = targetFromResult(result, info) ?? { id: targetFromArgs(args), teamId: null };
    const teamId = target.teamId ?? ctx.viewer?.teamId ?? null;
    const entries = [
      { ...base, outcome: 'SUCCESS' as const, targetId: target.id, teamId, ...(details ? { detail } : {}) },
      ...(followUps?.(args, target.id) ?? []).map((e) => ({ ...base, ...e, outcome: 'SUCCESS' as const, teamId })),
    ];
    // The change is committed: an entry that cannot be stored is logged, and the caller still gets the result.
    for (const entry of entries) {
      await ctx.services.audit
        .record(entry)
        .catch((failure: unknown) => ctx.log.error({ err: failure, action: entry.action }, 'could not record an audit entry'));
    }
    return result;
  };
}

/** The object acted on, from the ids a mutation takes: `id`, `sessionId`, `agentId`, or those in `input`. */
function targetFromArgs(args: Args): string | null {
  const input = (args.input ?? {}) as Args;
  for (const value of [args.id, args.sessionId, args.agentId, input.sessionId, input.agentId, input.teamId]) {
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return null;
}

/** The object a mutation returned (or the node in its payload), as a global ID, with its team. */
function targetFromResult(result: unknown, info: GraphQLResolveInfo): { id: string; teamId: string | null } | null {
  const type = getNamedType(info.returnType);
  if (!isObjectType(type) || typeof result !== 'object' || result === null) return null;
  const row = result as Row;
  if (typeof row.deletedId === 'string') return { id: row.deletedId, teamId: null };
  if (isNode(type) && typeof row.id === 'string') return { id: encodeGlobalId(type.name, row.id), teamId: teamOf(type.name, row) };
  for (const [name, payloadField] of Object.entries(type.getFields())) {
    const inner = getNamedType(payloadField.type);
    const value = row[name];
    if (isObjectType(inner) && isNode(inner) && typeof value === 'object' && value !== null && typeof (value as Row).id === 'string') {
      return { id: encodeGlobalId(inner.name, (value as Row).id as string), teamId: teamOf(inner.name, value as Row) };
    }
  }
  return null;
}

function isNode(type: GraphQLObjectType): boolean {
  return type.getInterfaces().some((i) => i.name === 'Node');
}

function teamOf(typename: string, row: Row): string | null {
  if (typename === 'Team' && typeof row.id === 'string') return row.id;
  return typeof row.teamId === 'string' ? row.teamId : null;
}
