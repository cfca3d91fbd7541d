import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a generated key from the data dir, creating it (mode 0600) on first use.
 * `wx` makes creation atomic when several processes start together.
 */
export async function readOrCreateKeyFile(dataDir: string, name: string, generate: () => string): Promise<{ value: string; path: string; created: boolean }> {
  const file = path.join(dataDir, name);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const value = generate();
    await writeFile(file, `${value}\n`, { flag: 'wx', mode: 0o600 });
    return { value, path: file, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { value: (await readFile(file, 'utf8')).trim(), path: file, created: false };
  }
}
