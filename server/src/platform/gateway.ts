import type * as MockLlmModule from '@paddock/mock-llm';
import type { MockLlm } from '@paddock/mock-llm';
import { ConfigError, type Config } from '../config/index.ts';
import type { Logger } from '../log/index.ts';

export type Gateway = { baseUrl: string; apiKey: string; mock: MockLlm | null };

/**
 * The offline mock model is a development dependency, not part of a production install:
 * it is loaded only on the path that uses it, and its absence is a configuration error.
 */
export async function loadMockLlm(load: () => Promise<typeof MockLlmModule> = () => import('@paddock/mock-llm')): Promise<typeof MockLlmModule> {
  try {
    return await load();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error;
    throw new ConfigError(
      'No LITELLM_API_BASE is configured, and the offline mock model (@paddock/mock-llm) is not installed here. ' +
        'Set LITELLM_API_BASE and LITELLM_API_KEY to a model gateway, or install the workspace with its development dependencies (pnpm install).',
    );
  }
}

/**
 * The model gateway sandboxes talk to: `LITELLM_API_BASE` when configured, otherwise
 * the built-in offline mock model (model `paddock-mock`) on a local port.
 */
export async function resolveGateway(config: Config, log: Logger, load?: () => Promise<typeof MockLlmModule>): Promise<Gateway> {
  if (config.gateway) return { ...config.gateway, mock: null };
  const { startMockLlm } = await loadMockLlm(load);
  const mock = await startMockLlm({ host: '127.0.0.1', port: 0, tokensPerSecond: config.mockTokensPerSecond });
  log.warn({ url: mock.url }, 'No LITELLM_API_BASE configured: agents answer with the built-in OFFLINE MOCK model (paddock-mock), not a real LLM.');
  return { baseUrl: mock.url, apiKey: 'paddock-mock', mock };
}
