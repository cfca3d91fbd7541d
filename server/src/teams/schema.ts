import type { ApiKey as ApiKeyRow, Team as TeamRow } from '../db/index.ts';
import type { Viewer as ViewerShape } from '../auth/viewer.ts';
import { hasScope } from '../auth/roles.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';

export const ApiKeyRole = builder.enumType('ApiKeyRole', {
  values: {
    OPERATOR: { description: 'Runs the platform: creates teams and manages the keys of every team.' },
    ADMIN: { description: "Manages its own team's keys, agents and sessions; nothing outside its team." },
    MEMBER: { description: "Works with its team's agents, sessions and messages." },
    VIEWER: { description: 'Read-only: queries and subscriptions in its team, no mutation.' },
  } as const,
});

export const Team = builder.objectRef<TeamRow>('Team');
export const ApiKey = builder.objectRef<ApiKeyRow>('ApiKey');

builder.node(Team, {
  id: { resolve: (team) => team.id },
  loadOne: (id, ctx) =>
    ctx.viewer && (ctx.viewer.teamId === id || hasScope(ctx.viewer.role, 'operator')) ? ctx.services.db.team.findUnique({ where: { id } }) : null,
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.node(ApiKey, {
  id: { resolve: (key) => key.id },
  // Key managers see their team's keys (the OPERATOR every key); others only their own.
  loadOne: (id, ctx) => {
    const viewer = ctx.viewer;
    if (!viewer) return null;
    if (!hasScope(viewer.role, 'teamAdmin')) return id === viewer.keyId ? ctx.services.db.apiKey.findUnique({ where: { id } }) : null;
    return ctx.services.teams.findApiKey(viewer, id);
  },
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.expose('role', { type: ApiKeyRole }),
    prefix: t.exposeString('prefix', { description: 'The first characters of the key, to tell keys apart.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastUsedAt: t.expose('lastUsedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
  }),
});

const Viewer = builder.objectRef<ViewerShape>('Viewer').implement({
  description: 'The caller, as identified by its API key.',
  fields: (t) => ({
    role: t.expose('role', { type: ApiKeyRole }),
    apiKey: t.field({
      type: ApiKey,
      resolve: async (v, _args, ctx) => (await ctx.services.db.apiKey.findUnique({ where: { id: v.keyId } }))!,
    }),
    team: t.field({
      type: Team,
      resolve: async (v, _args, ctx) => (await ctx.services.db.team.findUnique({ where: { id: v.teamId } }))!,
    }),
  }),
});

const CreateApiKeyPayload = builder.objectRef<{ apiKey: ApiKeyRow; plaintext: string }>('CreateApiKeyPayload').implement({
  fields: (t) => ({
    apiKey: t.field({ type: ApiKey, resolve: (p) => p.apiKey }),
    key: t.string({ description: 'The key itself. Shown only now; Paddock stores just its hash.', resolve: (p) => p.plaintext }),
  }),
});

builder.queryFields((t) => ({
  viewer: t.field({ type: Viewer, authScopes: { reader: true }, resolve: (_root, _args, ctx) => viewerOf(ctx) }),
  teams: t.field({
    type: [Team],
    description: 'Every team. OPERATOR only.',
    authScopes: { operator: true },
    resolve: (_root, _args, ctx) => ctx.services.teams.listTeams(),
  }),
  apiKeys: t.field({
    type: [ApiKey],
    description:
      "The keys of a team, revoked ones included (only hashes are stored). Team ADMIN: its own team; OPERATOR: any team. Defaults to the caller's team.",
    authScopes: { teamAdmin: true },
    args: { teamId: t.arg.globalID({ for: Team }) },
    resolve: (_root, args, ctx) => {
      const viewer = viewerOf(ctx);
      const teamId = args.teamId?.id ?? viewer.teamId;
      return ctx.services.teams.manages(viewer, teamId) ? ctx.services.teams.listApiKeys(teamId) : [];
    },
  }),
}));

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: Team,
    description: 'OPERATOR only.',
    authScopes: { operator: true },
    args: { input: t.arg({ type: builder.inputType('CreateTeamInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.teams.createTeam(input.name),
  }),
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    description: 'Team ADMIN: keys of its own team, up to ADMIN. OPERATOR: keys of any team and role.',
    authScopes: { teamAdmin: true },
    args: {
      input: t.arg({
        type: builder.inputType('CreateApiKeyInput', {
          fields: (f) => ({
            teamId: f.globalID({ for: Team, required: true }),
            name: f.string({ required: true }),
            role: f.field({ type: ApiKeyRole, required: true }),
          }),
        }),
        required: true,
      }),
    },
    resolve: (_root, { input }, ctx) => ctx.services.teams.createApiKey(viewerOf(ctx), { teamId: input.teamId.id, name: input.name, role: input.role }),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    description: 'Stops the key at once on every API process; its open WebSockets are closed with code 4403.',
    authScopes: { teamAdmin: true },
    args: { id: t.arg.globalID({ for: ApiKey, required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.teams.revokeApiKey(viewerOf(ctx), id.id),
  }),
}));
