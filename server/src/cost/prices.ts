import { readFileSync } from 'node:fs';
import { calcPrice } from '@pydantic/genai-prices';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** Tokens of one model; cache reads and writes are parts of inputTokens, as providers report them. */
export type TokenUsage = { inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number };

/** US dollars per million tokens, named as in the genai-prices catalogue. */
const modelPriceSchema = z
  .object({
    input_mtok: z.number().nonnegative(),
    output_mtok: z.number().nonnegative(),
    cache_read_mtok: z.number().nonnegative().optional(),
    cache_write_mtok: z.number().nonnegative().optional(),
  })
  .strict();

export type ModelPrice = z.infer<typeof modelPriceSchema>;
export type PriceOverrides = ReadonlyMap<string, ModelPrice>;

const overridesSchema = z.record(z.string().min(1), modelPriceSchema);

export class PriceFileError extends Error {}

/**
 * Reads a `PADDOCK_MODEL_PRICES` file: YAML or JSON mapping model names (as agents name
 * them) to prices per million tokens, e.g. `gpt-4o: { input_mtok: 2.5, output_mtok: 10, cache_read_mtok: 1.25 }`.
 */
export function loadPriceOverrides(file: string): PriceOverrides {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PriceFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new PriceFileError(`${file} is neither YAML nor JSON: ${(error as Error).message}`);
  }
  const parsed = overridesSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new PriceFileError(
      `${file} must map model names to { input_mtok, output_mtok, cache_read_mtok?, cache_write_mtok? } (US dollars per million tokens): ${problems.join('; ')}`,
    );
  }
  return new Map(Object.entries(parsed.data));
}

const MAX_CACHED_MODELS = 1_000;

/**
 * Prices model usage: per-model overrides from configuration first, then the
 * `@pydantic/genai-prices` catalogue (a `provider/model` name, as LiteLLM routes take,
 * is looked up as that provider's model). Null when neither knows the model.
 */
export class PriceBook {
  readonly #overrides: PriceOverrides;
  /** Whether the catalogue knows a model, and under which name and provider. */
  readonly #catalogue = new Map<string, { modelId: string; providerId?: string } | null>();

  constructor(overrides: PriceOverrides = new Map()) {
    this.#overrides = overrides;
  }

  /** Whether usage of this model can be priced. */
  knows(model: string): boolean {
    return this.#overrides.has(model) || this.#lookup(model) !== null;
  }

  costUsd(model: string | null | undefined, usage: TokenUsage): number | null {
    if (!model) return null;
    const input = Math.max(0, usage.inputTokens);
    // Partitions of the input; a harness that reports more cached tokens than input is clamped.
    const cacheRead = Math.min(input, Math.max(0, usage.cacheReadTokens ?? 0));
    const cacheWrite = Math.min(input - cacheRead, Math.max(0, usage.cacheWriteTokens ?? 0));
    const output = Math.max(0, usage.outputTokens);
    const override = this.#overrides.get(model);
    if (override) {
      const perToken =
        (input - cacheRead - cacheWrite) * override.input_mtok +
        cacheRead * (override.cache_read_mtok ?? override.input_mtok) +
        cacheWrite * (override.cache_write_mtok ?? override.input_mtok) +
        output * override.output_mtok;
      return perToken / 1_000_000;
    }
    const found = this.#lookup(model);
    if (!found) return null;
    const result = calcPrice(
      { input_tokens: input, output_tokens: output, cache_read_tokens: cacheRead, cache_write_tokens: cacheWrite },
      found.modelId,
      found.providerId ? { providerId: found.providerId } : {},
    );
    return result ? result.total_price : null;
  }

  #lookup(model: string): { modelId: string; providerId?: string } | null {
    const cached = this.#catalogue.get(model);
    if (cached !== undefined) return cached;
    const probe = { input_tokens: 1, output_tokens: 1 };
    let found: { modelId: string; providerId?: string } | null = calcPrice(probe, model) ? { modelId: model } : null;
    const slash = model.indexOf('/');
    if (!found && slash > 0) {
      const providerId = model.slice(0, slash);
      const modelId = model.slice(slash + 1);
      found = calcPrice(probe, modelId, { providerId }) ? { modelId, providerId } : calcPrice(probe, modelId) ? { modelId } : null;
    }
    if (this.#catalogue.size >= MAX_CACHED_MODELS) this.#catalogue.clear();
    this.#catalogue.set(model, found);
    return found;
  }
}
