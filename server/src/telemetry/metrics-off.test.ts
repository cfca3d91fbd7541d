import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphqlClient } from '../../test/graphql-client.ts';
import { startTestPlatform, type TestPlatform } from '../../test/platform.ts';
import { Subscriber } from '../../test/subscriber.ts';
import { startTestWorker, type TestWorker } from '../../test/worker.ts';
import { ConfigError, loadConfig } from '../config/index.ts';
import { startMetricsServer } from './endpoint.ts';
import { metricsEnabled, registry } from './metrics.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';
/** The families Paddock's code records into (the database gauges are read only when scraped). */
const RECORDED = [
  'paddock_turns_total',
  'paddock_turn_duration_seconds',
  'paddock_turn_time_to_first_token_seconds',
  'paddock_tokens_total',
  'paddock_sandbox_provision_seconds',
  'paddock_sandbox_starts_waiting',
  'paddock_job_wait_seconds',
  'paddock_subscriptions_open',
  'paddock_bus_delivery_lag_seconds',
  'paddock_graphql_operations_total',
  'paddock_graphql_operation_duration_seconds',
];

let t: TestPlatform;
let worker: TestWorker;
let client: GraphqlClient;
let key: string;

beforeAll(async () => {
  t = await startTestPlatform({ PADDOCK_METRICS: 'off', PADDOCK_METRICS_TOKEN: TOKEN });
  worker = await startTestWorker(t, { PADDOCK_METRICS: 'off' });
  ({ client, key } = await t.newTeam());
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
});

describe('PADDOCK_METRICS=off', () => {
  it('is read from the environment, on unless turned off, and refuses anything else', () => {
    expect(loadConfig({}).metrics.enabled).toBe(true);
    expect(loadConfig({ PADDOCK_METRICS: 'on' }).metrics.enabled).toBe(true);
    expect(loadConfig({ PADDOCK_METRICS: 'off' }).metrics.enabled).toBe(false);
    expect(() => loadConfig({ PADDOCK_METRICS: 'false' })).toThrow(/PADDOCK_METRICS: must be on or off/);
    // A deployment that sets a worker metrics port (the Helm chart does) can still turn metrics off.
    expect(loadConfig({ PADDOCK_METRICS: 'off', PADDOCK_METRICS_PORT: '9464' }).metrics).toMatchObject({ enabled: false, workerPort: 9464 });
    expect(() => loadConfig({ PADDOCK_METRICS: 'false' })).toThrow(ConfigError);
  });

  it('answers /metrics with 404 and says how to turn metrics on, with or without the token', async () => {
    expect(metricsEnabled()).toBe(false);
    const asked: Record<string, string>[] = [{}, { authorization: `Bearer ${TOKEN}` }];
    for (const headers of asked) {
      const res = await fetch(`${t.url}/metrics`, { headers });
      expect(res.status).toBe(404);
      expect(await res.text()).toMatch(/PADDOCK_METRICS=off.*PADDOCK_METRICS=on/);
    }
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, log: t.platform.services.log });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('records nothing through a whole turn, and starts no process metrics', async () => {
    const agentId = (
      await client.ok<{ createAgent: { id: string } }>('mutation Unmetered { createAgent(input: { name: "unmetered", harness: "chat" }) { id } }')
    ).createAgent.id;
    const sessionId = (await client.ok<{ createSession: { id: string } }>('mutation($a: ID!) { createSession(input: { agentId: $a }) { id } }', { a: agentId }))
      .createSession.id;
    const live = new Subscriber(t.url, key).subscribe(sessionId);
    try {
      await client.ok('mutation($s: ID!) { sendMessage(input: { sessionId: $s, content: "hello" }) { id } }', { s: sessionId });
      await live.waitForType('turn.completed');
    } finally {
      await live.close();
    }
    // The turn really ran, across the bus from the worker's platform to the API's.
    const { session } = await client.ok<{ session: { usage: { outputTokens: number } } }>('query($s: ID!) { session(id: $s) { usage { outputTokens } } }', {
      s: sessionId,
    });
    expect(session.usage.outputTokens).toBeGreaterThan(0);

    for (const name of RECORDED) {
      const metric = registry.getSingleMetric(name);
      expect(metric, name).toBeDefined();
      const values = (await metric!.get()).values.filter((v) => v.value !== 0);
      expect(values, name).toEqual([]);
    }
    expect((await registry.getMetricsAsJSON()).filter((m) => m.name.startsWith('paddock_process_'))).toEqual([]);
  });
});
