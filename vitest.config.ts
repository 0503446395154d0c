import { defineConfig } from 'vitest/config';

// `npm run test:pg`: the same suite on PostgreSQL (DATABASE_URL names the test cluster).
const onPostgres = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '');
// Tests of what only PostgreSQL has (LISTEN/NOTIFY, advisory locks, several nodes on one
// database) are named *.pg.test.ts and belong to the PostgreSQL run alone.
const engineOnly = onPostgres ? [] : ['**/*.pg.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: onPostgres ? ['tests/pg-global-setup.ts'] : [],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], exclude: engineOnly, environment: 'node' } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], exclude: engineOnly, environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          exclude: engineOnly,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
