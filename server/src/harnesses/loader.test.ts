import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { loadHarnesses } from './loader.ts';

async function dirWith(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-harnesses-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const valid = `name: demo
displayName: Demo
description: A demo harness.
image: example/demo:1
command: [node, main.js]
port: 8080
adapter: chat
defaultModel: m
`;

describe('loadHarnesses', () => {
  it('loads the shipped definitions', async () => {
    const names = (await loadHarnesses(loadConfig({}).harnessDir)).map((h) => h.name);
    expect(names).toEqual(expect.arrayContaining(['chat', 'claude-code', 'codex']));
  });

  it('names the file and field of an invalid definition', async () => {
    const dir = await dirWith({ 'bad.yaml': valid.replace('port: 8080', 'port: http') });
    await expect(loadHarnesses(dir)).rejects.toThrow(/bad\.yaml: field "port"/);
  });

  it('rejects unknown fields, bad names, broken YAML and duplicates', async () => {
    await expect(loadHarnesses(await dirWith({ 'a.yaml': `${valid}colour: red\n` }))).rejects.toThrow(/a\.yaml/);
    await expect(loadHarnesses(await dirWith({ 'a.yaml': valid.replace('name: demo', 'name: Demo_1') }))).rejects.toThrow(/field "name"/);
    await expect(loadHarnesses(await dirWith({ 'a.yaml': 'name: [' }))).rejects.toThrow(/not valid YAML/);
    await expect(loadHarnesses(await dirWith({ 'a.yaml': valid, 'b.yaml': valid }))).rejects.toThrow(/already defined/);
  });

  it('accepts a cli block for command-line agents and requires it for their adapters', async () => {
    const cli = `${valid.replace('adapter: chat', 'adapter: codex')}cli:\n  command: [codex]\n  args: ["--config", "x=\${gateway.baseUrl}"]\n  env: { KEY: "\${gateway.apiKey:-none}" }\n`;
    const [loaded] = await loadHarnesses(await dirWith({ 'a.yaml': cli }));
    expect(loaded?.cli).toEqual({ command: ['codex'], args: ['--config', 'x=${gateway.baseUrl}'], env: { KEY: '${gateway.apiKey:-none}' }, resume: true });
    const shipped = await loadHarnesses(loadConfig({}).harnessDir);
    expect(shipped.find((h) => h.name === 'claude-code')?.cli?.command).toEqual(['claude']);
    expect(shipped.find((h) => h.name === 'chat')?.cli).toBeUndefined();
    await expect(loadHarnesses(await dirWith({ 'a.yaml': valid.replace('adapter: chat', 'adapter: claude-code') }))).rejects.toThrow(/field "cli" is required/);
  });

  it('rejects unknown placeholders and secrets on the command line', async () => {
    const withArgs = (args: string) => `${valid}cli:\n  command: [agent]\n  args: [${args}]\n`;
    await expect(loadHarnesses(await dirWith({ 'a.yaml': withArgs('"${nope}"') }))).rejects.toThrow(/field "cli.args.0" uses unknown placeholder/);
    await expect(loadHarnesses(await dirWith({ 'a.yaml': withArgs('"--key=${gateway.apiKey}"') }))).rejects.toThrow(/pass it through cli.env/);
  });
});
