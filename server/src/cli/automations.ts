import { encodeGlobalId } from '../ids/global-id.ts';
import { openPlatform } from '../platform/open.ts';
import type { Services } from '../services.ts';
import { flags, table, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

type Lister = (services: Services, team: string | undefined) => Promise<string[]>;

const iso = (date: Date | null) => (date ? date.toISOString() : '-');

/** A `NAME list [--team NAME]` command over every team's rows. */
function listCommand(name: string, summary: string, list: Lister): CommandSpec {
  const usage = `${name} list [--team NAME]`;
  return {
    summary: name,
    subcommands: { list: { usage, summary } },
    run: async (args, { config, log, out }) => {
      const [action, ...rest] = args;
      const { values, positionals } = flags(rest, { team: { type: 'string' } });
      if (action !== 'list' || positionals.length !== 0) throw new UsageError(`Usage: pnpm paddock ${usage}`);
      await requireExistingDatabase(config);
      const platform = await openPlatform(config, log);
      try {
        for (const line of await list(platform.services, values.team)) out(line);
      } finally {
        await platform.close();
      }
    },
  };
}

export const schedulesCommand = listCommand(
  'schedules',
  "List every team's schedules: team, agent, name, cron, time zone, enabled, next due time, runs, id.",
  async (services, team) =>
    table(
      ['TEAM', 'AGENT', 'NAME', 'CRON', 'TIMEZONE', 'ENABLED', 'NEXT RUN', 'RUNS', 'ID'],
      (await services.schedules.all(team)).map((s) => [
        s.team.name,
        s.agent.name,
        s.name,
        s.cron,
        s.timezone,
        s.enabled ? 'yes' : 'no',
        iso(s.nextRunAt),
        String(s.runCount),
        encodeGlobalId('Schedule', s.id),
      ]),
    ),
);

export const triggersCommand = listCommand(
  'triggers',
  "List every team's triggers: team, agent, name, kind, events, enabled, runs, and the path to POST to.",
  async (services, team) =>
    table(
      ['TEAM', 'AGENT', 'NAME', 'KIND', 'EVENTS', 'ENABLED', 'RUNS', 'PATH'],
      (await services.triggers.all(team)).map((tr) => [
        tr.team.name,
        tr.agent.name,
        tr.name,
        tr.kind,
        tr.events.join(',') || '-',
        tr.enabled ? 'yes' : 'no',
        String(tr.runCount),
        `/triggers/${encodeGlobalId('Trigger', tr.id)}`,
      ]),
    ),
);

export const webhooksCommand = listCommand(
  'webhooks',
  "List every team's webhooks: team, agent (or all), events, enabled, consecutive failures, URL.",
  async (services, team) =>
    table(
      ['TEAM', 'AGENT', 'EVENTS', 'ENABLED', 'FAILURES', 'URL'],
      (await services.webhooks.all(team)).map((w) => [
        w.team.name,
        w.agent?.name ?? '(all)',
        w.events.join(','),
        w.enabled ? 'yes' : `no: ${w.disabledReason ?? ''}`.trim(),
        String(w.consecutiveFailures),
        w.url,
      ]),
    ),
);
