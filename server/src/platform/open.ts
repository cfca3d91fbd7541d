import type { Config } from '../config/index.ts';
import { openDatabase } from '../db/database.ts';
import { HarnessCatalog } from '../harnesses/catalog.ts';
import { loadHarnesses } from '../harnesses/loader.ts';
import type { Logger } from '../log/index.ts';
import { loadSecretBox } from '../secrets/index.ts';
import { PgEventBus } from '../events/bus.ts';
import { Logger as QueueLogger, runMigrations as migrateQueue } from 'graphile-worker';
import { createServices, type Services } from '../services.ts';
import { configureMetrics, useDatabaseGauges } from '../telemetry/metrics.ts';
import { startTracing } from '../telemetry/tracing.ts';

const quietQueueLogger = new QueueLogger(() => () => undefined);

export type Platform = { services: Services; databaseUrl: string; close(): Promise<void> };

/**
 * What every Paddock process needs before doing anything: config-driven database
 * (embedded by default, migrated), validated harness files, the secret key.
 */
export async function openPlatform(config: Config, log: Logger): Promise<Platform> {
  configureMetrics(config.metrics.enabled);
  const stopTracing = startTracing(config.telemetry.tracing, log);
  const harnesses = new HarnessCatalog(await loadHarnesses(config.harnessDir));
  const secrets = await loadSecretBox(config.secretKey, config.dataDir);
  const database = await openDatabase(config, log);
  await harnesses.sync(database.db);
  // The job queue's own tables; the API enqueues jobs in its transactions.
  await migrateQueue({ connectionString: database.databaseUrl, logger: quietQueueLogger });
  const bus = await PgEventBus.connect(database.databaseUrl, log);
  const services = createServices({ config, db: database.db, log, secrets, harnesses, bus });
  const releaseGauges = useDatabaseGauges(services.db);
  return {
    services,
    databaseUrl: database.databaseUrl,
    async close() {
      releaseGauges();
      await bus.close();
      await database.close();
      await stopTracing();
    },
  };
}
