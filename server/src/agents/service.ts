import type { Agent, AgentMcpServer, Db, Prisma } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { badInput, conflict, notFound } from '../errors/index.ts';
import { newId } from '../ids/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import type { HarnessCatalog } from '../harnesses/catalog.ts';
import type { PrivateAllowList } from '../egress/rules.ts';
import type { SecretBox } from '../secrets/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import { openServer, serverRows, type OpenMcpServer } from '../mcp/servers.ts';
import type { McpServerInput } from '../mcp/validation.ts';
import { parseAgentInput, type AgentInput, type EnvVarInput } from './validation.ts';

export type AgentRow = Agent & { secrets: { name: string }[]; mcpServers: AgentMcpServer[] };

const withSecretNames = {
  secrets: { select: { name: true }, orderBy: { name: 'asc' } },
  mcpServers: { orderBy: { position: 'asc' } },
} satisfies Prisma.AgentInclude;

export type AgentFilter = { search?: string | null; harness?: string | null };

/** Agents of the viewer's team. Other teams' agents do not exist as far as a caller can tell. */
export class AgentService {
  readonly #db: Db;
  readonly #harnesses: HarnessCatalog;
  readonly #secrets: SecretBox;
  readonly #privateAllow: PrivateAllowList;

  constructor(db: Db, harnesses: HarnessCatalog, secrets: SecretBox, privateAllow: PrivateAllowList) {
    this.#db = db;
    this.#harnesses = harnesses;
    this.#secrets = secrets;
    this.#privateAllow = privateAllow;
  }

  async find(viewer: Viewer, id: string): Promise<AgentRow | null> {
    return this.#db.agent.findFirst({ where: { id, teamId: viewer.teamId }, include: withSecretNames });
  }

  async get(viewer: Viewer, id: string): Promise<AgentRow> {
    const agent = await this.find(viewer, id);
    if (!agent) throw notFound('Agent', id);
    return agent;
  }

  async findMany(viewer: Viewer, ids: readonly string[]): Promise<AgentRow[]> {
    return this.#db.agent.findMany({ where: { id: { in: [...ids] }, teamId: viewer.teamId }, include: withSecretNames });
  }

  /** Newest first. */
  async list(viewer: Viewer, filter: AgentFilter, window: PageWindow): Promise<AgentRow[]> {
    const search = filter.search?.trim();
    const where: Prisma.AgentWhereInput = {
      teamId: viewer.teamId,
      ...(filter.harness ? { harnessName: filter.harness } : {}),
      ...(search ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { description: { contains: search, mode: 'insensitive' } }] } : {}),
      id: { ...(window.after ? { lt: window.after } : {}), ...(window.before ? { gt: window.before } : {}) },
    };
    return this.#db.agent.findMany({
      where,
      orderBy: { id: window.backward ? 'asc' : 'desc' },
      take: window.limit,
      include: withSecretNames,
    });
  }

  async create(viewer: Viewer, raw: AgentInput): Promise<AgentRow> {
    const input = parseAgentInput(raw, 'create', this.#privateAllow);
    const harness = this.#harnesses.require(input.harness!);
    const id = newId();
    try {
      return await this.#db.agent.create({
        data: {
          id,
          teamId: viewer.teamId,
          name: input.name!,
          description: input.description ?? '',
          harnessName: harness.name,
          model: input.model ?? harness.defaultModel,
          systemPrompt: input.systemPrompt ?? '',
          egressAllow: input.egressAllow ?? [],
          toolPolicy: input.toolPolicy ?? [],
          secrets: { create: this.#seal(input.env ?? []) },
          mcpServers: { create: serverRows(this.#secrets, input.mcpServers ?? [], []) },
        },
        include: withSecretNames,
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`An agent named "${input.name}" already exists in your team; pick another name.`);
      throw error;
    }
  }

  async update(viewer: Viewer, id: string, raw: AgentInput): Promise<AgentRow> {
    const input = parseAgentInput(raw, 'update', this.#privateAllow);
    const existing = await this.get(viewer, id);
    const harness = input.harness ? this.#harnesses.require(input.harness) : undefined;
    const env = input.env ?? [];
    const remove = input.removeEnv ?? [];
    const both = remove.filter((name) => env.some((v) => v.name === name));
    if (both.length > 0) throw badInput(`${both.join(', ')} is both set and removed; do one or the other.`, 'removeEnv');
    try {
      return await this.#db.$transaction(async (tx) => {
        if (remove.length > 0) await tx.agentSecret.deleteMany({ where: { agentId: existing.id, name: { in: remove } } });
        for (const secret of this.#seal(env)) {
          await tx.agentSecret.upsert({
            where: { agentId_name: { agentId: existing.id, name: secret.name } },
            create: { agentId: existing.id, ...secret },
            update: { ciphertext: secret.ciphertext, hosts: secret.hosts },
          });
        }
        if (input.mcpServers !== undefined) {
          // The list is replaced as a whole, in the order given.
          const rows = serverRows(this.#secrets, input.mcpServers, existing.mcpServers);
          await tx.agentMcpServer.deleteMany({ where: { agentId: existing.id } });
          if (rows.length > 0) await tx.agentMcpServer.createMany({ data: rows.map((row) => ({ agentId: existing.id, ...row })) });
        }
        return tx.agent.update({
          where: { id: existing.id },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(harness ? { harnessName: harness.name } : {}),
            ...(input.model !== undefined ? { model: input.model } : {}),
            ...(input.systemPrompt !== undefined ? { systemPrompt: input.systemPrompt } : {}),
            ...(input.egressAllow !== undefined ? { egressAllow: input.egressAllow } : {}),
            ...(input.toolPolicy !== undefined ? { toolPolicy: input.toolPolicy } : {}),
          },
          include: withSecretNames,
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`An agent named "${input.name}" already exists in your team; pick another name.`);
      throw error;
    }
  }

  /** Deletes the agent with its sessions and their history; refused while a turn is in flight. */
  async delete(viewer: Viewer, id: string): Promise<AgentRow> {
    const agent = await this.get(viewer, id);
    const busy = await this.#db.session.count({ where: { agentId: id, status: { in: ['RUNNING', 'PROVISIONING'] } } });
    if (busy > 0) throw conflict(`Agent "${agent.name}" has ${busy} session(s) running a turn; cancel or end them first.`);
    await this.#db.agent.delete({ where: { id } });
    return agent;
  }

  /**
   * Decrypted env vars with the hosts each is for (empty: the agent's egressAllow), for the
   * egress proxy only; never exposed through the API and never sent into a sandbox.
   */
  async secretEnv(agentId: string): Promise<{ name: string; value: string; hosts: string[] }[]> {
    const rows = await this.#db.agentSecret.findMany({ where: { agentId }, orderBy: { name: 'asc' } });
    return rows.map((row) => ({ name: row.name, value: this.#secrets.open(row.ciphertext), hosts: row.hosts }));
  }

  /** The agent's MCP servers with header values in the clear: for the egress proxy and redaction only. */
  async mcpServers(agentId: string): Promise<OpenMcpServer[]> {
    const rows = await this.#db.agentMcpServer.findMany({ where: { agentId }, orderBy: { position: 'asc' } });
    return rows.map((row) => openServer(this.#secrets, row));
  }

  /** A server as typed into the editor, checked like a saved one; headers left out come from the agent's stored server. */
  async mcpServerForTest(viewer: Viewer, input: McpServerInput, agentId: string | null): Promise<OpenMcpServer> {
    const parsed = parseAgentInput({ mcpServers: [input] }, 'update', this.#privateAllow).mcpServers?.[0];
    if (!parsed) throw badInput('input is required.', 'input');
    let headers = parsed.headers?.map((h) => ({ name: h.name, value: h.value, hosts: h.hosts ?? [] })) ?? null;
    if (agentId !== null) {
      const agent = await this.get(viewer, agentId);
      const stored = agent.mcpServers.find((s) => s.name === parsed.name);
      if (!headers && stored) headers = openServer(this.#secrets, stored).headers;
    }
    return { name: parsed.name, url: parsed.url, transport: parsed.transport, allowedTools: parsed.allowedTools, headers: headers ?? [] };
  }

  async usage(viewer: Viewer, agentId: string): Promise<{ inputTokens: number; outputTokens: number }> {
    const sum = await this.#db.session.aggregate({
      where: { agentId, teamId: viewer.teamId },
      _sum: { inputTokens: true, outputTokens: true },
    });
    return { inputTokens: sum._sum.inputTokens ?? 0, outputTokens: sum._sum.outputTokens ?? 0 };
  }

  #seal(env: EnvVarInput[]): { name: string; ciphertext: string; hosts: string[] }[] {
    return env.map((v) => ({ name: v.name, ciphertext: this.#secrets.seal(v.value), hosts: v.hosts ?? [] }));
  }
}
