/**
 * The cluster side of `pnpm bench:sandbox`, in its own process so its event loop (API
 * server, emulated controller, kubelet) never competes with Paddock's: the fake API
 * server with the agent-sandbox controller, answering the benchmark over IPC.
 */
import { startFakeKube, type KObject } from '../test/fake-kube/index.ts';

type Request =
  | { id: number; op: 'seed'; namespace: string; count: number }
  | { id: number; op: 'timeline'; namespace: string; name: string }
  | { id: number; op: 'warmReady'; namespace: string; pool: string }
  | { id: number; op: 'claimGone'; namespace: string; name: string }
  | { id: number; op: 'counters' }
  | { id: number; op: 'close' };

const STUB = 'bench.paddock.dev/stub';
const fake = await startFakeKube({ stub: (pod) => pod.metadata.labels?.[STUB] === 'true' });
const T = {
  namespaces: fake.type('', 'namespaces'),
  claims: fake.type('extensions.agents.x-k8s.io', 'sandboxclaims'),
  sandboxes: fake.type('agents.x-k8s.io', 'sandboxes'),
};
let seeded = 0;

const ready = (o: KObject | undefined) =>
  ((o?.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * Other live sessions in the namespace: claim → sandbox → pod, reconciled by the
 * controller like any other, but with pods that need no process. They are not
 * Paddock's (managed-by: bench), so its housekeeping leaves them alone.
 */
async function seed(namespace: string, count: number): Promise<number> {
  if (!fake.store.find(T.namespaces, undefined, namespace))
    fake.store.create(T.namespaces, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  for (; seeded < count; seeded++) {
    const name = `bg-${String(seeded).padStart(5, '0')}`;
    const labels = { 'app.kubernetes.io/managed-by': 'bench', 'app.kubernetes.io/component': 'session-sandbox' };
    const claim = fake.store.create(T.claims, namespace, {
      apiVersion: 'extensions.agents.x-k8s.io/v1beta1',
      kind: 'SandboxClaim',
      metadata: { name, labels },
      spec: { warmPoolRef: { name: 'bg-pool' } },
    });
    fake.store.create(T.sandboxes, namespace, {
      apiVersion: 'agents.x-k8s.io/v1beta1',
      kind: 'Sandbox',
      metadata: { name, labels, ownerReferences: [{ apiVersion: claim.apiVersion, kind: 'SandboxClaim', name, uid: claim.metadata.uid!, controller: true }] },
      spec: {
        podTemplate: {
          metadata: { labels: { [STUB]: 'true' } },
          spec: { containers: [{ name: 'runtime', image: 'bench/stub', ports: [{ containerPort: 8080 }] }] },
        },
      },
    });
    fake.store.replace(T.claims, namespace, name, { ...fake.store.get(T.claims, namespace, name), status: { sandbox: { name } } }, { subresource: 'status' });
    if (seeded % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  const deadline = Date.now() + 120_000;
  while (fake.store.scan(T.sandboxes, namespace).filter((s) => s.metadata.name?.startsWith('bg-') && ready(s)).length < count) {
    if (Date.now() > deadline) throw new Error('background sandboxes did not become ready');
    await new Promise((r) => setTimeout(r, 50));
  }
  return fake.store.scan(T.sandboxes, namespace).length;
}

async function handle(request: Request): Promise<unknown> {
  switch (request.op) {
    case 'seed':
      return seed(request.namespace, request.count);
    case 'timeline':
      return fake.controller.timeline.get(`${request.namespace}/${request.name}`) ?? null;
    case 'warmReady':
      // A Ready, unclaimed pool sandbox exists.
      return fake.store
        .scan(T.sandboxes, request.namespace)
        .some((s) => s.metadata.ownerReferences?.some((r) => r.kind === 'SandboxWarmPool' && r.name === request.pool) && ready(s));
    case 'claimGone':
      return !fake.store.find(T.claims, request.namespace, request.name) && !fake.store.find(T.sandboxes, request.namespace, request.name);
    case 'counters':
      return { ...fake.server.counters, controllerBusyMs: fake.controller.busyMs, processes: fake.kubelet.processes };
    case 'close':
      await fake.close();
      setImmediate(() => process.exit(0));
      return null;
  }
}

process.on('message', (message: Request) => {
  handle(message).then(
    (result) => process.send!({ id: message.id, result }),
    (error: unknown) => process.send!({ id: message.id, error: (error as Error).message }),
  );
});
process.send!({ ready: true, kubeconfig: await fake.writeKubeconfig() });
