import { parseArgs } from 'node:util';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';

/** A mistake in how the CLI was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export type CliContext = { config: Config; log: Logger; out: (line: string) => void };

export type Command = (args: string[], ctx: CliContext) => Promise<void>;

/** Parses `--flag value` options for one subcommand, with a clear error for unknown ones. */
export function flags<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}
