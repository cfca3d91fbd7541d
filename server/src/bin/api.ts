import { createLogger } from '../log/index.ts';
import { startApi } from '../platform/api.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';

/** The API process alone: GraphQL, WebSocket, health endpoints and the dashboard. */
await runRole(createLogger('paddock-api'), async (platform, config) => {
  await platform.services.teams.ensureAdminKey(config.adminKey, config.dataDir);
  const http = await startApi(platform);
  platform.services.log.info({ url: http.url }, 'API listening');
  return () => http.close();
}, onShutdown);
