import { ConfigError, loadConfig, loadDotEnv, logLevel } from '../config/index.ts';
import { createLogger, type Logger } from '../log/index.ts';
import { UsageError, wantsHelp, type CommandSpec } from './args.ts';
import { auditCommand } from './audit.ts';
import { schedulesCommand, triggersCommand, webhooksCommand } from './automations.ts';
import { dbCommand } from './db.ts';
import { exportCommand } from './export.ts';
import { keysCommand } from './keys.ts';
import { mockLlmCommand } from './mock-llm.ts';
import { sandboxCommand } from './sandbox.ts';
import { teamsCommand } from './teams.ts';

const COMMANDS: Record<string, CommandSpec> = {
  db: dbCommand,
  teams: teamsCommand,
  keys: keysCommand,
  sandbox: sandboxCommand,
  export: exportCommand,
  audit: auditCommand,
  schedules: schedulesCommand,
  triggers: triggersCommand,
  webhooks: webhooksCommand,
  'mock-llm': mockLlmCommand,
};

function lines(spec: CommandSpec): string[] {
  const entries = Object.values(spec.subcommands);
  return entries.length > 0 ? entries.map((s) => `  pnpm paddock ${s.usage}\n      ${s.summary}`) : [`  pnpm paddock ${spec.usage}\n      ${spec.summary}`];
}

export function usage(): string {
  const commands = Object.values(COMMANDS).flatMap(lines);
  return `Usage: pnpm paddock <command> [options]\n\nCommands:\n${commands.join('\n')}\n\n--help after any command shows its help. Configuration is read from the environment and .env (see README).\n`;
}

/** Help for `pnpm paddock NAME [SUB] --help`: the subcommand's, else the whole command's. */
function helpFor(spec: CommandSpec, sub: string | undefined): string {
  const one = sub ? spec.subcommands[sub] : undefined;
  if (one) return `Usage: pnpm paddock ${one.usage}\n\n${one.summary}\n`;
  return `Usage:\n${lines(spec).join('\n')}\n`;
}

/** Messages of errors that are the caller's to fix (wrong arguments, config, input). */
function userFacing(error: unknown): string | undefined {
  if (error instanceof UsageError || error instanceof ConfigError) return error.message;
  if (error instanceof Error && (error as { extensions?: unknown }).extensions !== undefined) return error.message;
  if (error instanceof Error && error.name === 'EmbeddedPostgresError') return error.message;
  return undefined;
}

export async function runCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(usage());
    return 2;
  }
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = rest[0] !== undefined && Object.hasOwn(COMMANDS, rest[0]) ? rest[0] : undefined;
    process.stdout.write(topic ? helpFor(COMMANDS[topic]!, rest[1]) : usage());
    return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  if (wantsHelp(rest)) {
    process.stdout.write(helpFor(command, rest[0]));
    return 0;
  }
  let log: Logger | undefined;
  try {
    loadDotEnv();
    // CLI output is for people and pipes (`sandbox render | kubectl apply -f -`): logs go
    // to stderr, at warn level unless PADDOCK_LOG_LEVEL (also from .env) says otherwise.
    log = createLogger('paddock-cli', logLevel(process.env, 'warn'), 'stderr');
    await command.run(rest, { config: loadConfig(), log, out });
    return 0;
  } catch (error) {
    const message = userFacing(error);
    if (message !== undefined) {
      process.stderr.write(`${message}\n`);
      return 2;
    }
    // Not the caller's mistake: the reason on the terminal, the stack in the debug log.
    log?.debug({ err: error }, 'command failed');
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n(PADDOCK_LOG_LEVEL=debug shows the details.)\n`);
    return 1;
  }
}
