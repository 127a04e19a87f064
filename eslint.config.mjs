import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Packages reach each other through their `exports` maps only: an import of another package's
// dist/ or src/ path loads a second copy of a module (the tests map entries to sources) and ties
// the importer to a file layout the other package is free to change.
const INTERNAL_PATH = '(^|/)[a-z][a-z-]*/(dist|src)(/|$)';
const INTERNAL_PATH_MESSAGE = 'Import another package through its exports map, never its dist/ or src/ files.';
// The same pattern in a selector, where a regular expression ends at its first unescaped slash.
const INTERNAL_PATH_IN_SELECTOR = INTERNAL_PATH.replaceAll('/', '\\/');
const internalPathSyntax = [
  {
    selector: `CallExpression[callee.name='require'] > Literal[value=/${INTERNAL_PATH_IN_SELECTOR}/]`,
    message: INTERNAL_PATH_MESSAGE,
  },
  { selector: `ImportExpression > Literal[value=/${INTERNAL_PATH_IN_SELECTOR}/]`, message: INTERNAL_PATH_MESSAGE },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'coverage/**',
      'data/**',
      '.tmp/**',
      'packages/otlp-receiver/generated/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'Export by name from index.ts.' },
        ...internalPathSyntax,
      ],
      'no-restricted-imports': ['error', { patterns: [{ regex: INTERNAL_PATH, message: INTERNAL_PATH_MESSAGE }] }],
    },
  },
  {
    files: ['packages/*/src/**/*.ts'],
    ignores: ['packages/cli/src/**'],
    // Library code reports through the OTel diag logger, never the console.
    rules: { 'no-console': 'error' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        console: 'readonly',
        __dirname: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      'no-restricted-syntax': ['error', ...internalPathSyntax],
    },
  },
);
