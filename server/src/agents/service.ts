import type { Agent, Db, Prisma } from '../db/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { badInput, conflict, notFound } from '../errors/index.ts';
import { newId } from '../ids/index.ts';
import type { PageWindow } from '../db/page-window.ts';
import type { HarnessCatalog } from '../harnesses/catalog.ts';
import type { PrivateAllowList } from '../egress/rules.ts';
import type { SecretBox } from '../secrets/index.ts';
import type { Viewer } from '../auth/viewer.ts';
import { parseAgentInput, type AgentInput, type EnvVarInput } from './validation.ts';

export type AgentRow = Agent & { secrets: { name: string }[] };

const withSecretNames = { secrets: { select: { name: true }, orderBy: { name: 'asc' } } } satisfies Prisma.AgentInclude;

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
      ...(search
        ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { description: { contains: search, mode: 'insensitive' } }] }
        : {}),
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
          secrets: { create: this.#seal(input.env ?? []) },
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
        return tx.agent.update({
          where: { id: existing.id },
          data: {
            ...(input.name !== undefined ? { name: input.name } : {}),
            ...(input.description !== undefined ? { description: input.description } : {}),
            ...(harness ? { harnessName: harness.name } : {}),
            ...(input.model !== undefined ? { model: input.model } : {}),
            ...(input.systemPrompt !== undefined ? { systemPrompt: input.systemPrompt } : {}),
            ...(input.egressAllow !== undefined ? { egressAllow: input.egressAllow } : {}),
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

  #seal(env: EnvVarInput[]): { name: string; ciphertext: string; hosts: string[] }[] {
    return env.map((v) => ({ name: v.name, ciphertext: this.#secrets.seal(v.value), hosts: v.hosts ?? [] }));
  }
}
