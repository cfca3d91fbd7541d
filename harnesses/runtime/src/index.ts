/** In-process API of the harness runtime (tests, embedding). The platform uses `./client`. */
export { createRuntime, type Runtime, type RuntimeOptions } from './server.ts';
export { loadConfig, ConfigError, type RuntimeConfig } from './config.ts';
export { createLogger, type Logger } from './log.ts';
export { createAdapter, harnessNames } from './adapters/registry.ts';
export { loadDefinition, type DefinitionSource } from './harness/load-definition.ts';
export type { RuntimeHarness } from './harness/definition.ts';
export type { CliProtocol, CliRun, Translator, TurnSink } from './adapters/cli/protocol.ts';
export { TurnError, type HarnessAdapter, type TurnContext, type TurnOutcome } from './adapters/adapter.ts';
export type * from './api.ts';
export type * from './events.ts';
export { isTerminalEvent, eventTime } from './events.ts';
