import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webDir = fileURLToPath(new URL('..', import.meta.url));

/** The server serves web/dist when it exists at startup, so build it first. */
export default async function setup(): Promise<void> {
  await mkdir(`${webDir}/test-results`, { recursive: true });
  const started = performance.now();
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root: webDir, mode: 'production', logLevel: 'warn', configFile: `${webDir}/vite.config.ts` });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  process.stdout.write(`[e2e] dashboard built in ${Math.round(performance.now() - started)} ms\n`);
}
