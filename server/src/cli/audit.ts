import { openPlatform } from '../platform/open.ts';
import { flags, table, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

const usageLine = 'audit [--since 24h|7d|2026-01-31T00:00:00Z] [--json]';
const PAGE = 1_000;
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d`, or an ISO-8601 date-time. */
export function parseSince(value: string, now = Date.now()): Date {
  const relative = /^(\d+)([mhd])$/.exec(value);
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--since "${value}" is neither a duration (30m, 24h, 7d) nor an ISO-8601 date-time (2026-01-31T00:00:00Z).`);
  }
  return date;
}

export const auditCommand: CommandSpec = {
  summary: 'audit',
  usage: usageLine,
  subcommands: {},
  run: async (args, { config, log, out }) => {
    const { values, positionals } = flags(args, { since: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length > 0) throw new UsageError(`Usage: pnpm paddock ${usageLine}`);
    const since = parseSince(values.since ?? '24h');
    await requireExistingDatabase(config);
    const platform = await openPlatform(config, log);
    try {
      const rows: string[][] = [];
      let after: string | undefined;
      for (;;) {
        const page = await platform.services.audit.since(since, PAGE, after);
        for (const e of page) {
          if (values.json) out(JSON.stringify(e));
          else
            rows.push([
              e.createdAt.toISOString(),
              e.action,
              e.outcome,
              e.actorRole ?? '-',
              e.actorKeyId ?? '-',
              e.teamId ?? '-',
              e.targetId ?? '-',
              e.clientAddress ?? '-',
            ]);
        }
        if (page.length < PAGE) break;
        after = page.at(-1)!.id;
      }
      if (!values.json) {
        if (rows.length === 0) out(`No audit entries since ${since.toISOString()}.`);
        else for (const line of table(['TIME', 'ACTION', 'OUTCOME', 'ROLE', 'KEY', 'TEAM', 'TARGET', 'CLIENT'], rows)) out(line);
      }
    } finally {
      await platform.close();
    }
  },
};
