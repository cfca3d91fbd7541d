import { fileURLToPath } from 'node:url';
import type { CodegenConfig } from '@graphql-codegen/cli';

/** Paths are resolved from this file, so codegen runs the same from the root or from web/. */
const root = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * `pnpm codegen`: the server first prints its schema to schema.graphql (the committed
 * SDL snapshot), then this writes the dashboard's typed documents from it.
 */
const config: CodegenConfig = {
  schema: root('./schema.graphql'),
  documents: [root('./web/src/**/*.{ts,tsx}'), `!${root('./web/src/gql/**')}`],
  ignoreNoDocuments: true,
  generates: {
    [root('./web/src/gql/')]: {
      preset: 'client',
      // Components see only the fields their own fragments select.
      presetConfig: { fragmentMasking: { unmaskFunctionName: 'getFragmentData' } },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', JSON: 'unknown' },
        strictScalars: true,
      },
    },
  },
};

export default config;
