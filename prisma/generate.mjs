// Runs `prisma generate` offline: the CLI insists on a schema-engine binary path even
// though generation never uses it, so any existing file satisfies it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const result = spawnSync('prisma', ['generate', '--schema', path.join(here, 'schema.prisma')], {
  stdio: 'inherit',
  env,
  cwd: path.join(here, '..', 'server'),
});
process.exit(result.status ?? 1);
