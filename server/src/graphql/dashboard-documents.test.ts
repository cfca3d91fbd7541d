import { complexityFromQuery } from '@pothos/plugin-complexity';
import {
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  typeFromAST,
  type DocumentNode,
  type FieldNode,
  type GraphQLInputType,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import * as generated from '../../../web/src/gql/graphql.ts';
import { loadConfig } from '../config/index.ts';
import { operationLimitError } from './limits.ts';
import { MAX_PAGE_SIZE } from './pagination.ts';
import { schema } from './schema.ts';

/**
 * The dashboard's own operations (its documents as codegen compiled them, as urql sends them) are within the
 * API's default limits, by the rules the API applies: depth, aliases, directives and cost
 * before execution, and the complexity plugin's count at execution with every page size
 * passed as a variable at the largest the API accepts.
 */

const { limits } = loadConfig({});
const TYPENAME: FieldNode = { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } };

const operations = Object.entries(generated)
  .filter(([name]) => name.endsWith('Document'))
  .map(([name, document]) => ({ name: name.replace(/Document$/, ''), document: asSent(document as unknown as DocumentNode) }));

/** The document as urql sends it: `__typename` added to every selection set below the operation's root, for its cache. */
function asSent(document: DocumentNode): DocumentNode {
  const nested = (s: SelectionNode): SelectionNode => (s.kind === Kind.FRAGMENT_SPREAD || !s.selectionSet ? s : { ...s, selectionSet: add(s.selectionSet) });
  const add = (set: SelectionSetNode): SelectionSetNode => ({
    ...set,
    selections: [...set.selections.map(nested), ...(set.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename') ? [] : [TYPENAME])],
  });
  return {
    ...document,
    definitions: document.definitions.map((d) => {
      if (d.kind === Kind.OPERATION_DEFINITION) return { ...d, selectionSet: { ...d.selectionSet, selections: d.selectionSet.selections.map(nested) } };
      return d.kind === Kind.FRAGMENT_DEFINITION ? { ...d, selectionSet: add(d.selectionSet) } : d;
    }),
  };
}

/** A value of `type` for a required variable; only page sizes change the count. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [];
  if (isEnumType(type)) return type.getValues()[0]?.value;
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((field) => isNonNullType(field.type))
        .map((field) => [field.name, sample(field.type)]),
    );
  }
  return ({ Int: 1, Float: 1, Boolean: true, DateTime: '2026-01-01T00:00:00Z' } as Record<string, unknown>)[type.name] ?? 'x';
}

function worstVariables(document: DocumentNode): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const { variable, type } of definition.variableDefinitions ?? []) {
      const name = variable.name.value;
      const input = typeFromAST(schema, type) as GraphQLInputType;
      if (name === 'first' || name === 'last') variables[name] = MAX_PAGE_SIZE;
      else if (isNonNullType(input)) variables[name] = sample(input);
    }
  }
  return variables;
}

describe("the dashboard's operations and the API's default limits", () => {
  it('finds the operations', () => {
    expect(operations.map((o) => o.name)).toEqual(expect.arrayContaining(['SessionView', 'Triggers', 'AuditEvents', 'SessionsList']));
  });

  it.each(operations)('$name passes the checks before execution', ({ document }) => {
    expect(operationLimitError(schema, document, limits)?.message ?? null).toBeNull();
  });

  it.each(operations)('$name stays within the complexity and depth counted at execution, at the largest page sizes', ({ document }) => {
    const counted = complexityFromQuery(document, { schema, variables: worstVariables(document) });
    expect(counted.complexity).toBeLessThanOrEqual(limits.maxComplexity);
    expect(counted.depth).toBeLessThanOrEqual(limits.maxDepth);
  });
});
