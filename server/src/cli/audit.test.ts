import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaddock, type CliResult } from '../../test/cli.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { parseSince } from './audit.ts';

let t: TestPlatform;

beforeAll(async () => {
  t = await startTestPlatform();
  await t.newTeam('cli-audited');
});
afterAll(() => t?.close());

function paddock(...args: string[]): Promise<CliResult> {
  return runPaddock({ DATABASE_URL: t.platform.databaseUrl, PADDOCK_DATA_DIR: t.dataDir }, ...args);
}

describe('pnpm paddock audit', () => {
  it('lists recent entries as a table, or one JSON object a line', { timeout: 120_000 }, async () => {
    const table = await paddock('audit');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^TIME\s+ACTION\s+OUTCOME/);
    expect(table.stdout).toMatch(/team\.create\s+SUCCESS\s+OPERATOR/);
    expect(table.stdout).toMatch(/apikey\.create\s+SUCCESS/);

    // Operator commands are audited too, naming the command line instead of a key.
    expect((await paddock('teams', 'create', 'from-cli')).code).toBe(0);
    const json = await paddock('audit', '--since', '1h', '--json');
    expect(json.code).toBe(0);
    const entries = json.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { action: string; createdAt: string; actorKeyId: string | null; userAgent: string | null; detail: unknown });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['team.create', 'apikey.create']));
    expect(entries.at(-1)).toMatchObject({
      action: 'team.create',
      actorKeyId: null,
      userAgent: expect.stringMatching(/^paddock-cli \(/),
      detail: { via: 'cli' },
    });
    // Oldest first, like a log.
    expect(entries.map((e) => e.createdAt)).toEqual([...entries.map((e) => e.createdAt)].sort());

    const future = await paddock('audit', '--since', '2999-01-01T00:00:00Z');
    expect(future.stdout).toMatch(/No audit entries since 2999-01-01/);
  });

  it('refuses a --since it cannot read, saying what it takes', { timeout: 60_000 }, async () => {
    const bad = await paddock('audit', '--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/neither a duration \(30m, 24h, 7d\) nor an ISO-8601 date-time/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('reads durations and dates', () => {
    const now = Date.parse('2026-01-31T12:00:00Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-01-31T11:30:00.000Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-01-24T12:00:00.000Z');
    expect(parseSince('2026-01-01T00:00:00Z').toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});
