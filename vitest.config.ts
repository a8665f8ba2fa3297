import { defineConfig } from 'vitest/config';

// Three tiers (docs/explanation/verification.md).
// - `npm test` (CI, <= 20 min on 2 cores) runs every file except the long trend studies in SLOW_TESTS.
// - `npm run test:full` (DENDRITE_TIER=full) adds them: multi-minute runs of the presets (strategy, SEI and
//   mechanics trends, the contact-angle relaxation on the software GPU, the diffusion-limited-dendrites run),
//   whose kernels tests/gpu-vs-cpu.test.ts and the fast-tier physics checks cover.
// - `npm run test:fast` (DENDRITE_TIER=fast, < 2 min) runs FAST_TESTS, the unit and short numerical checks,
//   for edit loops.
export const SLOW_TESTS = ['tests/strategies.test.ts', 'tests/wetting.test.ts', 'tests/mechanics.test.ts', 'tests/sei.test.ts', 'tests/diffusion-limited.test.ts'];
export const FAST_TESTS = [
  'tests/io.test.ts',
  'tests/docs.test.ts',
  'tests/schema.test.ts',
  'tests/stability.test.ts',
  'tests/metrics.test.ts',
  'tests/share.test.ts',
  'tests/app-units.test.ts',
  'tests/vti.test.ts',
  'tests/nucleation-dip.test.ts',
  'tests/cutoff.test.ts',
  'tests/morphology.test.ts',
  'tests/multigrid.test.ts',
  'tests/elastic.test.ts',
  'tests/montage.test.ts',
  'tests/sweep-designs.test.ts',
  'tests/label.test.ts',
];

const tier = process.env.DENDRITE_TIER;

// GPU tests share one Dawn instance per worker and software adapters are slow on 2 cores:
// run files one at a time with generous timeouts (no test asserts on time).
export default defineConfig({
  test: {
    include: tier === 'fast' ? FAST_TESTS : ['tests/**/*.test.ts'],
    exclude: tier === 'full' || tier === 'fast' ? [] : SLOW_TESTS,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    fileParallelism: false,
    // finds the WebGPU adapter and the browser; without them the GPU and browser tests skip with a notice
    // (CI sets DENDRITE_REQUIRE_GPU=1 and fails instead)
    globalSetup: ['tests/support/globalSetup.ts'],
    pool: 'forks',
  },
});
