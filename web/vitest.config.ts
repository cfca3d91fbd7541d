import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/** Component and unit tests only; the browser tests in e2e/ have their own config. */
export default defineConfig({
  plugins: [react()],
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    // Hang detectors, not speed checks: a test on a saturated machine may take seconds.
    testTimeout: 60_000,
  },
});
