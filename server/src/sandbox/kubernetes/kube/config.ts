import { KubeConfig } from '@kubernetes/client-node';
import type { Config } from '../../../config/index.ts';

/**
 * The cluster Paddock talks to: an explicit kubeconfig file, else the pod's service
 * account when running in a cluster, else the usual `KUBECONFIG` / `~/.kube/config`.
 */
export function loadKubeConfig(settings: Pick<Config['kubernetes'], 'kubeconfig' | 'context' | 'inCluster'>): KubeConfig {
  const kc = new KubeConfig();
  if (settings.kubeconfig) kc.loadFromFile(settings.kubeconfig);
  else if (settings.inCluster) kc.loadFromCluster();
  else kc.loadFromDefault();
  if (settings.context) kc.setCurrentContext(settings.context);
  if (!kc.getCurrentCluster()) {
    throw new Error(
      'PADDOCK_SANDBOX_DRIVER=kubernetes but no cluster is configured: set PADDOCK_K8S_KUBECONFIG (or KUBECONFIG), or run Paddock inside the cluster.',
    );
  }
  return kc;
}
