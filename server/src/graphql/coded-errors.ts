import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Messages libraries give an id whose type has no objects. */
const UNKNOWN_NODE_TYPE = /has not been implemented$|does not support loading by id$/;

function coded(error: GraphQLError): GraphQLError {
  if (error.extensions?.code !== undefined) return error;
  const located = { nodes: error.nodes, path: error.path };
  if (!error.path) return new GraphQLError(error.message, { ...located, extensions: { ...(error.extensions ?? {}), code: 'BAD_USER_INPUT' } });
  if (UNKNOWN_NODE_TYPE.test(error.message)) {
    return new GraphQLError('This is not the id of any Paddock object; pass the `id` field of an object.', {
      ...located,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return error;
}

/**
 * Every error a client sees carries a code. graphql-js reports variables that do not fit
 * their declared type, and the Relay plugin ids of types that have no objects, without
 * one; both are the caller's mistake.
 */
export function useCodedErrors(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (!('errors' in result) || !result.errors?.some((e) => e.extensions?.code === undefined)) return;
          setResult({ ...result, errors: result.errors.map(coded) });
        },
      };
    },
  };
}
