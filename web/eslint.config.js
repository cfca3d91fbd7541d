import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Lint rules for the dashboard: the repository's rules (see ../eslint.config.js), the
 * React Hooks rules, and browser globals for the app and Node globals for its build and browser-test files.
 * `pnpm --filter @paddock/web lint` uses it; the root lint repeats these rules for web/.
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
  // The Rules of Hooks and the React Compiler's checks; a missing effect dependency is an error, not a hint.
  {
    files: ['src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: { ...reactHooks.configs.flat.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  { files: ['e2e/**/*.ts', '*.config.{ts,js}'], languageOptions: { globals: { ...globals.node } } },
);
