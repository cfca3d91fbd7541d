import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createAdapter } from '../src/adapters/registry.ts';
import { loadDefinition } from '../src/harness/load-definition.ts';
import { DEFAULT_HARNESS_DIR, PACKAGE_BIN_DIR } from '../src/harness/paths.ts';
import { startHarness, type Harness } from './harness.ts';

/**
 * The real CLIs, installed from npm as devDependencies, launched the way a local sandbox
 * finds them: the package's `node_modules/.bin` (Claude Code's is its native binary, put
 * in place by its postinstall, which the workspace allows to run).
 */
export const CLI_COMMANDS: Record<'claude-code' | 'codex', string[]> = {
  'claude-code': [path.join(PACKAGE_BIN_DIR, 'claude')],
  codex: [path.join(PACKAGE_BIN_DIR, 'codex')],
};

/**
 * A runtime driving the shipped definition of `harness` (only the program path replaced)
 * against the mock model. The CLI gets a sandbox-like environment with a HOME of its own.
 */
export interface CliHarness extends Harness {
  /** The CLI's private state (its sessions); deleting it makes the CLI forget them. */
  stateDir: string;
}

export async function startCliHarness(harness: 'claude-code' | 'codex'): Promise<CliHarness> {
  const definition = await loadDefinition({ harness, file: undefined, dir: DEFAULT_HARNESS_DIR });
  if (!definition.cli) throw new Error(`harnesses/${harness}.yaml has no cli block`);
  const tested = { ...definition, cli: { ...definition.cli, command: CLI_COMMANDS[harness] } };
  const home = await mkdtemp(path.join(tmpdir(), `paddock-${harness}-home-`));
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
  // The mock insists on the key the attach request carries, so a run proves the CLI sent it.
  const stateDir = path.join(home, '.paddock');
  const h = await startHarness({ tokensPerSecond: 0, apiKey: 'sk-test' }, env, () => createAdapter(tested, stateDir));
  return {
    ...h,
    stateDir,
    close: async () => {
      await h.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
