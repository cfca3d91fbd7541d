import { defineConfig } from 'vitest/config';

/** Files that start the real agent CLIs: CPU-heavy, so they run after the latency-sensitive rest. */
const REAL_CLI_TESTS = ['test/claude-code.test.ts', 'test/codex.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'runtime', include: ['test/**/*.test.ts'], exclude: REAL_CLI_TESTS, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'real-clis', include: REAL_CLI_TESTS, sequence: { groupOrder: 1 } } },
    ],
  },
});
