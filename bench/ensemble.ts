// Benchmark (issue 19): M members of n² cells in one GPU batch, against the same M runs one after
// another, against one run of (n·√M)² cells (the same cell count). Prints cell-updates/s, wall time and
// the adapter. Each run is the planar-li-foil preset at its own current density (M values from 0.5 to
// 2 mA/cm²), a fixed number of steps after an untimed warm-up. Measures and prints only (HOUSE.md: bench/).
//
//   node bench/run.mjs bench/ensemble.ts [members, default 64] [n, default 128] [steps, default 100]
//
// On a software adapter (lavapipe, SwiftShader) the figures say nothing about a GPU: use small sizes
// there (e.g. 4 32 20) to check that it runs.

import { applyOverrides, presetScenario, type Scenario } from '../src/model/scenario.ts';
import { createGpuBatch, createSimulation, type Simulation } from '../src/sim/simulation.ts';
import { adapterText, SOFTWARE_ADAPTER_WARNING } from './solver.ts';

const M = Number(process.argv[3] ?? 64);
const N = Number(process.argv[4] ?? 128);
const STEPS = Number(process.argv[5] ?? 100);
const WARMUP = 10;
const big = Math.round((N * Math.sqrt(M)) / 4) * 4; // multigrid: a multiple of 4

const member = (k: number, n: number): Scenario =>
  applyOverrides(presetScenario('planar-li-foil'), [
    `grid.nx=${n}`,
    `grid.ny=${n}`,
    `drive.current_density_mA_cm2=${(0.5 + (1.5 * k) / Math.max(1, M - 1)).toPrecision(6)}`,
    'run.metrics_every_steps=10',
    'run.until_s=1e9',
  ]);

/** Runs every simulation `steps` steps at once (a batch's members must run together); returns wall s. */
async function timed(sims: Simulation[], steps: number): Promise<number> {
  for (const s of sims) await s.run({ maxSteps: s.steps + WARMUP }).catch(() => undefined);
  // a batch's members are advanced together: run them concurrently, not one after another
  const t0 = performance.now();
  await Promise.all(sims.map((s) => s.run({ maxSteps: s.steps + steps })));
  return (performance.now() - t0) / 1000;
}

const { getGpu } = await import('../src/gpu/device.ts');
const label = (await getGpu()).label;
console.log(`adapter: ${adapterText(label)}${label.isFallback ? `  ${SOFTWARE_ADAPTER_WARNING}` : ''}`);
console.log(`planar-li-foil, ${STEPS} steps after ${WARMUP} warm-up steps; ${M} members of ${N}² cells; one run of ${big}² cells`);

const results: [string, number, number][] = [];
// one batch
{
  const sims = await createGpuBatch(Array.from({ length: M }, (_, k) => member(k, N)));
  // warm-up together (the rounds wait for every member)
  await Promise.all(sims.map((s) => s.run({ maxSteps: WARMUP })));
  const t0 = performance.now();
  await Promise.all(sims.map((s) => s.run({ maxSteps: WARMUP + STEPS })));
  const wall = (performance.now() - t0) / 1000;
  const steps = sims.reduce((a, s) => a + s.steps - WARMUP, 0);
  results.push([`${M} × ${N}² in one batch`, wall, (steps * N * N) / wall]);
  sims.forEach((s) => s.destroy());
}
// one after another
{
  let wall = 0;
  let steps = 0;
  for (let k = 0; k < M; k++) {
    const sim = await createSimulation(member(k, N), { backend: 'gpu' });
    wall += await timed([sim], STEPS);
    steps += sim.steps - WARMUP;
    sim.destroy();
  }
  results.push([`${M} × ${N}² one after another`, wall, (steps * N * N) / wall]);
}
// one large run
{
  const sim = await createSimulation(member(0, big), { backend: 'gpu' });
  const wall = await timed([sim], STEPS);
  results.push([`1 × ${big}²`, wall, ((sim.steps - WARMUP) * big * big) / wall]);
  sim.destroy();
}
console.log('\n| what | wall s | cell-updates/s |\n|---|--:|--:|');
for (const [what, wall, rate] of results) console.log(`| ${what} | ${wall.toPrecision(3)} | ${rate.toPrecision(3)} |`);
console.log(`\nbatch against one after another: ${(results[1][1] / results[0][1]).toFixed(2)}× less wall time`);
process.exit(0);
