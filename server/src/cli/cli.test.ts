import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaddock, type CliResult } from '../../test/cli.ts';
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
async function paddock(...args: string[]): Promise<CliResult> {
  return runPaddock({ DATABASE_URL: database.databaseUrl, PADDOCK_DATA_DIR: dataDir }, ...args);
}

const STACK = /\n\s+at /;

describe('pnpm paddock', () => {
  // About twenty CLI processes, each loading the TypeScript sources: minutes on a saturated machine.
  it('prints help for every command and subcommand to stdout without running anything', { timeout: 600_000 }, async () => {
    const top = await paddock('--help');
    expect(top).toMatchObject({ code: 0, stderr: '' });
    const synopses = [...top.stdout.matchAll(/^ {2}pnpm paddock (.+)$/gm)].map((m) => m[1]!);
    expect(synopses).toEqual(
      expect.arrayContaining([expect.stringMatching(/^db migrate/), expect.stringMatching(/^keys list/), expect.stringMatching(/^teams list/)]),
    );
    for (const synopsis of synopses) {
      const words = synopsis.split(' ').filter((w) => /^[a-z][-a-z]*$/.test(w));
      const help = await paddock(...words, '--help');
      expect(help, synopsis).toMatchObject({ code: 0, stderr: '' });
      expect(help.stdout).toContain(`pnpm paddock ${words.join(' ')}`);
    }
    expect((await paddock('help', 'keys')).stdout).toMatch(/keys create[\s\S]*keys list[\s\S]*keys revoke/);
    expect((await paddock('keys', 'create', '-h')).stdout).toMatch(/^Usage: pnpm paddock keys create --team NAME/);
    // `db migrate --help` printed help and left the empty database alone.
    const tables = await database.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`;
    expect(tables[0]!.n).toBe(0);
  });

  it('pnpm paddock prints only the CLI output, without pnpm banner lines', async () => {
    const { stdout, stderr } = await run('pnpm', ['paddock', '--help'], {
      cwd: path.resolve(SERVER, '..'),
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    expect(stdout).toMatch(/^Usage: pnpm paddock <command>/);
    expect(stdout + stderr).not.toMatch(/^> /m);
  });

  it('db migrate builds an empty database and is idempotent', async () => {
    expect(await paddock('db', 'migrate')).toMatchObject({ code: 0, stdout: 'Database is up to date.\n' });
    expect(await paddock('db', 'migrate')).toMatchObject({ code: 0 });
    const rows = await database.db.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations`;
    expect(rows.length).toBeGreaterThan(0);
  });

  it('creates teams and keys that work against the API', { timeout: 180_000 }, async () => {
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

  it('explains mistakes with exit code 2 and no stack trace', { timeout: 180_000 }, async () => {
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
    expect(badFlag.stderr).toMatch(/^Unknown option '--colour'. See --help.\n$/);
    const badId = await paddock('keys', 'revoke', 'not-a-uuid');
    expect(badId).toMatchObject({ code: 2, stdout: '' });
    expect(badId.stderr).toMatch(/"not-a-uuid" is not a key id.*keys list/);
    const unknownId = await paddock('keys', 'revoke', '0193f0c2-0000-7000-8000-000000000000');
    expect(unknownId).toMatchObject({ code: 2 });
    expect(unknownId.stderr).toMatch(/was not found/);
    for (const result of [unknown, noTeam, badRole, badFlag, badId, unknownId]) expect(result.stderr).not.toMatch(STACK);
  });

  it('lists keys and teams under a header', { timeout: 180_000 }, async () => {
    await paddock('teams', 'create', 'listing');
    const created = await paddock('keys', 'create', '--team', 'listing', '--name', 'deploy bot', '--role', 'admin');
    const id = /\(id ([0-9a-f-]{36})\)/.exec(created.stdout)![1]!;
    await paddock('keys', 'revoke', id);

    const keys = await paddock('keys', 'list', '--team', 'listing');
    expect(keys.code).toBe(0);
    const [header, ...rows] = keys.stdout.trimEnd().split('\n');
    expect(header!.split(/\s{2,}/)).toEqual(['ID', 'TEAM', 'NAME', 'ROLE', 'PREFIX', 'LAST USED', 'REVOKED']);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.split(/\s{2,}/)).toEqual([
      id,
      'listing',
      'deploy bot',
      'ADMIN',
      expect.stringMatching(/^pdk_\w+…$/),
      '-',
      expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    ]);
    expect((await paddock('keys', 'list')).stdout).toContain(id);

    const teams = await paddock('teams', 'list');
    const teamLines = teams.stdout.trimEnd().split('\n');
    expect(teamLines[0]!.split(/\s{2,}/)).toEqual(['NAME', 'ID', 'CREATED']);
    expect(teamLines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(expect.arrayContaining(['acme', 'listing']));
  });

  it('refuses to start a new, empty embedded database and points at the existing one', { timeout: 180_000 }, async () => {
    // A checkout whose server keeps its database in <root>/.paddock, and a CLI run from a subdirectory.
    const root = await mkdtemp(path.join(os.tmpdir(), 'paddock-checkout-'));
    try {
      await mkdir(path.join(root, '.paddock/postgres/data'), { recursive: true });
      await writeFile(path.join(root, '.paddock/postgres/data/PG_VERSION'), '18\n');
      await mkdir(path.join(root, 'server'));
      for (const args of [
        ['teams', 'list'],
        ['keys', 'list'],
        ['keys', 'create', '--team', 'acme', '--name', 'x'],
      ]) {
        const result = await runPaddock({ INIT_CWD: path.join(root, 'server') }, ...args);
        expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
        expect(result.stderr).toContain(`There is no Paddock database in ${path.join(root, 'server/.paddock')}`);
        expect(result.stderr).toContain(`PADDOCK_DATA_DIR=${path.join(root, '.paddock')} pnpm paddock`);
      }
      await expect(stat(path.join(root, 'server/.paddock'))).rejects.toThrow();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
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

  it('sandbox render prints pure YAML on stdout, logs on stderr, so it can be piped', { timeout: 180_000 }, async () => {
    await paddock('teams', 'create', 'render');
    const key = (await paddock('keys', 'create', '--team', 'render', '--name', 'ops')).stdout.trim().split('\n').at(-1)!;
    const config = loadConfig({ DATABASE_URL: database.databaseUrl, PADDOCK_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0' });
    const platform = await openPlatform(config, createLogger('cli-test', 'silent'));
    const http = await startApi(platform);
    try {
      await new GraphqlClient(http.url, key).ok('mutation { createAgent(input: { name: "piped", harness: "chat" }) { id } }');
    } finally {
      await http.close();
      await platform.close();
    }
    // A real pipe into a YAML parser that fails on anything that is not YAML; debug logs
    // make sure there is plenty of log output that must not end up in the pipe.
    const parse =
      "import('yaml').then(({ parseAllDocuments }) => { let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {" +
      ' const docs = parseAllDocuments(s); const bad = docs.flatMap((d) => [...d.errors, ...d.warnings]);' +
      " if (bad.length > 0 || docs.length === 0) { console.error(bad.join('\\n') || 'no documents'); process.exit(1); }" +
      " console.log(docs.map((d) => d.toJSON().kind).join(' ')); }); })";
    const script = `node --import tsx src/bin/paddock.ts sandbox render --agent piped 2>"$LOG_FILE" | node -e "$PARSE"`;
    const logFile = path.join(dataDir, 'render.log');
    const { stdout } = await run('bash', ['-c', `set -o pipefail; ${script}`], {
      cwd: SERVER,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: database.databaseUrl,
        PADDOCK_DATA_DIR: dataDir,
        PADDOCK_LOG_LEVEL: 'debug',
        PARSE: parse,
        LOG_FILE: logFile,
      },
    });
    expect(stdout.trim()).toBe('Secret Secret ConfigMap NetworkPolicy SandboxTemplate SandboxWarmPool SandboxClaim');
    const logs = (await readFile(logFile, 'utf8')).trim().split('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const line of logs) expect(JSON.parse(line)).toMatchObject({ service: 'paddock-cli' });
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
