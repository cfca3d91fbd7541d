import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the server builds (run `pnpm codegen` after changing it)', async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, '../../../schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });
});
