import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'db/migrations/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/trpc/**', 'ws', 'smtp-server'], message: 'Domain code must not depend on transports.' }] },
      ],
    },
  },
  {
    // Adapters, tests and the composition root may import transports.
    files: ['server/trpc/**', 'server/http/**', 'server/app.ts', 'server/main.ts', 'server/dev.ts', 'mail/**', 'tests/**', 'bench/**', 'client/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
