import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SESSION_EVENT_TYPES } from '@paddock/events';
import { GraphQLObjectType, GraphQLScalarType, getNamedType, isInterfaceType, isLeafType, isObjectType, parse, printSchema, validate } from 'graphql';
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

describe('typed session events', () => {
  const SessionEvent = schema.getType('SessionEvent');
  if (!isInterfaceType(SessionEvent)) throw new Error('SessionEvent is not an interface');
  const kinds = schema.getPossibleTypes(SessionEvent);

  it('has one object type per kind of the event vocabulary, plus one for events it cannot type', () => {
    expect(kinds).toHaveLength(SESSION_EVENT_TYPES.length + 1);
    expect(kinds.map((k) => k.name)).toContain('UnrecognizedEvent');
    for (const kind of kinds) expect(kind.description, kind.name).toMatch(/^\S.{20,}/);
  });

  it('keeps type and payload on the interface, documented as kept for compatibility', () => {
    const fields = SessionEvent.getFields();
    expect(Object.keys(fields).sort()).toEqual(['createdAt', 'delta', 'messageId', 'payload', 'seq', 'type']);
    for (const name of ['type', 'payload', 'delta']) expect(fields[name]!.description, name).toMatch(/Kept for compatibility/);
  });

  it('lets one query select the typed fields of every kind (no two kinds give a field name different types)', () => {
    const own = kinds.map((kind) => {
      const fields = Object.values(kind.getFields()).filter((f) => !(f.name in SessionEvent.getFields()));
      const selection = fields.map((f) => (isLeafType(getNamedType(f.type)) ? f.name : `${f.name} { __typename }`)).join(' ');
      return selection ? `... on ${kind.name} { ${selection} }` : '';
    });
    const document = parse(`query($s: ID!) { session(id: $s) { events { __typename seq type messageId createdAt ${own.join(' ')} } } }`);
    expect(validate(schema, document)).toEqual([]);
  });
});

describe('cost', () => {
  it('gives every connection field a page-size multiplier, so its cost counts every row it may return', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        if (getNamedType(field.type).name.endsWith('Connection') && typeof field.extensions.complexity !== 'function')
          missing.push(`${type.name}.${field.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
