import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Browser tests: build the dashboard, start a real Paddock (embedded PostgreSQL,
 * local sandboxes, offline mock model) and drive Debian's Chromium against it.
 */
export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    environment: 'node',
    globalSetup: ['e2e/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 240_000,
    fileParallelism: false,
    // The steps build on each other: after one fails, the rest would only time out.
    bail: 1,
    reporters: ['default'],
  },
});
