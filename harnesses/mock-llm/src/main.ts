#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { startMockLlm } from './server.ts';

/** `paddock-mock-llm [--port N] [--host H] [--tokens-per-second R] [--first-token-ms MS] [--api-key K]` */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8090' },
    host: { type: 'string', default: process.env.HOST ?? '127.0.0.1' },
    'tokens-per-second': { type: 'string' },
    'first-token-ms': { type: 'string' },
    'api-key': { type: 'string' },
  },
});

function number(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    process.stderr.write(`--${name} must be a non-negative number, got ${raw}\n`);
    process.exit(2);
  }
  return value;
}

const mock = await startMockLlm({
  port: number('port', values.port),
  host: values.host,
  tokensPerSecond: number('tokens-per-second', values['tokens-per-second']),
  firstTokenLatencyMs: number('first-token-ms', values['first-token-ms']),
  apiKey: values['api-key'],
});
process.stdout.write(`${JSON.stringify({ event: 'listening', url: mock.url, port: mock.port })}\n`);

const stop = () => {
  void mock.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
