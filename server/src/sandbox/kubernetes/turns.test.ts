import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlClient } from '../../../test/graphql-client.ts';
import { startFakeKube, type FakeKube, type KObject } from '../../../test/fake-kube/index.ts';
import { startTestPlatform, type TestPlatform } from '../../../test/platform.ts';
import { loadConfig } from '../../config/index.ts';
import { startEgress, type Egress } from '../../egress/service.ts';
import { decodeGlobalId } from '../../ids/global-id.ts';
import { createLogger } from '../../log/index.ts';
import { openPlatform, type Platform } from '../../platform/open.ts';
import { startWorker, type Worker } from '../../worker/index.ts';
import { namespaceFor } from './names.ts';

/**
 * The whole turn flow with PADDOCK_SANDBOX_DRIVER=kubernetes: the API, a worker built
 * by startWorker from configuration alone (kubeconfig file), the fake API server with
 * the emulated agent-sandbox controller, and real harness runtimes as "pods".
 */
const GATEWAY_KEY = 'k8s-gateway-key';
const AGENT_SECRET = 'k8s-agent-secret-value';

type Event = { seq: number; type: string; delta: string | null; messageId: string | null; payload: Record<string, unknown> | null };

let fake: FakeKube;
let t: TestPlatform;
let workerPlatform: Platform;
let egressPlatform: Platform;
let egress: Egress;
let worker: Worker;
let mock: MockLlm;
let client: GraphqlClient;
let agentId: string;
let teamId: string;

beforeAll(async () => {
  fake = await startFakeKube();
  t = await startTestPlatform();
  // The mock model demands the real gateway key: only the egress proxy has it.
  mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: 400, apiKey: GATEWAY_KEY });
  const gateway = { baseUrl: mock.url, apiKey: GATEWAY_KEY };
  // The egress proxy in a platform of its own, as the egress Deployment runs it.
  egressPlatform = await openPlatform(
    loadConfig({ PADDOCK_DATA_DIR: t.dataDir, DATABASE_URL: t.platform.databaseUrl }),
    createLogger('k8s-egress', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent'),
  );
  egress = await startEgress(egressPlatform.services, gateway, { host: '127.0.0.1', port: 0 });
  const config = loadConfig({
    PADDOCK_EGRESS_URL: `http://${egress.address}`,
    PADDOCK_DATA_DIR: t.dataDir,
    DATABASE_URL: t.platform.databaseUrl,
    PADDOCK_HOUSEKEEPING_SECONDS: '0.3',
    PADDOCK_SANDBOX_DRIVER: 'kubernetes',
    PADDOCK_K8S_KUBECONFIG: await fake.writeKubeconfig(),
    PADDOCK_K8S_ACCESS: 'pod-ip',
    PADDOCK_K8S_WARM_POOL_SIZE: '1',
    PADDOCK_SANDBOX_PROVISION_TIMEOUT_SECONDS: '30',
  });
  workerPlatform = await openPlatform(config, createLogger('k8s-turns-worker', process.env.PADDOCK_TEST_LOG_LEVEL ?? 'silent'));
  worker = await startWorker(workerPlatform, gateway);
  const team = await t.newTeam();
  client = team.client;
  teamId = team.teamId;
  agentId = (
    await client.ok<{ createAgent: { id: string } }>(
      `mutation { createAgent(input: { name: "k8s-flow", harness: "chat", systemPrompt: "Be brief.", egressAllow: ["203.0.113.0/24"], env: [{ name: "API_TOKEN", value: "${AGENT_SECRET}" }] }) { id } }`,
    )
  ).createAgent.id;
}, 120_000);

afterAll(async () => {
  await worker?.close();
  await workerPlatform?.close();
  await egress?.close();
  await egressPlatform?.close();
  await mock?.close();
  await t?.close();
  await fake?.close();
});

const namespace = () => namespaceFor('paddock-{team}', decodeGlobalId(teamId).id);
const T = {
  claims: () => fake.type('extensions.agents.x-k8s.io', 'sandboxclaims'),
  sandboxes: () => fake.type('agents.x-k8s.io', 'sandboxes'),
  pods: () => fake.type('', 'pods'),
};

async function newSession(): Promise<{ id: string; name: string }> {
  const id = (await client.ok<{ createSession: { id: string } }>(`mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }`, { a: agentId }))
    .createSession.id;
  return { id, name: `ps-${decodeGlobalId(id).id.replaceAll('-', '')}` };
}

async function send(sessionId: string, content: string): Promise<void> {
  await client.ok(`mutation($s: ID!, $c: String!) { sendMessage(input: { sessionId: $s, content: $c }) { id } }`, { s: sessionId, c: content });
}

async function events(sessionId: string): Promise<Event[]> {
  const all: Event[] = [];
  for (;;) {
    const data = await client.ok<{ session: { events: Event[] } }>(
      `query($s: ID!, $a: Int!) { session(id: $s) { events(after: $a, first: 400) { seq type delta messageId payload } } }`,
      {
        s: sessionId,
        a: all.at(-1)?.seq ?? 0,
      },
    );
    all.push(...data.session.events);
    if (data.session.events.length < 400) return all;
  }
}

async function waitForEvents(sessionId: string, check: (events: Event[]) => boolean, timeoutMs = 30_000): Promise<Event[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await events(sessionId);
    if (check(list)) return list;
    if (Date.now() > deadline) throw new Error(`timed out; events so far: ${list.map((e) => e.type).join(', ')}`);
    await new Promise((r) => setTimeout(r, 40));
  }
}

const count = (list: Event[], type: string) => list.filter((e) => e.type === type).length;
const replyText = (list: Event[], n: number) => {
  const ids = [...new Set(list.filter((e) => e.type === 'message.delta').map((e) => e.messageId))];
  return list
    .filter((e) => e.type === 'message.delta' && e.messageId === ids[n])
    .map((e) => e.delta)
    .join('');
};
const statuses = (list: Event[]) => list.filter((e) => e.type === 'session.status').map((e) => e.payload?.status);

describe('turns through the Kubernetes driver', () => {
  it('streams a reply from a pod the claim got from the agent warm pool', async () => {
    const session = await newSession();
    // Paced at 20 tokens/s, so the reply arrives over two seconds even on a busy machine.
    await send(session.id, '/long 40 rate=20');
    const list = await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 1 && l.at(-1)?.type === 'session.status');
    // Streamed in pieces (deltas are coalesced, so how many depends on timing).
    expect(count(list, 'message.delta')).toBeGreaterThan(1);
    expect(replyText(list, 0)).toBe(Array.from({ length: 40 }, (_, i) => `tok${i + 1}`).join(' '));
    expect(statuses(list)).toEqual(['IDLE', 'RUNNING', 'PROVISIONING', 'RUNNING', 'IDLE']);
    expect(list.map((e) => e.seq)).toEqual(list.map((_, i) => i + 1));

    const claim = fake.store.get(T.claims(), namespace(), session.name);
    expect(claim.metadata.labels?.['paddock.dev/session']).toBe(decodeGlobalId(session.id).id);
    const sandbox = await client.ok<{ session: { sandbox: { driver: string; phase: string; name: string } } }>(
      `query($s: ID!) { session(id: $s) { sandbox { driver phase name } } }`,
      { s: session.id },
    );
    expect(sandbox.session.sandbox).toEqual({ driver: 'kubernetes', phase: 'READY', name: session.name });
  });

  it('keeps credentials out of pods and sends everything through the egress proxy', async () => {
    const session = await newSession();
    await send(
      session.id,
      `/tool env | grep -e API_TOKEN -e HTTPS_PROXY -e NODE_EXTRA_CA_CERTS; curl -sS -o /dev/null -w 'status=%{http_code}\\n' http://unlisted.invalid/`,
    );
    // The refusal reaches the log on its own path (the proxy's notice), possibly after the turn's end.
    const list = await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 1 && count(l, 'egress.blocked') === 1);
    const output = String(list.find((e) => e.type === 'tool.result')?.payload?.output);
    expect(output).toMatch(/^API_TOKEN=paddock-secret-/m);
    expect(output).toMatch(new RegExp(`^HTTPS_PROXY=http://paddock:[^@]+@${egress.address.replace(/\./g, '\\.')}$`, 'm'));
    expect(output).toContain('NODE_EXTRA_CA_CERTS=/etc/paddock/egress/egress-ca.pem');
    expect(output).toContain('status=403');
    expect(list.filter((e) => e.type === 'egress.blocked').map((e) => e.payload)).toEqual([
      { host: 'unlisted.invalid', port: 80, reason: "not in the agent's egress allow-list" },
    ]);
    // No object in the team's namespace, Secrets included, holds the agent secret or the gateway key.
    const everything = JSON.stringify(fake.store.types.filter((type) => type.namespaced).flatMap((type) => fake.store.list(type, namespace()).items));
    expect(everything).toContain('paddock-egress-ca');
    expect(everything).not.toContain(AGENT_SECRET);
    expect(everything).not.toContain(GATEWAY_KEY);
    expect(everything).not.toContain(Buffer.from(AGENT_SECRET).toString('base64'));
  });

  it('cancels a long reply quickly', async () => {
    const session = await newSession();
    await send(session.id, '/long 2000 rate=50');
    await waitForEvents(session.id, (l) => count(l, 'message.delta') >= 5);
    await client.ok(`mutation($s: ID!) { cancelTurn(sessionId: $s) { id } }`, { s: session.id });
    // The whole reply would take 40 s; cancelled, the turn ends long before (the latency itself is benchmarked, not asserted here).
    await waitForEvents(session.id, (l) => count(l, 'turn.cancelled') === 1, 15_000);
    const stored = await client.ok<{ session: { messages: { edges: { node: { status: string } }[] } } }>(
      `query($s: ID!) { session(id: $s) { messages(last: 1) { edges { node { status } } } } }`,
      { s: session.id },
    );
    expect(stored.session.messages.edges[0]!.node.status).toBe('CANCELLED');
  });

  it('suspends an idle sandbox (operatingMode) and resumes the same sandbox on the next message', async () => {
    const session = await newSession();
    await send(session.id, 'before the nap');
    await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 1 && l.at(-1)?.payload?.status === 'IDLE');
    const boundName = (fake.store.get(T.claims(), namespace(), session.name).status as { sandbox: { name: string } }).sandbox.name;
    const before = fake.store.get(T.sandboxes(), namespace(), boundName);

    const idle = worker.sandboxes.settings.idleTimeoutMs;
    worker.sandboxes.settings.idleTimeoutMs = 0;
    try {
      await waitForEvents(session.id, (l) => l.at(-1)?.payload?.status === 'SUSPENDED', 10_000);
    } finally {
      worker.sandboxes.settings.idleTimeoutMs = idle;
    }
    const suspended = fake.store.get(T.sandboxes(), namespace(), boundName) as KObject & { spec: { operatingMode: string } };
    expect(suspended.spec.operatingMode).toBe('Suspended');
    expect(fake.store.get(T.claims(), namespace(), session.name).metadata.labels?.['paddock.dev/operating-mode']).toBe('Suspended');

    await send(session.id, 'after the nap');
    const list = await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 2 && l.at(-1)?.payload?.status === 'IDLE');
    // Same Sandbox object, running again; the conversation came back from Postgres.
    const resumed = fake.store.get(T.sandboxes(), namespace(), boundName) as KObject & { spec: { operatingMode: string } };
    expect(resumed.metadata.uid).toBe(before.metadata.uid);
    expect(resumed.spec.operatingMode).toBe('Running');
    expect(replyText(list, 1)).toMatch(/^You said: after the nap \(4 messages\)/);
  });

  it('rehydrates from history when the pod is deleted under a ready session', async () => {
    const session = await newSession();
    await send(session.id, 'first');
    await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 1 && l.at(-1)?.payload?.status === 'IDLE');
    const boundName = (fake.store.get(T.claims(), namespace(), session.name).status as { sandbox: { name: string } }).sandbox.name;
    fake.store.delete(T.pods(), namespace(), boundName);

    await send(session.id, 'second');
    const list = await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 2);
    expect(replyText(list, 1)).toMatch(/^You said: second \(4 messages\)/);
    expect(statuses(list).filter((s) => s === 'PROVISIONING').length).toBe(2);
  });

  it('deletes the claim when the session ends, and reconciles claims nobody knows', async () => {
    const session = await newSession();
    await send(session.id, 'bye');
    await waitForEvents(session.id, (l) => count(l, 'turn.completed') === 1 && l.at(-1)?.payload?.status === 'IDLE');
    await client.ok(`mutation($s: ID!) { endSession(sessionId: $s) { status } }`, { s: session.id });
    const deadline = Date.now() + 30_000;
    while (fake.store.find(T.claims(), namespace(), session.name) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(fake.store.find(T.claims(), namespace(), session.name)).toBeUndefined();

    // A claim Paddock's database has never heard of (a leak from a crashed worker) is removed by housekeeping.
    const orphan = structuredClone(fake.store.list(T.claims(), namespace()).items[0]!);
    const orphanName = 'ps-0000000000004000800000000000dead';
    fake.store.create(T.claims(), namespace(), {
      ...orphan,
      metadata: { name: orphanName, labels: { ...orphan.metadata.labels, 'paddock.dev/operating-mode': 'Running' } },
      status: undefined,
    } as KObject);
    const orphanDeadline = Date.now() + 30_000;
    while (fake.store.find(T.claims(), namespace(), orphanName) && Date.now() < orphanDeadline) await new Promise((r) => setTimeout(r, 50));
    expect(fake.store.find(T.claims(), namespace(), orphanName)).toBeUndefined();
  });
});
