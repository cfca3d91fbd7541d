import type { AgentMcpServer } from '../db/index.ts';
import { EnvVarInput } from '../secrets/schema.ts';
import { builder } from '../graphql/builder.ts';
import { viewerOf } from '../graphql/context.ts';
import { probeMcpServer, type McpProbeResult } from './probe.ts';
import { headerNames } from './servers.ts';

export const McpTransportEnum = builder.enumType('McpTransport', {
  description: 'STREAMABLE_HTTP falls back to legacy SSE when the server does not speak it.',
  values: ['STREAMABLE_HTTP', 'SSE'] as const,
});

export const McpServer = builder.objectRef<AgentMcpServer>('McpServer').implement({
  description: 'A remote MCP server of an agent. Header values are secrets: only their names are readable.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The model sees its tools as `<name>__<tool>`.' }),
    url: t.exposeString('url'),
    transport: t.field({ type: McpTransportEnum, resolve: (s) => s.transport }),
    headerNames: t.stringList({ resolve: (s) => headerNames(s) }),
    allowedTools: t.exposeStringList('allowedTools', { description: 'Globs over tool names; empty offers every tool of the server.' }),
  }),
});

export const McpServerInput = builder.inputType('McpServerInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: "DNS label, unique among the agent's servers." }),
    url: t.string({ required: true }),
    transport: t.field({ type: McpTransportEnum, description: 'Default STREAMABLE_HTTP.' }),
    headers: t.field({
      type: [EnvVarInput],
      description:
        "HTTP headers (name: the header name, e.g. Authorization) the egress proxy sends with every request to the server; the sandbox holds placeholders. `hosts` defaults to the server's host. On updateAgent, leave out to keep the stored headers of a server of the same name.",
    }),
    allowedTools: t.stringList({ description: "Globs over the server's tool names (`*` any characters, `?` one); empty offers all." }),
  }),
});

const McpToolInfo = builder.objectRef<{ name: string; description: string }>('McpToolInfo').implement({
  fields: (t) => ({ name: t.exposeString('name'), description: t.exposeString('description') }),
});

const McpServerTest = builder.objectRef<McpProbeResult>('McpServerTest').implement({
  fields: (t) => ({
    ok: t.exposeBoolean('ok'),
    tools: t.field({ type: [McpToolInfo], resolve: (r) => r.tools, description: 'The tools the agent would be offered (after allowedTools).' }),
    error: t.exposeString('error', { nullable: true }),
  }),
});

builder.mutationFields((t) => ({
  testMcpServer: t.field({
    type: McpServerTest,
    description:
      "Connects to an MCP server and lists its tools, as the agent's sandbox would. With agentId, headers left out are taken from that agent's stored server of the same name.",
    authScopes: { writer: true },
    args: { input: t.arg({ type: McpServerInput, required: true }), agentId: t.arg.globalID() },
    resolve: async (_root, { input, agentId }, ctx) => {
      const server = await ctx.services.agents.mcpServerForTest(viewerOf(ctx), input, agentId?.typename === 'Agent' ? agentId.id : agentId ? '' : null);
      return probeMcpServer(server, ctx.services.config.egress.privateAllow, ctx.services.log);
    },
  }),
}));
