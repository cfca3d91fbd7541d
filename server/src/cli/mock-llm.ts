import { loadMockLlm } from '../platform/gateway.ts';
import { flags, UsageError, type CommandSpec } from './args.ts';

/** `pnpm paddock mock-llm [--port N] [--rate TOKENS_PER_SECOND] [--first-token-ms MS]`: the offline model alone. */
export const mockLlmCommand: CommandSpec = {
  summary: 'Run the offline mock model alone (OpenAI-compatible, on 127.0.0.1 unless --host is given).',
  usage: 'mock-llm [--port 4010] [--rate 40] [--first-token-ms 0] [--host 127.0.0.1]',
  subcommands: {},
  run: async (args, { out }) => runMockLlm(args, out),
};

async function runMockLlm(args: string[], out: (line: string) => void): Promise<void> {
  const { values, positionals } = flags(args, {
    port: { type: 'string' },
    rate: { type: 'string' },
    'first-token-ms': { type: 'string' },
    host: { type: 'string' },
  });
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}". See --help.`);
  const number = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number, not "${raw}".`);
    return value;
  };
  const { startMockLlm } = await loadMockLlm();
  const mock = await startMockLlm({
    host: values.host ?? '127.0.0.1',
    port: number('port', values.port, 4010),
    tokensPerSecond: number('rate', values.rate, 40),
    firstTokenLatencyMs: number('first-token-ms', values['first-token-ms'], 0),
  });
  out(`Offline mock model (paddock-mock) at ${mock.url} — OpenAI-compatible; Ctrl+C stops it.`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await mock.close();
}
