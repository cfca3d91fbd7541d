import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runPaddock, type CliResult } from '../../test/cli.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

let t: TestPlatform;
let teamName: string;

/** `pnpm paddock ...` as an operator runs it: its own process, pointed at the platform's database. */
function paddock(...args: string[]): Promise<CliResult> {
  return runPaddock({ DATABASE_URL: t.platform.databaseUrl, PADDOCK_DATA_DIR: t.dataDir }, ...args);
}

beforeAll(async () => {
  t = await startTestPlatform();
  teamName = `cli-automations-${process.pid}`;
  const { client } = await t.newTeam(teamName);
  const agent = (await client.ok<{ createAgent: { id: string } }>(`mutation { createAgent(input: { name: "reporter", harness: "chat" }) { id } }`)).createAgent
    .id;
  await client.ok(
    `mutation($a: ID!) { createSchedule(input: { agentId: $a, name: "weekly report", cron: "0 9 * * MON", timezone: "Europe/Paris", prompt: "Report." }) { id } }`,
    { a: agent },
  );
  await client.ok(
    `mutation($a: ID!) { createTrigger(input: { agentId: $a, name: "issues", prompt: "Triage {{body.issue.title}}", kind: GITHUB, events: ["issues.opened"] }) { secret } }`,
    { a: agent },
  );
  await client.ok(`mutation { createWebhook(input: { url: "https://93.184.216.34/paddock", events: ["turn.completed", "turn.failed"] }) { secret } }`);
}, 180_000);
afterAll(() => t?.close());

describe('pnpm paddock schedules|triggers|webhooks list', () => {
  it("lists every team's schedules, triggers and webhooks, and narrows to one team", { timeout: 180_000 }, async () => {
    const schedules = await paddock('schedules', 'list');
    expect(schedules, schedules.stderr).toMatchObject({ code: 0, stderr: '' });
    expect(schedules.stdout).toMatch(/^TEAM\s+AGENT\s+NAME\s+CRON\s+TIMEZONE\s+ENABLED\s+NEXT RUN\s+RUNS\s+ID/);
    expect(schedules.stdout).toMatch(
      new RegExp(`${teamName}\\s+reporter\\s+weekly report\\s+0 9 \\* \\* MON\\s+Europe/Paris\\s+yes\\s+\\d{4}-\\d\\d-\\d\\dT08:00:00.000Z\\s+0`),
    );

    const triggers = await paddock('triggers', 'list', '--team', teamName);
    expect(triggers.code).toBe(0);
    expect(triggers.stdout).toMatch(/reporter\s+issues\s+GITHUB\s+issues\.opened\s+yes\s+0\s+\/triggers\/\S+/);

    const webhooks = await paddock('webhooks', 'list', '--team', teamName);
    expect(webhooks.code).toBe(0);
    expect(webhooks.stdout).toMatch(/\(all\)\s+turn\.completed,turn\.failed\s+yes\s+0\s+https:\/\/93\.184\.216\.34\/paddock/);
    expect((await paddock('webhooks', 'list', '--team', 'no-such-team')).stdout.trim().split('\n')).toHaveLength(1);
  });

  it('says how to call it when called wrongly', async () => {
    const wrong = await paddock('schedules', 'show');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/Usage: pnpm paddock schedules list \[--team NAME\]/);
    expect((await paddock('triggers', 'list', '--bogus')).stderr).toMatch(/Unknown option '--bogus'/);
  });
});
