import type { Config } from '../../config/index.ts';

/** What the manifest builders and the driver need from the platform's configuration. */
export type KubernetesSettings = Config['kubernetes'] & {
  /** The model gateway sandboxes must reach; unset when the offline mock runs inside Paddock. */
  gatewayUrl: string | undefined;
  /** `CONTAINER_ENV_*` values, prefix stripped. */
  containerEnv: Record<string, string>;
  /** Where sandbox pods reach the egress proxy, and the CA it intercepts TLS with. */
  egressUrl: string;
  egressCaPem: string;
};

export function kubernetesSettings(config: Config, egressCaPem: string): KubernetesSettings {
  return { ...config.kubernetes, gatewayUrl: config.gateway?.baseUrl, containerEnv: config.containerEnv, egressUrl: config.egress.url, egressCaPem };
}
