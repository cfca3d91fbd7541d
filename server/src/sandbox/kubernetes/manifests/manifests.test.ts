import { describe, expect, it } from 'vitest';
import { CHAT_HARNESS, newAgent, settingsFor, TEST_EGRESS_CA } from '../../../../test/fake-kube/driver-harness.ts';
import { needsCrds } from '../../../../test/fake-kube/crds.ts';
import { buildValidators, loadCrds, validateMetadata } from '../../../../test/fake-kube/schemas.ts';
import { isDns1035Label, isLabelValue, namespaceFor, templateName } from '../names.ts';
import type { KubeObject } from '../types.ts';
import { planEgress } from './egress.ts';
import { agentObjects, runtimeSecret, sandboxClaim } from './index.ts';

const validators = buildValidators(loadCrds());

function validate(object: KubeObject): string[] {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  const validator = validators.get(`${group}/${version}/${object.kind}`);
  if (!validator) throw new Error(`no schema for ${object.apiVersion} ${object.kind}`);
  const copy = structuredClone(object) as unknown as Record<string, unknown>;
  const nameRule = object.kind === 'SandboxClaim' || object.kind === 'Sandbox' ? 'dns1035' : object.kind === 'Namespace' ? 'label' : 'subdomain';
  return [...validateMetadata(object.metadata, nameRule), ...validator(copy)];
}

async function rendered(env: Record<string, string> = {}, egressAllow: string[] = []) {
  const agent = newAgent({ agentName: 'Release Notes Bot (β)', egressAllow });
  const settings = settingsFor(env);
  const objects = agentObjects(agent, settings);
  const claim = sandboxClaim(
    { name: 'ps-0123456789abcdef0123456789abcdef', sessionId: '01234567-89ab-cdef-0123-456789abcdef' },
    agent,
    objects.template,
    objects.namespace,
    settings,
    Date.UTC(2030, 0, 1),
  );
  return { agent, objects, claim, secret: runtimeSecret(agent, objects.template, objects.namespace, 'x') };
}

describe('rendered manifests', () => {
  it('validate against the upstream CRDs and the core schemas, with every optional feature on', async (ctx) => {
    needsCrds(ctx);
    const { objects, claim, secret } = await rendered(
      { PADDOCK_K8S_RUNTIME_CLASS: 'gvisor', PADDOCK_K8S_WORKSPACE_SIZE: '5Gi', PADDOCK_K8S_STORAGE_CLASS: 'fast', CONTAINER_ENV_REGION: 'eu' },
      ['10.0.0.0/8', 'api.github.com', '*.wild.example'],
    );
    for (const object of [objects.sandboxTemplate, objects.warmPool, objects.networkPolicy, objects.containerEnv, objects.egressCa, claim, secret]) {
      expect({ kind: object.kind, errors: validate(object) }).toEqual({ kind: object.kind, errors: [] });
    }
  });

  it('build a locked-down pod from the harness definition', async () => {
    const { objects } = await rendered({ PADDOCK_K8S_RUNTIME_CLASS: 'kata' });
    const pod = objects.sandboxTemplate.spec.podTemplate.spec;
    const container = pod.containers[0]!;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.runtimeClassName).toBe('kata');
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(container).toMatchObject({ image: CHAT_HARNESS.image, command: CHAT_HARNESS.command, ports: [{ containerPort: 8080, name: 'runtime' }] });
    expect(container.resources).toEqual(CHAT_HARNESS.resources);
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'runtime' });
    expect(objects.sandboxTemplate.spec.networkPolicyManagement).toBe('Unmanaged');
    expect(objects.sandboxTemplate.spec.volumeClaimTemplates).toBeUndefined();
    expect(pod.volumes?.find((v) => v.name === 'workspace')?.emptyDir).toBeDefined();
  });

  it('use a workspace PVC template when a size is configured, and a warm pool of the configured size', async () => {
    const { objects } = await rendered({ PADDOCK_K8S_WORKSPACE_SIZE: '20Gi', PADDOCK_K8S_WARM_POOL_SIZE: '3' });
    expect(objects.sandboxTemplate.spec.volumeClaimTemplates?.[0]).toMatchObject({
      metadata: { name: 'workspace' },
      spec: { resources: { requests: { storage: '20Gi' } } },
    });
    expect(objects.sandboxTemplate.spec.podTemplate.spec.volumes?.some((v) => v.name === 'workspace')).toBe(false);
    expect(objects.warmPool.spec).toEqual({ replicas: 3, sandboxTemplateRef: { name: objects.template }, updateStrategy: { type: 'Recreate' } });
  });

  it('name and label everything validly, with the app.kubernetes.io set and Paddock ids', async () => {
    const { agent, objects, claim } = await rendered();
    expect(objects.template).toBe(templateName(agent.agentId));
    for (const name of [objects.template, claim.metadata.name!, `${objects.template}-abcde`, objects.namespace]) expect(isDns1035Label(name)).toBe(true);
    for (const object of [objects.sandboxTemplate, objects.warmPool, objects.networkPolicy, claim]) {
      const labels = object.metadata.labels!;
      expect(labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'paddock',
        'app.kubernetes.io/part-of': 'paddock',
        'paddock.dev/agent': agent.agentId,
        'paddock.dev/team': agent.teamId,
      });
      for (const value of Object.values(labels)) expect(isLabelValue(value)).toBe(true);
    }
    expect(objects.sandboxTemplate.metadata.labels?.['paddock.dev/agent-name']).toBe('Release-Notes-Bot');
    expect(claim.metadata.labels?.['paddock.dev/session']).toBe('01234567-89ab-cdef-0123-456789abcdef');
    expect(claim.spec).toEqual({ warmPoolRef: { name: objects.template }, lifecycle: { shutdownTime: '2030-01-02T00:00:00Z', shutdownPolicy: 'Delete' } });
  });

  it('keep namespaces within 63 characters', () => {
    expect(namespaceFor('paddock-{team}', '6f1c2d3e-0000-4000-8000-000000000001')).toBe('paddock-6f1c2d3e000040008000000000000001');
    const long = namespaceFor('a-very-long-prefix-for-sandboxes-of-team-{team}', '6f1c2d3e-0000-4000-8000-000000000001');
    expect(long.length).toBeLessThanOrEqual(63);
    expect(isDns1035Label(long)).toBe(true);
    expect(namespaceFor('sandboxes', 'anything')).toBe('sandboxes');
  });
});

describe('egress', () => {
  it('lets pods reach only DNS and the egress proxy: no gateway, no egressAllow hosts', async () => {
    const { objects } = await rendered({}, ['203.0.113.0/24', 'api.github.com']);
    const rules = objects.networkPolicy.spec.egress!;
    expect(rules).toHaveLength(2);
    expect(rules[0]!.ports).toEqual([
      { protocol: 'UDP', port: 53 },
      { protocol: 'TCP', port: 53 },
    ]);
    expect(rules[1]).toEqual({
      to: [
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'paddock' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'paddock', 'app.kubernetes.io/component': 'egress' } },
        },
      ],
      ports: [{ protocol: 'TCP', port: 3128 }],
    });
    expect(JSON.stringify(objects.networkPolicy)).not.toMatch(/203\.0\.113|litellm|ipBlock/);
    expect(planEgress({ egressUrl: 'http://10.96.0.20:8080', platformNamespace: 'paddock' }).rules[1]).toEqual({
      to: [{ ipBlock: { cidr: '10.96.0.20/32' } }],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  it("installs the egress CA into the pods' trust settings, and carries no proxy token or secret", async () => {
    const { objects } = await rendered();
    expect(objects.egressCa.data?.['egress-ca.pem']).toBe(TEST_EGRESS_CA);
    expect(objects.egressCa.data?.['ca-bundle.pem']).toContain(TEST_EGRESS_CA);
    const pod = objects.sandboxTemplate.spec.podTemplate.spec;
    const container = pod.containers[0]!;
    expect(pod.volumes).toContainEqual({ name: 'egress-ca', configMap: { name: 'paddock-egress-ca' } });
    expect(container.volumeMounts).toContainEqual({ name: 'egress-ca', mountPath: '/etc/paddock/egress', readOnly: true });
    const env = Object.fromEntries((container.env ?? []).map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      NODE_EXTRA_CA_CERTS: '/etc/paddock/egress/egress-ca.pem',
      SSL_CERT_FILE: '/etc/paddock/egress/ca-bundle.pem',
      REQUESTS_CA_BUNDLE: '/etc/paddock/egress/ca-bundle.pem',
      CURL_CA_BUNDLE: '/etc/paddock/egress/ca-bundle.pem',
    });
    // The proxy URL carries a per-session token: it reaches the runtime when the session attaches.
    expect(Object.keys(env).filter((name) => /proxy/i.test(name))).toEqual([]);
  });
});
