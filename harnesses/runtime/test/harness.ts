import { createServer } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockLlm, type MockLlm, type MockLlmOptions } from '@paddock/mock-llm';
import { createAdapter } from '../src/adapters/registry.ts';
import type { AttachRequest } from '../src/api.ts';
import { RuntimeClient } from '../src/client.ts';
import type { RuntimeEvent } from '../src/events.ts';
import type { HarnessAdapter } from '../src/adapters/adapter.ts';
import { createLogger } from '../src/log.ts';
import { createRuntime, type Runtime } from '../src/server.ts';

export const TOKEN = 'test-runtime-token-0123456789';

export interface Harness {
  url: string;
  client: RuntimeClient;
  runtime: Runtime;
  mock: MockLlm;
  workspace: string;
  /** An attach request pointing at the mock model. */
  attachRequest(overrides?: Partial<AttachRequest>): AttachRequest;
  close(): Promise<void>;
}

/** A real runtime on a loopback port, talking to a real mock model server. */
export async function startHarness(
  mockOptions: MockLlmOptions = { tokensPerSecond: 0 },
  processEnv: NodeJS.ProcessEnv = process.env,
  adapter: () => HarnessAdapter = () => createAdapter('chat'),
): Promise<Harness> {
  const mock = await startMockLlm(mockOptions);
  const dir = await mkdtemp(path.join(tmpdir(), 'paddock-runtime-'));
  const runtime = await createRuntime({
    token: TOKEN,
    workspace: path.join(dir, 'workspace'),
    adapter: adapter(),
    log: createLogger('silent'),
    processEnv,
  });
  const port = await runtime.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    client: new RuntimeClient({ baseUrl: url, token: TOKEN }),
    runtime,
    mock,
    workspace: runtime.workspace,
    attachRequest: (overrides = {}) => ({
      sessionId: 'sess-1',
      systemPrompt: 'You are a test agent.',
      model: 'paddock-mock',
      gateway: { baseUrl: mock.url, apiKey: 'sk-test' },
      env: {},
      history: [],
      ...overrides,
    }),
    close: async () => {
      await runtime.shutdown();
      await mock.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function collect<E extends RuntimeEvent>(events: AsyncIterable<E>): Promise<E[]> {
  const all: E[] = [];
  for await (const event of events) all.push(event);
  return all;
}

export function ofType<E extends RuntimeEvent, T extends E['type']>(events: E[], type: T): Array<Extract<E, { type: T }>> {
  return events.filter((e): e is Extract<E, { type: T }> => e.type === type);
}

/** Raw fetch against the runtime, for checks the typed client would not let us make. */
export function raw(h: Harness, pathname: string, init: RequestInit & { auth?: string | null } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.auth !== null) headers.set('authorization', init.auth ?? `Bearer ${TOKEN}`);
  return fetch(`${h.url}${pathname}`, { ...init, headers });
}

/** A loopback port nothing listens on: the kernel's pick, so it does not collide with ports in use. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}
