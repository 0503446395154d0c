import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/*
 * The boundaries the README's layout states, enforced:
 * - domain code (server/<domain>/) and server/core/ know nothing of transports: no tRPC,
 *   ws, smtp-server or nodemailer, nothing from server/http, server/trpc or mail/;
 * - server/core/ is the floor: it imports no domain (only settings, db and itself);
 * - the client takes from server/ only types, and values from a few pure modules.
 * Adapters (server/http, server/trpc, mail/), the composition root, tests and benchmarks
 * may import anything.
 */
const TRANSPORTS = {
  paths: ['ws', 'smtp-server', 'nodemailer'],
  patterns: [
    { group: ['@trpc/*'], message: 'Domain code must not depend on transports (tRPC).' },
    { regex: '^(\\.\\./)+(trpc|http)(/|$)', message: 'Domain code must not depend on transports (server/trpc, server/http).' },
    { regex: '^(\\.\\./)+mail(/|$)', message: 'Domain code must not depend on the SMTP adapter (mail/).' },
  ],
};
const transportRule = (extra = []) => [
  'error',
  {
    paths: TRANSPORTS.paths.map((name) => ({ name, message: 'Domain code must not depend on transports.' })),
    patterns: [...TRANSPORTS.patterns, ...extra],
  },
];
const CLIENT_PURE_MODULES = ['finance/money', 'finance/labels', 'payments/card-label'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'db/migrations/**', 'coverage/**', 'tests/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Services are asynchronous: a promise nobody awaits is a write that may land after its
    // transaction, or an error nobody sees.
    files: ['server/**/*.ts', 'db/**/*.ts', 'mail/**/*.ts', 'tests/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['server/**/*.ts'],
    ignores: ['server/trpc/**', 'server/http/**', 'server/app.ts', 'server/main.ts', 'server/dev.ts'],
    rules: { 'no-restricted-imports': transportRule() },
  },
  {
    files: ['server/core/**/*.ts'],
    rules: {
      'no-restricted-imports': transportRule([
        { regex: '^\\.\\./(?!settings$)[^./]', message: 'server/core is the floor: it imports no domain.' },
      ]),
    },
  },
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)server/(?!(${CLIENT_PURE_MODULES.join('|')})$)`,
              allowTypeImports: true,
              message: `The client may import from server/ only types, and values from ${CLIENT_PURE_MODULES.join(', ')}.`,
            },
          ],
        },
      ],
    },
  },
);
