import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

/**
 * Lint rules for the dashboard: the repository's rules (see ../eslint.config.js), the
 * React Hooks rules, and browser globals for the app and Node globals for its build and browser-test files.
 * ESLint 10 picks this file for everything under web/, also when run from the root.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'src/gql/**', 'test-results/**', 'node_modules/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Both this file and the root one are loaded in a run from the root: name this one's TypeScript root.
    languageOptions: { parserOptions: { tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // The Rules of Hooks and the React Compiler's checks; a missing effect dependency is an error, not a hint.
  { files: ['src/**/*.{ts,tsx}'], ...reactHooks.configs.flat.recommended, rules: { ...reactHooks.configs.flat.recommended.rules, 'react-hooks/exhaustive-deps': 'error' } },
  { files: ['e2e/**/*.ts', '*.config.{ts,js}'], languageOptions: { globals: { ...globals.node } } },
);
