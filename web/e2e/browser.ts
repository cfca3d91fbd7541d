import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.PADDOCK_CHROMIUM ?? '/usr/bin/chromium';

export type BrowserHandle = { browser: Browser | null; context: BrowserContext; close: () => Promise<void> };

/** Debian's Chromium, headless, with a fresh profile that is deleted afterwards. */
export async function launchChromium(viewport = { width: 1280, height: 860 }): Promise<BrowserHandle> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install it with: apt-get install -y chromium (or set PADDOCK_CHROMIUM).`);
  }
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  return {
    browser: context.browser(),
    context,
    close: async () => {
      await context.close().catch(() => undefined);
      await rm(userDataDir, { recursive: true, force: true }).catch(() => undefined);
    },
  };
}
