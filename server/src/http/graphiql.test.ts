import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';

let t: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  t = await startTestPlatform();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('GraphiQL at /graphql', () => {
  it('renders from this server alone, as on an air-gapped install', { timeout: 120_000 }, async () => {
    const origin = new URL(t.url).origin;
    const page = await browser.newPage();
    const offOrigin: string[] = [];
    const failed: string[] = [];
    // Nothing leaves the server's origin: anything else is recorded and refused, as without a network.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) return route.continue();
      offOrigin.push(url);
      return route.abort();
    });
    page.on('requestfailed', (request) => failed.push(request.url()));
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
    });

    // Monaco renders spaces as no-break spaces.
    const text = async (selector: string) => (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ');
    await page.goto(`${t.url}/graphql`);
    await page.locator('.graphiql-container').first().waitFor({ timeout: 60_000 });
    await expect.poll(() => text('.graphiql-query-editor'), { timeout: 60_000 }).toContain('Welcome to Paddock GraphQL');
    expect(await page.locator('#root').innerText()).not.toMatch(/^Loading/);

    // The headers editor is open, pre-filled with the Authorization header and where the admin key is.
    await expect
      .poll(() => text('.graphiql-editor-tool'), { timeout: 30_000 })
      .toMatch(/"Authorization":\s*"Bearer <API key; the admin key is \$PADDOCK_ADMIN_KEY>"/);

    expect(offOrigin).toEqual([]);
    expect(failed).toEqual([]);
    await page.close();
  });

  it('serves only the GraphiQL files it knows', async () => {
    const css = await fetch(`${t.url}/graphql/graphiql-assets/graphiql.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const html = await (await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/);
    const other = await fetch(`${t.url}/graphql/graphiql-assets/package.json`);
    expect(other.headers.get('content-type') ?? '').not.toMatch(/^text\/(css|javascript)/);
    expect(await other.text()).not.toContain('"name": "@graphql-yoga/graphiql"');
  });
});
