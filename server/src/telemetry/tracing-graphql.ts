import { SpanKind, SpanStatusCode, context as otelContext, trace } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { contextFrom, tracer } from './tracing.ts';

/**
 * One server span per GraphQL query or mutation over HTTP, continuing the caller's trace
 * (its `traceparent` header). Resolvers run inside it, so `sendMessage` hands its context
 * to the turn it queues. Subscriptions live for minutes and get none.
 */
export function useTracing(): Plugin {
  return {
    instrumentation: {
      execute({ context }, wrapped) {
        const request = (context as { request?: Request }).request;
        const parent = contextFrom(request ? Object.fromEntries(request.headers) : undefined);
        const span = tracer().startSpan('graphql', { kind: SpanKind.SERVER }, parent);
        const end = () => span.end();
        try {
          const result = otelContext.with(trace.setSpan(parent, span), wrapped);
          if (result instanceof Promise) return result.finally(end);
          end();
          return result;
        } catch (error) {
          end();
          throw error;
        }
      },
    },
    onExecute({ args }) {
      const span = trace.getActiveSpan();
      const operation = getOperationAST(args.document, args.operationName);
      if (span && operation) {
        const field = operation.selectionSet.selections.find((s) => s.kind === 'Field');
        const name = operation.name?.value ?? (field?.kind === 'Field' ? field.name.value : undefined);
        span.updateName(name ? `${operation.operation} ${name}` : operation.operation);
        span.setAttribute('graphql.operation.type', operation.operation);
        if (operation.name) span.setAttribute('graphql.operation.name', operation.name.value);
      }
      return {
        onExecuteDone({ result }) {
          const errors = 'errors' in result ? result.errors : undefined;
          if (!span || !errors?.length) return;
          const code = errors[0]?.extensions?.code;
          span.setAttribute('error.type', typeof code === 'string' ? code : 'graphql_error');
          span.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message ?? 'GraphQL error' });
        },
      };
    },
  };
}
