import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  GraphQLError,
  Kind,
  Lexer,
  parse,
  Source,
  TokenKind,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionNode,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Config } from '../config/index.ts';
import { limitExceeded, unauthenticated } from '../errors/index.ts';
import type { Context } from './context.ts';

type Limits = Config['limits'];

/** Which setting each armor rule enforces, and how to say so. */
function limitError(message: string, limits: Limits): GraphQLError {
  const found = /found (\d+(?:\.\d+)?)/.exec(message)?.[1];
  if (message.includes('depth')) {
    return limitExceeded(
      `Query depth ${found} exceeds the limit of ${limits.maxDepth} (PADDOCK_MAX_QUERY_DEPTH); select less deeply nested fields.`,
      'PADDOCK_MAX_QUERY_DEPTH',
    );
  }
  if (message.includes('Aliases')) {
    return limitExceeded(`The query uses ${found} aliases; the limit is ${limits.maxAliases} (PADDOCK_MAX_QUERY_ALIASES).`, 'PADDOCK_MAX_QUERY_ALIASES');
  }
  if (message.includes('Directives')) {
    return limitExceeded(
      `The query uses ${found} directives; the limit is ${limits.maxDirectives} (PADDOCK_MAX_QUERY_DIRECTIVES).`,
      'PADDOCK_MAX_QUERY_DIRECTIVES',
    );
  }
  return limitExceeded(
    `Query complexity ${found} exceeds the limit of ${limits.maxComplexity} (PADDOCK_MAX_QUERY_COMPLEXITY); request fewer fields or smaller pages.`,
    'PADDOCK_MAX_QUERY_COMPLEXITY',
  );
}

/** The armor rules, each reporting what it rejects to `reject`. */
function limitRules(limits: Limits, reject: (error: GraphQLError) => void): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true, onReject: [(_ctx: unknown, error: GraphQLError) => reject(error)] };
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true }),
    maxAliasesRule({ ...common, n: limits.maxAliases }),
    maxDirectivesRule({ ...common, n: limits.maxDirectives }),
    costLimitRule({
      ...common,
      maxCost: limits.maxComplexity,
      objectCost: 1,
      scalarCost: 1,
      depthCostFactor: 1,
      flattenFragments: true,
      ignoreIntrospection: false,
    }),
  ];
}

/**
 * What the API answers a document before running it, or null when it is within the
 * limits: introspection reads, then depth, aliases, directives and cost (fragments
 * expanded) in one pass that visits each fragment once.
 */
export function operationLimitError(schema: GraphQLSchema, document: DocumentNode, limits: Limits): GraphQLError | null {
  const reads = introspectionReads(document);
  if (reads > MAX_INTROSPECTION_READS) {
    return limitExceeded(
      `The query reads the schema (__schema or __type) ${reads} times; a request may do so at most ${MAX_INTROSPECTION_READS} times.`,
      'INTROSPECTION_READS',
    );
  }
  const rejected: GraphQLError[] = [];
  try {
    validate(
      schema,
      document,
      limitRules(limits, (error) => rejected.push(error)),
    );
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    rejected.push(new GraphQLError('found too deeply nested'));
  }
  return rejected.length > 0 ? limitError(rejected[0]!.message, limits) : null;
}

/**
 * Bounds what one document may cost before anything else looks at it: the parser stops
 * after `maxTokens` tokens, and depth, aliases, directives and cost (fragments expanded,
 * literal `first`/`last` as multipliers, introspection included) are checked in one pass
 * that visits each fragment once, so the check is linear in the document. It runs on its
 * own before graphql-js's validation, some of whose rules are far from linear on fragment
 * bombs. Page sizes passed as variables are counted again by the complexity plugin at
 * execution, before any resolver runs.
 */
export function useOperationLimits(limits: Limits): Plugin<Record<string, unknown>> {
  /**
   * The verdict on each document, kept as long as the document is: yoga's parser cache hands
   * back the same DocumentNode for the same query text, so a query sent again is not walked
   * again (the rules read only the document; page sizes in variables are counted at execution).
   */
  const verdicts = new WeakMap<DocumentNode, GraphQLError | null>();
  const tooManyTokens = () =>
    limitExceeded(`The document has more than ${limits.maxTokens} tokens (PADDOCK_MAX_QUERY_TOKENS); send a smaller query.`, 'PADDOCK_MAX_QUERY_TOKENS');
  return {
    // Counted before parsing too, so the answer is a plain 400 over HTTP (yoga answers
    // parse errors as spec errors, 200 for application/json clients).
    onParams({ params, setResult }) {
      if (typeof params.query === 'string' && exceedsTokens(params.query, limits.maxTokens)) setResult({ errors: [tooManyTokens()] });
    },
    onParse({ setParseFn }) {
      setParseFn((source, options) => {
        try {
          return parse(source, { ...options, maxTokens: limits.maxTokens });
        } catch (error) {
          if (error instanceof RangeError) {
            throw limitExceeded('The document is nested too deeply to read; send a smaller query.', 'PADDOCK_MAX_QUERY_TOKENS');
          }
          if (/contains more tha[nt] \d+ tokens/.test((error as Error).message)) throw tooManyTokens();
          throw error;
        }
      });
    },
    onValidate({ params: { schema, documentAST }, setResult }) {
      let verdict = verdicts.get(documentAST);
      if (verdict === undefined) {
        verdict = operationLimitError(schema, documentAST, limits);
        verdicts.set(documentAST, verdict);
      }
      if (verdict) setResult([verdict]);
    },
  };
}

/**
 * Introspection answers are large (every type and field), so besides counting towards the
 * cost, a document may ask for them only this often; GraphiQL asks once.
 */
const MAX_INTROSPECTION_READS = 2;

/** `__schema`/`__type` selections with fragments expanded, each fragment counted once (linear). */
function introspectionReads(document: DocumentNode): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, number>();
  const count = (selections: readonly SelectionNode[], visiting: Set<string>): number => {
    let total = 0;
    for (const s of selections) {
      if (s.kind === Kind.FIELD) total += s.name.value === '__schema' || s.name.value === '__type' ? 1 : 0;
      else if (s.kind === Kind.INLINE_FRAGMENT) total += count(s.selectionSet.selections, visiting);
      else {
        const name = s.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        if (!memo.has(name)) {
          visiting.add(name);
          memo.set(name, count(fragment.selectionSet.selections, visiting));
          visiting.delete(name);
        }
        total += memo.get(name)!;
      }
      // Saturate: the limit is tiny, and 2^n spreads must not overflow into a small number.
      if (total > 1e6) return total;
    }
    return total;
  };
  let reads = 0;
  // Introspection fields exist only on the query root, so root selections are all that count.
  for (const d of document.definitions) if (d.kind === Kind.OPERATION_DEFINITION) reads += count(d.selectionSet.selections, new Set());
  return reads;
}

/** Whether `query` has more than `max` tokens; the lexer is iterative, so this is safe on any input. */
function exceedsTokens(query: string, max: number): boolean {
  const lexer = new Lexer(new Source(query));
  try {
    for (let count = 0; lexer.advance().kind !== TokenKind.EOF;) if (++count > max) return true;
  } catch {
    // A syntax error: the parser reports it.
  }
  return false;
}

/** Introspection needs an API key unless PADDOCK_PUBLIC_INTROSPECTION is set. */
export function useIntrospectionAuth(publicIntrospection: boolean): Plugin<Context> {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if (publicIntrospection || args.contextValue.viewer) return;
      if (introspectionReads(args.document) > 0) {
        setResultAndStopExecution({
          errors: [
            unauthenticated('Introspection needs an API key: send "Authorization: Bearer <key>" (or set PADDOCK_PUBLIC_INTROSPECTION=true on the server).'),
          ],
        });
      }
    },
  };
}
