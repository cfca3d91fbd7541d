import { encodeGlobalId } from '../ids/global-id.ts';
import { openPlatform } from '../platform/open.ts';
import { cliEntry, flags, table, UsageError, type CommandSpec } from './args.ts';
import { requireExistingDatabase } from './data-dir.ts';

const create = { usage: 'teams create NAME', summary: 'Create a team (lowercase letters, digits and -), the same as the createTeam mutation.' };
const list = { usage: 'teams list', summary: 'List the teams: name, id, created.' };

export const teamsCommand: CommandSpec = {
  summary: 'teams',
  subcommands: { create, list },
  run: async (args, { config, log, out }) => {
    const [action, ...rest] = args;
    const { positionals } = flags(rest, {});
    if (action === 'create' && positionals.length !== 1) throw new UsageError(`Usage: pnpm paddock ${create.usage}`);
    if (action === 'list' && positionals.length !== 0) throw new UsageError(`Usage: pnpm paddock ${list.usage}`);
    if (action !== 'create' && action !== 'list') throw new UsageError(`Usage: pnpm paddock ${create.usage} | ${list.usage}`);
    await requireExistingDatabase(config);
    const platform = await openPlatform(config, log);
    try {
      if (action === 'create') {
        const team = await platform.services.teams.createTeam(positionals[0]!);
        await platform.services.audit.record(cliEntry('team.create', team.id, encodeGlobalId('Team', team.id)));
        out(`Created team ${team.name} (${team.id}).`);
        return;
      }
      const teams = await platform.services.teams.listTeams();
      for (const line of table(
        ['NAME', 'ID', 'CREATED'],
        teams.map((t) => [t.name, t.id, t.createdAt.toISOString()]),
      ))
        out(line);
    } finally {
      await platform.close();
    }
  },
};
