import { startMockLlm, type MockLlm } from '@paddock/mock-llm';
import type { Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';

export type Gateway = { baseUrl: string; apiKey: string; mock: MockLlm | null };

/**
 * The model gateway sandboxes talk to: `LITELLM_API_BASE` when configured, otherwise
 * the built-in offline mock model (model `paddock-mock`) on a local port.
 */
export async function resolveGateway(config: Config, log: Logger): Promise<Gateway> {
  if (config.gateway) return { ...config.gateway, mock: null };
  const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: config.mockTokensPerSecond });
  log.warn({ url: mock.url }, 'No LITELLM_API_BASE configured: agents answer with the built-in OFFLINE MOCK model (paddock-mock), not a real LLM.');
  return { baseUrl: mock.url, apiKey: 'paddock-mock', mock };
}
