import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const webDir = fileURLToPath(new URL('..', import.meta.url));

/** The server serves web/dist when it exists at startup, so build it first. */
export default async function setup(): Promise<void> {
  await mkdir(`${webDir}/test-results`, { recursive: true });
  const started = performance.now();
  await build({ root: webDir, logLevel: 'warn', configFile: `${webDir}/vite.config.ts` });
  process.stdout.write(`[e2e] dashboard built in ${Math.round(performance.now() - started)} ms\n`);
}
