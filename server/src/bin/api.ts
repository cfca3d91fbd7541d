import cluster from 'node:cluster';
import { loadConfig, loadDotEnv } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { runPrimary } from '../platform/cluster.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';

/**
 * The API process alone: GraphQL, WebSocket, health endpoints and the dashboard.
 * With PADDOCK_API_PROCESSES > 1 it forks that many copies sharing the port.
 */
const log = createLogger('paddock-api');
loadDotEnv();
const processes = (() => {
  try {
    return loadConfig().apiProcesses;
  } catch {
    return 1; // runRole reports the configuration error
  }
})();

if (cluster.isPrimary && processes > 1) {
  runPrimary(processes, log);
} else {
  await runRole(
    log,
    async (platform, config) => {
      await platform.services.teams.ensureAdminKey(config.adminKey, config.dataDir);
      const http = await startApi(platform);
      platform.services.log.info({ url: http.url }, 'API listening');
      return () => http.close();
    },
    onShutdown,
  );
}
