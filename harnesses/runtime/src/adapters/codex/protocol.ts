import { mkdir } from 'node:fs/promises';
import type { CliProtocol, CliRun } from '../cli/protocol.ts';
import { CodexExecTranslator } from './exec-json.ts';

/** A TOML basic string: `-c key=value` parses the value as TOML, and a bare prompt could parse as something else. */
const tomlString = (text: string) => JSON.stringify(text).replaceAll('\u007f', '\\u007f');

/**
 * `codex exec --json`, one run per turn; `codex exec … resume <id>` continues the thread.
 * The prompt goes through stdin (`-`): it can be far longer than one argument may be.
 */
export const codexProtocol: CliProtocol = {
  args: (run: CliRun) => [
    'exec',
    '--json',
    '--model',
    run.model,
    ...(run.systemPrompt !== '' ? ['--config', `developer_instructions=${tomlString(run.systemPrompt)}`] : []),
    // Options of `exec` must come before its `resume` subcommand.
    ...run.extraArgs,
    ...(run.resumeId ? ['resume', run.resumeId] : []),
    '-',
  ],
  stdin: (run: CliRun) => run.prompt,
  translator: (sink) => new CodexExecTranslator(sink),
  // Codex refuses a CODEX_HOME that does not exist yet.
  prepare: async (env) => {
    if (env.CODEX_HOME) await mkdir(env.CODEX_HOME, { recursive: true });
  },
};
