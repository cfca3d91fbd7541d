import { ApiException, CoreV1Api, CustomObjectsApi, PatchStrategy, Watch, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needsCrds } from './crds.ts';
import { startFakeKube, type FakeKube } from './index.ts';
import { AGENT_SANDBOX_KINDS, loadCrds } from './schemas.ts';

/**
 * The fake API server is only worth something if the real client library accepts it
 * and it rejects what a real cluster would: these tests talk to it through
 * @kubernetes/client-node exactly as Paddock does.
 */
let fake: FakeKube;
let core: CoreV1Api;
let custom: CustomObjectsApi;
const ns = 'proto';
const EXT = { group: 'extensions.agents.x-k8s.io', version: 'v1beta1' };
const SB = { group: 'agents.x-k8s.io', version: 'v1beta1', plural: 'sandboxes' };

const podTemplate = { spec: { containers: [{ name: 'c', image: 'busybox' }] } };
const sandbox = (name: string, labels: Record<string, string> = {}) => ({
  apiVersion: 'agents.x-k8s.io/v1beta1',
  kind: 'Sandbox',
  metadata: { name, labels },
  spec: { podTemplate },
});

async function status(promise: Promise<unknown>): Promise<{ code: number; body: { kind: string; reason: string; message: string; code: number } }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = (typeof error.body === 'string' ? JSON.parse(error.body) : error.body) as { kind: string; reason: string; message: string; code: number };
      return { code: error.code, body };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  // No controller: these tests are about the API server alone.
  fake = await startFakeKube({ controller: false });
  core = fake.kubeConfig().makeApiClient(CoreV1Api);
  custom = fake.kubeConfig().makeApiClient(CustomObjectsApi);
  await core.createNamespace({ body: { metadata: { name: ns } } });
});
afterAll(async () => {
  await fake?.close();
});

describe('REST', () => {
  it('creates with generateName, reads back server fields, and answers 404/409 with Status objects', async () => {
    const created = (await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: { ...sandbox(''), metadata: { generateName: 'pool-' } } })) as {
      metadata: { name: string; uid: string; resourceVersion: string; generation: number; creationTimestamp: string };
    };
    expect(created.metadata.name).toMatch(/^pool-[a-z0-9]{5}$/);
    expect(created.metadata).toMatchObject({ generation: 1 });
    expect(created.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);

    const missing = await status(custom.getNamespacedCustomObject({ ...SB, namespace: ns, name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404, message: 'sandboxes.agents.x-k8s.io "nope" not found' });

    const again = await status(custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: { ...sandbox(created.metadata.name) } }));
    expect(again).toMatchObject({ code: 409, body: { reason: 'AlreadyExists' } });

    const nowhere = await status(custom.createNamespacedCustomObject({ ...SB, namespace: 'no-such-namespace', body: sandbox('x') }));
    expect(nowhere).toMatchObject({ code: 404, body: { message: 'namespaces "no-such-namespace" not found' } });
  });

  it('applies the CRD schema defaults, as the API server does', async (ctx) => {
    needsCrds(ctx);
    const created = (await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('defaults') })) as { spec: { operatingMode: string } };
    expect(created.spec.operatingMode).toBe('Running');
  });

  it('serves the agent-sandbox kinds as their CRDs declare them', (ctx) => {
    needsCrds(ctx);
    const declared = loadCrds()
      .filter((crd) => crd.version === 'v1beta1')
      .map(({ schema: _schema, ...kind }) => kind);
    expect(declared).toEqual(expect.arrayContaining([...AGENT_SANDBOX_KINDS]));
    expect(declared).toHaveLength(AGENT_SANDBOX_KINDS.length);
  });

  it('rejects objects that fail the upstream CRD schema, with the field named', async (ctx) => {
    needsCrds(ctx);
    const claim = await status(
      custom.createNamespacedCustomObject({
        ...EXT,
        plural: 'sandboxclaims',
        namespace: ns,
        body: { apiVersion: 'extensions.agents.x-k8s.io/v1beta1', kind: 'SandboxClaim', metadata: { name: 'c1' }, spec: {} },
      }),
    );
    expect(claim).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
    expect(claim.body.message).toContain("spec: must have required property 'warmPoolRef'");

    const typo = await status(
      custom.createNamespacedCustomObject({
        ...EXT,
        plural: 'sandboxwarmpools',
        namespace: ns,
        body: {
          apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
          kind: 'SandboxWarmPool',
          metadata: { name: 'p' },
          spec: { sandboxTemplateRef: { name: 't' }, replica: 2 },
        },
      }),
    );
    expect(typo.body.message).toContain('unknown field "replica"');

    const badEnum = await status(
      custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: { ...sandbox('s-enum'), spec: { podTemplate, operatingMode: 'Paused' } } }),
    );
    expect(badEnum.body.message).toContain('spec.operatingMode: must be equal to one of the allowed values');

    await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('s-status') });
    const badStatus = await status(
      custom.patchNamespacedCustomObjectStatus(
        { ...SB, namespace: ns, name: 's-status', body: { status: { conditions: [{ type: 'Ready', status: 'Maybe' }] } } },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
      ),
    );
    expect(badStatus).toMatchObject({ code: 422, body: { reason: 'Invalid' } });
  });

  it('rejects invalid names and labels, and core objects that fail their schema', async () => {
    const badLabel = await status(
      custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('s-label', { 'paddock.dev/x': 'not a valid value!' }) }),
    );
    expect(badLabel.body.message).toContain('metadata.labels');

    const badName = await status(custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('9-starts-with-digit') }));
    expect(badName.body.message).toContain('DNS-1035');

    const badPolicy = await status(
      fake
        .kubeConfig()
        .makeApiClient(CoreV1Api)
        .createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'bad' }, data: { 'no spaces allowed': 'eA==' } } }),
    );
    expect(badPolicy.code).toBe(422);
  });

  it('lists with label and field selectors and pages with limit/continue', async () => {
    for (const [name, tier] of [
      ['l-a', 'gold'],
      ['l-b', 'silver'],
      ['l-c', 'gold'],
    ] as const) {
      await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox(name, { tier, suite: 'list' }) });
    }
    const names = async (opts: { labelSelector?: string; fieldSelector?: string }) =>
      ((await custom.listNamespacedCustomObject({ ...SB, namespace: ns, ...opts })) as { items: { metadata: { name: string } }[] }).items.map(
        (i) => i.metadata.name,
      );
    expect(await names({ labelSelector: 'suite=list,tier=gold' })).toEqual(['l-a', 'l-c']);
    expect(await names({ labelSelector: 'suite=list,tier!=gold' })).toEqual(['l-b']);
    expect(await names({ labelSelector: 'suite=list,tier in (silver, bronze)' })).toEqual(['l-b']);
    expect(await names({ labelSelector: 'suite,!absent' })).toEqual(['l-a', 'l-b', 'l-c']);
    expect(await names({ fieldSelector: 'metadata.name=l-b' })).toEqual(['l-b']);
    const unsupported = await status(custom.listNamespacedCustomObject({ ...SB, namespace: ns, fieldSelector: 'spec.operatingMode=Running' }));
    expect(unsupported).toMatchObject({ code: 400, body: { reason: 'BadRequest' } });

    const first = (await custom.listNamespacedCustomObject({ ...SB, namespace: ns, labelSelector: 'suite=list', limit: 2 })) as {
      items: unknown[];
      metadata: { continue?: string };
    };
    expect(first.items).toHaveLength(2);
    expect(first.metadata.continue).toBeTruthy();
    const second = (await custom.listNamespacedCustomObject({
      ...SB,
      namespace: ns,
      labelSelector: 'suite=list',
      limit: 2,
      _continue: first.metadata.continue,
    })) as { items: unknown[]; metadata: { continue?: string } };
    expect(second.items).toHaveLength(1);
    expect(second.metadata.continue).toBeUndefined();
  });

  it('patches by merge, strategic merge (as merge), JSON patch and server-side apply', async () => {
    await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('p1', { keep: 'yes' }) });
    const patch = (body: unknown, type: string, extra: Record<string, unknown> = {}) =>
      custom.patchNamespacedCustomObject({ ...SB, namespace: ns, name: 'p1', body, ...extra }, setHeaderOptions('Content-Type', type)) as Promise<{
        metadata: { labels: Record<string, string>; generation: number; resourceVersion: string };
        spec: { operatingMode: string; shutdownTime?: string };
      }>;
    const merged = await patch({ metadata: { labels: { added: 'm' } }, spec: { operatingMode: 'Suspended' } }, PatchStrategy.MergePatch);
    expect(merged.metadata.labels).toEqual({ keep: 'yes', added: 'm' });
    expect(merged.spec.operatingMode).toBe('Suspended');
    expect(merged.metadata.generation).toBe(2);

    const strategic = await patch({ metadata: { labels: { added: null } } }, PatchStrategy.StrategicMergePatch);
    expect(strategic.metadata.labels).toEqual({ keep: 'yes' });
    expect(strategic.metadata.generation).toBe(2); // metadata-only change

    const json = await patch(
      [
        { op: 'replace', path: '/spec/operatingMode', value: 'Running' },
        { op: 'add', path: '/metadata/labels/j', value: 'p' },
      ],
      PatchStrategy.JsonPatch,
    );
    expect(json.spec.operatingMode).toBe('Running');
    expect(json.metadata.labels.j).toBe('p');
    const failedTest = await status(patch([{ op: 'test', path: '/spec/operatingMode', value: 'Suspended' }], PatchStrategy.JsonPatch));
    expect(failedTest.code).toBe(409);

    const stale = await status(patch({ metadata: { resourceVersion: '1' }, spec: { operatingMode: 'Suspended' } }, PatchStrategy.MergePatch));
    expect(stale).toMatchObject({ code: 409, body: { reason: 'Conflict' } });

    const applied = {
      apiVersion: 'agents.x-k8s.io/v1beta1',
      kind: 'Sandbox',
      metadata: { name: 'p2', labels: { owner: 'ssa' } },
      spec: { podTemplate, shutdownTime: '2030-01-01T00:00:00Z' },
    };
    const apply = (body: unknown) =>
      custom.patchNamespacedCustomObject(
        { ...SB, namespace: ns, name: 'p2', body, fieldManager: 'paddock', force: true },
        setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply),
      ) as Promise<{
        metadata: { labels: Record<string, string> };
        spec: { shutdownTime?: string };
      }>;
    expect((await apply(applied)).spec.shutdownTime).toBe('2030-01-01T00:00:00Z');
    // Another writer's label survives; a field the manager stops applying is removed.
    await patch({ metadata: { labels: { other: 'writer' } } }, PatchStrategy.MergePatch, {}).catch(() => undefined);
    await custom.patchNamespacedCustomObject(
      { ...SB, namespace: ns, name: 'p2', body: { metadata: { labels: { other: 'writer' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const reapplied = await apply({ ...applied, spec: { podTemplate } });
    expect(reapplied.spec.shutdownTime).toBeUndefined();
    expect(reapplied.metadata.labels).toEqual({ owner: 'ssa', other: 'writer' });
  });

  it('keeps status out of main-resource writes and spec out of status writes; bumps generation on spec only', async () => {
    const created = (await custom.createNamespacedCustomObject({
      ...SB,
      namespace: ns,
      body: { ...sandbox('st1'), spec: { podTemplate, operatingMode: 'Running' }, status: { podIPs: ['1.2.3.4'] } },
    })) as {
      status?: unknown;
    };
    expect(created.status).toBeUndefined();
    const withStatus = (await custom.patchNamespacedCustomObjectStatus(
      { ...SB, namespace: ns, name: 'st1', body: { status: { podIPs: ['10.0.0.1'] }, spec: { operatingMode: 'Suspended' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { status: { podIPs: string[] }; spec: { operatingMode: string }; metadata: { generation: number } };
    expect(withStatus.status.podIPs).toEqual(['10.0.0.1']);
    expect(withStatus.spec.operatingMode).toBe('Running');
    expect(withStatus.metadata.generation).toBe(1);
  });

  it('deletes dependents through ownerReferences in the background', async () => {
    const owner = (await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('owner') })) as { metadata: { uid: string } };
    await core.createNamespacedSecret({
      namespace: ns,
      body: {
        metadata: {
          name: 'owned',
          ownerReferences: [{ apiVersion: 'agents.x-k8s.io/v1beta1', kind: 'Sandbox', name: 'owner', uid: owner.metadata.uid, controller: true }],
        },
        stringData: { a: 'b' },
      },
    });
    const secret = await core.readNamespacedSecret({ namespace: ns, name: 'owned' });
    expect(secret.data?.a).toBe(Buffer.from('b').toString('base64'));
    await custom.deleteNamespacedCustomObject({ ...SB, namespace: ns, name: 'owner' });
    await new Promise((r) => setTimeout(r, 50));
    expect((await status(core.readNamespacedSecret({ namespace: ns, name: 'owned' }))).code).toBe(404);
  });
});

describe('watch', () => {
  it('streams changes after a resourceVersion, and 410 Gone once compacted', async () => {
    const list = (await custom.listNamespacedCustomObject({ ...SB, namespace: ns })) as { metadata: { resourceVersion: string } };
    const events: string[] = [];
    const watch = new Watch(fake.kubeConfig());
    const controller = await watch.watch(
      `/apis/agents.x-k8s.io/v1beta1/namespaces/${ns}/sandboxes`,
      { resourceVersion: list.metadata.resourceVersion, labelSelector: 'suite=watch' },
      (type, object: { metadata: { name: string } }) => events.push(`${type} ${object.metadata.name}`),
      () => undefined,
    );
    await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('w1', { suite: 'watch' }) });
    await custom.createNamespacedCustomObject({ ...SB, namespace: ns, body: sandbox('w-other', { suite: 'other' }) });
    await custom.patchNamespacedCustomObject(
      { ...SB, namespace: ns, name: 'w1', body: { spec: { operatingMode: 'Suspended' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    // Leaving the selector looks like a deletion to this watcher.
    await custom.patchNamespacedCustomObject(
      { ...SB, namespace: ns, name: 'w1', body: { metadata: { labels: { suite: 'gone' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    expect(events).toEqual(['ADDED w1', 'MODIFIED w1', 'DELETED w1']);

    // Resuming from that version replays the same history...
    const replay: string[] = [];
    const again = await watch.watch(
      `/apis/agents.x-k8s.io/v1beta1/namespaces/${ns}/sandboxes`,
      { resourceVersion: list.metadata.resourceVersion, labelSelector: 'suite=watch' },
      (type, o: { metadata: { name: string } }) => replay.push(`${type} ${o.metadata.name}`),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 100));
    again.abort();
    expect(replay).toEqual(events);

    // ...until the history is compacted away.
    fake.store.compact();
    const gone: { type: string; code?: number }[] = [];
    await new Promise<void>((resolve) => {
      void watch.watch(
        `/apis/agents.x-k8s.io/v1beta1/namespaces/${ns}/sandboxes`,
        { resourceVersion: list.metadata.resourceVersion },
        (type, o: { code?: number }) => gone.push({ type, code: o.code }),
        () => resolve(),
      );
    });
    expect(gone).toEqual([{ type: 'ERROR', code: 410 }]);
  });

  it('requires the bearer token', async () => {
    const res = await fetch(`${fake.url}/api/v1/namespaces`).catch((e: Error) => e);
    // Self-signed TLS: plain fetch refuses it, which is the point of certificate-authority-data.
    expect(res).toBeInstanceOf(Error);
  });
});
