import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/db.ts';
import { GraphqlClient } from '../../test/graphql-client.ts';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { openPlatform } from '../platform/open.ts';

const run = promisify(execFile);
const SERVER = path.resolve(import.meta.dirname, '../..');
let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  // An empty database: `db migrate` has to build everything itself.
  database = await createTestDatabase({ migrated: false });
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-cli-'));
});
afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Runs `pnpm paddock ...` the way an operator would: a separate process with its own environment. */
async function paddock(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/bin/paddock.ts', ...args], {
      cwd: SERVER,
      env: { PATH: process.env.PATH, DATABASE_URL: database.databaseUrl, PADDOCK_DATA_DIR: dataDir },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('pnpm paddock', () => {
  it('db migrate builds an empty database and is idempotent', async () => {
    expect(await paddock('db', 'migrate')).toMatchObject({ code: 0, stdout: 'Database is up to date.\n' });
    expect(await paddock('db', 'migrate')).toMatchObject({ code: 0 });
    const rows = await database.db.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations`;
    expect(rows.length).toBeGreaterThan(0);
  });

  it('creates teams and keys that work against the API', async () => {
    expect((await paddock('teams', 'create', 'acme')).stdout).toMatch(/Created team acme/);
    const created = await paddock('keys', 'create', '--team', 'acme', '--name', 'ci', '--role', 'member');
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^pdk_[0-9A-Za-z]{40}$/);

    const config = loadConfig({ DATABASE_URL: database.databaseUrl, PADDOCK_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' });
    const platform = await openPlatform(config, createLogger('cli-test', 'silent'));
    const http = await startApi(platform);
    try {
      const viewer = await new GraphqlClient(http.url, key).ok<{ viewer: { role: string; team: { name: string } } }>('{ viewer { role team { name } } }');
      expect(viewer.viewer).toEqual({ role: 'MEMBER', team: { name: 'acme' } });
    } finally {
      await http.close();
      await platform.close();
    }
  });

  it('explains mistakes with exit code 2 and no stack trace', async () => {
    const unknown = await paddock('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown command "frobnicate"/);
    const noTeam = await paddock('keys', 'create', '--team', 'nope', '--name', 'x');
    expect(noTeam).toMatchObject({ code: 2 });
    expect(noTeam.stderr).toMatch(/No team named "nope". Create it first/);
    const badRole = await paddock('keys', 'create', '--team', 'acme', '--name', 'x', '--role', 'root');
    expect(badRole.stderr).toMatch(/--role must be one of OPERATOR, ADMIN, MEMBER, VIEWER/);
    const badFlag = await paddock('keys', 'create', '--colour', 'red');
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).not.toMatch(/\n\s+at /);
  });

  it('generates the admin key into the data dir once, readable only by its owner', async () => {
    const config = loadConfig({ DATABASE_URL: database.databaseUrl, PADDOCK_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' });
    const platform = await openPlatform(config, createLogger('cli-test', 'silent'));
    try {
      const first = await platform.services.teams.ensureAdminKey(undefined, dataDir);
      const again = await platform.services.teams.ensureAdminKey(undefined, dataDir);
      expect(first).toEqual({ source: 'file', path: path.join(dataDir, 'admin-key') });
      expect(again).toEqual(first);
      expect((await stat(first.path!)).mode & 0o777).toBe(0o600);
      const key = (await readFile(first.path!, 'utf8')).trim();
      const viewer = await platform.services.auth.authenticate(`Bearer ${key}`);
      expect(viewer?.role).toBe('OPERATOR');
    } finally {
      await platform.close();
    }
  });

  it('refuses invalid configuration with the variable to fix', async () => {
    const { stderr, code } = await run(process.execPath, ['--import', 'tsx', 'src/bin/paddock.ts', 'db', 'migrate'], {
      cwd: SERVER,
      env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://nope', PADDOCK_DATA_DIR: dataDir, CONTAINER_ENV_bad_name: 'x' },
    }).then(
      () => ({ stderr: '', code: 0 }),
      (e: { stderr: string; code: number }) => e,
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(/DATABASE_URL: must be a postgres/);
  });
});
