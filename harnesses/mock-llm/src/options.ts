export interface MockLlmOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
  /** Default streaming rate; 0 streams as fast as possible. Default 200. */
  tokensPerSecond?: number;
  /** Default delay before the first token, in ms. Default 0. */
  firstTokenLatencyMs?: number;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (lets tests provoke a 401). */
  apiKey?: string;
  /** Largest accepted request body in bytes. Default 16 MiB. */
  maxBodyBytes?: number;
}

export interface MockLlm {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:41234/v1`. */
  url: string;
  port: number;
  /** Counters for tests and benchmarks: requests served, replies still generating. */
  stats(): MockLlmStats;
  /**
   * The W3C `traceparent` header of each model request that carried one, oldest first
   * (the last 1,000): lets tests check that a caller's trace reaches the gateway, as a
   * traced LiteLLM would join it.
   */
  traceparents(): string[];
  close(): Promise<void>;
}

export interface MockLlmStats {
  requests: number;
  generating: number;
}

export const DEFAULT_TOKENS_PER_SECOND = 200;
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Options with every default filled in. */
export type ResolvedOptions = Required<Omit<MockLlmOptions, 'apiKey'>> & Pick<MockLlmOptions, 'apiKey'>;

export function resolveOptions(input: MockLlmOptions): ResolvedOptions {
  return {
    port: input.port ?? 0,
    host: input.host ?? '127.0.0.1',
    tokensPerSecond: input.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND,
    firstTokenLatencyMs: input.firstTokenLatencyMs ?? 0,
    maxBodyBytes: input.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    apiKey: input.apiKey,
  };
}
