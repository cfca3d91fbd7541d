import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { harnessDefinitionSchema, type HarnessDefinition } from './definition.ts';

export class HarnessFileError extends Error {}

/**
 * Reads and validates every `*.yaml` in the harness directory. Fails on the first
 * bad file with its path and the offending field, so a typo stops startup loudly.
 */
/** A definition and the file it came from (the local sandbox driver hands the file to the runtime). */
export type LoadedHarness = HarnessDefinition & { file?: string };

export async function loadHarnesses(dir: string): Promise<LoadedHarness[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml')).sort();
  const harnesses: LoadedHarness[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = parse(await readFile(full, 'utf8'));
    } catch (error) {
      throw new HarnessFileError(`${full}: not valid YAML (${(error as Error).message})`);
    }
    const result = harnessDefinitionSchema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      const field = issue?.path.join('.') || '(file)';
      throw new HarnessFileError(`${full}: field "${field}" ${issue?.message ?? 'is invalid'}`);
    }
    const previous = seen.get(result.data.name);
    if (previous) throw new HarnessFileError(`${full}: harness name "${result.data.name}" is already defined in ${previous}`);
    seen.set(result.data.name, full);
    harnesses.push({ ...result.data, file: full });
  }
  if (harnesses.length === 0) throw new HarnessFileError(`${dir}: no harness definitions (*.yaml) found`);
  return harnesses;
}
