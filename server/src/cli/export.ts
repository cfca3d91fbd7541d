import { sqlPool } from '../db/index.ts';
import { exportRange, writeExport } from '../history/export.ts';
import { openPlatform } from '../platform/open.ts';
import { flags, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

const usage = 'export [--since DATE] [--until DATE] [--team NAME] [--cursor CURSOR]';

export const exportCommand: CommandSpec = {
  usage,
  summary:
    'Write sessions active in [since, until) as NDJSON to stdout, one line per session with its messages, turns and usage (docs/export.md); ' +
    'every team unless --team; --cursor resumes after the line that carried it.',
  subcommands: {},
  run: async (args, { config, log }) => {
    const { values, positionals } = flags(args, { since: { type: 'string' }, until: { type: 'string' }, team: { type: 'string' }, cursor: { type: 'string' } });
    if (positionals.length > 0) throw new UsageError(`Usage: pnpm paddock ${usage}`);
    // Checked before the database opens, so a typo costs nothing.
    exportRange(null, values);
    await requireExistingDatabase(config);
    const platform = await openPlatform(config, log);
    try {
      let teamId: string | null = null;
      if (values.team !== undefined) {
        const team = await platform.services.teams.teamByName(values.team);
        if (!team) throw new UsageError(`No team named "${values.team}"; see pnpm paddock teams list.`);
        teamId = team.id;
      }
      const range = exportRange(teamId, values);
      const stopped = new AbortController();
      // `… | head` closes stdout early: stop reading instead of failing.
      process.stdout.once('error', () => stopped.abort());
      await writeExport(sqlPool(platform.services.db), range, process.stdout, stopped.signal);
    } finally {
      await platform.close();
    }
  },
};
