// Figure for the `sand-dendrites` preset: the deposit and the Li⁺ concentration at 2× the limiting
// current, before, at and after Sand's time t_S = πD(Fc0)²/(4(J(1 − t₊))²) = 0.507 s (000:L91; Bai, Li,
// Brushett, Bazant, Energy Environ. Sci. 9, 3221 (2016)). One run of the preset unchanged on the f64 CPU
// backend (about 10 s), stopped at 0, 0.5, 1, 2 and 3 t_S, or where the run stops first (the potential
// limit: then that state is the last snapshot, named by its time in t_S).
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/sand-dendrites-figure.ts [--out docs/sand-dendrites]
//   (or npx tsx scripts/sand-dendrites-figure.ts: the CPU backend needs no WGSL)
//
// Writes (atomically) into the output folder, with the simulated time in each name:
//   xi-<k>tS-<t>s.png   ξ (Li metal) of the lowest 16 µm of the 48 µm domain, 4 px per cell
//   c-<k>tS-<t>s.png    Li⁺ concentration c̃ = c/c0 of the whole domain (0 → 1, cividis), 3 px per cell
//   table.md            the metrics at each snapshot, also printed to stdout

import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { fmtFigure, outDirArg } from './figure-support.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import { FARADAY } from '../src/model/constants.ts';
import { getValue, resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

/** snapshots, in units of Sand's time */
const SNAPSHOTS = [0, 0.5, 1, 2, 3];
/** rows of the 0.5 µm grid drawn in the ξ images: the lowest 16 µm */
const XI_ROWS = 32;

const COLUMNS: readonly [keyof MetricsRow, string][] = [
  ['applied_potential_V', 'voltage [V]'],
  ['surface_min_conc', 'surface c̃ min'],
  ['deposit_mean_height_um', 'mean height [µm]'],
  ['deposit_max_height_um', 'max height [µm]'],
  ['roughness_um', 'roughness [µm]'],
  ['tip_count', 'tips'],
  ['charge_mAh_cm2', 'charge [mAh/cm²]'],
];

async function main(): Promise<void> {
  const outDir = outDirArg('docs/sand-dendrites');
  const s = resolveScenario({ preset: 'sand-dendrites' });
  const num = (k: string) => getValue(s, k) as number;
  const J = num('drive.current_density_mA_cm2') * 10; // A/m²
  const D = num('electrolyte.diffusivity_m2_s');
  const c0 = num('electrolyte.concentration_mol_L') * 1000;
  const tp = num('electrolyte.transference_number');
  const H = (num('grid.ny') * num('grid.dx_um') - num('initial.li_thickness_um')) * 1e-6;
  const jStar = (FARADAY * D * c0) / ((1 - tp) * H);
  const tS = (Math.PI * D * (FARADAY * c0) ** 2) / (4 * (J * (1 - tp)) ** 2);
  process.stdout.write(`sand-dendrites: J = ${(J / 10).toFixed(1)} mA/cm² = ${(J / jStar).toFixed(3)} J*, H = ${(H * 1e6).toFixed(0)} µm, t_S = ${tS.toFixed(4)} s\n`);

  const sim = await createSimulation(s, { backend: 'cpu' });
  const rows: string[] = [
    `| snapshot | t [s] | ${COLUMNS.map(([, label]) => label).join(' | ')} | max gain / mean gain |`,
    `| --- | ---: | ${COLUMNS.map(() => '---:').join(' | ')} | ---: |`,
  ];
  try {
    const t0 = performance.now();
    for (const snapshot of SNAPSHOTS) {
      let k: number | string = snapshot;
      let stopped = '';
      if (snapshot > 0) {
        const { reason } = await sim.run({ until_s: snapshot * tS });
        if (reason !== 'time') {
          process.stdout.write(`sand-dendrites: stopped at ${sim.time_s.toFixed(4)} s = ${(sim.time_s / tS).toFixed(3)} t_S: ${reason}\n`);
          k = (sim.time_s / tS).toFixed(2);
          stopped = reason;
        }
      }
      const t = sim.time_s;
      const tag = `${k}tS-${t.toFixed(2)}s`;
      const f = await sim.readFields();
      const n = f.nx * XI_ROWS;
      const low = { ...f, ny: XI_ROWS, xi: f.xi.subarray(0, n), c: f.c.subarray(0, n), phi_V: f.phi_V.subarray(0, n) };
      const geometry = { solid: sim.geometry.solid.subarray(0, n), seeded: sim.geometry.seeded.subarray(0, n) };
      const xiImg = phaseFieldImage(low, { scale: 4 }, geometry);
      await writeFileAtomic(join(outDir, `xi-${tag}.png`), encodePng(xiImg.width, xiImg.height, xiImg.rgba));
      // c̃ drawn through the same colour map; inside the metal c̃ means nothing, so no contour
      const cImg = phaseFieldImage({ ...f, xi: f.c }, { scale: 3, contour: false });
      await writeFileAtomic(join(outDir, `c-${tag}.png`), encodePng(cImg.width, cImg.height, cImg.rgba));
      const last = sim.rows.at(-1);
      const m = sim.metrics;
      const init = sim.initialMetrics;
      const gain = last ? (last.deposit_max_height_um - init.maxHeight_um) / (last.deposit_mean_height_um - init.meanHeight_um) : NaN;
      const values = COLUMNS.map(([key]) => (last ? fmtFigure(last[key] as number) : key === 'deposit_mean_height_um' ? fmtFigure(m.meanHeight_um) : key === 'deposit_max_height_um' ? fmtFigure(m.maxHeight_um) : '–'));
      rows.push(`| ${k} t_S | ${t.toFixed(3)} | ${values.join(' | ')} | ${fmtFigure(gain)} |`);
      process.stdout.write(`${tag}: ${sim.steps} steps, ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`);
      if (stopped) {
        rows[rows.length - 1] = rows[rows.length - 1].replace(`| ${k} t_S |`, `| ${k} t_S (stopped: ${stopped}) |`);
        break;
      }
    }
  } finally {
    sim.destroy();
  }
  const table = rows.join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'table.md'), table);
  process.stdout.write(table);
}

await main();
process.exit(0);
