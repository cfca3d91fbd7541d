import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './index.ts';

describe('loadConfig', () => {
  it('works with nothing set', () => {
    const config = loadConfig({ INIT_CWD: '/srv/paddock' });
    expect(config).toMatchObject({ port: 4000, dataDir: '/srv/paddock/.paddock', databaseUrl: undefined, sandboxDriver: 'local', gateway: undefined });
  });

  it('strips the CONTAINER_ENV_ prefix and protects reserved names', () => {
    expect(loadConfig({ CONTAINER_ENV_HTTP_PROXY: 'http://proxy:3128' }).containerEnv).toEqual({ HTTP_PROXY: 'http://proxy:3128' });
    expect(() => loadConfig({ CONTAINER_ENV_PADDOCK_RUNTIME_TOKEN: 'x' })).toThrow(/set by Paddock itself/);
    expect(() => loadConfig({ CONTAINER_ENV_lower: 'x' })).toThrow(/not a valid variable name/);
  });

  it('names every invalid variable', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', PADDOCK_SANDBOX_DRIVER: 'docker' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/PORT/);
    expect(error.message).toMatch(/DATABASE_URL: must be a postgres/);
    expect(error.message).toMatch(/PADDOCK_SANDBOX_DRIVER/);
  });

  it('uses the gateway when configured and picks kubernetes in a cluster', () => {
    expect(loadConfig({ LITELLM_API_BASE: 'http://litellm:4000/v1', LITELLM_API_KEY: 'k' }).gateway).toEqual({
      baseUrl: 'http://litellm:4000/v1',
      apiKey: 'k',
    });
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).sandboxDriver).toBe('kubernetes');
  });

  it('reads the standard OTEL_* variables; without an endpoint no tracing is configured', () => {
    expect(loadConfig({}).telemetry.tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).telemetry.tracing).toEqual({
      url: 'http://collector:4318/v1/traces',
      protocol: 'http/protobuf',
      serviceName: 'paddock',
      sampler: { name: 'always_on', parentBased: true, ratio: 1 },
      captureMessageContent: false,
      exportDelayMs: 5000,
    });
    const tuned = loadConfig({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/v1/traces',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_SERVICE_NAME: 'paddock-eu',
      OTEL_TRACES_SAMPLER: 'traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
    }).telemetry.tracing;
    expect(tuned).toMatchObject({
      url: 'http://tempo:4318/otlp/v1/traces',
      protocol: 'http/json',
      serviceName: 'paddock-eu',
      sampler: { name: 'traceidratio', parentBased: false, ratio: 0.25 },
      captureMessageContent: true,
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'otlp' }).telemetry.tracing?.url).toBe('http://localhost:4318/v1/traces');
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).telemetry.tracing).toBeUndefined();
    expect(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' }).telemetry.tracing).toBeUndefined();
  });

  it('refuses OTEL_* values Paddock cannot honour, saying what to use', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf or http\/json/);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER: must be always_on/);
    expect(() => loadConfig({ OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow(/OTEL_TRACES_SAMPLER_ARG: must be a ratio/);
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL/);
  });

  it('reads the local workspace disk limit, unset by default', () => {
    expect(loadConfig({}).worker.diskMb).toBeUndefined();
    expect(loadConfig({ PADDOCK_SANDBOX_DISK_MB: '2048' }).worker.diskMb).toBe(2048);
    expect(() => loadConfig({ PADDOCK_SANDBOX_DISK_MB: '8' })).toThrow(/PADDOCK_SANDBOX_DISK_MB/);
    expect(() => loadConfig({ PADDOCK_SANDBOX_DISK_MB: 'lots' })).toThrow(/PADDOCK_SANDBOX_DISK_MB/);
  });
});
