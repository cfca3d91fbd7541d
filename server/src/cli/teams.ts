import { openPlatform } from '../platform/open.ts';
import { UsageError, type Command } from './args.ts';

export const teamsCommand: Command = async (args, { config, log, out }) => {
  const [action, name] = args;
  if (action !== 'create' && action !== 'list') throw new UsageError('Usage: pnpm paddock teams create NAME | teams list');
  if (action === 'create' && !name) throw new UsageError('Usage: pnpm paddock teams create NAME');
  const platform = await openPlatform(config, log);
  try {
    if (action === 'create') {
      const team = await platform.services.teams.createTeam(name!);
      out(`Created team ${team.name} (${team.id}).`);
    } else {
      for (const team of await platform.services.teams.listTeams()) out(`${team.name}\t${team.id}\t${team.createdAt.toISOString()}`);
    }
  } finally {
    await platform.close();
  }
};
