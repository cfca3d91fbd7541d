import { startEgress } from '../egress/service.ts';
import { createLogger } from '../log/index.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';

/**
 * The egress proxy alone, on TCP (`PADDOCK_EGRESS_HOST`:`PADDOCK_EGRESS_LISTEN_PORT`):
 * the Kubernetes Deployment every sandbox pod's traffic leaves through.
 */
await runRole(
  createLogger('paddock-egress'),
  async (platform, config, log) => {
    if (!config.gateway) log.warn('No LITELLM_API_BASE: sandbox pods have no model gateway to reach through the egress proxy.');
    const gateway = config.gateway ?? { baseUrl: 'http://gateway.invalid/v1', apiKey: '' };
    const egress = await startEgress(platform.services, gateway, config.egress.listen);
    return () => egress.close();
  },
  onShutdown,
);
