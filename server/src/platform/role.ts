import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config/index.ts';
import { PortInUseError } from '../http/port.ts';
import type { Logger } from '../log/index.ts';
import { guardProcess } from './lifecycle.ts';
import { openPlatform, type Platform } from './open.ts';

/** Boots one process role with clean config errors and a graceful SIGTERM path. */
export async function runRole(
  log: Logger,
  start: (platform: Platform, config: Config, log: Logger) => Promise<() => Promise<void>>,
  onShutdown: (log: Logger, stop: () => Promise<void>, graceMs?: number) => void,
): Promise<void> {
  guardProcess(log);
  try {
    loadDotEnv();
    const config = loadConfig();
    const platform = await openPlatform(config, log);
    const stop = await start(platform, config, log);
    // Running turns get the grace period to finish, then a little longer to store their end.
    onShutdown(
      log,
      async () => {
        await stop();
        await platform.close();
      },
      config.worker.shutdownGraceMs + 15_000,
    );
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PortInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    log.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
