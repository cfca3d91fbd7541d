import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/index.ts';
import { loadPriceOverrides, PriceBook, PriceFileError } from './prices.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'paddock-prices-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function file(name: string, text: string): Promise<string> {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
}

describe('PriceBook', () => {
  it('prices catalogue models, including cached input at its own rate', () => {
    const book = new PriceBook();
    // gpt-4o: $2.50 / $10 per million, cached input $1.25.
    expect(book.costUsd('gpt-4o', { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBeCloseTo(12.5, 9);
    expect(book.costUsd('gpt-4o', { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 1_000_000 })).toBeCloseTo(1.25, 9);
  });

  it('understands provider/model names as gateways route them', () => {
    const book = new PriceBook();
    expect(book.costUsd('openai/gpt-4o', { inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(2.5, 9);
    expect(book.knows('anthropic/claude-sonnet-4-20250514')).toBe(true);
  });

  it('answers null for a model nobody prices, and for no model', () => {
    const book = new PriceBook();
    expect(book.costUsd('paddock-mock', { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(book.costUsd(null, { inputTokens: 10, outputTokens: 10 })).toBeNull();
    expect(book.knows('no-such-model-anywhere')).toBe(false);
  });

  it('puts overrides ahead of the catalogue, with cache rates falling back to the input rate', () => {
    const book = new PriceBook(
      new Map([
        ['gpt-4o', { input_mtok: 1, output_mtok: 1 }],
        ['house-model', { input_mtok: 4, output_mtok: 8, cache_read_mtok: 0.4, cache_write_mtok: 5 }],
      ]),
    );
    expect(book.costUsd('gpt-4o', { inputTokens: 1_000_000, outputTokens: 1_000_000, cacheReadTokens: 500_000 })).toBeCloseTo(2, 9);
    // 300k uncached at $4, 500k cache reads at $0.40, 200k cache writes at $5, 100k output at $8.
    expect(book.costUsd('house-model', { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 500_000, cacheWriteTokens: 200_000 })).toBeCloseTo(
      1.2 + 0.2 + 1 + 0.8,
      9,
    );
  });

  it('clamps cache counts a harness over-reports instead of pricing negative tokens', () => {
    const book = new PriceBook(new Map([['m', { input_mtok: 1, output_mtok: 1, cache_read_mtok: 0 }]]));
    expect(book.costUsd('m', { inputTokens: 100, outputTokens: 0, cacheReadTokens: 500 })).toBe(0);
  });
});

describe('PADDOCK_MODEL_PRICES', () => {
  it('reads YAML and JSON', async () => {
    expect(loadPriceOverrides(await file('a.yaml', 'mine: { input_mtok: 1, output_mtok: 2 }\n')).get('mine')).toEqual({ input_mtok: 1, output_mtok: 2 });
    expect(loadPriceOverrides(await file('a.json', '{"mine": {"input_mtok": 3, "output_mtok": 4, "cache_read_mtok": 0.3}}')).get('mine')).toEqual({
      input_mtok: 3,
      output_mtok: 4,
      cache_read_mtok: 0.3,
    });
  });

  it('says what is wrong with a bad file', async () => {
    expect(() => loadPriceOverrides(path.join(dir, 'missing.yaml'))).toThrow(/cannot read/);
    expect(() => loadPriceOverrides(path.join(dir, 'missing.yaml'))).toThrow(PriceFileError);
    const negative = await file('b.yaml', 'mine: { input_mtok: -1, output_mtok: 2 }');
    expect(() => loadPriceOverrides(negative)).toThrow(/mine\.input_mtok/);
    expect(() => loadPriceOverrides(negative)).toThrow(/US dollars per million tokens/);
    const typo = await file('c.yaml', 'mine: { input_mtok: 1, output_mtok: 2, cached_mtok: 1 }');
    expect(() => loadPriceOverrides(typo)).toThrow(/cached_mtok/);
    const list = await file('d.yaml', '- mine\n');
    expect(() => loadPriceOverrides(list)).toThrow(/must map model names/);
    const broken = await file('e.yaml', 'mine: { input_mtok: 1\n');
    expect(() => loadPriceOverrides(broken)).toThrow(/neither YAML nor JSON/);
  });

  it('stops startup with a message naming the variable', async () => {
    const bad = await file('f.yaml', 'mine: { output_mtok: 2 }');
    expect(() => loadConfig({ PADDOCK_MODEL_PRICES: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ PADDOCK_MODEL_PRICES: bad })).toThrow(/PADDOCK_MODEL_PRICES: .*mine\.input_mtok/);
    const good = await file('g.yaml', 'mine: { input_mtok: 1, output_mtok: 2 }');
    expect(loadConfig({ PADDOCK_MODEL_PRICES: good }).modelPrices.get('mine')).toEqual({ input_mtok: 1, output_mtok: 2 });
  });
});
