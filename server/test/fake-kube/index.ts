import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { FakeController } from './controller.ts';
import { FakeKubelet, type KubeletOptions } from './kubelet.ts';
import { warnIfCrdsMissing } from './crds.ts';
import { AGENT_SANDBOX_KINDS, buildValidators, loadCrds } from './schemas.ts';
import { FakeApiServer } from './server.ts';
import { Store, type ResourceType } from './store.ts';
import { selfSignedTls } from './tls.ts';

export { FakeController, FakeKubelet, FakeApiServer, Store };
export type { KObject, ResourceType, StoreEvent } from './store.ts';

export type FakeKube = {
  url: string;
  server: FakeApiServer;
  store: Store;
  controller: FakeController;
  kubelet: FakeKubelet;
  /** A client-node KubeConfig for the fake cluster (bearer token auth). */
  kubeConfig(): KubeConfig;
  /** Writes a kubeconfig file for the fake cluster and returns its path. */
  writeKubeconfig(): Promise<string>;
  type(group: string, plural: string): ResourceType;
  close(): Promise<void>;
};

const CR_FIELDS = new Set(['metadata.name', 'metadata.namespace']);

// Compiling the CRD schemas takes a while; every fake cluster in a process shares them.
let compiled: { validators: ReturnType<typeof buildValidators> } | undefined;

/**
 * Registers the built-in kinds Paddock touches and the agent-sandbox kinds, validated by
 * their CRD schemas where the CRDs were found (crds.ts) and accepted as written otherwise.
 */
function registerTypes(store: Store): void {
  if (!compiled) {
    warnIfCrdsMissing();
    compiled = { validators: buildValidators(loadCrds()) };
  }
  const { validators } = compiled;
  const core = (kind: string, plural: string, namespaced: boolean, statusSubresource: boolean, nameRule: ResourceType['nameRule']) =>
    store.register({
      group: '',
      version: 'v1',
      kind,
      plural,
      listKind: `${kind}List`,
      namespaced,
      statusSubresource,
      nameRule,
      validate: validators.get(`/v1/${kind}`),
    });
  core('Namespace', 'namespaces', false, false, 'label');
  core('Secret', 'secrets', true, false, 'subdomain');
  core('ConfigMap', 'configmaps', true, false, 'subdomain');
  store.register({
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kind: 'RoleBinding',
    plural: 'rolebindings',
    listKind: 'RoleBindingList',
    namespaced: true,
    statusSubresource: false,
    nameRule: 'subdomain',
    validate: validators.get('rbac.authorization.k8s.io/v1/RoleBinding'),
  });
  core('Pod', 'pods', true, true, 'subdomain');
  core('Event', 'events', true, false, 'subdomain');
  store.register({
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    listKind: 'NetworkPolicyList',
    namespaced: true,
    statusSubresource: false,
    nameRule: 'subdomain',
    validate: validators.get('networking.k8s.io/v1/NetworkPolicy'),
  });
  for (const crd of AGENT_SANDBOX_KINDS) {
    store.register({
      group: crd.group,
      version: crd.version,
      kind: crd.kind,
      plural: crd.plural,
      listKind: crd.listKind,
      namespaced: crd.namespaced,
      statusSubresource: crd.statusSubresource,
      // Claims and sandboxes name pods and services, so the controller needs DNS-1035 labels.
      nameRule: crd.kind === 'Sandbox' || crd.kind === 'SandboxClaim' ? 'dns1035' : 'subdomain',
      validate: validators.get(`${crd.group}/${crd.version}/${crd.kind}`),
      fieldSelectors: CR_FIELDS,
    });
  }
}

/**
 * An in-process Kubernetes API server with the agent-sandbox CRDs installed, the
 * emulated agent-sandbox controller and a kubelet that runs harness runtimes as local
 * processes. `controller: false` leaves reconciliation to the test.
 */
export async function startFakeKube(opts: Partial<Omit<KubeletOptions, 'workRoot'>> & { controller?: boolean } = {}): Promise<FakeKube> {
  const store = new Store();
  registerTypes(store);
  const token = randomBytes(16).toString('hex');
  const tls = selfSignedTls();
  const server = new FakeApiServer(store, token, tls);
  const url = await server.listen();
  const workRoot = await mkdtemp(path.join(os.tmpdir(), 'paddock-fake-kube-'));
  const controller = new FakeController(store);
  const kubelet = new FakeKubelet(store, { workRoot, pullable: opts.pullable, stub: opts.stub });
  if (opts.controller !== false) controller.start();
  kubelet.start();
  const files: string[] = [];

  const kubeconfigYaml = () =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'fake', cluster: { server: url, 'certificate-authority-data': Buffer.from(tls.cert).toString('base64') } }],
      users: [{ name: 'paddock', user: { token } }],
      contexts: [{ name: 'fake', context: { cluster: 'fake', user: 'paddock' } }],
      'current-context': 'fake',
    });

  return {
    url,
    server,
    store,
    controller,
    kubelet,
    kubeConfig() {
      const kc = new KubeConfig();
      kc.loadFromString(kubeconfigYaml());
      return kc;
    },
    async writeKubeconfig() {
      const file = path.join(workRoot, `kubeconfig-${files.length}.yaml`);
      await writeFile(file, kubeconfigYaml(), { mode: 0o600 });
      files.push(file);
      return file;
    },
    type(group, plural) {
      const t = store.type(group, plural);
      if (!t) throw new Error(`unknown resource ${group}/${plural}`);
      return t;
    },
    async close() {
      controller.stop();
      await kubelet.stop();
      await server.close();
      await rm(workRoot, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
    },
  };
}
