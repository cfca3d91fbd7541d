import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { DateTimeISOResolver, JSONResolver } from 'graphql-scalars';
import { failedScope, SCOPE_NEEDS, scopesOf, type Scope } from '../auth/roles.ts';
import { forbidden, limitExceeded, unauthenticated } from '../errors/index.ts';
import { decodeGlobalId, encodeGlobalId } from '../ids/global-id.ts';
import type { Context } from './context.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './pagination.ts';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The one schema builder; every domain adds its types to it from its own `schema.ts`. */
export const builder = new SchemaBuilder<{
  Context: Context;
  AuthScopes: Record<Scope, boolean>;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: JsonValue; Output: unknown };
  };
}>({
  plugins: [ScopeAuthPlugin, RelayPlugin, ComplexityPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    // Check subscriptions when they start, not on each event.
    authorizeOnSubscribe: true,
    authScopes: (ctx) => scopesOf(ctx.viewer?.role),
    unauthorizedError: (_parent, ctx, _info, result) => {
      if (ctx.viewer) return forbidden(SCOPE_NEEDS[failedScope(result.failure) ?? 'writer'](ctx.viewer.role));
      if (ctx.keyRejected) return unauthenticated('This API key is not valid: it was revoked or never existed. Ask an admin for a new one.');
      return unauthenticated('Send an API key as "Authorization: Bearer <key>" (connectionParams.authorization on WebSocket).');
    },
  },
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodesQueryOptions: false,
    nodeQueryOptions: { authScopes: { reader: true } },
    decodeGlobalID: decodeGlobalId,
    encodeGlobalID: encodeGlobalId,
    firstArgOptions: {
      description:
        `Return at most this many items after \`after\` (0 to ${MAX_PAGE_SIZE}). Without \`first\` or \`last\`, a page has ${DEFAULT_PAGE_SIZE} items. ` +
        '`first: 0` returns no edges; pageInfo.hasNextPage then tells whether any item follows.',
    },
    lastArgOptions: {
      description:
        `Return at most this many items before \`before\`, counting back from the end (0 to ${MAX_PAGE_SIZE}); not together with \`first\`. ` +
        '`last: 0` returns no edges; pageInfo.hasPreviousPage then tells whether any item precedes.',
    },
    afterArgOptions: { description: 'Start after this cursor (an edge cursor or pageInfo.endCursor of an earlier page).' },
    beforeArgOptions: { description: 'End before this cursor (an edge cursor or pageInfo.startCursor of an earlier page).' },
  },
  complexity: {
    defaultComplexity: 1,
    // Connections and events set their own multiplier from first/last; other lists are small.
    defaultListMultiplier: 1,
    limit: (ctx) => ({
      depth: ctx.services.config.limits.maxDepth,
      complexity: ctx.services.config.limits.maxComplexity,
      breadth: ctx.services.config.limits.maxComplexity,
    }),
    // Page sizes passed as variables are only known here, at execution, before any resolver runs.
    complexityError: (kind, result) => {
      const setting = kind === 'Depth' ? 'PADDOCK_MAX_QUERY_DEPTH' : 'PADDOCK_MAX_QUERY_COMPLEXITY';
      const found = result[kind.toLowerCase() as 'depth' | 'complexity' | 'breadth'];
      return limitExceeded(`Query ${kind.toLowerCase()} ${String(found)} exceeds the limit (${setting}); request fewer fields or smaller pages.`, setting);
    },
  },
});

// Every root field needs a key, and no mutation is open to VIEWER keys, whatever a field adds.
builder.queryType({ authScopes: { reader: true } });
builder.mutationType({ authScopes: { writer: true } });
builder.subscriptionType({ authScopes: { reader: true } });

// Serialized as an ISO string (not a Date), so in-process results equal what goes on the wire.
builder.addScalarType('DateTime', DateTimeISOResolver, {
  description:
    'A point in time as an RFC 3339 (ISO-8601) string in UTC with milliseconds, e.g. "2026-01-31T09:30:00.000Z". ' +
    'Inputs need a date, a time and an offset ("Z" or "+02:00").',
});

builder.addScalarType('JSON', JSONResolver, {
  description: 'Any JSON value (object, array, string, number, boolean or null), passed through as is; its shape is described by the field that returns it.',
});
