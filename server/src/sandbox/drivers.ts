import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type { SandboxDriver } from './driver.ts';
import { detectIsolation, LocalSandboxDriver } from './local/driver.ts';

/** The driver `PADDOCK_SANDBOX_DRIVER` selects. */
export async function createSandboxDriver(config: Config, log: Logger): Promise<SandboxDriver> {
  switch (config.sandboxDriver) {
    case 'local': {
      const isolation = config.worker.isolation === 'auto' ? detectIsolation(log) : config.worker.isolation;
      return new LocalSandboxDriver({ dataDir: config.dataDir, log, isolation });
    }
    case 'kubernetes':
      throw new Error('The kubernetes sandbox driver is not available in this build; set PADDOCK_SANDBOX_DRIVER=local.');
  }
}
