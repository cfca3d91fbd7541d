import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type { SandboxDriver } from './driver.ts';
import { KubernetesSandboxDriver } from './kubernetes/driver.ts';
import { loadKubeConfig } from './kubernetes/kube/config.ts';
import { kubernetesSettings } from './kubernetes/settings.ts';
import { detectIsolation, LocalSandboxDriver } from './local/driver.ts';

/** The driver `PADDOCK_SANDBOX_DRIVER` selects. */
export async function createSandboxDriver(config: Config, log: Logger, egressCaPem: string): Promise<SandboxDriver> {
  switch (config.sandboxDriver) {
    case 'local': {
      const isolation = config.worker.isolation === 'auto' ? detectIsolation(log) : config.worker.isolation;
      return new LocalSandboxDriver({ dataDir: config.dataDir, log, isolation });
    }
    case 'kubernetes':
      return KubernetesSandboxDriver.create({ kubeConfig: loadKubeConfig(config.kubernetes), settings: kubernetesSettings(config, egressCaPem), log });
  }
}
