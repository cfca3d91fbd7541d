#!/usr/bin/env node
import { createAdapter } from './adapters/registry.ts';
import { ConfigError, loadConfig, type RuntimeConfig } from './config.ts';
import { loadDefinition } from './harness/load-definition.ts';
import { createLogger } from './log.ts';
import { startEgressRelay } from './network/egress-relay.ts';
import { createRuntime, type Runtime } from './server.ts';

/** Entry point inside the sandbox: configured by env, logs JSON to stdout, exits 0 on SIGTERM. */
let config: RuntimeConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message })}\n`);
  process.exit(1);
}

const log = createLogger(config.logLevel);
let runtime: Runtime;
let listening: { port: number } | { socket: string } | { fd: number };
try {
  const definition = await loadDefinition({ harness: config.harness, file: config.harnessFile, dir: config.harnessDir });
  const adapter = createAdapter(definition, config.stateDir);
  runtime = await createRuntime({
    token: config.token,
    workspace: config.workspace,
    adapter,
    log,
    network: { private: config.privateNetwork },
    memoryLimitBytes: config.memoryLimitBytes,
    egressRelayUrl: config.egress && `http://127.0.0.1:${config.egress.port}`,
  });
  if (config.egress) await startEgressRelay({ ...config.egress, log });
  if (config.listenFd !== undefined) {
    await runtime.listenFd(config.listenFd);
    listening = { fd: config.listenFd };
  } else if (config.socket) {
    await runtime.listenSocket(config.socket);
    listening = { socket: config.socket };
  } else {
    listening = { port: await runtime.listen(config.port, config.host) };
  }
} catch (error) {
  // Unknown harness, unusable workspace, port in use: say so in one line and stop.
  log.fatal({ err: error }, `harness runtime failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
// The parent (local sandbox driver) reads this line to learn where the runtime listens.
process.stdout.write(`${JSON.stringify({ event: 'listening', ...listening })}\n`);
log.info({ ...listening, harness: config.harness, workspace: runtime.workspace, egress: config.egress !== undefined }, 'harness runtime listening');

const stop = (signal: NodeJS.Signals) => {
  log.info({ signal }, 'shutting down');
  runtime.shutdown().then(
    () => process.exit(0),
    (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
