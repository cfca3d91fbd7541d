import type { ApiKey as ApiKeyRow, Team as TeamRow } from '../db/index.ts';
import type { Viewer as ViewerShape } from '../auth/viewer.ts';
import { builder } from '../graphql/builder.ts';

const ApiKeyRole = builder.enumType('ApiKeyRole', { values: ['ADMIN', 'MEMBER'] as const });

export const Team = builder.objectRef<TeamRow>('Team');
export const ApiKey = builder.objectRef<ApiKeyRow>('ApiKey');

builder.node(Team, {
  id: { resolve: (team) => team.id },
  loadOne: (id, ctx) => (ctx.viewer?.teamId === id ? ctx.services.db.team.findUnique({ where: { id } }) : null),
  fields: (t) => ({
    name: t.exposeString('name'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.node(ApiKey, {
  id: { resolve: (key) => key.id },
  loadOne: (id, ctx) =>
    ctx.viewer ? ctx.services.db.apiKey.findFirst({ where: { id, teamId: ctx.viewer.teamId } }) : null,
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
  viewer: t.field({ type: Viewer, authScopes: { member: true }, resolve: (_root, _args, ctx) => ctx.viewer! }),
  teams: t.field({
    type: [Team],
    description: 'Admin only.',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => ctx.services.teams.listTeams(),
  }),
}));

builder.mutationFields((t) => ({
  createTeam: t.field({
    type: Team,
    authScopes: { admin: true },
    args: { input: t.arg({ type: builder.inputType('CreateTeamInput', { fields: (f) => ({ name: f.string({ required: true }) }) }), required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.teams.createTeam(input.name),
  }),
  createApiKey: t.field({
    type: CreateApiKeyPayload,
    authScopes: { admin: true },
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
    resolve: (_root, { input }, ctx) =>
      ctx.services.teams.createApiKey({ teamId: input.teamId.id, name: input.name, role: input.role }),
  }),
  revokeApiKey: t.field({
    type: ApiKey,
    authScopes: { admin: true },
    args: { id: t.arg.globalID({ for: ApiKey, required: true }) },
    resolve: (_root, { id }, ctx) => ctx.services.teams.revokeApiKey(id.id),
  }),
}));
