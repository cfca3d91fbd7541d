export { startMockLlm } from './server.ts';
export type { MockLlm, MockLlmOptions, MockLlmStats } from './options.ts';
export { DEFAULT_TOKENS_PER_SECOND } from './options.ts';
export { MOCK_MODEL_ID } from './models.ts';
export { MAX_LONG_TOKENS, SLOW_TOKENS_PER_SECOND } from './script.ts';
