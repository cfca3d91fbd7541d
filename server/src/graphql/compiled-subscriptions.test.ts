import { GraphQLError, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { useCompiledSubscriptions } from './compiled-subscriptions.ts';

type Tick = { n: number };

function fixture() {
  const seen = { args: [] as unknown[], ended: 0 };
  const Tick = new GraphQLObjectType<Tick>({
    name: 'Tick',
    fields: {
      n: { type: GraphQLInt },
      label: { type: GraphQLString, args: { prefix: { type: GraphQLString } }, resolve: (t, a: { prefix?: string }) => `${a.prefix ?? ''}${t.n}` },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        ticks: {
          type: Tick,
          args: { upTo: { type: new GraphQLNonNull(GraphQLInt) } },
          subscribe: async (_root: unknown, args: { upTo: number }) => {
            seen.args.push(args);
            if (args.upTo < 0) throw new GraphQLError('upTo must be 0 or more', { extensions: { code: 'BAD_USER_INPUT' } });
            return (async function* () {
              try {
                for (let n = 1; n <= args.upTo; n++) yield { n };
                // An open subscription waits here for events that never come.
                await new Promise(() => undefined);
              } finally {
                seen.ended += 1;
              }
            })();
          },
          resolve: (tick: unknown) => tick,
        },
      },
    }),
  });
  const yoga = createYoga({ schema, plugins: [useCompiledSubscriptions()] });
  const run = async (query: string, variables: Record<string, unknown>) => {
    const { subscribe, contextFactory } = yoga.getEnveloped({});
    return (await subscribe({ schema, document: parse(query), variableValues: variables, contextValue: await contextFactory() })) as
      AsyncIterableIterator<ExecutionResult> | ExecutionResult;
  };
  return { seen, run };
}

const QUERY = 'subscription($upTo: Int!, $p: String) { ticks(upTo: $upTo) { n label(prefix: $p) } }';

describe('compiled subscriptions', () => {
  it("hands the subscription field its own arguments and runs every event's selection", async () => {
    const { seen, run } = fixture();
    const stream = await run(QUERY, { upTo: 3, p: '#' });
    expect(Symbol.asyncIterator in stream).toBe(true);
    const iterator = stream as AsyncIterableIterator<ExecutionResult>;
    const results = [await iterator.next(), await iterator.next(), await iterator.next()];
    expect(seen.args).toEqual([{ upTo: 3 }]);
    expect(results.map((r) => r.value)).toEqual([1, 2, 3].map((n) => ({ data: { ticks: { n, label: `#${n}` } } })));
    // Ending the subscription ends its source.
    await expect(iterator.return!()).resolves.toMatchObject({ done: true });
    expect(seen.ended).toBe(1);
  });

  it('returns the error of a refused subscription as a result, not a stream', async () => {
    const { run } = fixture();
    const result = (await run(QUERY, { upTo: -1 })) as ExecutionResult;
    expect(Symbol.asyncIterator in result).toBe(false);
    expect(result.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([['upTo must be 0 or more', 'BAD_USER_INPUT']]);
  });
});
