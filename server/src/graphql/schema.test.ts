import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { GraphQLObjectType, GraphQLScalarType, getNamedType, isObjectType, printSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from './schema.ts';

describe('schema.graphql', () => {
  it('matches the schema the server builds (run `pnpm codegen` after changing it)', async () => {
    const committed = await readFile(path.resolve(import.meta.dirname, '../../../schema.graphql'), 'utf8');
    expect(committed).toBe(`${printSchema(schema)}\n`);
  });

  it('documents the custom scalars and the paging arguments of every connection', () => {
    for (const name of ['DateTime', 'JSON']) {
      const scalar = schema.getType(name);
      expect(scalar).toBeInstanceOf(GraphQLScalarType);
      expect(scalar!.description, name).toMatch(/^\S.{30,}/);
    }
    const connections = Object.values(schema.getTypeMap())
      .filter((type): type is GraphQLObjectType => type instanceof GraphQLObjectType)
      .flatMap((type) => Object.values(type.getFields()).map((field) => ({ where: `${type.name}.${field.name}`, field })))
      .filter(({ field }) => /Connection!?$/.test(String(field.type)));
    expect(connections.length).toBeGreaterThanOrEqual(4);
    for (const { where, field } of connections) {
      const first = field.args.find((a) => a.name === 'first')!;
      expect(first.description, where).toMatch(/a page has 20 items/);
      expect(first.description, where).toMatch(/`first: 0` returns no edges/);
      expect(field.args.find((a) => a.name === 'last')!.description, where).toMatch(/`last: 0`/);
    }
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
