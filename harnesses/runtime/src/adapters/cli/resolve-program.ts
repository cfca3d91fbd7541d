import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { PACKAGE_BIN_DIR } from '../../harness/paths.ts';

const executable = (file: string) => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/**
 * The program to run for a definition's `command[0]`: a path as given; a bare name on
 * PATH, else in this package's node_modules/.bin (CLIs installed with the runtime).
 */
export function resolveProgram(name: string, pathEnv: string | undefined): string | undefined {
  if (name.includes('/')) return executable(name) ? name : undefined;
  const dirs = [...(pathEnv ?? '').split(path.delimiter).filter(Boolean), PACKAGE_BIN_DIR];
  return dirs.map((dir) => path.join(dir, name)).find(executable);
}
