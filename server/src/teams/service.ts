import type { ApiKey, ApiKeyRole, Db, Team } from '../db/index.ts';
import { badInput, conflict, forbidden, notFound } from '../errors/index.ts';
import { isUuid, newId } from '../ids/index.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { generateApiKey, hashApiKey, keyPrefix } from '../auth/keys.ts';
import { hasScope } from '../auth/roles.ts';
import type { AuthService } from '../auth/service.ts';
import type { Viewer } from '../auth/viewer.ts';
import path from 'node:path';
import { readOrCreateKeyFile } from '../secrets/key-file.ts';

export const TEAM_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const DEFAULT_TEAM = 'default';

export type CreatedKey = { apiKey: ApiKey; plaintext: string };

const ADMIN_KEY_FILE = 'admin-key';

/** Where the bootstrap admin key is, as a person signing in is told: never the key itself. */
export type AdminKeyLocation = { source: 'env'; variable: 'PADDOCK_ADMIN_KEY' } | { source: 'file'; path: string };

export function adminKeyLocation(adminKey: string | undefined, dataDir: string): AdminKeyLocation {
  return adminKey ? { source: 'env', variable: 'PADDOCK_ADMIN_KEY' } : { source: 'file', path: path.join(dataDir, ADMIN_KEY_FILE) };
}

/**
 * Who may manage a team's keys: the OPERATOR for every team, a team ADMIN for its own.
 * `null` (the CLI, run by whoever runs the platform) may manage every team.
 */
export type KeyManager = Viewer | null;

/** Teams and their API keys; used by the GraphQL API and the CLI. */
export class TeamService {
  readonly #db: Db;
  readonly #auth: AuthService;

  constructor(db: Db, auth: AuthService) {
    this.#db = db;
    this.#auth = auth;
  }

  async createTeam(name: string): Promise<Team> {
    if (!TEAM_NAME.test(name)) {
      throw badInput('Team names are lowercase letters, digits and "-", 1 to 63 characters, starting and ending alphanumeric.', 'name');
    }
    try {
      return await this.#db.team.create({ data: { id: newId(), name } });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A team named "${name}" already exists.`);
      throw error;
    }
  }

  async teamByName(name: string): Promise<Team | null> {
    return this.#db.team.findUnique({ where: { name } });
  }

  async listTeams(): Promise<Team[]> {
    return this.#db.team.findMany({ orderBy: { name: 'asc' } });
  }

  /** Whether `manager` may see and manage the keys of `teamId`. */
  manages(manager: KeyManager, teamId: string): boolean {
    return manager === null || hasScope(manager.role, 'operator') || (hasScope(manager.role, 'teamAdmin') && manager.teamId === teamId);
  }

  async createApiKey(manager: KeyManager, input: { teamId: string; name: string; role: ApiKeyRole; plaintext?: string }): Promise<CreatedKey> {
    const name = input.name.trim();
    if (name.length === 0 || name.length > 100) throw badInput('Key names are 1 to 100 characters.', 'name');
    // Another team's id reads as unknown, like every object of another team.
    if (!this.manages(manager, input.teamId)) throw notFound('Team', input.teamId);
    if (input.role === 'OPERATOR' && manager !== null && !hasScope(manager.role, 'operator')) {
      throw forbidden('Only the OPERATOR key may create OPERATOR keys; pick ADMIN, MEMBER or VIEWER.');
    }
    const team = await this.#db.team.findUnique({ where: { id: input.teamId } });
    if (!team) throw notFound('Team', input.teamId);
    const plaintext = input.plaintext ?? generateApiKey();
    const apiKey = await this.#db.apiKey.create({
      data: { id: newId(), teamId: team.id, name, role: input.role, prefix: keyPrefix(plaintext), hash: hashApiKey(plaintext) },
    });
    return { apiKey, plaintext };
  }

  /** Keys of one team, or of every team (with the team) when none is given; oldest first. */
  async listApiKeys(teamId?: string): Promise<(ApiKey & { team: Team })[]> {
    return this.#db.apiKey.findMany({ where: teamId ? { teamId } : {}, include: { team: true }, orderBy: { id: 'asc' } });
  }

  async findApiKey(manager: KeyManager, id: string): Promise<ApiKey | null> {
    const key = isUuid(id) ? await this.#db.apiKey.findUnique({ where: { id } }) : null;
    return key && this.manages(manager, key.teamId) ? key : null;
  }

  /** Revokes the key; every API process stops accepting it, and closes its sockets, within moments. */
  async revokeApiKey(manager: KeyManager, id: string): Promise<ApiKey> {
    const key = await this.findApiKey(manager, id);
    if (!key) throw notFound('API key', id);
    const revoked = key.revokedAt ? key : await this.#db.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    this.#auth.announceRevoked(id);
    return revoked;
  }

  /**
   * Makes sure the OPERATOR key exists: `PADDOCK_ADMIN_KEY` if set, else one generated
   * into `<dataDir>/admin-key` (mode 0600) on first start.
   */
  async ensureAdminKey(adminKey: string | undefined, dataDir: string): Promise<{ source: 'env' | 'file'; path?: string }> {
    const team = (await this.teamByName(DEFAULT_TEAM)) ?? (await this.#createTeamOnce(DEFAULT_TEAM));
    const file = adminKey ? undefined : await readOrCreateKeyFile(dataDir, ADMIN_KEY_FILE, generateApiKey);
    const plaintext = adminKey ?? file!.value;
    const hash = hashApiKey(plaintext);
    const existing = await this.#db.apiKey.findUnique({ where: { hash } });
    if (!existing) {
      try {
        await this.#db.apiKey.create({
          data: { id: newId(), teamId: team.id, name: 'admin (bootstrap)', role: 'OPERATOR', prefix: keyPrefix(plaintext), hash },
        });
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return file ? { source: 'file', path: file.path } : { source: 'env' };
  }

  async #createTeamOnce(name: string): Promise<Team> {
    try {
      return await this.createTeam(name);
    } catch (error) {
      const team = await this.teamByName(name);
      if (team) return team;
      throw error;
    }
  }
}
