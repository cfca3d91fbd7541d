import { openDatabase } from '../db/database.ts';
import { flags, UsageError, type CommandSpec } from './args.ts';

const migrate = {
  usage: 'db migrate',
  summary: 'Apply pending migrations, then exit (init-container friendly). Creates the embedded database if there is none.',
};

export const dbCommand: CommandSpec = {
  summary: 'database maintenance',
  subcommands: { migrate },
  run: async (args, { config, log, out }) => {
    const [action, ...rest] = args;
    if (action !== 'migrate') throw new UsageError(`Usage: pnpm paddock ${migrate.usage}`);
    const { positionals } = flags(rest, {});
    if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}". Usage: pnpm paddock ${migrate.usage}`);
    const database = await openDatabase(config, log);
    await database.close();
    out('Database is up to date.');
  },
};
