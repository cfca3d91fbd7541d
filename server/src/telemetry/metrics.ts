import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../db/index.ts';
import { JOBS } from '../jobs/queue.ts';

/**
 * Paddock's Prometheus metrics, one registry per process. When API and worker share a
 * process (`pnpm start`), its `/metrics` shows both; a worker process of its own serves
 * them on `PADDOCK_METRICS_PORT`. Every family is named `paddock_*`.
 *
 * Code records through `metrics`, never through prom-client directly, so that
 * `PADDOCK_METRICS=off` (`configureMetrics(false)`) swaps every recorder for a no-op.
 */
export const registry = new Registry();

type LabelSet<L extends string> = Partial<Record<L, string | number>>;
/** The part of a prom-client counter Paddock records through. */
export type CounterRecorder<L extends string> = { inc(labels: LabelSet<L>, value?: number): void };
/** The part of a prom-client histogram Paddock records through. */
export type HistogramRecorder<L extends string> = { observe(labels: LabelSet<L>, value: number): void };
export type GaugeRecorder = { inc(): void; dec(): void };
/** The part of a prom-client gauge with labels Paddock records through. */
export type LabelledGaugeRecorder<L extends string> = { inc(labels: LabelSet<L>): void; dec(labels: LabelSet<L>): void };

export type Recorders = {
  turnsTotal: CounterRecorder<'outcome' | 'harness'>;
  turnDuration: HistogramRecorder<'outcome' | 'harness'>;
  timeToFirstToken: HistogramRecorder<'harness' | 'model'>;
  tokensTotal: CounterRecorder<'model' | 'kind'>;
  costUsdTotal: CounterRecorder<'model'>;
  sandboxProvision: HistogramRecorder<'driver' | 'launch' | 'outcome'>;
  sandboxStartsWaiting: LabelledGaugeRecorder<'kind'>;
  jobWait: HistogramRecorder<'task'>;
  subscriptionsOpen: GaugeRecorder;
  busDeliveryLag: HistogramRecorder<never>;
  graphqlOperations: CounterRecorder<'operation' | 'type' | 'outcome'>;
  graphqlDuration: HistogramRecorder<'operation' | 'type' | 'outcome'>;
};

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const TURN_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800];
const PROVISION_BUCKETS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

const live: Recorders = {
  turnsTotal: new Counter({
    name: 'paddock_turns_total',
    help: 'Turns that ended, by outcome (completed, failed, cancelled) and harness.',
    labelNames: ['outcome', 'harness'] as const,
    registers: [registry],
  }),
  turnDuration: new Histogram({
    name: 'paddock_turn_duration_seconds',
    help: 'From a worker claiming a turn to its end, by outcome and harness.',
    labelNames: ['outcome', 'harness'] as const,
    buckets: TURN_BUCKETS,
    registers: [registry],
  }),
  timeToFirstToken: new Histogram({
    name: 'paddock_turn_time_to_first_token_seconds',
    help: 'From a worker claiming a turn to the first streamed token of the reply, by harness and model.',
    labelNames: ['harness', 'model'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 60, 120],
    registers: [registry],
  }),
  tokensTotal: new Counter({
    name: 'paddock_tokens_total',
    help: 'Model tokens used by turns, by model and kind (input, output; cache_read and cache_write are parts of input).',
    labelNames: ['model', 'kind'] as const,
    registers: [registry],
  }),
  costUsdTotal: new Counter({
    name: 'paddock_cost_usd_total',
    help: 'US dollars of priced model usage, by model (models without a known price add nothing).',
    labelNames: ['model'] as const,
    registers: [registry],
  }),
  sandboxProvision: new Histogram({
    name: 'paddock_sandbox_provision_seconds',
    help: 'Time to start a sandbox and attach its runtime, by driver, launch (new, resume, replace) and outcome (ready, failed).',
    labelNames: ['driver', 'launch', 'outcome'] as const,
    buckets: PROVISION_BUCKETS,
    registers: [registry],
  }),
  sandboxStartsWaiting: new Gauge({
    name: 'paddock_sandbox_starts_waiting',
    help: 'Local sandbox starts waiting for a start slot on this worker (PADDOCK_LOCAL_START_CONCURRENCY), by kind (session, warm).',
    labelNames: ['kind'] as const,
    registers: [registry],
  }),
  jobWait: new Histogram({
    name: 'paddock_job_wait_seconds',
    help: 'From when a job could run to when a worker started it, by task.',
    labelNames: ['task'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [registry],
  }),
  subscriptionsOpen: new Gauge({
    name: 'paddock_subscriptions_open',
    help: 'GraphQL subscriptions (sessionEvents) open on this process.',
    registers: [registry],
  }),
  busDeliveryLag: new Histogram({
    name: 'paddock_bus_delivery_lag_seconds',
    help: 'From publishing session events in one process to their delivery in another (PostgreSQL NOTIFY).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  graphqlOperations: new Counter({
    name: 'paddock_graphql_operations_total',
    help: 'GraphQL operations executed, by operation name, type and outcome (success, error).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  }),
  graphqlDuration: new Histogram({
    name: 'paddock_graphql_operation_duration_seconds',
    help: 'GraphQL operation execution time (subscriptions: until the subscription is set up), by operation name, type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
};

const noop = () => undefined;
const off: Recorders = {
  turnsTotal: { inc: noop },
  turnDuration: { observe: noop },
  timeToFirstToken: { observe: noop },
  tokensTotal: { inc: noop },
  costUsdTotal: { inc: noop },
  sandboxProvision: { observe: noop },
  sandboxStartsWaiting: { inc: noop, dec: noop },
  jobWait: { observe: noop },
  subscriptionsOpen: { inc: noop, dec: noop },
  busDeliveryLag: { observe: noop },
  graphqlOperations: { inc: noop },
  graphqlDuration: { observe: noop },
};

/** What Paddock's code records through: the live metrics, or no-ops with `PADDOCK_METRICS=off`. */
export const metrics: Recorders = { ...live };
let enabled = true;
let processMetricsStarted = false;

/**
 * Turns this process's metrics on or off (`PADDOCK_METRICS`); every process calls it
 * once at start. Off, recording is a call to an empty function, the process metrics
 * (event-loop lag sampling included) never start, and `/metrics` answers 404.
 */
export function configureMetrics(on: boolean): void {
  enabled = on;
  Object.assign(metrics, on ? live : off);
  if (on && !processMetricsStarted) {
    processMetricsStarted = true;
    collectDefaultMetrics({ register: registry, prefix: 'paddock_process_' });
  }
}

export function metricsEnabled(): boolean {
  return enabled;
}

/**
 * Gauges read from the database when scraped: one query each, at most once per
 * scrape, so any API or worker replica reports the platform-wide numbers.
 */
const sources: Db[] = [];
let source: Db | null = null;

/** Lets the gauges read through this client until the returned function is called (the platform closes). */
export function useDatabaseGauges(db: Db): () => void {
  sources.push(db);
  source = db;
  return () => {
    sources.splice(sources.indexOf(db), 1);
    source = sources.at(-1) ?? null;
  };
}

/** A scrape still answers while the database is away: such gauges keep their last values. */
async function fromDatabase(read: (db: Db) => Promise<void>): Promise<void> {
  if (!source) return;
  try {
    await read(source);
  } catch {
    // Stale values until the database answers again; /readyz reports the outage.
  }
}

new Gauge({
  name: 'paddock_sandboxes',
  help: 'Sandboxes by driver and phase (platform-wide; DELETED ones are not counted).',
  labelNames: ['driver', 'phase'] as const,
  registers: [registry],
  async collect() {
    await fromDatabase(async (db) => {
      const rows = await db.sandbox.groupBy({ by: ['driver', 'phase'], where: { phase: { not: 'DELETED' } }, _count: { _all: true } });
      this.reset();
      for (const row of rows) this.set({ driver: row.driver, phase: row.phase }, row._count._all);
    });
  },
});

const SESSION_STATUSES = ['PROVISIONING', 'IDLE', 'RUNNING', 'SUSPENDED', 'FAILED', 'ENDED'] as const;

new Gauge({
  name: 'paddock_sessions',
  help: 'Sessions by status (platform-wide).',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    await fromDatabase(async (db) => {
      const rows = await db.session.groupBy({ by: ['status'], _count: { _all: true } });
      for (const status of SESSION_STATUSES) this.set({ status }, rows.find((r) => r.status === status)?._count._all ?? 0);
    });
  },
});

new Gauge({
  name: 'paddock_queue_depth',
  help: 'Jobs waiting in the queue that could run now, by task (platform-wide).',
  labelNames: ['task'] as const,
  registers: [registry],
  async collect() {
    await fromDatabase(async (db) => {
      const rows = await db.$queryRaw<{ task: string; waiting: bigint }[]>`
        SELECT t.identifier AS task, count(*) AS waiting
        FROM graphile_worker._private_jobs j JOIN graphile_worker._private_tasks t ON t.id = j.task_id
        WHERE j.locked_at IS NULL AND j.run_at <= now() AND j.attempts < j.max_attempts
        GROUP BY t.identifier`;
      this.reset();
      // Tasks without waiting jobs read 0 rather than vanishing.
      for (const task of Object.values(JOBS)) this.set({ task }, 0);
      for (const row of rows) this.set({ task: row.task }, Number(row.waiting));
    });
  },
});

/** The exposition text and its content type, as `/metrics` serves it. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 500;
const seenOperations = new Set<string>();

/**
 * The `operation` label: clients choose operation names, so only well-formed ones are
 * kept, and past a few hundred distinct names the rest count as `other`.
 */
export function operationLabel(name: string | null | undefined): string {
  if (!name) return 'anonymous';
  if (!OPERATION_NAME.test(name)) return 'other';
  if (seenOperations.has(name)) return name;
  if (seenOperations.size >= MAX_OPERATION_NAMES) return 'other';
  seenOperations.add(name);
  return name;
}
