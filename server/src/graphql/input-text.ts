import { Kind, type ASTNode, type GraphQLError, type ValidationRule } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { badInput } from '../errors/index.ts';

/** NUL, or a UTF-16 surrogate without its partner: text PostgreSQL cannot store and no person meant. */
// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Variables nested deeper than this are no input Paddock takes. */
const MAX_VARIABLE_DEPTH = 32;

export function badText(value: string): string | null {
  const match = BAD_TEXT.exec(value);
  if (!match) return null;
  return match[0] === '\u0000' ? 'a NUL byte (U+0000)' : 'an unpaired UTF-16 surrogate';
}

const textError = (field: string, problem: string) => badInput(`"${field}" contains ${problem}; send valid Unicode text without NUL characters.`, field);

/** String literals in the document, named by their argument and input-object field path. */
const literalTextRule: ValidationRule = (context) => ({
  StringValue(node, _key, parent, _path, ancestors) {
    const problem = badText(node.value);
    if (!problem) return;
    const names: string[] = [];
    for (const ancestor of [...ancestors, parent ?? []]) {
      if (Array.isArray(ancestor)) continue;
      const a = ancestor as ASTNode;
      if (a.kind === Kind.ARGUMENT || a.kind === Kind.OBJECT_FIELD) names.push(a.name.value);
    }
    context.reportError(textError(names.join('.') || 'query', problem));
  },
});

/** The first string in the variables that is bad text, as [path, problem]; iterative, so any depth is safe. */
export function findBadVariable(variables: unknown): { field: string; problem: string } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: variables, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      const problem = badText(value);
      if (problem) return { field: path, problem };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_VARIABLE_DEPTH) return { field: path, problem: `values nested deeper than ${MAX_VARIABLE_DEPTH} levels` };
    const entries: [string, unknown][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
    for (const [key, inner] of entries) {
      const problem = badText(key);
      if (problem) return { field: path || key, problem: `a key with ${problem}` };
      stack.push({ value: inner, path: path ? `${path}.${key}` : key, depth: depth + 1 });
    }
  }
  return null;
}

function variablesError(variables: unknown): GraphQLError | null {
  const bad = findBadVariable(variables);
  if (!bad) return null;
  if (bad.problem.startsWith('values nested')) return badInput(`"${bad.field}" has ${bad.problem}.`, bad.field);
  return textError(bad.field, bad.problem);
}

/**
 * Every string a client sends is checked once, centrally: literals while the document
 * is validated (cached with it), variables before execution. NUL bytes and unpaired
 * surrogates are a BAD_USER_INPUT naming the field, not a database error later.
 */
export function useInputText(): Plugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(literalTextRule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const error = variablesError(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = variablesError(args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
