import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError } from '../config.ts';
import { runtimeHarnessSchema, type RuntimeHarness } from './definition.ts';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

async function readDefinition(file: string): Promise<RuntimeHarness> {
  let raw: unknown;
  try {
    raw = parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file}: could not read the harness definition (${error instanceof Error ? error.message : String(error)}).`);
  }
  const result = runtimeHarnessSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConfigError(`${file}: field "${issue?.path.join('.') || '(file)'}" ${issue?.message ?? 'is invalid'}.`);
  }
  return result.data;
}

/** Definitions in `dir` that parse; others belong to the platform to complain about. */
async function scan(dir: string): Promise<RuntimeHarness[]> {
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => /\.ya?ml$/.test(f)).sort();
  const found: RuntimeHarness[] = [];
  for (const file of files) {
    const definition = await readDefinition(path.join(dir, file)).catch(() => undefined);
    if (definition) found.push(definition);
  }
  return found;
}

export interface DefinitionSource {
  /** `PADDOCK_HARNESS`: the adapter the platform asked for. */
  harness: string;
  /** `PADDOCK_HARNESS_FILE`: the definition baked into the image, if any. */
  file: string | undefined;
  /** `PADDOCK_HARNESS_DIR`: where to look otherwise. */
  dir: string;
}

/**
 * Finds the definition this runtime runs: the explicit file, else `<dir>/<harness>.yaml`,
 * else the one definition in `dir` using that adapter. Without one, the adapter runs on its
 * own defaults (`chat` needs none; CLI adapters then refuse to start).
 */
export async function loadDefinition(source: DefinitionSource): Promise<RuntimeHarness> {
  if (source.file) {
    const definition = await readDefinition(source.file);
    if (definition.adapter !== source.harness) {
      throw new ConfigError(`${source.file} uses the "${definition.adapter}" adapter, but PADDOCK_HARNESS asks for "${source.harness}".`);
    }
    return definition;
  }
  // The conventional file is read strictly, so a mistake in it is reported rather than skipped.
  const conventional = path.join(source.dir, `${source.harness}.yaml`);
  if (await exists(conventional)) {
    const definition = await readDefinition(conventional);
    if (definition.adapter === source.harness) return definition;
  }
  const candidates = (await scan(source.dir)).filter((d) => d.adapter === source.harness);
  const byName = candidates.find((d) => d.name === source.harness);
  if (byName) return byName;
  if (candidates.length > 1) {
    const names = candidates.map((d) => d.name).join(', ');
    throw new ConfigError(`Several definitions in ${source.dir} use the "${source.harness}" adapter (${names}); set PADDOCK_HARNESS_FILE to pick one.`);
  }
  return candidates[0] ?? { name: source.harness, adapter: source.harness };
}
