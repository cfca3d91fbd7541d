import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';

/** Folders of server/src that hold domain code: below graphql/, http/, worker/, platform/ and the entry points. */
const DOMAINS =
  'agents,approvals,audit,auth,automations,config,cost,db,egress,errors,events,harnesses,history,ids,jobs,log,mcp,sandbox,secrets,sessions,teams,telemetry,turns';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/dist/**', '.tools/**', '.paddock/**', 'server/src/db/generated/**', 'web/src/gql/**', 'web/test-results/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  // The runtime's image runs its source with plain Node, which does not strip types inside node_modules.
  {
    files: ['harnesses/runtime/src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { name: '@paddock/events', allowTypeImports: true, message: 'The runtime may import only types from @paddock/events.' },
            {
              name: 'node:http',
              allowTypeImports: true,
              message: "Use nodeHttp from src/http/node-http.ts: an ES import of node:http loads Node's own undici, a second HTTP client.",
            },
          ],
        },
      ],
    },
  },
  // The dashboard runs in the browser; its browser tests and build config run in Node.
  { files: ['web/src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // The Rules of Hooks and the React Compiler's checks (as in web/eslint.config.js); a missing effect dependency is an error.
  {
    files: ['web/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: { ...reactHooks.configs.flat.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  { files: ['web/e2e/**/*.ts', 'web/*.config.{ts,js}'], languageOptions: { globals: { ...globals.node } } },
  // The module graph: no import cycles (type-only imports are erased and do not count),
  // and layers only import downwards.
  {
    files: ['server/**/*.ts', 'web/src/**/*.{ts,tsx}', 'harnesses/*/src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: ['server/tsconfig.json', 'web/tsconfig.json', 'harnesses/*/tsconfig.json'] })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              // Domain code (all but each domain's GraphQL types in schema.ts or schema-*.ts, and tests).
              target: `server/src/{${DOMAINS}}/**/!(schema|schema-*|*.test).ts`,
              from: 'server/src/{graphql,http,platform,worker,bin,cli}/**',
              message: 'Domain code must not depend on the API, worker or process layers; move what both need into a domain folder (db/, jobs/, events/, ...).',
            },
            {
              target: 'server/src/{graphql,http}/**/!(*.test).ts',
              from: 'server/src/{worker,bin,cli}/**',
              message: 'The API layer must not depend on the worker or the entry points; share through a domain folder (jobs/, events/, ...).',
            },
          ],
        },
      ],
    },
  },
);
