import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (`main`) and ESM (`module`). Node loads the CJS build for
    // externalised packages (Pothos, yoga) while Vite would hand test files the ESM one,
    // and graphql refuses types "from another module or realm". Pin the one Node uses.
    alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One PostgreSQL for the run; each test file clones its own database (test/db.ts).
    globalSetup: ['./test/global-setup.ts'],
    // Database-backed tests do real I/O on small, busy CI machines; each wait inside a test has
    // its own bound, so these only catch a test that hangs.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
