import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getNamedType, isObjectType, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the server builds (run `pnpm codegen` after changing it)', async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, '../../../schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });
});

describe('cost', () => {
  it('gives every connection field a page-size multiplier, so its cost counts every row it may return', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name.endsWith('Connection') && typeof field.extensions.complexity !== 'function') missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
