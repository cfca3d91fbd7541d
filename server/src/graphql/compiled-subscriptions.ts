import { createSourceEventStream, subscribe, type DocumentNode, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { Plugin } from 'graphql-yoga';

/**
 * Subscriptions with each event's payload executed by a compiled query (graphql-jit)
 * instead of graphql-js's interpreter, which rebuilds the execution context, coerces
 * the variables and walks the selection set anew for every event of every subscriber.
 * The source stream still comes from graphql-js: graphql-jit's own `subscribe` hands
 * the subscription field the operation's variables instead of its arguments.
 * A document graphql-jit cannot compile runs on graphql-js as before.
 */
export function useCompiledSubscriptions(): Plugin {
  const cache = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiled = (args: ExecutionArgs): CompiledQuery | null => {
    let byOperation = cache.get(args.document);
    if (!byOperation) cache.set(args.document, (byOperation = new Map()));
    const name = args.operationName ?? '';
    let entry = byOperation.get(name);
    if (entry === undefined) {
      const result = compileQuery(args.schema, args.document, args.operationName ?? undefined);
      entry = isCompiledQuery(result) ? result : null;
      byOperation.set(name, entry);
    }
    return entry;
  };
  return {
    onSubscribe({ setSubscribeFn }) {
      setSubscribeFn(async (args: ExecutionArgs) => {
        const query = compiled(args);
        if (!query) return subscribe(args);
        const stream = await createSourceEventStream(args);
        if (!(Symbol.asyncIterator in stream)) return stream;
        return mapEvents(stream, (payload) => query.query(payload, args.contextValue, args.variableValues ?? {}));
      });
    },
  };
}

/** Maps a source stream like graphql-js does: ending the mapped one ends the source at once. */
function mapEvents<T>(source: AsyncIterable<T>, map: (value: T) => ExecutionResult | Promise<ExecutionResult>): AsyncIterableIterator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  const mapped = async (result: IteratorResult<T>): Promise<IteratorResult<ExecutionResult>> => {
    if (result.done) return { value: undefined, done: true };
    try {
      return { value: await map(result.value), done: false };
    } catch (error) {
      await iterator.return?.();
      throw error;
    }
  };
  return {
    next: async () => mapped(await iterator.next()),
    return: async () => (iterator.return ? mapped(await iterator.return()) : { value: undefined, done: true }),
    throw: async (error: unknown) => {
      if (iterator.throw) return mapped(await iterator.throw(error));
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
