import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeKube, type FakeKube } from '../../test/fake-kube/index.ts';
import { driverFor, noReport, settingsFor } from '../../test/fake-kube/driver-harness.ts';
import { needsCrds } from '../../test/fake-kube/crds.ts';
import { buildValidators, loadCrds } from '../../test/fake-kube/schemas.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { decodeGlobalId } from '../ids/global-id.ts';
import { createLogger } from '../log/index.ts';
import { sandboxName } from '../sandbox/driver.ts';
import { renderAgentYaml, sandboxCommand } from './sandbox.ts';

let t: TestPlatform;
let fake: FakeKube;
let teamName: string;
let agentId: string;
let teamId: string;

beforeAll(async () => {
  t = await startTestPlatform({
    PADDOCK_K8S_WARM_POOL_SIZE: '2',
    PADDOCK_K8S_RUNTIME_CLASS: 'gvisor',
    LITELLM_API_BASE: 'http://litellm.gateway.svc:4000',
    CONTAINER_ENV_REGION: 'eu-west',
  });
  fake = await startFakeKube();
  teamName = `render-${process.pid}`;
  const team = await t.newTeam(teamName);
  teamId = decodeGlobalId(team.teamId).id;
  agentId = (
    await team.client.ok<{ createAgent: { id: string } }>(
      `mutation { createAgent(input: { name: "reviewer", harness: "chat", egressAllow: ["198.51.100.0/24"] }) { id } }`,
    )
  ).createAgent.id;
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
});

describe('paddock sandbox render', () => {
  it('prints the secrets (redacted), policy, template, pool and a sample claim', async () => {
    const yaml = await renderAgentYaml(t.platform, 'reviewer', teamName);
    const docs = parseAllDocuments(yaml).map(
      (d) => d.toJSON() as { apiVersion: string; kind: string; metadata: { name: string }; stringData?: Record<string, string> },
    );
    expect(docs.map((d) => d.kind)).toEqual(['Secret', 'Secret', 'ConfigMap', 'NetworkPolicy', 'SandboxTemplate', 'SandboxWarmPool', 'SandboxClaim']);
    // The egress CA is public; the bundle's public roots are abbreviated.
    expect(yaml).toContain('BEGIN CERTIFICATE');
    expect(yaml).toContain('<public root CAs followed by the egress CA>');
    expect(yaml).not.toContain('eu-west');
    expect(yaml).not.toContain(Buffer.from('eu-west').toString('base64'));
    expect(docs[0]!.stringData).toEqual({ REGION: '<from CONTAINER_ENV_*>' });
    expect(yaml).toContain('runtimeClassName: gvisor');
    expect(yaml).toContain('replicas: 2');
  });

  it('prints only objects the agent-sandbox CRDs and the core schemas accept', async (ctx) => {
    needsCrds(ctx);
    const yaml = await renderAgentYaml(t.platform, 'reviewer', teamName);
    const docs = parseAllDocuments(yaml).map((d) => d.toJSON() as { apiVersion: string; kind: string });
    const validators = buildValidators(loadCrds());
    for (const doc of docs) {
      const [group, version] = doc.apiVersion.includes('/') ? doc.apiVersion.split('/') : ['', doc.apiVersion];
      expect(validators.get(`${group}/${version}/${doc.kind}`)!(structuredClone(doc) as unknown as Record<string, unknown>)).toEqual([]);
    }
  });

  it('renders exactly the template the driver applies', async () => {
    const yaml = await renderAgentYaml(t.platform, 'reviewer', undefined);
    const rendered = parseAllDocuments(yaml).map((d) => d.toJSON() as { kind: string; metadata: { namespace: string; name: string }; spec: unknown })[4]!;
    const agent = await t.platform.services.db.agent.findUniqueOrThrow({ where: { id: decodeGlobalId(agentId).id } });
    const driver = await driverFor(
      fake,
      settingsFor({
        PADDOCK_K8S_WARM_POOL_SIZE: '2',
        PADDOCK_K8S_RUNTIME_CLASS: 'gvisor',
        LITELLM_API_BASE: 'http://litellm.gateway.svc:4000',
        CONTAINER_ENV_REGION: 'eu-west',
      }),
    );
    try {
      const sessionId = '11111111-2222-4333-8444-555555555555';
      await driver.start(
        {
          name: sandboxName(sessionId),
          sessionId,
          agentId: agent.id,
          agentName: agent.name,
          teamId,
          harness: t.platform.services.harnesses.require('chat'),
          token: 'x',
          env: {},
          egressAllow: agent.egressAllow,
        },
        { deadline: Date.now() + 20_000, report: noReport },
      );
      const applied = fake.store.get(fake.type('extensions.agents.x-k8s.io', 'sandboxtemplates'), rendered.metadata.namespace, rendered.metadata.name);
      expect(applied.spec).toMatchObject(rendered.spec as object);
    } finally {
      await driver.close();
    }
  });

  it('says what to do about unknown or ambiguous agents', async () => {
    const log = createLogger('cli-test', 'silent');
    const lines: string[] = [];
    await expect(sandboxCommand.run(['render', '--agent', 'nobody'], { config: t.config, log, out: (l) => lines.push(l) })).rejects.toThrow(
      'No agent named "nobody"',
    );
    await expect(sandboxCommand.run(['render'], { config: t.config, log, out: (l) => lines.push(l) })).rejects.toThrow(
      'Usage: pnpm paddock sandbox render --agent NAME',
    );
    await sandboxCommand.run(['render', '--agent', 'reviewer', '--team', teamName], { config: t.config, log, out: (l) => lines.push(l) });
    expect(lines.join('\n')).toContain('kind: SandboxTemplate');
  });
});
