import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { encodeGlobalId } from '../ids/global-id.ts';
import { keysetConnection } from '../graphql/pagination.ts';
import { Usage } from '../graphql/usage.ts';
import { Harness } from '../harnesses/schema.ts';
import { McpServer, McpServerInput } from '../mcp/schema.ts';
import { ToolRule, ToolRuleInput } from '../approvals/schema.ts';
import { storedPolicy } from '../approvals/policy.ts';
import { EnvVarInput } from '../secrets/schema.ts';
import type { AgentRow } from './service.ts';

export const Agent = builder.objectRef<AgentRow>('Agent');
export const AgentConnection = builder.connectionObject({ type: Agent, name: 'AgentConnection' }, { name: 'AgentEdge' });

builder.node(Agent, {
  id: { resolve: (agent) => agent.id },
  loadOne: (id, ctx) => ctx.loaders.agent.load(id),
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    harness: t.field({
      type: Harness,
      nullable: true,
      description: 'Null if the harness definition file has since been removed.',
      resolve: (agent, _args, ctx) => ctx.services.harnesses.get(agent.harnessName) ?? null,
    }),
    harnessName: t.exposeString('harnessName'),
    model: t.exposeString('model'),
    systemPrompt: t.exposeString('systemPrompt'),
    envVarNames: t.stringList({
      description: "Names of the agent's env vars. Values are write-only and never returned.",
      resolve: (agent) => agent.secrets.map((s) => s.name),
    }),
    egressAllow: t.exposeStringList('egressAllow'),
    mcpServers: t.field({ type: [McpServer], resolve: (agent) => agent.mcpServers }),
    toolPolicy: t.field({
      type: [ToolRule],
      description: 'Rules for tool calls, in order: the first whose tool (and command) glob matches decides; no match allows the call.',
      resolve: (agent) => storedPolicy(agent.toolPolicy),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    usage: t.field({ type: Usage, resolve: (agent, _args, ctx) => ctx.services.usage.total({ agentId: agent.id, teamId: agent.teamId }) }),
  }),
});

const AgentFilter = builder.inputType('AgentFilter', {
  fields: (t) => ({
    search: t.string({ description: 'Matches name or description, case-insensitively.' }),
    harness: t.string(),
  }),
});

const CreateAgentInput = builder.inputType('CreateAgentInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'DNS-1123 label, unique in your team.' }),
    harness: t.string({ required: true }),
    description: t.string(),
    model: t.string({ description: "Defaults to the harness's default model." }),
    systemPrompt: t.string(),
    env: t.field({ type: [EnvVarInput] }),
    egressAllow: t.stringList({
      description:
        'Hosts (exact or *.domain), IPs or CIDRs, each optionally with :port, the sandbox may reach besides the gateway. Private ranges need PADDOCK_EGRESS_PRIVATE_ALLOW.',
    }),
    mcpServers: t.field({
      type: [McpServerInput],
      description: "Remote MCP servers whose tools the agent gets; their hosts join the agent's egress allow-list.",
    }),
    toolPolicy: t.field({ type: [ToolRuleInput], description: 'Tool approval rules, first match wins, default ALLOW.' }),
  }),
});

const UpdateAgentInput = builder.inputType('UpdateAgentInput', {
  fields: (t) => ({
    name: t.string(),
    harness: t.string(),
    description: t.string(),
    model: t.string(),
    systemPrompt: t.string(),
    env: t.field({ type: [EnvVarInput], description: 'Sets or replaces these variables; others are kept.' }),
    removeEnv: t.stringList({ description: 'Names of variables to delete.' }),
    egressAllow: t.stringList(),
    mcpServers: t.field({ type: [McpServerInput], description: 'Replaces the list of servers.' }),
    toolPolicy: t.field({ type: [ToolRuleInput], description: 'Replaces the policy.' }),
  }),
});

const DeleteAgentPayload = builder.objectRef<{ deletedId: string }>('DeleteAgentPayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId') }),
});

builder.queryFields((t) => ({
  agents: t.connection(
    {
      type: Agent,
      description: 'Newest first.',
      authScopes: { reader: true },
      args: { filter: t.arg({ type: AgentFilter }) },
      complexity: (args) => ({ field: 1, multiplier: args.first ?? args.last ?? 20 }),
      resolve: (_root, args, ctx) => keysetConnection(args, (w) => ctx.services.agents.list(viewerOf(ctx), args.filter ?? {}, w)),
    },
    AgentConnection,
  ),
  agent: t.field({
    type: Agent,
    nullable: true,
    authScopes: { reader: true },
    args: { id: t.arg.globalID({ for: Agent, required: true }) },
    resolve: (_root, args, ctx) => ctx.loaders.agent.load(args.id.id),
  }),
}));

builder.mutationFields((t) => ({
  createAgent: t.field({
    type: Agent,
    authScopes: { writer: true },
    args: { input: t.arg({ type: CreateAgentInput, required: true }) },
    resolve: (_root, { input }, ctx) => ctx.services.agents.create(viewerOf(ctx), input),
  }),
  updateAgent: t.field({
    type: Agent,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Agent, required: true }), input: t.arg({ type: UpdateAgentInput, required: true }) },
    resolve: (_root, { id, input }, ctx) => ctx.services.agents.update(viewerOf(ctx), id.id, input),
  }),
  deleteAgent: t.field({
    type: DeleteAgentPayload,
    authScopes: { writer: true },
    args: { id: t.arg.globalID({ for: Agent, required: true }) },
    resolve: async (_root, { id }, ctx) => {
      await ctx.services.agents.delete(viewerOf(ctx), id.id);
      return { deletedId: encodeGlobalId('Agent', id.id) };
    },
  }),
}));
