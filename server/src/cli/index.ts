import { ConfigError, loadConfig, loadDotEnv } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { UsageError, type Command } from './args.ts';
import { keysCommand } from './keys.ts';
import { teamsCommand } from './teams.ts';
import { dbCommand } from './db.ts';
import { mockLlmCommand } from './mock-llm.ts';
import { sandboxCommand } from './sandbox.ts';

const COMMANDS: Record<string, { run: Command; help: string }> = {
  db: { run: dbCommand, help: 'db migrate                      apply pending migrations, then exit (init-container friendly)' },
  teams: { run: teamsCommand, help: 'teams create NAME | teams list' },
  'mock-llm': { run: mockLlmCommand, help: 'mock-llm [--port 4010] [--rate 40] [--first-token-ms 0]   run the offline mock model alone' },
  sandbox: { run: sandboxCommand, help: 'sandbox render --agent NAME [--team NAME]   print the Kubernetes objects Paddock applies for an agent' },
  keys: { run: keysCommand, help: 'keys create --team NAME --name LABEL [--role OPERATOR|ADMIN|MEMBER|VIEWER] | keys revoke ID' },
};

export function usage(): string {
  return `Usage: pnpm paddock <command>\n\n${Object.values(COMMANDS)
    .map((c) => `  ${c.help}`)
    .join('\n')}\n`;
}

export async function runCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(name && name !== 'help' && name !== '--help' ? `Unknown command "${name}".\n\n${usage()}` : usage());
    return name && name !== 'help' && name !== '--help' ? 2 : 0;
  }
  // CLI output is for people; logs go to stderr at warn level unless asked otherwise.
  const log = createLogger('paddock-cli', process.env.PADDOCK_LOG_LEVEL ?? 'warn');
  try {
    loadDotEnv();
    await command.run(rest, { config: loadConfig(), log, out });
    return 0;
  } catch (error) {
    const known = error instanceof UsageError || error instanceof ConfigError || (error as { extensions?: unknown }).extensions !== undefined;
    process.stderr.write(`${known ? (error as Error).message : (error as Error).stack ?? String(error)}\n`);
    return known ? 2 : 1;
  }
}
