import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const GENERATED = fileURLToPath(new URL('./src/gql/graphql.ts', import.meta.url));
const CALL = /\bgraphql\(\s*`([^`]*)`\s*\)/g;
const DEFINITION = /^\s*(query|mutation|subscription|fragment)\s+(\w+)/m;
const EXPORT = /^export const (\w+) = (\{"kind":"Document".*\}) as unknown as DocumentNode<.*>;$/gm;
const PREFIX = 'virtual:paddock-gql/';

/** The generated documents (codegen's exact ASTs), by export name. */
function generatedDocuments(): Map<string, string> {
  const source = readFileSync(GENERATED, 'utf8');
  return new Map([...source.matchAll(EXPORT)].map((m) => [m[1]!, m[2]!]));
}

/**
 * Replaces each `graphql(`…`)` call with its own small module holding the document
 * codegen generated for it (what the client preset's Babel plugin does, but one module
 * per document). `graphql()` looks documents up in a map of every document in the app,
 * and the generated file holds them all, so without this the first page would
 * download every query of every page; with it, each page carries only its own.
 */
export function graphqlDocuments(): Plugin {
  return {
    name: 'paddock-graphql-documents',
    enforce: 'pre',
    resolveId(id) {
      return id.startsWith(PREFIX) ? `\0${id}` : null;
    },
    load(id) {
      if (!id.startsWith(`\0${PREFIX}`)) return null;
      const name = id.slice(PREFIX.length + 1);
      const document = generatedDocuments().get(name);
      if (!document) this.error(`No generated document ${name} in ${GENERATED}; run pnpm codegen.`);
      this.addWatchFile(GENERATED);
      return `export default ${document};`;
    },
    transform(code, id) {
      if (id.includes('/node_modules/') || id.includes('/src/gql/') || !/\.[cm]?tsx?$/.test(id) || !code.includes('graphql(`')) return null;
      const imports = new Set<string>();
      const out = code.replace(CALL, (call, body: string) => {
        const match = DEFINITION.exec(body);
        if (!match) return call;
        const exported = match[1] === 'fragment' ? `${match[2]}FragmentDoc` : `${match[2]}Document`;
        imports.add(exported);
        return `__gql_${exported}`;
      });
      if (imports.size === 0) return null;
      const header = [...imports].map((e) => `import __gql_${e} from ${JSON.stringify(PREFIX + e)};`).join('\n');
      return { code: `${header}\n${out}`, map: null };
    },
  };
}
