import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/index.ts';
import { createLogger } from '../log/index.ts';
import { loadMockLlm, resolveGateway } from './gateway.ts';

const SRC = path.resolve(import.meta.dirname, '..');
const log = createLogger('gateway-test', 'silent');

/** Packages a file and everything it statically imports (type-only imports aside) load at startup. */
async function staticPackages(entry: string): Promise<Set<string>> {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const visit = async (file: string): Promise<void> => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = ts.createSourceFile(file, await readFile(file, 'utf8'), ts.ScriptTarget.Latest);
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
      const isReExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly;
      if (!isImport && !isReExport) continue;
      const specifier = statement.moduleSpecifier;
      if (!specifier || !ts.isStringLiteral(specifier)) continue;
      if (specifier.text.startsWith('.')) await visit(path.resolve(path.dirname(file), specifier.text));
      else packages.add(specifier.text);
    }
  };
  await visit(entry);
  return packages;
}

describe('model gateway', () => {
  it('uses LITELLM_API_BASE without loading the offline mock model', async () => {
    const config = loadConfig({ LITELLM_API_BASE: 'http://gateway.example:4000/v1', LITELLM_API_KEY: 'k' });
    const gateway = await resolveGateway(config, log, () => Promise.reject(new Error('the mock must not be loaded')));
    expect(gateway).toEqual({ baseUrl: 'http://gateway.example:4000/v1', apiKey: 'k', mock: null });
  });

  it('starts the offline mock model when no gateway is configured', async () => {
    const gateway = await resolveGateway(loadConfig({}), log);
    try {
      expect(gateway.mock).not.toBeNull();
      const models = (await (await fetch(`${gateway.baseUrl}/models`)).json()) as { data: { id: string }[] };
      expect(models.data.map((m) => m.id)).toContain('paddock-mock');
    } finally {
      await gateway.mock?.close();
    }
  });

  it('says what to do where the mock model is not installed', async () => {
    const missing = Object.assign(new Error("Cannot find package '@paddock/mock-llm'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const refused = resolveGateway(loadConfig({}), log, () => Promise.reject(missing));
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(/Set LITELLM_API_BASE and LITELLM_API_KEY/);
    // Anything else is a real failure, not a missing install.
    await expect(loadMockLlm(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });

  it('keeps the mock model out of what the platform processes load at startup', async () => {
    for (const entry of ['bin/start.ts', 'bin/api.ts', 'bin/worker.ts', 'bin/egress.ts', 'bin/paddock.ts']) {
      const packages = await staticPackages(path.join(SRC, entry));
      expect(packages.size, entry).toBeGreaterThan(3);
      expect([...packages], entry).not.toContain('@paddock/mock-llm');
    }
  });
});
