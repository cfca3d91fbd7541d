import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadPriceOverrides, PriceFileError, type PriceOverrides } from '../cost/prices.ts';
import { EgressRuleError, PrivateAllowList } from '../egress/rules.ts';

const DEFAULT_HARNESS_DIR = path.resolve(import.meta.dirname, '../../../harnesses');

const logLevelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
export type LogLevel = z.infer<typeof logLevelSchema>;

const booleanFlag = z.enum(['true', 'false', '1', '0', '']).transform((value) => value === 'true' || value === '1');
const otlpProtocol = z.enum(['http/protobuf', 'http/json'], { message: 'must be http/protobuf or http/json (Paddock exports over OTLP/HTTP, not gRPC)' });

/** Every environment variable Paddock reads is parsed here and nowhere else. */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  PADDOCK_DATA_DIR: z.string().default('.paddock'),
  PADDOCK_HARNESS_DIR: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  PADDOCK_ADMIN_KEY: z.string().min(24, 'must be at least 24 characters').optional(),
  PADDOCK_SECRET_KEY: z.string().optional(),
  PADDOCK_SANDBOX_DRIVER: z.enum(['local', 'kubernetes']).optional(),
  LITELLM_API_BASE: z.string().url().optional(),
  LITELLM_API_KEY: z.string().optional(),
  PADDOCK_API_PROCESSES: z.coerce.number().int().min(1).max(64).default(1),
  PADDOCK_DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  PADDOCK_MAX_QUERY_DEPTH: z.coerce.number().int().min(2).max(50).default(12),
  PADDOCK_MAX_QUERY_COMPLEXITY: z.coerce.number().int().min(10).default(10000),
  PADDOCK_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  PADDOCK_MAX_QUERY_TOKENS: z.coerce.number().int().min(100).default(3000),
  PADDOCK_MAX_QUERY_ALIASES: z.coerce.number().int().min(0).default(30),
  PADDOCK_MAX_QUERY_DIRECTIVES: z.coerce.number().int().min(0).default(20),
  PADDOCK_PUBLIC_INTROSPECTION: booleanFlag.default(false),
  PADDOCK_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be a comma-separated list of origins like https://app.example.com'))),
  PADDOCK_TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  PADDOCK_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(20),
  PADDOCK_KEY_REQUESTS_PER_SECOND: z.coerce.number().int().min(1).default(200),
  PADDOCK_WS_MAX_SUBSCRIPTIONS: z.coerce.number().int().min(1).default(100),
  PADDOCK_TEAM_MAX_RUNNING_SESSIONS: z.coerce.number().int().min(0).default(50),
  PADDOCK_TEAM_MAX_SANDBOXES: z.coerce.number().int().min(0).default(100),
  PADDOCK_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  PADDOCK_SANDBOX_ISOLATION: z.enum(['auto', 'bwrap', 'none']).default('auto'),
  PADDOCK_SANDBOX_PIDS: z.coerce.number().int().min(16).max(1_000_000).default(512),
  PADDOCK_SANDBOX_DISK_MB: z.coerce.number().int().min(16).max(16_777_216).optional(),
  PADDOCK_SANDBOX_IDLE_SECONDS: z.coerce.number().min(1).default(600),
  PADDOCK_SANDBOX_PROVISION_TIMEOUT_SECONDS: z.coerce.number().min(1).default(120),
  PADDOCK_TURN_STALE_SECONDS: z.coerce.number().min(1).default(30),
  PADDOCK_HOUSEKEEPING_SECONDS: z.coerce.number().min(0.1).default(15),
  PADDOCK_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(25),
  PADDOCK_MODEL_FIRST_BYTE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3600).default(60),
  PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(3600).default(120),
  PADDOCK_MODEL_MAX_RETRIES: z.coerce.number().int().min(0).max(20).default(3),
  PADDOCK_MOCK_TOKENS_PER_SECOND: z.coerce.number().min(1).default(40),
  PADDOCK_APPROVAL_TIMEOUT_SECONDS: z.coerce
    .number()
    .min(1)
    .max(30 * 24 * 3600)
    .default(3600),
  PADDOCK_LOG_LEVEL: logLevelSchema.optional(),
  PADDOCK_K8S_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9{}]*[a-z0-9}])?$/, 'must be a namespace name, optionally containing {team}')
    .default('paddock-{team}'),
  PADDOCK_K8S_KUBECONFIG: z.string().optional(),
  PADDOCK_K8S_CONTEXT: z.string().optional(),
  PADDOCK_K8S_ACCESS: z.enum(['pod-ip', 'port-forward']).optional(),
  PADDOCK_LOCAL_WARM_POOL: z.coerce.number().int().min(0).max(100).default(2),
  PADDOCK_LOCAL_START_CONCURRENCY: z.coerce.number().int().min(1).max(1000).optional(),
  PADDOCK_K8S_WARM_POOL_SIZE: z.coerce.number().int().min(0).max(1000).default(1),
  PADDOCK_K8S_RUNTIME_CLASS: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a RuntimeClass name such as gvisor or kata')
    .optional(),
  PADDOCK_K8S_WORKSPACE_SIZE: z
    .string()
    .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti)$/, 'must be a size like 10Gi')
    .optional(),
  PADDOCK_K8S_STORAGE_CLASS: z.string().optional(),
  PADDOCK_K8S_PLATFORM_NAMESPACE: z.string().default('paddock'),
  PADDOCK_EGRESS_PRIVATE_ALLOW: z.string().optional(),
  PADDOCK_EGRESS_SOCKET: z.string().optional(),
  PADDOCK_EGRESS_HOST: z.string().default('0.0.0.0'),
  PADDOCK_EGRESS_LISTEN_PORT: z.coerce.number().int().min(0).max(65535).default(3128),
  PADDOCK_EGRESS_URL: z
    .string()
    .regex(/^http:\/\/[^/]+:\d+\/?$/, 'must be http://HOST:PORT')
    .optional(),
  PADDOCK_K8S_SANDBOX_TTL_HOURS: z.coerce.number().min(0.01).default(24),
  PADDOCK_K8S_SANDBOX_CLUSTER_ROLE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?$/, 'must be a ClusterRole name')
    .optional(),
  PADDOCK_MODEL_PRICES: z.string().optional(),
  PADDOCK_METRICS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
  PADDOCK_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  PADDOCK_METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  PADDOCK_AUDIT_RETENTION_DAYS: z.coerce.number().min(0).default(0),
  PADDOCK_PUBLIC_URL: z
    .string()
    .regex(/^https?:\/\/[^/\s]+(\/[^\s]*)?$/, 'must be the URL people and other systems reach Paddock at, like https://paddock.example.com')
    .transform((value) => value.replace(/\/+$/, ''))
    .optional(),
  PADDOCK_SCHEDULE_MISSED_AFTER_SECONDS: z.coerce.number().min(1).default(60),
  PADDOCK_TRIGGER_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(25 * 1024 * 1024)
    .default(1_048_576),
  PADDOCK_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),
  PADDOCK_WEBHOOK_RETRY_SECONDS: z
    .string()
    .default('5,30,120,600,1800,3600,7200,14400,28800,28800')
    .transform((value) => value.split(',').map((s) => Number(s.trim())))
    .pipe(z.array(z.number().positive().max(86_400)).min(0).max(50)),
  PADDOCK_K8S_SERVICE_ACCOUNT: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a ServiceAccount name')
    .default('paddock'),
  // OpenTelemetry's standard variables (https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/).
  OTEL_SDK_DISABLED: booleanFlag.default(false),
  OTEL_TRACES_EXPORTER: z.enum(['otlp', 'none'], { message: 'must be otlp or none (Paddock exports traces over OTLP/HTTP)' }).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url('must be a URL such as http://collector:4318').optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url('must be a URL such as http://collector:4318/v1/traces').optional(),
  OTEL_EXPORTER_OTLP_PROTOCOL: otlpProtocol.optional(),
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: otlpProtocol.optional(),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_TRACES_SAMPLER: z
    .enum(['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'], {
      message: 'must be always_on, always_off, traceidratio or one of them prefixed with parentbased_',
    })
    .default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0, 'must be a ratio from 0 to 1').max(1, 'must be a ratio from 0 to 1').optional(),
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: booleanFlag.default(false),
  OTEL_BSP_SCHEDULE_DELAY: z.coerce.number().int().min(1).max(600_000).default(5000),
});

export type Config = {
  port: number;
  host: string;
  dataDir: string;
  harnessDir: string;
  databaseUrl: string | undefined;
  adminKey: string | undefined;
  secretKey: string | undefined;
  sandboxDriver: 'local' | 'kubernetes';
  gateway: { baseUrl: string; apiKey: string } | undefined;
  containerEnv: Record<string, string>;
  dbPoolSize: number;
  /** API processes sharing the port (`bin/api.ts` only). */
  apiProcesses: number;
  limits: {
    maxDepth: number;
    maxComplexity: number;
    maxBodyBytes: number;
    maxTokens: number;
    maxAliases: number;
    maxDirectives: number;
    /** Failed authentications one client address may make per minute before it gets 429s. */
    authFailuresPerMinute: number;
    keyRequestsPerSecond: number;
    wsMaxSubscriptions: number;
    /** Per team; 0 means no limit. */
    teamMaxRunningSessions: number;
    teamMaxSandboxes: number;
  };
  /** Anonymous clients may read the schema through introspection. */
  publicIntrospection: boolean;
  /** Origins other than the API's own that browsers may call it from. */
  corsOrigins: string[];
  /** Reverse proxies in front of the API whose X-Forwarded-For entries are trusted. */
  trustProxyHops: number;
  worker: {
    concurrency: number;
    isolation: 'auto' | 'bwrap' | 'none';
    /** Most processes and threads one local sandbox may run. */
    pidsLimit: number;
    /** Size of one local sandbox's workspace in MiB; unset, it may fill the data directory's disk. */
    diskMb: number | undefined;
    /** Local sandboxes kept started ahead of their sessions, per harness in use. */
    localWarmPool: number;
    /** Local sandboxes starting at once; more wait their turn, sessions before the warm pool. */
    localStartConcurrency: number;
    idleTimeoutMs: number;
    provisionTimeoutMs: number;
    staleTurnMs: number;
    housekeepingIntervalMs: number;
    /** On SIGTERM, running turns get this long to finish before they are ended FAILED. */
    shutdownGraceMs: number;
    /** A turn whose runtime sends nothing for this long has its sandbox health-checked. */
    streamIdleTimeoutMs: number;
  };
  /** Bounds on model requests, applied by the harness runtime inside each sandbox. */
  model: { firstByteTimeoutMs: number; streamIdleTimeoutMs: number; maxRetries: number };
  mockTokensPerSecond: number;
  /** A tool call awaiting approval is denied as expired after this long. */
  approvalTimeoutMs: number;
  /** Per-model prices from `PADDOCK_MODEL_PRICES`, ahead of the built-in catalogue. */
  modelPrices: PriceOverrides;
  metrics: {
    /** `PADDOCK_METRICS=off`: every metric hook is a no-op and `/metrics` answers 404. */
    enabled: boolean;
    /** Bearer token `/metrics` requires; unset → open. */
    token: string | undefined;
    /** Port of the worker process's own `/metrics` listener (`bin/worker.ts`); unset, or metrics off → none. */
    workerPort: number | undefined;
  };
  audit: {
    /** Entries older than this many days are deleted by housekeeping; 0 keeps them forever. */
    retentionDays: number;
  };
  /** Where people and other systems reach this installation; trigger URLs start with it. Unset: the request's own origin. */
  publicUrl: string | undefined;
  automations: {
    /** A due time handled later than this (no worker was running) is recorded MISSED instead of run. */
    missedAfterMs: number;
    /** Largest request body a trigger accepts (HTTP 413 above it). */
    triggerMaxBodyBytes: number;
    /** One webhook delivery attempt may take this long. */
    webhookTimeoutMs: number;
    /** Waits before each retry of a failed webhook delivery; their sum bounds how long one is retried. */
    webhookRetryDelaysMs: number[];
  };
  egress: {
    /** Private ranges the operator lets sandboxes reach (`PADDOCK_EGRESS_PRIVATE_ALLOW`). */
    privateAllow: PrivateAllowList;
    /** Unix socket the worker's egress proxy listens on for local sandboxes; its directory holds nothing else. */
    socketPath: string;
    /** TCP address of the standalone egress proxy (`bin/egress.ts`, the Kubernetes Deployment). */
    listen: { host: string; port: number };
    /** How Kubernetes sandbox pods reach the egress proxy (its Service). */
    url: string;
  };
  telemetry: {
    /** OTLP/HTTP trace export; unset (no endpoint, or disabled) starts no tracing SDK at all. */
    tracing: TracingConfig | undefined;
  };
  kubernetes: {
    /** Namespace per team; `{team}` is replaced by the team id. */
    namespace: string;
    /** Kubeconfig file; unset → in-cluster service account, else the default kubeconfig. */
    kubeconfig: string | undefined;
    context: string | undefined;
    inCluster: boolean;
    /** How the worker reaches a runtime: the pod IP (in-cluster) or a port-forward through the API server. */
    access: 'pod-ip' | 'port-forward';
    warmPoolSize: number;
    runtimeClassName: string | undefined;
    workspace: { size: string; storageClassName: string | undefined } | undefined;
    /** Where Paddock's own pods run; only they may reach sandbox runtimes. */
    platformNamespace: string;
    /** Claims are given a shutdownTime this far ahead as a leak backstop. */
    sandboxTtlMs: number;
    /**
     * In each team namespace it creates, Paddock binds its service account to this
     * ClusterRole (a RoleBinding), so its rights on Secrets and pods end at the namespaces it manages.
     */
    sandboxRoleBinding: { clusterRole: string; serviceAccount: string } | undefined;
  };
};

export type TracingConfig = {
  /** Where spans are POSTed: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT + /v1/traces. */
  url: string;
  protocol: 'http/protobuf' | 'http/json';
  serviceName: string;
  sampler: { name: 'always_on' | 'always_off' | 'traceidratio'; parentBased: boolean; ratio: number };
  /** Prompts, replies and tool arguments go into spans only when this is set. */
  captureMessageContent: boolean;
  /** Milliseconds between two exports of finished spans. */
  exportDelayMs: number;
};

export class ConfigError extends Error {}

/** Names the platform sets inside every sandbox; `CONTAINER_ENV_*` may not override them. */
export const RESERVED_SANDBOX_ENV = new Set([
  'PATH',
  'HOME',
  'PADDOCK_RUNTIME_TOKEN',
  'PADDOCK_RUNTIME_PORT',
  'PADDOCK_WORKSPACE',
  'PADDOCK_SESSION_ID',
  'PADDOCK_HARNESS',
]);

export const ENV_NAME_PATTERN = /^[A-Z_][A-Z0-9_]*$/;

function containerEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!key.startsWith('CONTAINER_ENV_') || value === undefined) continue;
    const name = key.slice('CONTAINER_ENV_'.length);
    if (!ENV_NAME_PATTERN.test(name)) {
      throw new ConfigError(`${key}: "${name}" is not a valid variable name (use A-Z, 0-9 and _, not starting with a digit).`);
    }
    if (RESERVED_SANDBOX_ENV.has(name)) {
      throw new ConfigError(`${key}: ${name} is set by Paddock itself inside sandboxes and cannot be overridden.`);
    }
    out[name] = value;
  }
  return out;
}

/**
 * `PADDOCK_LOG_LEVEL`, or the process's own default. Loggers exist before the rest of
 * the configuration is loaded (they report its errors), so this reads the one variable;
 * an invalid value falls back here and `loadConfig` then stops the process naming it.
 */
export function logLevel(env: NodeJS.ProcessEnv = process.env, fallback: LogLevel = 'info'): LogLevel {
  const parsed = logLevelSchema.safeParse(env.PADDOCK_LOG_LEVEL);
  return parsed.success ? parsed.data : fallback;
}

/**
 * Relative paths are taken from where the command was typed: pnpm runs package
 * scripts inside the package but records the caller's directory in INIT_CWD.
 */
export function baseDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.INIT_CWD ?? process.cwd();
}

/** Reads `.env` from the base directory into process.env, without overriding what is set. */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env): void {
  const file = path.join(baseDir(env), '.env');
  try {
    process.loadEnvFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  const inCluster = Boolean(env.KUBERNETES_SERVICE_HOST);
  let privateAllow: PrivateAllowList;
  try {
    privateAllow = PrivateAllowList.parse(e.PADDOCK_EGRESS_PRIVATE_ALLOW);
  } catch (error) {
    if (error instanceof EgressRuleError)
      throw new ConfigError(
        `Invalid configuration:\n  PADDOCK_EGRESS_PRIVATE_ALLOW: ${error.message} List CIDRs separated by commas, e.g. 10.0.5.0/24,127.0.0.1.`,
      );
    throw error;
  }
  const dataDir = path.resolve(baseDir(env), e.PADDOCK_DATA_DIR);
  let modelPrices: PriceOverrides = new Map();
  if (e.PADDOCK_MODEL_PRICES) {
    try {
      modelPrices = loadPriceOverrides(path.resolve(baseDir(env), e.PADDOCK_MODEL_PRICES));
    } catch (error) {
      if (error instanceof PriceFileError) throw new ConfigError(`Invalid configuration:\n  PADDOCK_MODEL_PRICES: ${error.message}`);
      throw error;
    }
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    harnessDir: e.PADDOCK_HARNESS_DIR ? path.resolve(baseDir(env), e.PADDOCK_HARNESS_DIR) : DEFAULT_HARNESS_DIR,
    databaseUrl: e.DATABASE_URL,
    adminKey: e.PADDOCK_ADMIN_KEY,
    secretKey: e.PADDOCK_SECRET_KEY,
    sandboxDriver: e.PADDOCK_SANDBOX_DRIVER ?? (inCluster ? 'kubernetes' : 'local'),
    gateway: e.LITELLM_API_BASE ? { baseUrl: e.LITELLM_API_BASE, apiKey: e.LITELLM_API_KEY ?? '' } : undefined,
    containerEnv: containerEnv(env),
    dbPoolSize: e.PADDOCK_DB_POOL_SIZE,
    apiProcesses: e.PADDOCK_API_PROCESSES,
    limits: {
      maxDepth: e.PADDOCK_MAX_QUERY_DEPTH,
      maxComplexity: e.PADDOCK_MAX_QUERY_COMPLEXITY,
      maxBodyBytes: e.PADDOCK_MAX_BODY_BYTES,
      maxTokens: e.PADDOCK_MAX_QUERY_TOKENS,
      maxAliases: e.PADDOCK_MAX_QUERY_ALIASES,
      maxDirectives: e.PADDOCK_MAX_QUERY_DIRECTIVES,
      authFailuresPerMinute: e.PADDOCK_AUTH_FAILURES_PER_MINUTE,
      keyRequestsPerSecond: e.PADDOCK_KEY_REQUESTS_PER_SECOND,
      wsMaxSubscriptions: e.PADDOCK_WS_MAX_SUBSCRIPTIONS,
      teamMaxRunningSessions: e.PADDOCK_TEAM_MAX_RUNNING_SESSIONS,
      teamMaxSandboxes: e.PADDOCK_TEAM_MAX_SANDBOXES,
    },
    publicIntrospection: e.PADDOCK_PUBLIC_INTROSPECTION,
    corsOrigins: e.PADDOCK_CORS_ORIGINS,
    trustProxyHops: e.PADDOCK_TRUST_PROXY_HOPS,
    worker: {
      concurrency: e.PADDOCK_WORKER_CONCURRENCY,
      isolation: e.PADDOCK_SANDBOX_ISOLATION,
      pidsLimit: e.PADDOCK_SANDBOX_PIDS,
      diskMb: e.PADDOCK_SANDBOX_DISK_MB,
      localWarmPool: e.PADDOCK_LOCAL_WARM_POOL,
      // A start is mostly CPU (a Node process booting): a few per core keep every start short.
      localStartConcurrency: e.PADDOCK_LOCAL_START_CONCURRENCY ?? Math.max(4, 2 * os.availableParallelism()),
      idleTimeoutMs: e.PADDOCK_SANDBOX_IDLE_SECONDS * 1000,
      provisionTimeoutMs: e.PADDOCK_SANDBOX_PROVISION_TIMEOUT_SECONDS * 1000,
      staleTurnMs: e.PADDOCK_TURN_STALE_SECONDS * 1000,
      housekeepingIntervalMs: e.PADDOCK_HOUSEKEEPING_SECONDS * 1000,
      shutdownGraceMs: e.PADDOCK_SHUTDOWN_GRACE_SECONDS * 1000,
      streamIdleTimeoutMs: e.PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS * 1000,
    },
    model: {
      firstByteTimeoutMs: e.PADDOCK_MODEL_FIRST_BYTE_TIMEOUT_SECONDS * 1000,
      streamIdleTimeoutMs: e.PADDOCK_STREAM_IDLE_TIMEOUT_SECONDS * 1000,
      maxRetries: e.PADDOCK_MODEL_MAX_RETRIES,
    },
    mockTokensPerSecond: e.PADDOCK_MOCK_TOKENS_PER_SECOND,
    approvalTimeoutMs: e.PADDOCK_APPROVAL_TIMEOUT_SECONDS * 1000,
    modelPrices,
    metrics: { enabled: e.PADDOCK_METRICS === 'on', token: e.PADDOCK_METRICS_TOKEN, workerPort: e.PADDOCK_METRICS_PORT },
    audit: { retentionDays: e.PADDOCK_AUDIT_RETENTION_DAYS },
    publicUrl: e.PADDOCK_PUBLIC_URL,
    automations: {
      missedAfterMs: e.PADDOCK_SCHEDULE_MISSED_AFTER_SECONDS * 1000,
      triggerMaxBodyBytes: e.PADDOCK_TRIGGER_MAX_BODY_BYTES,
      webhookTimeoutMs: e.PADDOCK_WEBHOOK_TIMEOUT_SECONDS * 1000,
      webhookRetryDelaysMs: e.PADDOCK_WEBHOOK_RETRY_SECONDS.map((s) => s * 1000),
    },
    egress: {
      privateAllow,
      socketPath: e.PADDOCK_EGRESS_SOCKET ? path.resolve(baseDir(env), e.PADDOCK_EGRESS_SOCKET) : path.join(dataDir, 'egress', 'proxy.sock'),
      listen: { host: e.PADDOCK_EGRESS_HOST, port: e.PADDOCK_EGRESS_LISTEN_PORT },
      url: (e.PADDOCK_EGRESS_URL ?? `http://paddock-egress.${e.PADDOCK_K8S_PLATFORM_NAMESPACE}.svc:3128`).replace(/\/$/, ''),
    },
    telemetry: { tracing: tracingConfig(e) },
    kubernetes: {
      namespace: e.PADDOCK_K8S_NAMESPACE,
      kubeconfig: e.PADDOCK_K8S_KUBECONFIG,
      context: e.PADDOCK_K8S_CONTEXT,
      inCluster: inCluster && !e.PADDOCK_K8S_KUBECONFIG,
      access: e.PADDOCK_K8S_ACCESS ?? (inCluster ? 'pod-ip' : 'port-forward'),
      warmPoolSize: e.PADDOCK_K8S_WARM_POOL_SIZE,
      runtimeClassName: e.PADDOCK_K8S_RUNTIME_CLASS,
      workspace: e.PADDOCK_K8S_WORKSPACE_SIZE ? { size: e.PADDOCK_K8S_WORKSPACE_SIZE, storageClassName: e.PADDOCK_K8S_STORAGE_CLASS } : undefined,
      platformNamespace: e.PADDOCK_K8S_PLATFORM_NAMESPACE,
      sandboxTtlMs: e.PADDOCK_K8S_SANDBOX_TTL_HOURS * 3_600_000,
      sandboxRoleBinding: e.PADDOCK_K8S_SANDBOX_CLUSTER_ROLE
        ? { clusterRole: e.PADDOCK_K8S_SANDBOX_CLUSTER_ROLE, serviceAccount: e.PADDOCK_K8S_SERVICE_ACCOUNT }
        : undefined,
    },
  };
}

/** The standard OTEL_* variables, resolved the way OpenTelemetry SDKs do. */
function tracingConfig(e: z.infer<typeof envSchema>): TracingConfig | undefined {
  if (e.OTEL_SDK_DISABLED || e.OTEL_TRACES_EXPORTER === 'none') return undefined;
  const generic = e.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');
  const url =
    e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (generic ? `${generic}/v1/traces` : e.OTEL_TRACES_EXPORTER === 'otlp' ? 'http://localhost:4318/v1/traces' : undefined);
  if (!url) return undefined;
  const sampler = e.OTEL_TRACES_SAMPLER;
  const parentBased = sampler.startsWith('parentbased_');
  return {
    url,
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? 'http/protobuf',
    serviceName: e.OTEL_SERVICE_NAME ?? 'paddock',
    sampler: {
      name: (parentBased ? sampler.slice('parentbased_'.length) : sampler) as TracingConfig['sampler']['name'],
      parentBased,
      ratio: e.OTEL_TRACES_SAMPLER_ARG ?? 1,
    },
    captureMessageContent: e.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT,
    exportDelayMs: e.OTEL_BSP_SCHEDULE_DELAY,
  };
}
