import { z } from 'zod';
import { placeholdersIn, SECRET_VARIABLES, TEMPLATE_VARIABLES } from './template.ts';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Adapters that drive a command-line agent and so need a `cli` block in their definition. */
export const CLI_ADAPTERS: readonly string[] = ['claude-code', 'codex'];

function checkPlaceholders(text: string, path: Array<string | number>, secretsAllowed: boolean, ctx: z.RefinementCtx): void {
  for (const name of placeholdersIn(text)) {
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name)) {
      ctx.addIssue({ code: 'custom', path, message: `uses unknown placeholder \${${name}}; known: ${TEMPLATE_VARIABLES.join(', ')}` });
    } else if (SECRET_VARIABLES.has(name) && !secretsAllowed) {
      ctx.addIssue({ code: 'custom', path, message: `puts the secret \${${name}} on the command line; pass it through cli.env instead` });
    }
  }
}

/**
 * The `cli` block of a harness definition: how the runtime starts a command-line agent.
 * The adapter adds the arguments of its protocol (output format, model, resume, prompt);
 * this block says which program to run and how to point it at the gateway.
 */
export const cliConfigSchema = z
  .object({
    /** Program and leading arguments, e.g. `[claude]`; a bare name is looked up on PATH, then in the runtime's node_modules/.bin. */
    command: z.array(z.string().min(1)).min(1),
    /** Extra arguments for every run; `${...}` placeholders allowed. */
    args: z.array(z.string()).default([]),
    /** Variables for the CLI process on top of the sandbox's command environment; `${...}` placeholders allowed. */
    env: z.record(z.string().regex(ENV_NAME, 'must be a valid environment variable name'), z.string()).default({}),
    /** Continue the CLI's own session across turns; off means every turn replays the conversation into a fresh session. */
    resume: z.boolean().default(true),
  })
  .strict()
  .superRefine((cli, ctx) => {
    cli.command.forEach((word, i) => checkPlaceholders(word, ['command', i], false, ctx));
    cli.args.forEach((arg, i) => checkPlaceholders(arg, ['args', i], false, ctx));
    for (const [name, value] of Object.entries(cli.env)) checkPlaceholders(value, ['env', name], true, ctx);
  });

export type CliConfig = z.infer<typeof cliConfigSchema>;
