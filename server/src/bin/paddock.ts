import { runCli } from '../cli/index.ts';

/** `pnpm paddock <command>`: the operator CLI. */
process.exitCode = await runCli(process.argv.slice(2));
