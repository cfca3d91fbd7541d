import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdapter } from '../src/adapters/registry.ts';
import { cliConfigSchema } from '../src/harness/cli-config.ts';
import { loadDefinition } from '../src/harness/load-definition.ts';
import { DEFAULT_HARNESS_DIR } from '../src/harness/paths.ts';
import { expand, rootUrlOf, type TemplateValues } from '../src/harness/template.ts';

const values: TemplateValues = {
  'gateway.baseUrl': 'http://gw:4000/v1',
  'gateway.rootUrl': 'http://gw:4000',
  'gateway.apiKey': '',
  model: 'm',
  sessionId: 's',
  workspace: '/workspace',
  stateDir: '/home/sandbox/.paddock',
};

describe('definition placeholders', () => {
  it('expands known names, with a fallback for empty values', () => {
    expect(expand('base_url="${gateway.baseUrl}"', values)).toBe('base_url="http://gw:4000/v1"');
    expect(expand('${gateway.apiKey:-none}/${stateDir}/codex', values)).toBe('none//home/sandbox/.paddock/codex');
    expect(expand('${gateway.apiKey}', { ...values, 'gateway.apiKey': 'k' })).toBe('k');
  });

  it('derives the Anthropic base from the gateway base URL', () => {
    expect(rootUrlOf('http://gw:4000/v1')).toBe('http://gw:4000');
    expect(rootUrlOf('https://gw/litellm/v1/')).toBe('https://gw/litellm');
    expect(rootUrlOf('http://gw:4000')).toBe('http://gw:4000');
  });

  it('rejects unknown names and secrets outside env', () => {
    expect(cliConfigSchema.safeParse({ command: ['x'], args: ['${modle}'] }).error?.issues[0]?.message).toMatch(/unknown placeholder \$\{modle\}/);
    expect(cliConfigSchema.safeParse({ command: ['x', '${gateway.apiKey}'] }).success).toBe(false);
    expect(cliConfigSchema.parse({ command: ['x'], env: { KEY: '${gateway.apiKey}' } })).toEqual({
      command: ['x'],
      args: [],
      env: { KEY: '${gateway.apiKey}' },
      resume: true,
    });
  });
});

describe('finding the definition', () => {
  let dir: string;
  const write = (name: string, text: string) => writeFile(path.join(dir, name), text);
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'paddock-definitions-'));
    await write('fast.yaml', 'name: fast\nadapter: claude-code\ncli: { command: [claude], args: [--fast] }\n');
    await write('slow.yaml', 'name: slow\nadapter: claude-code\ncli: { command: [claude] }\n');
    await write('solo.yaml', 'name: solo\nadapter: codex\ncli: { command: [codex] }\n');
    await write('broken.yaml', 'name: [');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads the shipped definitions', async () => {
    const claude = await loadDefinition({ harness: 'claude-code', file: undefined, dir: DEFAULT_HARNESS_DIR });
    expect(claude.cli?.command).toEqual(['claude']);
    expect(claude.cli?.env.ANTHROPIC_BASE_URL).toBe('${gateway.rootUrl}');
    const codex = await loadDefinition({ harness: 'codex', file: undefined, dir: DEFAULT_HARNESS_DIR });
    expect(codex.cli?.args).toContain('model_providers.paddock.base_url="${gateway.baseUrl}"');
    expect((await loadDefinition({ harness: 'chat', file: undefined, dir: DEFAULT_HARNESS_DIR })).cli).toBeUndefined();
  });

  it('takes an explicit file, the only user of an adapter, or nothing', async () => {
    const file = path.join(dir, 'fast.yaml');
    expect((await loadDefinition({ harness: 'claude-code', file, dir: '/nowhere' })).name).toBe('fast');
    await expect(loadDefinition({ harness: 'codex', file, dir })).rejects.toThrow(/uses the "claude-code" adapter, but PADDOCK_HARNESS asks for "codex"/);
    expect((await loadDefinition({ harness: 'codex', file: undefined, dir })).name).toBe('solo');
    await expect(loadDefinition({ harness: 'claude-code', file: undefined, dir })).rejects.toThrow(/Several definitions.*fast, slow/);
    expect(await loadDefinition({ harness: 'chat', file: undefined, dir })).toEqual({ name: 'chat', adapter: 'chat' });
  });

  it('refuses a CLI adapter without a cli block', () => {
    expect(() => createAdapter('codex', '/tmp/state')).toThrow(/needs a cli block/);
    expect(() => createAdapter('nope')).toThrow(/Unknown harness "nope"/);
  });
});
