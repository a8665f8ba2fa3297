// Sand's time in the binary closure (MODEL.md §8, 000:L91): runs the sand-column preset and prints
// the surface-concentration curve against c̃(t) = 1 − (2J(1−t₊)/(F c0))·√(t/(πD)) and the depletion
// time against t_Sand = πD(F c0)²/(4(J(1−t₊))²). tests/verification.test.ts asserts the same on the
// CPU; this script also runs it on the GPU.
//   node --import tsx --loader ./bin/raw-loader.mjs bench/sand.ts [cpu|gpu]
import { presetScenario } from '../src/model/scenario.ts';
import { num } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { FARADAY } from '../src/model/constants.ts';

const backend = (process.argv[2] ?? 'cpu') as 'cpu' | 'gpu';
const s = presetScenario('sand-column');
const J = num(s, 'drive.current_density_mA_cm2') * 10;
const D = num(s, 'electrolyte.diffusivity_m2_s');
const c0 = num(s, 'electrolyte.concentration_mol_L') * 1000;
const tp = num(s, 'electrolyte.transference_number');
const tSand = (Math.PI * D * (FARADAY * c0) ** 2) / (4 * (J * (1 - tp)) ** 2);
const analytic = (t: number) => 1 - ((2 * J * (1 - tp)) / (FARADAY * c0)) * Math.sqrt(t / (Math.PI * D));
const sim = await createSimulation(s, { backend });
await sim.run();
let worst = 0;
for (const r of sim.rows) if (r.time_s <= 0.8 * tSand) worst = Math.max(worst, Math.abs(r.surface_min_conc - analytic(r.time_s)));
const event = sim.events.find((e) => e.kind === 'sand_depletion');
console.log(`backend ${backend}; J = ${J / 10} mA/cm², t₊ = ${tp}, c0 = ${c0 / 1000} M`);
console.log(`t_Sand analytic ${tSand.toFixed(2)} s; simulated ${event ? event.time_s.toFixed(2) : 'not reached'} s (${event ? (((event.time_s / tSand) - 1) * 100).toFixed(1) : '–'} %)`);
console.log(`max |c̃_sim − c̃_analytic| for t ≤ 0.8 t_Sand: ${worst.toFixed(4)}`);
for (const r of sim.rows.filter((_, k) => k % 25 === 0)) console.log(`  t = ${r.time_s.toFixed(2).padStart(6)} s  c̃ = ${r.surface_min_conc.toFixed(4)}  analytic ${analytic(r.time_s).toFixed(4)}  V = ${r.applied_potential_V.toFixed(3)}`);
sim.destroy();
