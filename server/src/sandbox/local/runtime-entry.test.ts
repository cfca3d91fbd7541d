import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveRuntimeEntry } from './runtime-entry.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** A runtime package: its inputs written at `inputsAt`, its bundle (when given) at `builtAt`. */
async function runtimePackage(inputsAt: Date, builtAt?: Date): Promise<string> {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-runtime-entry-'));
  const files = ['src/main.ts', 'src/adapters/chat/gateway.ts', 'package.json', 'build.mjs'];
  for (const file of files) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), '');
    await utimes(path.join(dir, file), inputsAt, inputsAt);
  }
  if (builtAt) {
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist', 'runtime.mjs'), '');
    await utimes(path.join(dir, 'dist', 'runtime.mjs'), builtAt, builtAt);
  }
  return dir;
}

describe('the runtime sandboxes run', () => {
  it('is the bundle when it was built after every source file', async () => {
    const runtime = await runtimePackage(new Date('2026-01-01'), new Date('2026-01-02'));
    expect(resolveRuntimeEntry(runtime)).toEqual({ path: path.join(runtime, 'dist', 'runtime.mjs'), bundled: true });
  });

  it('is the source, saying why, while the bundle is missing or older than an edit', async () => {
    const missing = await runtimePackage(new Date('2026-01-01'));
    expect(resolveRuntimeEntry(missing)).toEqual({
      path: path.join(missing, 'src', 'main.ts'),
      bundled: false,
      problem: expect.stringMatching(/runtime\.mjs is missing$/),
    });
    await rm(missing, { recursive: true });

    const stale = await runtimePackage(new Date('2026-01-01'), new Date('2026-01-02'));
    const edited = new Date('2026-01-03');
    await utimes(path.join(stale, 'src', 'adapters', 'chat', 'gateway.ts'), edited, edited);
    expect(resolveRuntimeEntry(stale)).toEqual({
      path: path.join(stale, 'src', 'main.ts'),
      bundled: false,
      problem: expect.stringMatching(/runtime\.mjs is older than the runtime's source$/),
    });
  });
});
