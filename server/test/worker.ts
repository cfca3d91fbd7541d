import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { openPlatform } from '../src/platform/open.ts';
import { createSandboxDriver } from '../src/sandbox/drivers.ts';
import { startWorker, type Worker } from '../src/worker/index.ts';
import { startEgressDouble, withEgress, type EgressDouble } from './egress-double.ts';
import type { TestPlatform } from './platform.ts';

export type TestWorker = { worker: Worker; mock: MockLlm; egress: EgressDouble | undefined; close(): Promise<void> };

/**
 * A worker in its own platform instance (own bus connection and pools), as a
 * separate worker process would be, against the test platform's database.
 */
export async function startTestWorker(t: TestPlatform, env: Record<string, string> = {}, mockOptions: Parameters<typeof startMockLlm>[0] = {}): Promise<TestWorker> {
  const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 400, ...mockOptions });
  const config = loadConfig({
    PADDOCK_DATA_DIR: t.dataDir,
    DATABASE_URL: t.platform.databaseUrl,
    PADDOCK_HOUSEKEEPING_SECONDS: '0.5',
    ...env,
  });
  const log = createLogger('paddock-test-worker', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent');
  const platform = await openPlatform(config, log);
  // Local sandboxes have no network but their egress socket: a double of the egress proxy lets them reach the mock model.
  const egress = config.sandboxDriver === 'local' ? await startEgressDouble(path.join(t.dataDir, `egress-${randomUUID().slice(0, 8)}.sock`), [new URL(mock.url).host]) : undefined;
  const driver = egress ? withEgress(await createSandboxDriver(config, log), egress) : undefined;
  const worker = await startWorker(platform, { baseUrl: mock.url, apiKey: 'test-key' }, { driver });
  return {
    worker,
    mock,
    egress,
    async close() {
      await worker.close();
      await platform.close();
      await mock.close();
      await egress?.close();
    },
  };
}
