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
    expect(loadConfig({ LITELLM_API_BASE: 'http://litellm:4000/v1', LITELLM_API_KEY: 'k' }).gateway).toEqual({ baseUrl: 'http://litellm:4000/v1', apiKey: 'k' });
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.0.0.1' }).sandboxDriver).toBe('kubernetes');
  });
});
