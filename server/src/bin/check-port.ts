import { ConfigError, loadConfig, loadDotEnv } from '../config/index.ts';
import { ensurePortFree, PortInUseError } from '../http/port.ts';

/**
 * First step of `pnpm start`: fails in a second, with one line, when the configuration
 * is invalid or the port is taken, before the dashboard is built or anything migrates.
 */
try {
  loadDotEnv();
  const config = loadConfig();
  await ensurePortFree(config.host, config.port);
} catch (error) {
  if (!(error instanceof PortInUseError || error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 2;
}
