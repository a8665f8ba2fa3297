import { defineConfig } from 'vitest/config';

// Two tiers (docs/explanation/verification.md). `npm test` (CI, ≤ 20 min on 2 cores) runs every file except the
// long trend studies below; `npm run test:full` (DENDRITE_TIER=full) runs them too. The slow files are
// multi-minute runs of the presets (issue 4/5 trends, the contact-angle relaxation on the
// software GPU, the diffusion-limited-dendrites run); their kernels are covered by tests/gpu-vs-cpu.test.ts and the physics checks of the
// fast tier. Their timings are in docs/explanation/verification.md.
export const SLOW_TESTS = ['tests/strategies.test.ts', 'tests/wetting.test.ts', 'tests/mechanics.test.ts', 'tests/sei.test.ts', 'tests/diffusion-limited.test.ts'];

// GPU tests share one Dawn instance per worker and software adapters are slow on 2 cores:
// run files one at a time with generous timeouts (no test asserts on time).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: process.env.DENDRITE_TIER === 'full' ? [] : SLOW_TESTS,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
