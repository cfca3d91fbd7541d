import { parseArgs } from 'node:util';
import { hostname, userInfo } from 'node:os';
import type { AuditEntry } from '../audit/service.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';

/** A mistake in how the CLI was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export type CliContext = { config: Config; log: Logger; out: (line: string) => void };

export type Command = (args: string[], ctx: CliContext) => Promise<void>;

/** One subcommand: its synopsis (after `pnpm paddock`) and what it does. */
export type Subcommand = { usage: string; summary: string };

/** A top-level command with the subcommands it accepts (none: it takes options directly). */
export type CommandSpec = { summary: string; subcommands: Record<string, Subcommand>; run: Command; usage?: string };

/** Parses `--flag value` options for one subcommand, with a clear error for unknown ones. */
export function flags<T extends Record<string, { type: 'string' | 'boolean'; short?: string }>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages explain `--` escaping at length; the first sentence is what matters.
    const message = (error as Error).message.split('. ')[0]!;
    throw new UsageError(`${message}. See --help.`);
  }
}

/** `--help`/`-h` anywhere before a `--` asks for help instead of running anything. */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/** Fixed-width columns with a header row, for listings read by people (and `cut`/`awk`). */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/**
 * The audit entry of an operator command: no API key acted, so the entry names the
 * machine and OS user that ran it instead of a client address.
 */
export function cliEntry(action: string, teamId: string, targetId: string): AuditEntry {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = `uid ${process.getuid?.() ?? '?'}`; // no passwd entry for this uid (containers)
  }
  return {
    action,
    outcome: 'SUCCESS',
    actor: null,
    teamId,
    targetId,
    client: { address: null, userAgent: `paddock-cli (${user}@${hostname()})` },
    detail: { via: 'cli' },
  };
}
