import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { startApi } from '../src/platform/api.ts';
import { openPlatform, type Platform } from '../src/platform/open.ts';
import { createTestDatabase } from './db.ts';
import { GraphqlClient } from './graphql-client.ts';

export type TestPlatform = {
  url: string;
  platform: Platform;
  config: Config;
  admin: GraphqlClient;
  adminKey: string;
  dataDir: string;
  /** A client for a fresh team with a MEMBER key. */
  newTeam(name?: string): Promise<{ client: GraphqlClient; teamId: string; key: string }>;
  close(): Promise<void>;
};

let teamCounter = 0;

/** A real Paddock API on a random port over its own fresh PostgreSQL database. */
export async function startTestPlatform(env: Record<string, string> = {}): Promise<TestPlatform> {
  const database = await createTestDatabase();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-test-'));
  const adminKey = `pdk_testadmin${Math.random().toString(36).slice(2).padEnd(30, 'x')}`;
  const config = loadConfig({
    PADDOCK_DATA_DIR: dataDir,
    DATABASE_URL: database.databaseUrl,
    PADDOCK_ADMIN_KEY: adminKey,
    HOST: '127.0.0.1',
    PORT: '0',
    ...env,
  });
  const log = createLogger('paddock-test', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent');
  const platform = await openPlatform(config, log);
  await platform.services.teams.ensureAdminKey(config.adminKey, config.dataDir);
  const http = await startApi(platform);
  const admin = new GraphqlClient(http.url, adminKey);

  return {
    url: http.url,
    platform,
    config,
    admin,
    adminKey,
    dataDir,
    async newTeam(name = `team-${process.pid}-${++teamCounter}`) {
      const team = await admin.ok<{ createTeam: { id: string } }>(`mutation($n: String!) { createTeam(input: { name: $n }) { id } }`, { n: name });
      const created = await admin.ok<{ createApiKey: { key: string } }>(
        `mutation($t: ID!) { createApiKey(input: { teamId: $t, name: "member", role: MEMBER }) { key } }`,
        { t: team.createTeam.id },
      );
      return { client: new GraphqlClient(http.url, created.createApiKey.key), teamId: team.createTeam.id, key: created.createApiKey.key };
    },
    async close() {
      await http.close();
      await platform.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
