import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { loadConfig } from '../src/config/index.ts';
import { createLogger } from '../src/log/index.ts';
import { openPlatform } from '../src/platform/open.ts';
import { startWorker, type Worker, type WorkerOptions } from '../src/worker/index.ts';
import type { TestPlatform } from './platform.ts';

export type TestWorker = { worker: Worker; mock: MockLlm; close(): Promise<void> };

/**
 * A worker in its own platform instance (own bus connection and pools), as a
 * separate worker process would be, against the test platform's database.
 */
export async function startTestWorker(
  t: TestPlatform,
  env: Record<string, string> = {},
  mockOptions: Parameters<typeof startMockLlm>[0] = {},
  workerOptions: WorkerOptions & {
    /** The model gateway to use instead of this worker's own mock (a worker taking over another's sandboxes). */
    gatewayUrl?: string;
  } = {},
): Promise<TestWorker> {
  const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 400, ...mockOptions });
  const config = loadConfig({
    PADDOCK_DATA_DIR: t.dataDir,
    DATABASE_URL: t.platform.databaseUrl,
    PADDOCK_HOUSEKEEPING_SECONDS: '0.5',
    // Tests that count sandboxes or processes start them on demand; warm-pool.test turns the pool on.
    PADDOCK_LOCAL_WARM_POOL: '0',
    ...env,
  });
  const log = createLogger('paddock-test-worker', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent');
  const platform = await openPlatform(config, log);
  const { gatewayUrl, ...options } = workerOptions;
  const worker = await startWorker(platform, { baseUrl: gatewayUrl ?? mock.url, apiKey: 'test-gateway-key' }, options);
  return {
    worker,
    mock,
    async close() {
      await worker.close();
      await platform.close();
      await mock.close();
    },
  };
}
