import { relative } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

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
// Two files at a time on CI's 2 cores. The physics files run the f64 CPU solver (one JavaScript thread each;
// their few GPU cases are short); most others drive the WebGPU kernels, the CLI or the browser, whose software
// adapters use whatever cores they get. Both workers take files from one queue, in which the sequencer
// alternates the physics files with the others, each list in vitest's own order (longest first from its results
// cache; on a fresh clone, where there is none, larger files first). So a physics file mostly runs beside one
// of the others, not beside another physics file; nothing pairs them strictly.
export const PHYSICS_TESTS = [
  'tests/mullins-sekerka.test.ts',
  'tests/thin-interface.test.ts',
  'tests/verification.test.ts',
  'tests/stability.test.ts',
  'tests/multigrid.test.ts',
  'tests/elastic.test.ts',
  'tests/cycling-trend.test.ts',
  'tests/nucleation-dip.test.ts',
  'tests/diffusion-limited.test.ts',
  'tests/sei.test.ts',
];

class TwoStreams extends BaseSequencer {
  async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const isPhysics = (f: TestSpecification) => PHYSICS_TESTS.includes(relative(this.ctx.config.root, f.moduleId));
    const physics = ordered.filter(isPhysics);
    const other = ordered.filter((f) => !isPhysics(f));
    const out: TestSpecification[] = [];
    for (let i = 0; i < Math.max(physics.length, other.length); i++) out.push(...(other[i] ? [other[i]] : []), ...(physics[i] ? [physics[i]] : []));
    return out;
  }
}

const tier = process.env.DENDRITE_TIER;

// GPU tests share one Dawn instance per worker: one per fork. No test asserts on time, and the timeouts
// are generous for software adapters.
export default defineConfig({
  test: {
    include: tier === 'fast' ? FAST_TESTS : ['tests/**/*.test.ts'],
    exclude: tier === 'full' || tier === 'fast' ? [] : SLOW_TESTS,
    testTimeout: 600_000,
    hookTimeout: 120_000,
    // finds the WebGPU adapter and the browser; without them the GPU and browser tests skip with a notice
    // (CI sets DENDRITE_REQUIRE_GPU=1 and fails instead)
    globalSetup: ['tests/support/globalSetup.ts'],
    pool: 'forks',
    // two files at a time (vitest's default is one fewer than the cores: one on CI)
    maxWorkers: 2,
    sequence: { sequencer: TwoStreams },
  },
});
