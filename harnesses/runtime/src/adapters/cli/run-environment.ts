import type { TurnContext } from '../adapter.ts';
import type { CliConfig } from '../../harness/cli-config.ts';
import { expand, rootUrlOf, type TemplateValues } from '../../harness/template.ts';

export interface RunEnvironment {
  env: Record<string, string>;
  args: string[];
  /** Values to scrub from anything shown to people: the gateway key and the agent's secrets. */
  secrets: string[];
}

/**
 * The CLI's environment and extra arguments for one run: the sandbox's command environment
 * (agent secrets included, runtime token excluded), plus the definition's `env`, expanded.
 */
export function runEnvironment(cli: CliConfig, ctx: TurnContext, stateDir: string): RunEnvironment {
  const { session } = ctx;
  const values: TemplateValues = {
    'gateway.baseUrl': session.gateway.baseUrl,
    'gateway.rootUrl': rootUrlOf(session.gateway.baseUrl),
    'gateway.apiKey': session.gateway.apiKey,
    model: session.model,
    sessionId: session.id,
    workspace: ctx.workspace,
    stateDir,
  };
  // The CLI talks to the model gateway itself: through the egress proxy, whatever its commands may reach.
  const env: Record<string, string> = { ...session.commandEnv, ...session.modelEnv };
  for (const [name, value] of Object.entries(cli.env)) env[name] = expand(value, values);
  const secrets = [session.gateway.apiKey, ...Object.values(session.agentEnv)].filter((s) => s.length >= 4);
  return { env, args: cli.args.map((arg) => expand(arg, values)), secrets };
}

/** Replaces every secret in `text` so error messages never echo one. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
}
