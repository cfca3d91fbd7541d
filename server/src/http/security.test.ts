import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { schema } from '../graphql/schema.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { startHttpServer, type HttpServer } from './server.ts';
import { describeError } from './yoga.ts';

let t: TestPlatform;
let open: HttpServer;
let dashboardDir: string;

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
  dashboardDir = await mkdtemp(path.join(os.tmpdir(), 'paddock-dashboard-'));
  await writeFile(path.join(dashboardDir, 'index.html'), '<!doctype html><script type="module" src="/assets/app.js"></script>');
  // A second server over the same services, as configured with PADDOCK_PUBLIC_INTROSPECTION=true and a dashboard.
  const services = t.platform.services;
  open = await startHttpServer({
    schema,
    services: { ...services, config: { ...services.config, publicIntrospection: true, corsOrigins: [] } },
    databaseUrl: t.platform.databaseUrl,
    port: 0,
    host: '127.0.0.1',
    dashboardDir,
  });
});
afterAll(async () => {
  await open.close();
  await t.close();
  await rm(dashboardDir, { recursive: true, force: true });
});

const preflight = (origin: string) =>
  fetch(`${t.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

describe('network defaults', () => {
  it('binds 127.0.0.1 unless HOST is set', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('names the variable when PADDOCK_CORS_ORIGINS is malformed', () => {
    expect(() => loadConfig({ PADDOCK_CORS_ORIGINS: 'app.example.com' })).toThrow(/PADDOCK_CORS_ORIGINS.*must be a comma-separated list of origins/);
  });

  it('allows CORS only for configured origins', async () => {
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');

    for (const origin of ['https://evil.example.net', 'null', 'https://app.example.com.evil.net']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: '{"query":"{ __typename }"}',
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('sends no CORS headers at all when no origin is configured', async () => {
    const res = await fetch(`${open.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('security headers', () => {
  it('serves the dashboard with a CSP without inline scripts, nosniff and frame denial', async () => {
    const res = await fetch(`${open.url}/agents`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('serves GraphiQL with its inline scripts allowed by hash only', async () => {
    const res = await fetch(`${t.url}/graphql`, { headers: { accept: 'text/html' } });
    const page = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline) expect(csp).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('introspection', () => {
  it('is open to anonymous clients only with PADDOCK_PUBLIC_INTROSPECTION=true', async () => {
    const body = JSON.stringify({ query: getIntrospectionQuery() });
    const closed = await (await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json();
    expect((closed as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
    const opened = (await (await fetch(`${open.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).json()) as {
      data: { __schema: unknown };
    };
    expect(opened.data.__schema).toBeTruthy();
    // Everything else still needs a key.
    const agents = (await (
      await fetch(`${open.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ agents { edges { cursor } } }"}',
      })
    ).json()) as {
      errors: { extensions: { code: string } }[];
    };
    expect(agents.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('logs', () => {
  it('describe database errors without quoting the calling source', async () => {
    const db = t.platform.services.db;
    const error = await db.team.create({ data: { id: 'not-a-uuid', name: 'x\u0000y' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const described = describeError(error);
    expect(JSON.stringify(described)).not.toMatch(/security\.test\.ts|invocation in|→/);
    expect(described).not.toHaveProperty('stack');
    expect(String(described.message)).not.toContain('\n');
  });
});
