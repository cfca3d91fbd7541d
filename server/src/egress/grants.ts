import type { AgentService } from '../agents/service.ts';
import type { Db } from '../db/index.ts';
import { headerSecretName } from '../mcp/servers.ts';
import { mcpEgressEntry } from '../mcp/validation.ts';
import { mcpEndpoint } from './mcp-calls.ts';
import { commandTokenFor, egressTokenHash, GATEWAY_KEY_NAME, placeholderFor } from './placeholders.ts';
import type { EgressGrant, GrantResolver } from './proxy.ts';
import { parseRules, parseRule, type EgressRule } from './rules.ts';

/** Grants change when an agent is edited; a short cache spares the database a query per request. */
const CACHE_MS = 2_000;

export type GatewayTarget = { baseUrl: string; apiKey: string };

/** Host and port of the gateway's base URL, as the proxy sees requests to it. */
export function gatewayAuthority(baseUrl: string): { host: string; port: number } {
  const url = new URL(baseUrl);
  return { host: url.hostname.replace(/^\[|\]$/g, '').toLowerCase(), port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)) };
}

/**
 * The model API's endpoints, under the gateway's base path or the root `/v1` (where
 * Anthropic clients add it themselves): all a runtime needs. The gateway's other routes
 * (key management, spend, admin) stay out of reach even of the runtime's token.
 */
const MODEL_ENDPOINTS = [
  '/chat/completions',
  '/completions',
  '/responses',
  '/responses/*',
  '/messages',
  '/messages/count_tokens',
  '/models',
  '/models/*',
  '/embeddings',
];

/** Path patterns (`*`: the rest of the path) of the gateway a runtime may call. */
export function gatewayModelPaths(baseUrl: string): string[] {
  const base = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const prefixes = new Set([base, `${base.replace(/\/v1$/, '')}/v1`]);
  return [...prefixes].flatMap((prefix) => MODEL_ENDPOINTS.map((endpoint) => `${prefix}${endpoint}`));
}

/**
 * Looks a sandbox's egress token up in the database: the session it belongs to, its
 * agent's allow-list and secrets. The runtime's token also reaches the model gateway
 * (its model paths only) with the gateway key swapped in; the token of the agent's
 * commands does not: to them the gateway is a host like any other. The same resolver
 * serves the worker's proxy and the standalone proxy Deployment.
 */
export class DbGrantResolver implements GrantResolver {
  readonly #db: Db;
  readonly #agents: AgentService;
  readonly #gateway: GatewayTarget;
  readonly #cache = new Map<string, { grant: EgressGrant; at: number }>();

  constructor(deps: { db: Db; agents: AgentService; gateway: GatewayTarget }) {
    this.#db = deps.db;
    this.#agents = deps.agents;
    this.#gateway = deps.gateway;
  }

  async resolve(token: string): Promise<EgressGrant | null> {
    const hash = egressTokenHash(token);
    const cached = this.#cache.get(hash);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.grant;
    const grant = await this.#load(token, hash);
    // Only grants are kept: an unknown token may become a session's a moment later (a warm
    // sandbox being claimed), and must not be refused from the cache once it has.
    if (!grant) return null;
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(hash, { grant, at: Date.now() });
    return grant;
  }

  async #load(token: string, hash: string): Promise<EgressGrant | null> {
    const sandbox = await this.#db.sandbox.findFirst({
      where: { OR: [{ egressTokenHash: hash }, { commandTokenHash: hash }] },
      include: { session: { include: { agent: true } } },
    });
    if (!sandbox || sandbox.phase === 'DELETED' || sandbox.session.status === 'ENDED') return null;
    // The runtime's token (model calls) or the one its agent's commands hold.
    const runtime = sandbox.egressTokenHash === hash;
    const commandToken = runtime ? commandTokenFor(token) : token;
    const agent = sandbox.session.agent;
    const rules = parseRules(agent.egressAllow);
    const secrets = await this.#agents.secretEnv(agent.id);
    const substitutions: EgressGrant['substitutions'] = secrets.map((s) => ({
      name: s.name,
      placeholder: placeholderFor(commandToken, s.name),
      value: s.value,
      rules: s.hosts.length > 0 ? parseRules(s.hosts) : rules,
    }));
    const servers = (await this.#agents.mcpServers(agent.id)).map((server) => ({ server, rule: parseRule(mcpEgressEntry(server.url)) }));
    const allowed = [...rules, ...servers.map((s) => s.rule)];
    const mcpEndpoints = servers.map(({ server }) => mcpEndpoint(server));
    if (!runtime) return { sessionId: sandbox.sessionId, rules: allowed, gateway: null, substitutions, mcpEndpoints };
    const gateway = gatewayAuthority(this.#gateway.baseUrl);
    const gatewayRule: EgressRule = parseRule(`${gateway.host.includes(':') ? `[${gateway.host}]` : gateway.host}:${gateway.port}`);
    // The agent's MCP servers join its allow-list; only the runtime's token (the MCP client's) gets their header values.
    const mcpSubstitutions = servers.flatMap(({ server, rule }) =>
      server.headers.map((h) => {
        const name = headerSecretName(server.name, h.name);
        return { name, placeholder: placeholderFor(token, name), value: h.value, rules: h.hosts.length > 0 ? parseRules(h.hosts) : [rule] };
      }),
    );
    substitutions.unshift(...mcpSubstitutions);
    if (this.#gateway.apiKey)
      substitutions.push({ name: GATEWAY_KEY_NAME, placeholder: placeholderFor(token, GATEWAY_KEY_NAME), value: this.#gateway.apiKey, rules: [gatewayRule] });
    return {
      sessionId: sandbox.sessionId,
      rules: allowed,
      gateway: { ...gateway, paths: gatewayModelPaths(this.#gateway.baseUrl) },
      substitutions,
      mcpEndpoints,
    };
  }
}
