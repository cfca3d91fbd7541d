import { stat } from 'node:fs/promises';
import path from 'node:path';
import { baseDir, type Config } from '../config/index.ts';
import { UsageError } from './args.ts';

const hasCluster = (dataDir: string) =>
  stat(path.join(dataDir, 'postgres', 'data', 'PG_VERSION')).then(
    () => true,
    () => false,
  );

/** Data dirs with an embedded database in the directories above `from` (nearest first). */
async function dataDirsAbove(from: string): Promise<string[]> {
  const found: string[] = [];
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (await hasCluster(path.join(dir, '.paddock'))) found.push(path.join(dir, '.paddock'));
    if (dir === path.dirname(dir)) return found;
  }
}

/**
 * Commands that read or change the server's data must not quietly start a new, empty
 * embedded database because they were run from another directory than `pnpm start`.
 */
export async function requireExistingDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<void> {
  if (config.databaseUrl || (await hasCluster(config.dataDir))) return;
  const candidates = (await dataDirsAbove(baseDir())).filter((d) => d !== config.dataDir);
  const hint = candidates[0]
    ? `A Paddock database exists in ${candidates[0]}; to use it, run: PADDOCK_DATA_DIR=${candidates[0]} pnpm paddock …`
    : 'Run the command from the directory you started Paddock in, or set PADDOCK_DATA_DIR to its data dir (or DATABASE_URL to its database).';
  throw new UsageError(
    `There is no Paddock database in ${config.dataDir} (PADDOCK_DATA_DIR), so this command would start a new, empty one ` +
      `instead of using the server's. ${hint} To create a new database there on purpose, run \`pnpm paddock db migrate\` first.`,
  );
}
