import { createLogger } from '../log/index.ts';
import { resolveGateway } from '../platform/gateway.ts';
import { onShutdown } from '../platform/lifecycle.ts';
import { runRole } from '../platform/role.ts';
import { startMetricsServer } from '../telemetry/endpoint.ts';
import { startWorker } from '../worker/index.ts';

/** The worker process alone: runs turns and housekeeping from the queue. */
await runRole(
  createLogger('paddock-worker'),
  async (platform, config, log) => {
    const gateway = await resolveGateway(config, log);
    const worker = await startWorker(platform, gateway);
    // A worker process of its own serves its metrics on a port of its own.
    const port = config.metrics.enabled ? config.metrics.workerPort : undefined;
    const metrics = port === undefined ? null : await startMetricsServer({ host: config.host, port, token: config.metrics.token, log });
    if (metrics) log.info({ port: metrics.port }, 'worker metrics at /metrics');
    else if (config.metrics.workerPort !== undefined) log.info('metrics are off (PADDOCK_METRICS=off): no listener on PADDOCK_METRICS_PORT');
    return async () => {
      await metrics?.close();
      await worker.close();
      await gateway.mock?.close();
    };
  },
  onShutdown,
);
