import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Lint rules for the dashboard: the repository's rules (see ../eslint.config.js) plus
 * browser globals for the app and Node globals for its build and browser-test files.
 * ESLint 10 picks this file for everything under web/, also when run from the root.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'src/gql/**', 'test-results/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['e2e/**/*.ts', '*.config.{ts,js}'], languageOptions: { globals: { ...globals.node } } },
);
