/**
 * Run by driver.test.ts in a process that inherited open descriptors, as a worker started
 * by a supervisor or a shell redirection would: starts one sandbox and prints what a
 * command in it sees of its descriptors.
 */
import { randomUUID } from 'node:crypto';
import { RuntimeClient } from '@paddock/harness-runtime/client';
import { loadConfig } from '../../config/index.ts';
import { loadHarnesses } from '../../harnesses/loader.ts';
import { createLogger } from '../../log/index.ts';
import { sandboxName } from '../driver.ts';
import { LocalSandboxDriver } from './driver.ts';

const [dataDir, command] = process.argv.slice(2) as [string, string];
const driver = await LocalSandboxDriver.create({ dataDir, log: createLogger('inherited-fd-fixture', 'silent'), isolation: 'auto', pidsLimit: 64 });
const chat = (await loadHarnesses(loadConfig({}).harnessDir)).find((h) => h.name === 'chat')!;
const name = sandboxName(randomUUID());
const token = randomUUID();
try {
  const { url } = await driver.start(
    { name, harness: chat, harnessFile: chat.file, token, env: {} },
    { deadline: Date.now() + 90_000, report: () => undefined },
  );
  const result = await new RuntimeClient({ baseUrl: url, token }).exec({ command, timeoutMs: 60_000 });
  process.stdout.write(JSON.stringify({ isolation: driver.isolation, output: result.stdout + result.stderr }));
} finally {
  await driver.destroy(name);
  await driver.close();
}
