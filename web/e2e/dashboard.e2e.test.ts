import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { Page, WebSocketRoute } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './browser.ts';
import { startPaddock, type Paddock } from './paddock.ts';

const shots = fileURLToPath(new URL('../test-results/', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
/** Paths of the dashboard's files the page has loaded so far. */
const loaded = new Set<string>();

/** Gzipped size (KB) of the built files loaded so far, as a compressing proxy would serve them. */
async function loadedGzipKb(): Promise<number> {
  let bytes = 0;
  for (const file of loaded) bytes += gzipSync(await readFile(`${dist}${file}`), { level: 9 }).length;
  return bytes / 1024;
}
const axeSource = readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** Pages axe-core checked, for the summary line. */
const audited: string[] = [];

/** Runs axe-core in the page: no serious or critical accessibility violation may remain. */
async function expectAccessible(name: string) {
  // Evaluated through the browser's debugging protocol: the dashboard's CSP rightly refuses inline scripts.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(await axeSource);
  const violations = await page.evaluate(async () => {
    const w = window as unknown as {
      axe: {
        run: (
          context: Document,
          options: object,
        ) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[]; failureSummary?: string }[] }[] }>;
      };
    };
    const result = await w.axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) ${n.target.join(' ')}: ${(n.failureSummary ?? '').split('\n').slice(0, 2).join(' ')}`));
  });
  audited.push(name);
  expect(violations, `accessibility violations on ${name}`).toEqual([]);
}

const expectedLong = (n: number) => Array.from({ length: n }, (_, i) => `tok${i + 1}`).join(' ');

let paddock: Paddock;
let browser: BrowserHandle;
let page: Page;
/** The page's graphql-ws connections, routed through the test so one can be dropped. */
const sockets: { route: WebSocketRoute; subscribes: { after: unknown }[] }[] = [];

async function shot(name: string) {
  await page.screenshot({ path: `${shots}${name}.png` });
}

const assistant = () => page.locator('[data-role="assistant"]');
const composer = () => page.getByRole('textbox', { name: 'Message' });

/** A GraphQL call made by the test itself, as the admin. */
async function adminGraphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${paddock.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${paddock.adminKey}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data: T; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** The session's lastSeq and its newest stored event, straight from the API. */
async function sessionSeqs(sessionId: string): Promise<{ lastSeq: number; newestSeq: number }> {
  const res = await fetch(`${paddock.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${paddock.adminKey}` },
    body: JSON.stringify({ query: 'query($id: ID!) { session(id: $id) { lastSeq events(after: 0, first: 1000) { seq } } }', variables: { id: sessionId } }),
  });
  const body = (await res.json()) as { data: { session: { lastSeq: number; events: { seq: number }[] } } };
  return { lastSeq: body.data.session.lastSeq, newestSeq: body.data.session.events.at(-1)?.seq ?? 0 };
}

async function assistantCount(): Promise<number> {
  return assistant().count();
}

/** Text of the newest agent reply (its rendered Markdown). */
async function lastReplyText(): Promise<string> {
  return (
    (await assistant()
      .last()
      .locator('.md')
      .textContent({ timeout: 1_000 })
      .catch(() => '')) ?? ''
  );
}

async function waitForNewReply(before: number, timeout = 30_000) {
  await page.waitForFunction((n) => document.querySelectorAll('[data-role="assistant"]').length > n, before, { timeout });
}

async function waitForReplyStatus(status: string, timeout = 60_000) {
  await page.waitForFunction(
    (s) => {
      const all = document.querySelectorAll('[data-role="assistant"]');
      return all[all.length - 1]?.getAttribute('data-status') === s;
    },
    status,
    { timeout },
  );
}

async function waitForReplyToContain(text: string, timeout = 30_000) {
  await page.waitForFunction(
    (t) => {
      const all = document.querySelectorAll('[data-role="assistant"] .md');
      return (all[all.length - 1]?.textContent ?? '').includes(t);
    },
    text,
    { timeout },
  );
}

/** Waits until no turn runs (the Stop button is gone), so the composer accepts a message. */
async function waitForIdle() {
  await page.getByRole('button', { name: 'Stop' }).waitFor({ state: 'detached', timeout: 30_000 });
}

async function send(content: string) {
  await waitForIdle();
  await composer().fill(content);
  await composer().press('Enter');
}

/** Sends a message; resolves to ms from pressing Enter to the reply's first text being painted. */
async function sendAndTimeFirstToken(content: string): Promise<number> {
  await waitForIdle();
  await composer().fill(content);
  await page.evaluate(() => {
    const w = window as unknown as { __firstToken?: Promise<number> };
    const box = document.querySelector('textarea');
    let pressed = 0;
    box?.addEventListener(
      'keydown',
      (e) => {
        if (e.key === 'Enter' && !e.shiftKey) pressed = performance.now();
      },
      { capture: true, once: true },
    );
    const known = new Set([...document.querySelectorAll('[data-role="assistant"]')].map((el) => el.getAttribute('data-message-id')));
    w.__firstToken = new Promise<number>((resolve) => {
      const check = () => {
        for (const el of document.querySelectorAll('[data-role="assistant"]')) {
          if (known.has(el.getAttribute('data-message-id'))) continue;
          if ((el.querySelector('.md')?.textContent ?? '').length === 0) continue;
          observer.disconnect();
          // The frame after the mutation is the one that paints it.
          requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - pressed), 0));
          return;
        }
      };
      const observer = new MutationObserver(check);
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  });
  await composer().press('Enter');
  return page.evaluate(() =>
    Promise.race([
      (window as unknown as { __firstToken: Promise<number> }).__firstToken,
      new Promise<number>((_, reject) => setTimeout(() => reject(new Error('no reply text appeared within 30 s of pressing Enter')), 30_000)),
    ]),
  );
}

describe('Paddock dashboard in Chromium', () => {
  beforeAll(async () => {
    await mkdir(shots, { recursive: true });
    const started = performance.now();
    paddock = await startPaddock({ tokensPerSecond: 40 });
    process.stdout.write(`[e2e] Paddock ready at ${paddock.url} in ${Math.round(performance.now() - started)} ms\n`);
    browser = await launchChromium();
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => process.stdout.write(`[e2e] page error: ${error.message}\n`));
    page.on('response', (response) => {
      const { pathname } = new URL(response.url());
      if (response.request().resourceType() === 'document') loaded.add('index.html');
      else if (pathname.startsWith('/assets/')) loaded.add(pathname.slice(1));
    });
    await page.routeWebSocket(/\/graphql$/, (ws) => {
      const server = ws.connectToServer();
      const entry = { route: ws, subscribes: [] as { after: unknown }[] };
      sockets.push(entry);
      ws.onMessage((message) => {
        if (typeof message === 'string') {
          try {
            const parsed = JSON.parse(message) as { type?: string; payload?: { variables?: { after?: unknown } } };
            if (parsed.type === 'subscribe') entry.subscribes.push({ after: parsed.payload?.variables?.after });
          } catch {
            // not JSON; forward as is
          }
        }
        server.send(message);
      });
      ws.onClose(() => server.close());
      server.onClose(() => ws.close());
    });
  });

  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !page) return;
    const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page.screenshot({ path: `${shots}failed-${name}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    process.stdout.write(`[e2e] axe-core: no serious or critical violations on ${audited.length} views: ${audited.join(', ')}\n`);
    await browser?.close();
    await paddock?.stop();
  });

  it('sends an unauthenticated visit to sign-in, then signs in with an API key', async () => {
    await page.goto(`${paddock.url}/agents`);
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API key').waitFor();
    const initialKb = await loadedGzipKb();
    process.stdout.write(`[e2e] initial route (sign-in): ${[...loaded].length} files, ${initialKb.toFixed(1)} KB gzipped\n`);
    // The hint names the admin key file this server printed at startup, under its PADDOCK_DATA_DIR.
    expect(paddock.logs()).toContain(`the admin key is in ${paddock.adminKeyPath}`);
    await page.getByText(paddock.adminKeyPath, { exact: true }).waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toContain('.paddock/admin-key');
    await expectAccessible('sign-in');
    await page.getByLabel('API key').fill('pdk_not-a-real-key-000000000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('did not accept');
    await expectAccessible('sign-in with an error');
    // The admin key does not have the pdk_ form: the server, not the page, decides it is valid.
    expect(paddock.adminKey.startsWith('pdk_')).toBe(false);
    await page.getByLabel('API key').fill(paddock.adminKey);
    await shot('01-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(/\/agents$/);
    await page.getByRole('heading', { name: 'Agents', exact: true }).waitFor();
    process.stdout.write(`[e2e] signed in on the agents list: ${[...loaded].length} files, ${(await loadedGzipKb()).toFixed(1)} KB gzipped in total\n`);
    expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
    expect(await page.evaluate(() => window.sessionStorage.getItem('paddock.apiKey'))).toBe(paddock.adminKey);
    await expectAccessible('agents (empty)');
    await shot('02-agents-empty');
  });

  it('creates an agent on the chat harness with its default model', async () => {
    await page.getByRole('link', { name: 'New agent' }).first().click();
    await page.getByLabel('Name', { exact: true }).waitFor();
    await expectAccessible('new agent');
    // An invalid name: the form says so at the field, moves focus there, and clears the error once fixed.
    await page.getByLabel('Name', { exact: true }).fill('-bad-');
    await page.getByLabel('Description').focus();
    await page.getByRole('button', { name: 'Create agent' }).click();
    const nameError = page.getByText(/Use lowercase letters, digits and "-"/);
    await nameError.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(await page.getByLabel('Name', { exact: true }).getAttribute('id'));
    await expectAccessible('new agent with an invalid field');
    await page.getByLabel('Name', { exact: true }).fill('e2e-chat');
    await nameError.waitFor({ state: 'detached' });
    await page.getByLabel('Description').fill('Created by the browser test');
    await page.getByRole('radio', { name: /Chat/ }).check();
    expect(await page.getByLabel('Model', { exact: true }).inputValue()).toBe('paddock-mock');
    await page.getByRole('button', { name: '+ Add variable' }).click();
    await page.getByLabel('Variable 1 name').fill('SERVICE_TOKEN');
    await page.getByLabel('Variable 1 value').fill('s3cret-value');
    await shot('03-new-agent');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'e2e-chat' }).waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    expect(body).toContain('SERVICE_TOKEN');
    expect(body).not.toContain('s3cret-value');
    await expectAccessible('agent');
    await shot('04-agent');
  });

  it('starts a session and streams the reply token by token', async () => {
    await page.getByRole('button', { name: 'New session' }).click();
    await page.getByLabel('Title').fill('Browser test');
    await page.getByRole('button', { name: 'Start session' }).click();
    await page.waitForURL(/\/sessions\/[^/]+$/);
    await composer().waitFor();

    const firstTokenMs = await sendAndTimeFirstToken('Hello from the browser test');
    process.stdout.write(`[e2e] send → first token painted: ${firstTokenMs.toFixed(0)} ms (includes provisioning the session's sandbox)\n`);
    await waitForReplyStatus('COMPLETE');
    expect(await lastReplyText()).toContain('You said: Hello from the browser test');

    // A warm sandbox: the number a person feels on every later message.
    const warmMs = await sendAndTimeFirstToken('And once more');
    process.stdout.write(`[e2e] send → first token painted (warm sandbox): ${warmMs.toFixed(0)} ms\n`);
    await waitForReplyStatus('COMPLETE');

    const before = await assistantCount();
    // Paced at 20 tokens/s: the reply grows on screen for four seconds, however busy the machine.
    await send('/long 80 rate=20');
    await waitForNewReply(before);
    const lengths: number[] = [];
    for (let i = 0; i < 100 && !(await lastReplyText()).endsWith('tok80'); i++) {
      lengths.push((await lastReplyText()).length);
      await page.waitForTimeout(150);
    }
    await shot('05-streaming');
    const growth = lengths.filter((n, i) => i > 0 && n > lengths[i - 1]!).length;
    expect(growth, `reply length samples: ${lengths.join(',')}`).toBeGreaterThanOrEqual(2);
    await waitForReplyStatus('COMPLETE');
    expect(await lastReplyText()).toBe(expectedLong(80));
    await expectAccessible('session');
  });

  it("shows the agent's visible reasoning in a collapsed Thinking block", async () => {
    const before = await assistantCount();
    await send('/think about the question');
    await waitForNewReply(before);
    await waitForReplyStatus('COMPLETE');
    const thinking = assistant().last().locator('details.msg-thinking');
    await thinking.waitFor();
    expect(await thinking.getAttribute('open')).toBeNull();
    await thinking.locator('summary', { hasText: 'Thinking' }).click();
    expect(await thinking.textContent()).toContain('The user wants me to think about: about the question');
    expect(await lastReplyText()).toContain('You said: about the question');
    await expectAccessible('session with reasoning');
  });

  it('shows a tool call with its input and output', async () => {
    const before = await assistantCount();
    await send('/tool echo hello-from-tool');
    await waitForNewReply(before);
    const call = page.locator('details.tool').filter({ hasText: 'run_command' }).last();
    await call.waitFor();
    await page.waitForFunction(() => [...document.querySelectorAll('details.tool')].some((d) => d.textContent?.includes('Done')), null, { timeout: 30_000 });
    await call.locator('summary').click();
    const text = (await call.textContent()) ?? '';
    expect(text).toContain('echo hello-from-tool');
    expect(text).toContain('hello-from-tool');
    expect(await call.locator('.tool-section').last().textContent()).toContain('hello-from-tool');
    await waitForReplyToContain('hello-from-tool');
    await waitForReplyStatus('COMPLETE');
    await expectAccessible('session with a tool call');
    await shot('06-tool-call');
    // Long output scrolls inside the call; a keyboard can reach that scroll region too.
    await send('/tool seq 1 400');
    const long = page.locator('details.tool').filter({ hasText: 'seq 1 400' }).last();
    await long.waitFor();
    await waitForReplyStatus('COMPLETE');
    await long.locator('summary').click();
    await expectAccessible('session with long tool output');
  });

  it('resumes after a dropped connection mid-reply from the last event it applied', async () => {
    const before = await assistantCount();
    const socketsBefore = sockets.length;
    await send('/long 160 rate=40');
    await waitForNewReply(before);
    await waitForReplyToContain('tok30 ');
    const live = sockets.at(-1)!;
    await live.route.close({ code: 1001, reason: 'test drops the connection' });
    await page.getByText('Reconnecting…').or(page.getByText('Live')).first().waitFor();
    await waitForReplyStatus('COMPLETE', 60_000);
    expect(await lastReplyText()).toBe(expectedLong(160));
    expect(sockets.length).toBeGreaterThan(socketsBefore);
    const first = live.subscribes[0]?.after;
    const resumed = sockets.at(-1)!.subscribes[0]?.after;
    expect(typeof resumed).toBe('number');
    expect(resumed as number).toBeGreaterThan(first as number);
    process.stdout.write(`[e2e] resubscribed after seq ${String(resumed)} (first subscribed after ${String(first)})\n`);
  });

  it('stops a long reply and marks it stopped; a message typed meanwhile waits for the turn to end', async () => {
    const before = await assistantCount();
    await send('/long 400 rate=40');
    await waitForNewReply(before);
    await waitForReplyToContain('tok10 ');
    const hint = page.getByTestId('composer-hint');
    await composer().fill('a follow-up typed while the agent answers');
    await expect.poll(() => hint.textContent()).toMatch(/still answering.*sent when the reply ends/);
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Stop' }).click();
    await waitForReplyStatus('CANCELLED', 30_000);
    await page.getByText('Stopped. The partial reply is kept').waitFor();
    // The turn ended: the warning is gone and the kept message can be sent.
    await expect.poll(() => hint.textContent()).not.toMatch(/still answering/);
    expect(await composer().inputValue()).toBe('a follow-up typed while the agent answers');
    expect(await page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(false);
    await composer().fill('');
    const stopped = await lastReplyText();
    expect(stopped.startsWith('tok1 tok2 tok3')).toBe(true);
    expect(stopped).not.toContain('tok400');
    await page.waitForTimeout(700);
    expect(await lastReplyText()).toBe(stopped);
    expect(await page.getByRole('button', { name: 'Stop' }).count()).toBe(0);
    await expectAccessible('session with a stopped reply');
    await shot('07-stopped');
  });

  it('counts the tokens a stopped turn used', async () => {
    const tokens = async () => Number(((await page.getByTestId('session-tokens').textContent()) ?? '').replace(/\D/g, ''));
    const before = await tokens();
    expect(Number.isFinite(before)).toBe(true);
    await send('/tool sleep 30');
    await page.locator('details.tool').filter({ hasText: 'sleep 30' }).last().waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByText('Stopped. The partial reply is kept').waitFor({ timeout: 30_000 });
    // The model step that asked for the command was paid for, although the turn was stopped.
    await expect.poll(tokens, { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it('shows a failed turn as an error with a way to try again, and keeps it in the transcript', async () => {
    await send('/fail');
    const alert = page.getByRole('alert').filter({ hasText: 'could not finish' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain('failed on purpose');
    expect(await alert.getByRole('button', { name: 'Try again' }).count()).toBe(1);
    const inTranscript = page.getByTestId('turn-error').filter({ hasText: 'failed on purpose' });
    await inTranscript.waitFor();
    await expectAccessible('session with a failed turn');
    await shot('07b-failed-turn');
    // A later turn replaces the banner, not the record of the failure.
    const before = await assistantCount();
    await send('after the failure');
    await waitForNewReply(before);
    await waitForReplyStatus('COMPLETE');
    expect(await alert.count()).toBe(0);
    expect(await inTranscript.count()).toBe(1);
  });

  it('shows the event timeline and works on a phone-width screen', async () => {
    await page.getByRole('tab', { name: 'Events' }).click();
    // How many events the earlier turns stored depends on the machine's pace: page on until the cancelled turn shows.
    const cancelled = page.getByText('turn.cancelled').first();
    const more = page.getByRole('button', { name: 'Load more events' });
    await page.locator('.timeline li').first().waitFor();
    for (let pages = 0; pages < 10 && !(await cancelled.isVisible()) && (await more.isVisible()); pages++) {
      const count = await page.locator('.events-bar > span').textContent();
      await more.click();
      await page.waitForFunction((before) => document.querySelector('.events-bar > span')?.textContent !== before, count);
    }
    await cancelled.waitFor();
    await expectAccessible('session events');
    await shot('08-events');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('tab', { name: 'Chat' }).click();
    await composer().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(1);
    await shot('09-phone');
    await page.setViewportSize({ width: 1280, height: 860 });
  });
  it('finishes a reply exactly once after a reload mid-stream', async () => {
    const before = await assistantCount();
    await send('/long 200 rate=40');
    await waitForNewReply(before);
    await waitForReplyToContain('tok25 ');
    // What a reloading page is told, to explain a failure below.
    const api = await sessionSeqs(decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!));
    process.stdout.write(
      `[e2e] mid-turn the API reports Session.lastSeq=${api.lastSeq}, newest stored event seq=${api.newestSeq}` +
        (api.lastSeq > api.newestSeq ? ' (ahead of the log: the page resumes from the running turn found in the event log)\n' : '\n'),
    );
    await page.reload();
    await composer().waitFor();
    try {
      await waitForReplyStatus('COMPLETE', 30_000);
    } catch {
      throw new Error(
        `The reply did not finish after the reload. Mid-turn the API reported Session.lastSeq=${api.lastSeq} ` +
          `while the newest stored event was seq ${api.newestSeq}. ` +
          `Reply text now: "${(await lastReplyText()).slice(-80)}"`,
      );
    }
    const text = await lastReplyText();
    expect(text).toBe(expectedLong(200));
    // Exactly one reply holds it, and nothing was appended twice anywhere.
    const replies = await assistant().locator('.md').allTextContents();
    expect(replies.filter((r) => r.includes('tok200')).length).toBe(1);
    for (const reply of replies.filter((r) => r.startsWith('tok1 '))) {
      const tokens = reply.split(' ');
      expect(tokens).toEqual(tokens.map((_, i) => `tok${i + 1}`));
    }
    // What earlier turns produced is still there after a reload: reasoning and failures.
    expect(await page.locator('details.msg-thinking').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('turn-error').filter({ hasText: 'failed on purpose' }).count()).toBe(1);
    await shot('10-after-reload');
  });

  it("renders the agent's GitHub-flavoured Markdown and never runs or renders HTML from it", async () => {
    const before = await assistantCount();
    // The offline mock echoes the message, so this is exactly what an agent could emit.
    await send(
      'Table:\n\n| tool | ok |\n| :-- | --: |\n| `ls` | <img src=x onerror="document.title=\'xss\'"> |\n\n' +
        "- [x] ~~done~~, see www.example.com\n\n[click](javascript:document.title='xss')\n\n<script>document.title='xss'</script>",
    );
    await waitForNewReply(before);
    await waitForReplyStatus('COMPLETE');
    const reply = assistant().last().locator('.md');
    expect(await reply.locator('th').allTextContents()).toEqual(['tool', 'ok']);
    expect(await reply.locator('td code').textContent()).toBe('ls');
    expect(await reply.locator('td').nth(1).textContent()).toContain('<img src=x onerror=');
    expect(await reply.locator('li input[type="checkbox"][disabled]').isChecked()).toBe(true);
    expect(await reply.locator('li del').textContent()).toBe('done');
    expect(await reply.getByText('click').count()).toBe(1);
    expect(await reply.locator('img, script, iframe, [onerror], a[href^="javascript"]').count()).toBe(0);
    expect(await reply.textContent()).toContain("<script>document.title='xss'</script>");
    expect(await reply.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(['http://www.example.com/']);
    expect(await page.title()).not.toBe('xss');
    await shot('11-markdown');
    await expectAccessible('chat with a Markdown table');
  });

  it('says "not found" for an unknown or malformed session or agent id in the URL', async () => {
    const unknownUuid = '018f0000-0000-7000-8000-000000000000';
    for (const [path, title] of [
      ['/sessions/not-a-session-id', 'Session not found'],
      [`/sessions/${Buffer.from(`Session:${unknownUuid}`).toString('base64url')}`, 'Session not found'],
      ['/agents/not-an-agent-id', 'Agent not found'],
      [`/agents/${Buffer.from(`Agent:${unknownUuid}`).toString('base64url')}`, 'Agent not found'],
      ['/agents/not-an-agent-id/edit', 'Agent not found'],
    ] as const) {
      await page.goto(`${paddock.url}${path}`);
      await page.getByRole('heading', { name: title }).waitFor();
      const text = (await page.locator('main').textContent()) ?? '';
      expect(text, path).not.toMatch(/Paddock ID|`id` field|Check your input/);
    }
    await expectAccessible('not found');
    await page.goto(`${paddock.url}/sessions`);
    await page.getByRole('heading', { name: 'Sessions', exact: true }).waitFor();
    await expectAccessible('sessions');
  });

  it('edits an agent (replacing a secret) and deletes another after confirming', async () => {
    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('link', { name: 'e2e-chat' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Description').waitFor();
    await expectAccessible('edit agent');
    await page.getByLabel('Description').fill('Edited by the browser test');
    await page.getByRole('button', { name: 'Replace SERVICE_TOKEN' }).click();
    await page.getByLabel('New value for SERVICE_TOKEN').fill('rotated-value');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Edited by the browser test').waitFor();
    expect((await page.locator('main').textContent()) ?? '').not.toContain('rotated-value');

    await page.getByRole('link', { name: 'Agents', exact: true }).click();
    await page.getByRole('link', { name: 'New agent' }).first().click();
    await page.getByLabel('Name', { exact: true }).fill('short-lived');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByRole('heading', { name: 'short-lived' }).waitFor();
    await page.getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete short-lived?' });
    await dialog.waitFor();
    await expectAccessible('delete dialog');
    await shot('11-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete agent' }).click();
    await page.waitForURL(/\/agents$/);
    await page.getByRole('link', { name: 'e2e-chat' }).waitFor();
    expect(await page.getByRole('link', { name: 'short-lived' }).count()).toBe(0);
    await expectAccessible('agents');
    await page.getByLabel('Search agents').fill('nothing-matches-this');
    await page.getByText('No agents match').waitFor();
  });

  it('holds a tool call for approval: a badge, an approval card, and the call runs once approved', async () => {
    const { createAgent } = await adminGraphql<{ createAgent: { id: string } }>(`mutation($in: CreateAgentInput!) { createAgent(input: $in) { id } }`, {
      in: { name: 'e2e-careful', harness: 'chat', toolPolicy: [{ tool: 'run_command', commandPattern: 'echo ask*', action: 'ASK' }] },
    });
    const { createSession } = await adminGraphql<{ createSession: { id: string } }>(
      `mutation($a: ID!) { createSession(input: { agentId: $a, title: "Approvals" }) { id } }`,
      {
        a: createAgent.id,
      },
    );
    await page.goto(`${paddock.url}/sessions/${encodeURIComponent(createSession.id)}`);
    await composer().waitFor();
    await send('/tool echo ask-from-the-browser');
    const card = page.getByTestId('approval-card');
    await card.waitFor({ timeout: 60_000 });
    expect(await card.textContent()).toContain('echo ask-from-the-browser');
    await page.locator('[data-status="AWAITING_APPROVAL"]').first().waitFor();
    await expectAccessible('session awaiting approval');
    await shot('12-approval-card');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    await waitForReplyToContain('ask-from-the-browser', 60_000);
    await waitForReplyStatus('COMPLETE');
  });

  it('shows the team, audit log, schedules, triggers and webhooks pages with what the API holds', async () => {
    const { agents } = await adminGraphql<{ agents: { edges: { node: { id: string } }[] } }>('{ agents(first: 1) { edges { node { id } } } }');
    const agentId = agents.edges[0]!.node.id;
    await adminGraphql('mutation($in: CreateScheduleInput!) { createSchedule(input: $in) { id } }', {
      in: { agentId, name: 'e2e-nightly', cron: '0 3 * * *', prompt: 'Summarise the day' },
    });
    await adminGraphql('mutation($in: CreateTriggerInput!) { createTrigger(input: $in) { trigger { id } } }', {
      in: { agentId, name: 'e2e-hook', kind: 'HTTP', prompt: 'Handle {{body}}' },
    });
    for (const [path, heading, shown] of [
      ['/team', null, 'e2e-chat'],
      ['/audit', 'Audit log', 'agent.create'],
      ['/schedules', 'Schedules', 'e2e-nightly'],
      ['/triggers', 'Triggers', 'e2e-hook'],
      // A webhook's URL must resolve, which nothing does offline.
      ['/webhooks', 'Webhooks', 'No webhooks yet'],
    ] as const) {
      await page.goto(`${paddock.url}${path}`);
      if (heading) await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.locator('main').getByText(shown).first().waitFor();
      // Each page's own query is within the API's limits: no error in place of the page.
      expect(await page.getByRole('alert').allTextContents(), path).toEqual([]);
      await expectAccessible(path.slice(1));
    }
  });

  it('signs out with an explanation when the API key is revoked', async () => {
    const { viewer } = await adminGraphql<{ viewer: { team: { id: string } } }>('{ viewer { team { id } } }');
    const { createApiKey } = await adminGraphql<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }',
      { input: { teamId: viewer.team.id, name: 'e2e-member', role: 'MEMBER' } },
    );
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
    expect(await page.evaluate(() => window.sessionStorage.getItem('paddock.apiKey'))).toBeNull();
    await page.getByLabel('API key').fill(createApiKey.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // Back where the admin signed out, now as the member.
    await page.getByText('e2e-member · Member').waitFor();
    await adminGraphql('mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }', { id: createApiKey.apiKey.id });
    // The revocation closes the page's live socket, which may sign it out before the next request does;
    // the click is that next request, and finds no link when the socket was first.
    await page
      .getByRole('link', { name: 'Sessions', exact: true })
      .click({ timeout: 5_000 })
      .catch(() => undefined);
    await page.waitForURL(/\/sign-in/, { timeout: 15_000 });
    await page.getByText('no longer accepts your API key').waitFor();
    await expectAccessible('sign-in after revocation');
    expect(await page.evaluate(() => window.sessionStorage.getItem('paddock.apiKey'))).toBeNull();
    await shot('12-revoked');
  });
});
