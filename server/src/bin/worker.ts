import { createLogger } from '../log/index.ts';
import { resolveGateway } from '../platform/gateway.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';
import { startWorker } from '../worker/index.ts';

/** The worker process alone: runs turns and housekeeping from the queue. */
await runRole(createLogger('paddock-worker'), async (platform, config, log) => {
  const gateway = await resolveGateway(config, log);
  const worker = await startWorker(platform, gateway);
  return async () => {
    await worker.close();
    await gateway.mock?.close();
  };
}, onShutdown);
