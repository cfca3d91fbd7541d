import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { parseMetrics, total, type Family } from '../../test/prometheus.ts';
import { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';
import { JOBS } from '../jobs/queue.ts';
import { startMetricsServer } from './endpoint.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
const PRICES = path.resolve(import.meta.dirname, '../../test/prices.yaml');
const DASHBOARD = path.resolve(import.meta.dirname, '../../../deploy/grafana/paddock-dashboard.json');

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_METRICS_TOKEN: TOKEN, PADDOCK_MODEL_PRICES: PRICES });
  worker = await startTestWorker(t, { PADDOCK_MODEL_PRICES: PRICES });
  ({ client, key } = await t.newTeam());
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

async function scrape(url = `${t.url}/metrics`): Promise<Map<string, Family>> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(await res.text());
}

describe('/metrics', () => {
  it('answers only the metrics token when one is set', async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-of-the-same-length-000' } })).status).toBe(401);
    expect((await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${t.adminKey}` } })).status).toBe(401);
    const denied = await fetch(`${t.url}/metrics`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(denied.status).toBe(405);
    await scrape();
  });

  it('counts a real turn: outcome, duration, first token, tokens and cost by model, GraphQL operations, job wait', async () => {
    const before = await scrape();
    const agentId = (await client.ok<{ createAgent: { id: string } }>('mutation Metered { createAgent(input: { name: "metered", harness: "chat" }) { id } }'))
      .createAgent.id;
    const sessionId = (await client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agentId }))
      .createSession.id;
    const live = new Subscriber(t.url, key).subscribe(sessionId);
    try {
      await client.ok('mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hello metrics" }) { id } }', { s: sessionId });
      await live.waitForType('turn.completed');
      const open = await scrape();
      expect(total(open, 'paddock_subscriptions_open')).toBeGreaterThanOrEqual(1);
    } finally {
      await live.close();
    }
    // A closed subscription leaves the gauge (the server notices the socket closing a moment later).
    for (let i = 0; i < 200 && total(await scrape(), 'paddock_subscriptions_open') > total(before, 'paddock_subscriptions_open'); i++)
      await new Promise((r) => setTimeout(r, 50));
    const after = await scrape();
    expect(total(after, 'paddock_subscriptions_open')).toBe(total(before, 'paddock_subscriptions_open'));
    const moved = (name: string, labels: Record<string, string> = {}) => total(after, name, labels) - total(before, name, labels);
    expect(moved('paddock_turns_total', { outcome: 'completed', harness: 'chat' })).toBe(1);
    expect(moved('paddock_turn_duration_seconds', { outcome: 'completed', harness: 'chat' })).toBe(1);
    expect(moved('paddock_turn_time_to_first_token_seconds', { harness: 'chat', model: 'paddock-mock' })).toBe(1);
    const input = moved('paddock_tokens_total', { model: 'paddock-mock', kind: 'input' });
    const output = moved('paddock_tokens_total', { model: 'paddock-mock', kind: 'output' });
    expect(input).toBeGreaterThan(0);
    expect(output).toBeGreaterThan(0);
    // test/prices.yaml: $1 and $2 per million input and output tokens.
    expect(moved('paddock_cost_usd_total', { model: 'paddock-mock' })).toBeCloseTo((input * 1 + output * 2) / 1e6, 12);
    expect(moved('paddock_sandbox_provision_seconds', { driver: 'local', launch: 'new', outcome: 'ready' })).toBe(1);
    expect(moved('paddock_job_wait_seconds', { task: 'run-turn' })).toBe(1);
    expect(moved('paddock_graphql_operations_total', { operation: 'Metered', type: 'mutation', outcome: 'success' })).toBe(1);
    expect(moved('paddock_graphql_operation_duration_seconds', { operation: 'Metered', type: 'mutation', outcome: 'success' })).toBe(1);
    expect(moved('paddock_graphql_operations_total', { type: 'subscription', outcome: 'success' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'paddock_sessions', { status: 'IDLE' })).toBeGreaterThanOrEqual(1);
    expect(total(after, 'paddock_sandboxes', { driver: 'local', phase: 'READY' })).toBeGreaterThanOrEqual(1);
    expect(
      after
        .get('paddock_queue_depth')
        ?.samples.map((s) => s.labels.task)
        .sort(),
    ).toEqual(Object.values(JOBS).sort());
    // The API and the worker are separate platforms here: their events cross the bus over NOTIFY.
    expect(moved('paddock_bus_delivery_lag_seconds')).toBeGreaterThan(0);

    // The same cost reaches the GraphQL usage of the message, session, agent and team.
    const usage = await client.ok<{
      session: {
        usage: { costUsd: number; inputTokens: number; outputTokens: number; unpricedTokens: number };
        messages: { edges: { node: { role: string; usage: { costUsd: number | null } } }[] };
        turns: { edges: { node: { usage: { costUsd: number | null; unpricedTokens: number } } }[] };
      };
      agent: { usage: { costUsd: number }; usageByDay: { model: string; usage: { costUsd: number } }[] };
      viewer: { team: { usage: { costUsd: number }; usageByDay: { agent: { name: string }; model: string; usage: { costUsd: number } }[] } };
    }>(
      `query($s: ID!, $a: ID!) {
        session(id: $s) { usage { costUsd inputTokens outputTokens unpricedTokens } messages { edges { node { role usage { costUsd } } } } turns { edges { node { usage { costUsd unpricedTokens } } } } }
        agent(id: $a) { usage { costUsd } usageByDay(days: 7) { model usage { costUsd } } }
        viewer { team { usage { costUsd } usageByDay { agent { name } model usage { costUsd } } } } }`,
      { s: sessionId, a: agentId },
    );
    const cost = (usage.session.usage.inputTokens * 1 + usage.session.usage.outputTokens * 2) / 1e6;
    expect(usage.session.usage.costUsd).toBeCloseTo(cost, 12);
    expect(usage.session.usage.unpricedTokens).toBe(0);
    expect(usage.session.messages.edges.find((e) => e.node.role === 'ASSISTANT')!.node.usage.costUsd).toBeCloseTo(cost, 12);
    expect(usage.session.turns.edges.map((e) => e.node.usage)).toEqual([{ costUsd: expect.closeTo(cost, 12), unpricedTokens: 0 }]);
    expect(usage.agent.usage.costUsd).toBeCloseTo(cost, 12);
    expect(usage.agent.usageByDay).toEqual([{ model: 'paddock-mock', usage: { costUsd: expect.closeTo(cost, 12) } }]);
    expect(usage.viewer.team.usage.costUsd).toBeCloseTo(cost, 12);
    expect(usage.viewer.team.usageByDay).toEqual([{ agent: { name: 'metered' }, model: 'paddock-mock', usage: { costUsd: expect.closeTo(cost, 12) } }]);
  });

  it('counts failed GraphQL operations as errors and keeps client-chosen names bounded', async () => {
    const before = await scrape();
    await client.request('query Broken { agent(id: "not-an-id") { id } }');
    await client.request('query  { viewer { role } }');
    const after = await scrape();
    expect(
      total(after, 'paddock_graphql_operations_total', { operation: 'Broken', outcome: 'error' }) -
        total(before, 'paddock_graphql_operations_total', { operation: 'Broken', outcome: 'error' }),
    ).toBe(1);
    expect(total(after, 'paddock_graphql_operations_total', { operation: 'anonymous' })).toBeGreaterThan(
      total(before, 'paddock_graphql_operations_total', { operation: 'anonymous' }),
    );
  });

  it('is served by a worker process on a port of its own, with the same token', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, log: t.platform.services.log });
    try {
      expect((await fetch(`http://127.0.0.1:${server.port}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
      const families = await scrape(`http://127.0.0.1:${server.port}/metrics`);
      expect(families.has('paddock_turns_total')).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('has every metric the shipped Grafana dashboard queries', async () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
    const exprs = dashboard.panels.flatMap((p) => p.targets ?? []).map((target) => target.expr);
    expect(exprs.length).toBeGreaterThan(10);
    const referenced = new Set(exprs.flatMap((e) => e.match(/\bpaddock_[a-z0-9_]+/g) ?? []).map((name) => name.replace(/_(bucket|sum|count)$/, '')));
    const families = await scrape();
    const missing = [...referenced].filter((name) => !families.has(name));
    expect(missing).toEqual([]);
  });
});
