import { RuntimeClient } from '@paddock/harness-runtime/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driverFor, newAgent, noReport, settingsFor, specFor, TEST_EGRESS_CA, waitUntil } from '../../../test/fake-kube/driver-harness.ts';
import { startFakeKube, type FakeKube, type KObject } from '../../../test/fake-kube/index.ts';
import { SandboxError } from '../driver.ts';
import type { KubernetesSandboxDriver } from './driver.ts';
import { LABEL, namespaceFor, templateName } from './names.ts';

let fake: FakeKube;
const drivers: KubernetesSandboxDriver[] = [];

beforeAll(async () => {
  fake = await startFakeKube();
});
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close()));
});
afterAll(async () => {
  await fake?.close();
});

async function driver(env: Record<string, string> = {}) {
  const d = await driverFor(fake, settingsFor(env));
  drivers.push(d);
  return d;
}

const T = {
  claims: () => fake.type('extensions.agents.x-k8s.io', 'sandboxclaims'),
  sandboxes: () => fake.type('agents.x-k8s.io', 'sandboxes'),
  pools: () => fake.type('extensions.agents.x-k8s.io', 'sandboxwarmpools'),
  templates: () => fake.type('extensions.agents.x-k8s.io', 'sandboxtemplates'),
  pods: () => fake.type('', 'pods'),
  secrets: () => fake.type('', 'secrets'),
  policies: () => fake.type('networking.k8s.io', 'networkpolicies'),
  configMaps: () => fake.type('', 'configmaps'),
  roleBindings: () => fake.type('rbac.authorization.k8s.io', 'rolebindings'),
};
const ready = (o: KObject | undefined) =>
  ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === 'Ready');
const deadlineIn = (ms: number) => Date.now() + ms;

async function health(url: string, token: string) {
  return new RuntimeClient({ baseUrl: url, token, timeoutMs: 5_000 }).health();
}

describe('provisioning', () => {
  it('adopts a warm sandbox from the agent pool, keeping its pool name', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '1' });
    const agent = newAgent();
    const warmup = specFor(agent);
    // The first session fills the pool; wait until a replacement warm sandbox is Ready.
    await d.start(warmup, { deadline: deadlineIn(20_000), report: noReport });
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    const pool = templateName(agent.agentId);
    await waitUntil(
      () =>
        fake.store.list(T.sandboxes(), namespace).items.some((s) => s.metadata.labels?.['agents.x-k8s.io/warm-pool-sandbox'] && ready(s)?.status === 'True'),
      15_000,
      'a ready warm sandbox',
    );

    const spec = specFor(agent);
    const { url } = await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    const claim = fake.store.get(T.claims(), namespace, spec.name);
    const bound = (claim.status as { sandbox: { name: string } }).sandbox.name;
    expect(bound).not.toBe(spec.name);
    expect(bound.startsWith(`${pool}-`)).toBe(true);
    const sandbox = fake.store.get(T.sandboxes(), namespace, bound);
    expect(sandbox.metadata.labels?.['agents.x-k8s.io/launch-type']).toBe('warm');
    expect(sandbox.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'SandboxClaim', name: spec.name, controller: true });
    expect(await health(url, spec.token)).toMatchObject({ ok: true, harness: 'chat' });
  });

  it('cold-starts a sandbox named after the claim when the pool is empty', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const agent = newAgent();
    const spec = specFor(agent);
    const phases: string[] = [];
    const { url } = await d.start(spec, { deadline: deadlineIn(20_000), report: (phase, message) => phases.push(`${phase}: ${message}`) });
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    const claim = fake.store.get(T.claims(), namespace, spec.name);
    expect((claim.status as { sandbox: { name: string } }).sandbox.name).toBe(spec.name);
    const sandbox = fake.store.get(T.sandboxes(), namespace, spec.name);
    expect(sandbox.metadata.labels?.['agents.x-k8s.io/launch-type']).toBe('cold');
    expect(ready(sandbox)).toMatchObject({ status: 'True', observedGeneration: sandbox.metadata.generation });
    expect(phases.some((p) => p.includes('claimed a sandbox'))).toBe(true);
    expect(await health(url, spec.token)).toMatchObject({ ok: true });
    // The gateway only honours this session's token.
    await expect(health(url, 'someone-else')).rejects.toMatchObject({ status: 401 });
  });

  it('keeps every secret out of the objects it writes, in Secrets referenced by the template', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0', CONTAINER_ENV_SHARED_SECRET: 'platform-secret-value' });
    const agent = newAgent();
    const spec = { ...specFor(agent), env: { SHARED_SECRET: 'platform-secret-value' } };
    await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    const secret = fake.store.get(T.secrets(), namespace, `${templateName(agent.agentId)}-runtime`);
    const runtimeToken = Buffer.from((secret.data as { token: string }).token, 'base64').toString('utf8');
    const written = [T.claims(), T.sandboxes(), T.pools(), T.templates(), T.policies()].flatMap((t) => fake.store.list(t, namespace).items);
    const text = JSON.stringify(written);
    for (const value of [spec.token, runtimeToken, 'platform-secret-value']) expect(text).not.toContain(value);
    const template = fake.store.get(T.templates(), namespace, templateName(agent.agentId));
    const env = (template.spec as { podTemplate: { spec: { containers: { env: { name: string; valueFrom?: unknown }[] }[] } } }).podTemplate.spec.containers[0]!
      .env;
    expect(env.find((e) => e.name === 'PADDOCK_RUNTIME_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: `${templateName(agent.agentId)}-runtime`, key: 'token' },
    });
    expect(env.find((e) => e.name === 'SHARED_SECRET')?.valueFrom).toEqual({ secretKeyRef: { name: 'paddock-container-env', key: 'SHARED_SECRET' } });
    const containerEnv = fake.store.get(T.secrets(), namespace, 'paddock-container-env');
    expect(Buffer.from((containerEnv.data as Record<string, string>).SHARED_SECRET!, 'base64').toString()).toBe('platform-secret-value');
  });

  it('lets pods reach only DNS and the egress proxy, trusts the egress CA, and binds its own rights per team namespace', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0', PADDOCK_K8S_SANDBOX_CLUSTER_ROLE: 'paddock-sandboxes' });
    const agent = newAgent({ egressAllow: ['203.0.113.0/24', 'api.github.com', '*.example.com'] });
    await d.start(specFor(agent), { deadline: deadlineIn(20_000), report: noReport });
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    const policy = fake.store.get(T.policies(), namespace, `${templateName(agent.agentId)}-egress`);
    const spec = policy.spec as { podSelector: unknown; egress: { to: unknown[] }[] };
    expect(spec.podSelector).toEqual({ matchLabels: { [LABEL.template]: templateName(agent.agentId) } });
    const peers = JSON.stringify(spec.egress);
    expect(peers).toContain('kube-dns');
    expect(peers).toContain('"app.kubernetes.io/component":"egress"');
    // Neither the gateway nor the agent's hosts: the proxy is the only way out.
    expect(peers).not.toMatch(/gateway|203\.0\.113|ipBlock/);
    const ca = fake.store.get(T.configMaps(), namespace, 'paddock-egress-ca');
    expect((ca.data as Record<string, string>)['egress-ca.pem']).toBe(TEST_EGRESS_CA);
    const binding = fake.store.get(T.roleBindings(), namespace, 'paddock-sandboxes');
    expect(binding).toMatchObject({
      roleRef: { kind: 'ClusterRole', name: 'paddock-sandboxes' },
      subjects: [{ kind: 'ServiceAccount', name: 'paddock', namespace: 'paddock' }],
    });
  });

  it('shares one apply between concurrent sessions of an agent and checks names', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const agent = newAgent();
    const before = fake.server.log.filter((r) => r.method === 'PATCH' && r.path.endsWith('/sandboxtemplates/' + templateName(agent.agentId))).length;
    const specs = [specFor(agent), specFor(agent), specFor(agent)];
    await Promise.all(specs.map((s) => d.start(s, { deadline: deadlineIn(30_000), report: noReport })));
    const applies = fake.server.log.filter((r) => r.method === 'PATCH' && r.path.endsWith('/sandboxtemplates/' + templateName(agent.agentId))).length - before;
    expect(applies).toBe(1);
    for (const s of specs) expect(s.name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });
});

describe('failures', () => {
  it('fails fast, as terminal, when the warm pool was deleted out of band, and recovers next time', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const agent = newAgent();
    await d.start(specFor(agent), { deadline: deadlineIn(20_000), report: noReport });
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    fake.store.delete(T.pools(), namespace, templateName(agent.agentId));

    const started = Date.now();
    const error = await d.start(specFor(agent), { deadline: deadlineIn(20_000), report: noReport }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxError);
    expect((error as SandboxError).terminal).toBe(true);
    expect((error as Error).message).toMatch(/SandboxWarmPool "pa-[0-9a-f]+" does not exist.*recreates it/);
    // Well before the 20 s deadline: a terminal state is not waited out.
    expect(Date.now() - started).toBeLessThan(15_000);

    await d.start(specFor(agent), { deadline: deadlineIn(20_000), report: noReport });
    expect(fake.store.find(T.pools(), namespace, templateName(agent.agentId))).toBeDefined();
  });

  it('fails fast when the harness image cannot be pulled', async () => {
    const broken = await startFakeKube({ pullable: (image) => !image.includes('missing') });
    try {
      const d = await driverFor(broken, settingsFor({ PADDOCK_K8S_WARM_POOL_SIZE: '0' }));
      drivers.push(d);
      const agent = newAgent({ harness: { ...newAgent().harness, image: 'registry.invalid/missing:1' } });
      const error = await d.start(specFor(agent), { deadline: deadlineIn(20_000), report: noReport }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).terminal).toBe(true);
      expect((error as Error).message).toMatch(/image registry\.invalid\/missing:1 cannot be pulled \((ErrImagePull|ImagePullBackOff)/);
    } finally {
      await broken.close();
    }
  });

  it('gives up at the deadline with the last state and recent events when nothing reconciles', async () => {
    const idle = await startFakeKube({ controller: false });
    try {
      const d = await driverFor(idle, settingsFor({ PADDOCK_K8S_WARM_POOL_SIZE: '0' }));
      drivers.push(d);
      const started = Date.now();
      const error = await d.start(specFor(newAgent()), { deadline: deadlineIn(1_500), report: noReport }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SandboxError);
      expect((error as SandboxError).terminal).toBe(false);
      expect((error as Error).message).toMatch(/not ready before the deadline \(no sandbox bound\)/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_400);
      // Gives up at the deadline rather than hanging (slack for a busy machine).
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await idle.close();
    }
  });

  it('relists after a watch fails (dropped streams, 410 Gone) and still sees the sandbox become ready', async () => {
    const slow = await startFakeKube({ controller: false });
    try {
      const d = await driverFor(slow, settingsFor({ PADDOCK_K8S_WARM_POOL_SIZE: '0' }));
      drivers.push(d);
      const agent = newAgent();
      const spec = specFor(agent);
      const claimLists = () => slow.server.log.filter((r) => r.method === 'GET' && r.path.endsWith('/sandboxclaims') && r.query.get('watch') !== 'true').length;
      const starting = d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
      await waitUntil(() => slow.server.counters.openWatches > 0, 10_000, 'the claim watch');
      const listsBefore = claimLists();
      // Compaction makes the watch's resourceVersion too old; the broken stream must relist, not resume.
      slow.store.compact();
      slow.server.breakWatches();
      await waitUntil(() => claimLists() > listsBefore, 5_000, 'a relist');
      slow.controller.start();
      const { url } = await starting;
      expect(await health(url, spec.token)).toMatchObject({ ok: true });
    } finally {
      await slow.close();
    }
  });

  it('reports a watch resumed from a compacted version as 410 Gone', async () => {
    const namespace = 'gone-test';
    fake.store.create(fake.type('', 'namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const rv = String(fake.store.resourceVersion);
    fake.store.create(T.secrets(), namespace, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'one' } });
    fake.store.compact();
    const d = await driver();
    const events: { type: string; code?: number }[] = [];
    await new Promise<void>((resolve) => {
      void d.client.watch(
        T.secrets() as never,
        namespace,
        { resourceVersion: rv },
        (e) => events.push({ type: e.type, ...('code' in e ? { code: e.code } : {}) }),
        () => resolve(),
      );
    });
    expect(events).toEqual([{ type: 'ERROR', code: 410 }]);
  });
});

describe('lifecycle', () => {
  it('suspends by operatingMode, resumes the same sandbox on the next start, and deletes on destroy', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const agent = newAgent();
    const spec = specFor(agent);
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    expect(await d.list()).toContain(spec.name);

    await d.suspend(spec.name);
    const suspended = fake.store.get(T.sandboxes(), namespace, spec.name);
    expect((suspended.spec as { operatingMode: string }).operatingMode).toBe('Suspended');
    await waitUntil(() => !fake.store.find(T.pods(), namespace, spec.name), 5_000, 'the pod to go');
    expect(await d.list()).not.toContain(spec.name);
    await expect(health(`${fake.url}/nowhere`, spec.token)).rejects.toBeDefined();

    const resumed = await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    const sandbox = fake.store.get(T.sandboxes(), namespace, spec.name);
    expect((sandbox.spec as { operatingMode: string }).operatingMode).toBe('Running');
    expect(sandbox.metadata.uid).toBe(suspended.metadata.uid);
    expect(await health(resumed.url, spec.token)).toMatchObject({ ok: true });
    expect(await d.list()).toContain(spec.name);

    await d.destroy(spec.name);
    await waitUntil(
      () => !fake.store.find(T.sandboxes(), namespace, spec.name) && !fake.store.find(T.pods(), namespace, spec.name),
      5_000,
      'garbage collection',
    );
    expect(fake.store.find(T.claims(), namespace, spec.name)).toBeUndefined();
    expect(await d.list()).not.toContain(spec.name);
    await d.destroy(spec.name); // idempotent
  });

  it('lists running claims across team namespaces, also from a fresh driver after a restart', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const a = specFor(newAgent());
    const b = specFor(newAgent());
    await Promise.all([a, b].map((s) => d.start(s, { deadline: deadlineIn(20_000), report: noReport })));
    const restarted = await driver();
    const names = await restarted.list();
    expect(names).toEqual(expect.arrayContaining([a.name, b.name]));
    // The fresh driver finds each claim's namespace by itself.
    await restarted.suspend(a.name);
    expect(await restarted.list()).not.toContain(a.name);
    await restarted.destroy(b.name);
    expect(await restarted.list()).not.toContain(b.name);
  });

  it('reaches runtimes through a port-forward when running outside the cluster', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0', PADDOCK_K8S_ACCESS: 'port-forward' });
    const spec = specFor(newAgent());
    const { url } = await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    expect(await health(url, spec.token)).toMatchObject({ ok: true });
    expect(fake.server.log.some((r) => r.path.endsWith(`/pods/${spec.name}/portforward`))).toBe(true);
  });

  it('replaces a pod deleted under it: the next start waits for the new pod', async () => {
    const d = await driver({ PADDOCK_K8S_WARM_POOL_SIZE: '0' });
    const agent = newAgent();
    const spec = specFor(agent);
    const namespace = namespaceFor('paddock-{team}', agent.teamId);
    const first = await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    const oldIp = (fake.store.get(T.pods(), namespace, spec.name).status as { podIP: string }).podIP;
    fake.store.delete(T.pods(), namespace, spec.name);
    await expect(health(first.url, spec.token)).rejects.toBeDefined();
    const second = await d.start(spec, { deadline: deadlineIn(20_000), report: noReport });
    expect((fake.store.get(T.pods(), namespace, spec.name).status as { podIP: string }).podIP).not.toBe(oldIp);
    expect(await health(second.url, spec.token)).toMatchObject({ ok: true, attached: false });
  });
});
