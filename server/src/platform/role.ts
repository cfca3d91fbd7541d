import { ConfigError, loadConfig, loadDotEnv, type Config } from '../config/index.ts';
import { PortInUseError } from '../http/port.ts';
import type { Logger } from '../log/index.ts';
import { openPlatform, type Platform } from './open.ts';

/** Boots one process role with clean config errors and a graceful SIGTERM path. */
export async function runRole(
  log: Logger,
  start: (platform: Platform, config: Config, log: Logger) => Promise<() => Promise<void>>,
  onShutdown: (log: Logger, stop: () => Promise<void>) => void,
): Promise<void> {
  try {
    loadDotEnv();
    const config = loadConfig();
    const platform = await openPlatform(config, log);
    const stop = await start(platform, config, log);
    onShutdown(log, async () => {
      await stop();
      await platform.close();
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof PortInUseError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    log.fatal({ err: error }, 'failed to start');
    process.exit(1);
  }
}
