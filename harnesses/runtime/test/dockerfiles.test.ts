import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_HARNESS_DIR } from '../src/harness/paths.ts';

const read = (file: string) => readFile(path.join(DEFAULT_HARNESS_DIR, file), 'utf8');

/** The harness images cannot be built here (no Docker engine); these checks keep them consistent with what is. */
describe.each([
  { harness: 'claude-code', pkg: '@anthropic-ai/claude-code', versionArg: 'CLAUDE_CODE_VERSION' },
  { harness: 'codex', pkg: '@openai/codex', versionArg: 'CODEX_VERSION' },
])('harnesses/$harness.Dockerfile', ({ harness, pkg, versionArg }) => {
  it('extends the runtime image, installs the tested CLI version from npm and runs as non-root', async () => {
    const dockerfile = await read(`${harness}.Dockerfile`);
    const manifest = JSON.parse(await read('runtime/package.json')) as { devDependencies: Record<string, string> };
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=ghcr\.io\/paddock-dev\/harness-runtime:latest$/m);
    expect(dockerfile).toMatch(/^FROM \$\{RUNTIME_IMAGE\}$/m);
    expect(dockerfile).toContain(`ARG ${versionArg}=${manifest.devDependencies[pkg]}`);
    expect(dockerfile).toContain(`npm install --global "${pkg}@\${${versionArg}}"`);
    expect([...dockerfile.matchAll(/^USER (\S+)$/gm)].at(-1)?.[1]).toBe('1000:1000');
  });

  it('bakes in the definition the runtime reads', async () => {
    const dockerfile = await read(`${harness}.Dockerfile`);
    const definition = parse(await read(`${harness}.yaml`)) as { adapter: string; image: string };
    expect(dockerfile).toContain(`COPY harnesses/${harness}.yaml /app/harnesses/${harness}.yaml`);
    expect(dockerfile).toContain(`PADDOCK_HARNESS_FILE=/app/harnesses/${harness}.yaml`);
    expect(dockerfile).toContain(`PADDOCK_HARNESS=${definition.adapter}`);
    expect(dockerfile).toContain(`-t ${definition.image} .`);
    expect(await read(`${harness}.Dockerfile.dockerignore`)).toContain(`!harnesses/${harness}.yaml`);
  });
});

describe('the runtime image (deploy/docker/harness-runtime.Dockerfile)', () => {
  it('runs the bundle, as every shipped definition starts it, and ships no dependencies beside it', async () => {
    const dockerfile = await read('../deploy/docker/harness-runtime.Dockerfile');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? 'null') as string[];
    expect(cmd).toEqual(['node', '--liftoff-only', '/app/harnesses/runtime/dist/runtime.mjs']);
    for (const harness of ['chat', 'claude-code', 'codex']) {
      expect((parse(await read(`${harness}.yaml`)) as { command: string[] }).command).toEqual(cmd);
    }
    expect(dockerfile).toContain('RUN pnpm --filter @paddock/harness-runtime build');
    const copied = [...dockerfile.matchAll(/^COPY --from=build \S+ (\S+) /gm)].map((m) => m[1]);
    expect(copied).toEqual(['/src/harnesses/runtime/package.json', '/src/harnesses/runtime/dist']);
  });
});
