import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SERVER = path.resolve(import.meta.dirname, '..');

export type CliResult = { code: number; stdout: string; stderr: string };

/**
 * Runs `pnpm paddock ...` the way an operator would: a separate process with only PATH
 * and the given environment. A failing command resolves with its exit code, not a throw.
 */
export async function runPaddock(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', path.join(SERVER, 'src/bin/paddock.ts'), ...args], {
      cwd: SERVER,
      env: { PATH: process.env.PATH, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as CliResult;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
