import { defineConfig } from 'vitest/config';

// GPU tests share one Dawn instance per worker and software adapters are slow on 2 cores:
// run files one at a time with generous timeouts (no test asserts on time).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
