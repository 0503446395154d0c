import { defineConfig } from 'vitest/config';

// `npm run test:pg`: the same suite on PostgreSQL (DATABASE_URL names the test cluster).
const onPostgres = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '');

export default defineConfig({
  test: {
    pool: 'forks',
    globalSetup: onPostgres ? ['tests/pg-global-setup.ts'] : [],
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], environment: 'node', testTimeout: 30_000, hookTimeout: 30_000 } },
      {
        test: {
          name: 'browser',
          include: ['tests/browser/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
