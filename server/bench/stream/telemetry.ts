/**
 * The telemetry half of `pnpm bench:stream`: what it costs to run Paddock with tracing
 * and metrics on. The same load runs once with both off and once with both on (traces
 * exported over OTLP/HTTP protobuf, every turn sampled, /metrics scraped as Prometheus
 * would), in one run on one machine.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WindowResult } from './direct.ts';

/** Environment of the platform's processes for each half. */
export function telemetryEnv(otlpUrl: string | undefined): Record<string, string> {
  if (!otlpUrl) return { OTEL_SDK_DISABLED: 'true', PADDOCK_METRICS: 'off' };
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_SERVICE_NAME: 'paddock-bench',
    PADDOCK_METRICS: 'on',
  };
}

export type SinkStats = { requests: number; bytes: number };

/** A collector that takes OTLP/HTTP exports and throws them away, counting them. */
export async function startOtlpSink(): Promise<{ url: string; stats(): SinkStats; close(): Promise<void> }> {
  const stats: SinkStats = { requests: 0, bytes: 0 };
  const server = createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (stats.bytes += chunk.length));
    req.on('end', () => {
      stats.requests += 1;
      const json = (req.headers['content-type'] ?? '').startsWith('application/json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' }).end(json ? '{}' : '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const SCRAPE_MS = 5_000;

/** Reads /metrics every few seconds while the window runs; a platform without it answers 404 and costs nothing. */
export function scrapeMetrics(apiUrl: string): { stop(): void } {
  const scrape = () =>
    void fetch(`${apiUrl}/metrics`).then(
      (res) => res.arrayBuffer(),
      () => undefined,
    );
  const timer = setInterval(scrape, SCRAPE_MS);
  return { stop: () => clearInterval(timer) };
}

export type TelemetryComparison = {
  apiPlusWorkerCpuPerThousandTokens: { off: number; on: number; addedPercent: number };
  workerCpuPerThousandTokens: { off: number; on: number };
  apiCpuPerThousandTokens: { off: number; on: number };
  latencyP99Ms: { off: number; on: number; addedMs: number };
  steadyLatencyP99Ms: { off: number; on: number; addedMs: number };
  latencyP50Ms: { off: number; on: number };
  exports: SinkStats;
  goal: string;
  pass: boolean;
  failuresWithTelemetry: string[];
};

export const TELEMETRY_CPU_GOAL_PERCENT = 10;

function perThousand(result: WindowResult, ...names: string[]): number {
  const delivered = result.checks.reduce((n, c) => n + c.received - c.duplicated, 0);
  const seconds = names.reduce((n, name) => n + (result.cpu[name] ?? 0), 0);
  return delivered > 0 ? (seconds / delivered) * 1000 : Number.NaN;
}

export function compareTelemetry(off: WindowResult, on: WindowResult, exports: SinkStats): TelemetryComparison {
  const cpuOff = perThousand(off, 'api', 'worker');
  const cpuOn = perThousand(on, 'api', 'worker');
  const addedPercent = ((cpuOn - cpuOff) / cpuOff) * 100;
  const p99 = { off: off.latency.summary().p99, on: on.latency.summary().p99 };
  const steady = { off: off.steady.summary().p99, on: on.steady.summary().p99 };
  return {
    apiPlusWorkerCpuPerThousandTokens: { off: cpuOff, on: cpuOn, addedPercent },
    workerCpuPerThousandTokens: { off: perThousand(off, 'worker'), on: perThousand(on, 'worker') },
    apiCpuPerThousandTokens: { off: perThousand(off, 'api'), on: perThousand(on, 'api') },
    latencyP99Ms: { ...p99, addedMs: p99.on - p99.off },
    steadyLatencyP99Ms: { ...steady, addedMs: steady.on - steady.off },
    latencyP50Ms: { off: off.latency.summary().p50, on: on.latency.summary().p50 },
    exports,
    goal: `tracing and metrics add < ${TELEMETRY_CPU_GOAL_PERCENT} % API + worker CPU per 1,000 tokens`,
    pass: addedPercent < TELEMETRY_CPU_GOAL_PERCENT && exports.requests > 0,
    failuresWithTelemetry: on.failures,
  };
}
