import { getOperationAST, type DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { metrics, operationLabel } from './metrics.ts';

type Labels = { operation: string; type: string };

function labelsOf(document: DocumentNode, operationName: string | null | undefined): Labels {
  const operation = getOperationAST(document, operationName);
  return { operation: operationLabel(operation?.name?.value ?? operationName), type: operation?.operation ?? 'unknown' };
}

function outcomeOf(result: unknown): 'success' | 'error' {
  const errors = (result as { errors?: readonly unknown[] } | null)?.errors;
  return errors && errors.length > 0 ? 'error' : 'success';
}

/**
 * Counts and times every GraphQL operation by name, type and outcome, and keeps the
 * number of open subscriptions, on HTTP and WebSocket alike (both run yoga's pipeline).
 */
export function useGraphqlMetrics(): Plugin {
  return {
    onExecute({ args }) {
      const started = performance.now();
      const labels = labelsOf(args.document, args.operationName);
      return {
        onExecuteDone({ result }) {
          const outcome = outcomeOf(result);
          metrics.graphqlOperations.inc({ ...labels, outcome });
          metrics.graphqlDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
        },
      };
    },
    onSubscribe({ args }) {
      const started = performance.now();
      const labels = labelsOf(args.document, args.operationName);
      return {
        onSubscribeResult({ result }) {
          const outcome = Symbol.asyncIterator in Object(result) ? 'success' : outcomeOf(result);
          metrics.graphqlOperations.inc({ ...labels, outcome });
          metrics.graphqlDuration.observe({ ...labels, outcome }, (performance.now() - started) / 1000);
          if (outcome !== 'success') return undefined;
          metrics.subscriptionsOpen.inc();
          let open = true;
          return {
            onEnd() {
              if (!open) return;
              open = false;
              metrics.subscriptionsOpen.dec();
            },
          };
        },
      };
    },
  };
}
