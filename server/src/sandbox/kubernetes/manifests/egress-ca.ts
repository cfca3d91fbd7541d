import { trustFiles } from '../../../egress/authority.ts';
import { EGRESS_CA_CONFIG_MAP } from '../names.ts';
import type { ConfigMap } from '../types.ts';
import { appLabels } from './labels.ts';

/** Paddock's egress CA (and a bundle with the public roots) for the namespace's sandbox pods to trust. */
export function egressCaConfigMap(namespace: string, caPem: string): ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: EGRESS_CA_CONFIG_MAP, namespace, labels: appLabels('sandbox-egress-ca', EGRESS_CA_CONFIG_MAP) },
    data: trustFiles(caPem),
  };
}
