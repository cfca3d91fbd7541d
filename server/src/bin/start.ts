import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { resolveGateway } from '../platform/gateway.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';
import { startWorker } from '../worker/index.ts';

/**
 * `pnpm start`: API, worker and (without a gateway) the offline mock model in one
 * process, on the embedded defaults. `api.ts` and `worker.ts` run the roles apart.
 */
await runRole(
  createLogger('paddock'),
  async (platform, config, log) => {
    const admin = await platform.services.teams.ensureAdminKey(config.adminKey, config.dataDir);
    const gateway = await resolveGateway(config, log);
    const worker = await startWorker(platform, gateway);
    const http = await startApi(platform);
    const keyHint = admin.source === 'env' ? 'the admin key is $PADDOCK_ADMIN_KEY' : `the admin key is in ${admin.path}`;
    log.info({ url: http.url, adminKey: admin.path ?? 'PADDOCK_ADMIN_KEY', model: gateway.mock ? 'offline mock' : gateway.baseUrl }, 'Paddock is running');
    process.stderr.write(
      `\n  Paddock is running\n  Dashboard: ${http.url}/\n  API:       ${http.url}/graphql\n  Sign in with an API key; ${keyHint}\n` +
        (gateway.mock ? '  Model:     OFFLINE MOCK (set LITELLM_API_BASE and LITELLM_API_KEY for a real one)\n' : '') +
        '\n',
    );
    return async () => {
      await http.close();
      await worker.close();
      await gateway.mock?.close();
    };
  },
  onShutdown,
);
