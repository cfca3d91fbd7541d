import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AGENT_SANDBOX_VERSION, FETCHED_CRD_DIR, locateCrds } from './crds.ts';

const run = promisify(execFile);
const SERVER_DIR = path.resolve(import.meta.dirname, '../..');
const FETCH_CRDS = path.resolve(SERVER_DIR, '../bin/fetch-crds.sh');
const CRD_FILES = [
  'agents.x-k8s.io_sandboxes.yaml',
  'extensions.agents.x-k8s.io_sandboxclaims.yaml',
  'extensions.agents.x-k8s.io_sandboxtemplates.yaml',
  'extensions.agents.x-k8s.io_sandboxwarmpools.yaml',
];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'paddock-crds-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function dirWithCrd(name: string): Promise<string> {
  const dir = path.join(scratch, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'x.yaml'), 'kind: CustomResourceDefinition\n');
  return dir;
}

describe('finding the agent-sandbox CRDs', () => {
  it('uses PADDOCK_AGENT_SANDBOX_CRDS, else the fetched folder, else the shared reference copy', async () => {
    const explicit = await dirWithCrd('explicit');
    const fetched = await dirWithCrd('fetched');
    const shared = await dirWithCrd('shared');
    const missing = path.join(scratch, 'missing');
    expect(locateCrds({ PADDOCK_AGENT_SANDBOX_CRDS: explicit }, [fetched, shared])).toEqual({ found: true, dir: explicit });
    expect(locateCrds({}, [fetched, shared])).toEqual({ found: true, dir: fetched });
    expect(locateCrds({}, [missing, shared])).toEqual({ found: true, dir: shared });
    // The fetched folder is per pinned release, so bumping the pin never reuses old CRDs.
    expect(AGENT_SANDBOX_VERSION).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(FETCHED_CRD_DIR.split(path.sep)).toContain(AGENT_SANDBOX_VERSION);
  });

  it('says why and what to do when there are none', async () => {
    const shared = await dirWithCrd('shared-too');
    const nowhere = path.join(scratch, 'nowhere');
    // A PADDOCK_AGENT_SANDBOX_CRDS that holds nothing is reported, not silently replaced.
    const wrong = locateCrds({ PADDOCK_AGENT_SANDBOX_CRDS: nowhere }, [shared]);
    expect(wrong.found).toBe(false);
    if (!wrong.found) expect(wrong.reason).toMatch(new RegExp(`PADDOCK_AGENT_SANDBOX_CRDS=${nowhere} holds no \\.yaml files.*bin/fetch-crds\\.sh`));
    const none = locateCrds({}, [nowhere, path.join(scratch, 'also-nowhere')]);
    expect(none.found).toBe(false);
    if (!none.found) {
      expect(none.reason).toContain(`${nowhere} or ${path.join(scratch, 'also-nowhere')}`);
      expect(none.reason).toContain('bin/fetch-crds.sh');
      expect(none.reason).toContain(AGENT_SANDBOX_VERSION);
    }
  });

  it('without CRDs, reports the CRD validations as skipped with the reason and runs everything else', async () => {
    const nowhere = path.join(scratch, 'no-crds-here');
    const report = path.join(scratch, 'report.json');
    const files = ['test/fake-kube/fake-kube.test.ts', 'src/sandbox/kubernetes/manifests/manifests.test.ts', 'src/cli/sandbox.test.ts'];
    const child = await run(
      path.join(SERVER_DIR, 'node_modules/.bin/vitest'),
      ['run', ...files, '--reporter=verbose', '--reporter=json', `--outputFile.json=${report}`],
      {
        cwd: SERVER_DIR,
        // Reuses this run's PostgreSQL server; no other Paddock setting leaks in.
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          PADDOCK_AGENT_SANDBOX_CRDS: nowhere,
          PADDOCK_TEST_DATABASE_URL: inject('paddockTestDb').serverUrl,
        },
        maxBuffer: 16 * 1024 * 1024,
      },
    ).catch((error: { stdout?: string; stderr?: string }) => {
      throw new Error(`the nested test run failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
    });
    const results = JSON.parse(await readFile(report, 'utf8')) as { testResults: { assertionResults: { title: string; status: string }[] }[] };
    const byStatus = (status: string) => results.testResults.flatMap((f) => f.assertionResults.filter((a) => a.status === status).map((a) => a.title));
    expect(byStatus('failed')).toEqual([]);
    expect(byStatus('skipped').sort()).toEqual(
      [
        'applies the CRD schema defaults, as the API server does',
        'serves the agent-sandbox kinds as their CRDs declare them',
        'rejects objects that fail the upstream CRD schema, with the field named',
        'validate against the upstream CRDs and the core schemas, with every optional feature on',
        'prints only objects the agent-sandbox CRDs and the core schemas accept',
      ].sort(),
    );
    // Everything else in those files ran, including what needs the fake cluster.
    expect(byStatus('passed')).toEqual(
      expect.arrayContaining([
        'rejects invalid names and labels, and core objects that fail their schema',
        'patches by merge, strategic merge (as merge), JSON patch and server-side apply',
        'build a locked-down pod from the harness definition',
        'renders exactly the template the driver applies',
      ]),
    );
    expect(byStatus('passed').length).toBeGreaterThan(15);
    // The reason is printed beside each skipped test.
    expect(child.stdout).toContain(`[agent-sandbox CRDs not found: PADDOCK_AGENT_SANDBOX_CRDS=${nowhere} holds no .yaml files`);
  }, 240_000);
});

describe('bin/fetch-crds.sh', () => {
  let server: Server;
  let base: string;
  const requests: string[] = [];
  let broken = '';

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const file = path.basename(req.url ?? '');
      if (!CRD_FILES.includes(file) || file === broken) return res.writeHead(404).end('404: Not Found');
      res.end(`apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${file}\n`);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/k8s/crds`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const fetchCrds = (env: Record<string, string>, args: string[] = []) =>
    run(FETCH_CRDS, args, { env: { PATH: process.env.PATH, ...env } }).then(
      (r) => ({ code: 0, stderr: r.stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );

  it('downloads every CRD of the release into PADDOCK_AGENT_SANDBOX_CRDS, where the tests find them', async () => {
    const dest = path.join(scratch, 'fetched', 'crds');
    const result = await fetchCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest, PADDOCK_AGENT_SANDBOX_CRDS_URL: base });
    expect(result).toMatchObject({ code: 0 });
    expect((await readdir(dest)).sort()).toEqual([...CRD_FILES].sort());
    expect(locateCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest })).toEqual({ found: true, dir: dest });

    // A second run keeps what is there; --force fetches again.
    requests.length = 0;
    expect((await fetchCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest, PADDOCK_AGENT_SANDBOX_CRDS_URL: base })).stderr).toContain('already in');
    expect(requests).toEqual([]);
    expect(await fetchCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest, PADDOCK_AGENT_SANDBOX_CRDS_URL: base }, ['--force'])).toMatchObject({ code: 0 });
    expect(requests).toHaveLength(CRD_FILES.length);
  });

  it('fails with what to do when it cannot download, leaving nothing half-written', async () => {
    const dest = path.join(scratch, 'unreachable', 'crds');
    // A port nothing listens on: refused at once, like a machine without a route to GitHub.
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const refused = await fetchCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest, PADDOCK_AGENT_SANDBOX_CRDS_URL: `http://127.0.0.1:${port}/crds` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`could not download http://127.0.0.1:${port}/crds/${CRD_FILES[0]}`);
    expect(refused.stderr).toContain('PADDOCK_AGENT_SANDBOX_CRDS');
    expect(refused.stderr).not.toMatch(/^\s+at /m);
    expect(existsSync(dest)).toBe(false);

    broken = CRD_FILES[2]!;
    const partial = await fetchCrds({ PADDOCK_AGENT_SANDBOX_CRDS: dest, PADDOCK_AGENT_SANDBOX_CRDS_URL: base });
    broken = '';
    expect(partial.code).toBe(1);
    expect(partial.stderr).toContain(`${base}/${CRD_FILES[2]}`);
    expect(existsSync(dest)).toBe(false);

    const usage = await fetchCrds({}, ['--bogus']);
    expect(usage).toMatchObject({ code: 1, stderr: expect.stringContaining('usage: bin/fetch-crds.sh [--force]') });
  });
});
