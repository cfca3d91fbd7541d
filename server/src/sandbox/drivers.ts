import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';
import type { SandboxDriver } from './driver.ts';
import { KubernetesSandboxDriver } from './kubernetes/driver.ts';
import { loadKubeConfig } from './kubernetes/kube/config.ts';
import { kubernetesSettings } from './kubernetes/settings.ts';
import { LocalSandboxDriver } from './local/driver.ts';

/** The driver `PADDOCK_SANDBOX_DRIVER` selects. */
export async function createSandboxDriver(config: Config, log: Logger, egressCaPem: string): Promise<SandboxDriver> {
  switch (config.sandboxDriver) {
    case 'local':
      return LocalSandboxDriver.create({
        dataDir: config.dataDir,
        log,
        isolation: config.worker.isolation,
        pidsLimit: config.worker.pidsLimit,
        diskMb: config.worker.diskMb,
        startConcurrency: config.worker.localStartConcurrency,
      });
    case 'kubernetes':
      return KubernetesSandboxDriver.create({ kubeConfig: loadKubeConfig(config.kubernetes), settings: kubernetesSettings(config, egressCaPem), log });
  }
}
