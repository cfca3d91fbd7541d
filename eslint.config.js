import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '.tools/**',
      '.paddock/**',
      'server/src/db/generated/**',
      'web/src/gql/**',
      'web/test-results/**',
    ],
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
        { paths: [{ name: '@paddock/events', allowTypeImports: true, message: 'The runtime may import only types from @paddock/events.' }] },
      ],
    },
  },
  // The dashboard runs in the browser; its browser tests and build config run in Node.
  { files: ['web/src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['web/e2e/**/*.ts', 'web/*.config.{ts,js}'], languageOptions: { globals: { ...globals.node } } },
);
