// Benchmark (issue 18): planar-li-foil at 1 mA/cm² to 1 mAh/cm², steps and wall time, thin_interface
// (linearly implicit ξ step) on the chosen backends, against the explicit literature step on the same
// run. The explicit run would take ~10⁶ steps, so it is timed over a fixed number of steps at its
// steady dt and extrapolated; that is said in the output. Measures and prints only (HOUSE.md: bench/).
//
//   node bench/run.mjs bench/planar-charge.ts [cpu|gpu|both] [explicit steps, default 3000]

import { cpus } from 'node:os';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { BackendName } from '../src/sim/types.ts';
import { adapterText, SOFTWARE_ADAPTER_WARNING } from './solver.ts';

const which = process.argv[3] ?? 'both'; // argv[2] is this file (bench/run.mjs)
const explicitSteps = Number(process.argv[4] ?? 3000);
const backends: BackendName[] = which === 'both' ? ['cpu', 'gpu'] : [which as BackendName];
const CHARGE = 1; // mAh/cm²

const scenario = (model: string) => resolveScenario({ preset: 'planar-li-foil', phase: { model }, run: { metrics_every_steps: 50 } });

async function adapterLabel(backend: BackendName): Promise<string> {
  if (backend === 'cpu') return `f64 CPU reference, ${cpus()[0]?.model ?? 'cpu'} (${cpus().length} cores)`;
  const { getGpu } = await import('../src/gpu/device.ts');
  const label = (await getGpu()).label;
  return `${adapterText(label)}${label.isFallback ? `  ${SOFTWARE_ADAPTER_WARNING}` : ''}`;
}

console.log(`planar-li-foil (64×128, h = 0.5 µm), galvanostatic 1 mA/cm², to ${CHARGE} mAh/cm²`);
const rows: string[] = [];
for (const backend of backends) {
  const label = await adapterLabel(backend);
  const thin = await createSimulation(scenario('thin_interface'), { backend });
  const t0 = performance.now();
  const res = await thin.run({ charge_mAh_cm2: CHARGE });
  const wall = (performance.now() - t0) / 1000;
  const last = thin.rows.at(-1)!;
  rows.push(`| ${backend} | thin_interface | ${res.steps} | ${wall.toPrecision(3)} | ${(last.time_s).toFixed(0)} | ${(last.applied_potential_V * 1e3).toFixed(1)} | measured |`);
  console.log(`[${backend}] adapter: ${label}`);
  console.log(`[${backend}] thin_interface: ${res.steps} steps, ${wall.toPrecision(3)} s wall, t = ${last.time_s.toFixed(1)} s, ${last.charge_mAh_cm2.toFixed(4)} mAh/cm², voltage ${(last.applied_potential_V * 1e3).toFixed(2)} mV, reason ${res.reason}`);
  const lit = await createSimulation(scenario('literature'), { backend });
  const l0 = performance.now();
  await lit.run({ maxSteps: explicitSteps, until_s: 1e9 });
  const lwall = (performance.now() - l0) / 1000;
  const lr = lit.rows.at(-1)!;
  const dtSteady = lr.dt_s;
  const steps = Math.ceil((CHARGE * 3600) / dtSteady);
  const extrap = (lwall / explicitSteps) * steps;
  rows.push(`| ${backend} | literature (explicit) | ${steps} | ${extrap.toPrecision(3)} | 3600 | – | extrapolated from ${explicitSteps} steps at dt = ${(dtSteady * 1e3).toFixed(2)} ms |`);
  console.log(`[${backend}] literature, explicit: ${explicitSteps} steps in ${lwall.toPrecision(3)} s, steady dt ${(dtSteady * 1e3).toFixed(3)} ms → ${steps} steps and ≈ ${extrap.toPrecision(3)} s wall to ${CHARGE} mAh/cm² (extrapolated)`);
  console.log(`[${backend}] ratio: ${(steps / res.steps).toFixed(0)}× fewer steps, ≈ ${(extrap / wall).toFixed(0)}× less wall time`);
}
console.log('\n| backend | phase.model | steps | wall s | simulated s | voltage mV | |\n|---|---|--:|--:|--:|--:|---|');
for (const r of rows) console.log(r);
process.exit(0);
