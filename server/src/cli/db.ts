import { openDatabase } from '../db/database.ts';
import { UsageError, type Command } from './args.ts';

export const dbCommand: Command = async (args, { config, log, out }) => {
  if (args[0] !== 'migrate') throw new UsageError('Usage: pnpm paddock db migrate');
  const database = await openDatabase(config, log);
  await database.close();
  out('Database is up to date.');
};
