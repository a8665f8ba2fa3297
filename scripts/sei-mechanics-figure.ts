// Figure for docs/explanation/sei.md ("The SEI"): deposit morphology against the SEI modulus and fracture
// energy at the same charge. Six runs on the f64 CPU backend of one scenario (the `li2s-sei` preset
// with a uniform 1 µm coating that does not re-form, heal time 1e4 s, four seed bumps, 3 mA/cm² to
// 0.3 mAh/cm²; the modulus test of tests/mechanics.test.ts), at E = 0.1, 1, 10 GPa and
// G_c = 1e4 J/m² (tough: never cracks here) or 0.2 J/m² (brittle).
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/sei-mechanics-figure.ts [--out docs/sei-mechanics]
//
// Writes (atomically) into the output folder:
//   <tough|brittle>-<E>GPa.png  the final ξ field of the lowest 8 µm (src/io/fieldImage.ts), 3 px per cell
//   table.md                    the final metrics of each run, also printed to stdout

import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { fmtFigure, outDirArg } from './figure-support.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

const MODULI_GPA = [0.1, 1, 10];
/** rows of the 0.5 µm grid drawn: the lowest 8 µm */
const ROWS = 16;
const FILMS = [
  { name: 'tough', fracture_energy_J_m2: 1e4 },
  { name: 'brittle', fracture_energy_J_m2: 0.2 },
] as const;

const COLUMNS: readonly [keyof MetricsRow, string][] = [
  ['deposit_max_height_um', 'max height [µm]'],
  ['roughness_um', 'roughness [µm]'],
  ['sei_crack_events', 'crack events'],
  ['interface_stress_max_MPa', 'max interface compression [MPa]'],
  ['sei_li_mAh_cm2', 'SEI Li [mAh/cm²]'],
  ['coulombic_efficiency', 'CE estimate'],
  ['applied_potential_V', 'voltage [V]'],
];

function scenarioFor(modulus_GPa: number, fracture_energy_J_m2: number) {
  return resolveScenario({
    preset: 'li2s-sei',
    initial: { nuclei_count: 4, nucleus_radius_um: 1.5 },
    run: { charge_mAh_cm2: 0.3 },
    sei: { kind: 'custom', heterogeneity: 0, thickness_nm: 1000, modulus_GPa, fracture_energy_J_m2, heal_time_s: 1e4 },
  });
}

async function main(): Promise<void> {
  const outDir = outDirArg('docs/sei-mechanics');
  const rows: string[] = [`| film | E [GPa] | ${COLUMNS.map(([, label]) => label).join(' | ')} |`, `| --- | ---: | ${COLUMNS.map(() => '---:').join(' | ')} |`];
  for (const film of FILMS) {
    for (const E of MODULI_GPA) {
      const sim = await createSimulation(scenarioFor(E, film.fracture_energy_J_m2), { backend: 'cpu' });
      try {
        const t0 = performance.now();
        const { reason } = await sim.run();
        if (reason !== 'charge') process.stderr.write(`sei-mechanics-figure: ${film.name} ${E} GPa stopped early: ${reason}\n`);
        // the lowest ROWS rows (the deposit reaches ~5.2 µm of the 32 µm domain), 3 px per cell
        const f = await sim.readFields();
        const n = f.nx * ROWS;
        const fields = { ...f, ny: ROWS, xi: f.xi.subarray(0, n), c: f.c.subarray(0, n), phi_V: f.phi_V.subarray(0, n) };
        const geometry = { solid: sim.geometry.solid.subarray(0, n), seeded: sim.geometry.seeded.subarray(0, n) };
        const img = phaseFieldImage(fields, { scale: 3 }, geometry);
        await writeFileAtomic(join(outDir, `${film.name}-${E}GPa.png`), encodePng(img.width, img.height, img.rgba));
        const last = sim.rows[sim.rows.length - 1];
        const maxStress = Math.max(...sim.rows.map((r) => r.interface_stress_max_MPa));
        const values = COLUMNS.map(([key]) => fmtFigure(key === 'interface_stress_max_MPa' ? maxStress : (last[key] as number)));
        rows.push(`| ${film.name} (${film.fracture_energy_J_m2} J/m²) | ${E} | ${values.join(' | ')} |`);
        process.stdout.write(`${film.name} ${E} GPa: ${sim.steps} steps, ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`);
      } finally {
        sim.destroy();
      }
    }
  }
  const table = rows.join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'table.md'), table);
  process.stdout.write(table);
}

await main();
process.exit(0);
