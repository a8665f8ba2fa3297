// Figures for the `diffusion-limited-dendrites` preset: the deposit and the Li⁺ concentration while a
// Li film held at −0.8 V (more than the salt can supply) turns from compact growth to fingers once its
// surface has depleted. One run of the preset unchanged on the f64 CPU backend (about 10 minutes on 2
// cores), stopped at the snapshot times below.
//
//   npx tsx scripts/dendrites-figure.ts [--out docs/diffusion-limited-dendrites]
//
// Writes (atomically) into the output folder, with the simulated time in each name:
//   xi-<t>s.png   ξ (Li metal) of the whole domain, 3 px per cell, collector at the bottom
//   c-<t>s.png    Li⁺ concentration c̃ = c/c0 (0 → 1), 3 px per cell
//   table.md      the metrics at each snapshot, also printed to stdout

import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { DEPOSIT_COLUMNS, fmtFigure, outDirArg } from './figure-support.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import { FARADAY } from '../src/model/constants.ts';
import { getValue, resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';

const PRESET = 'diffusion-limited-dendrites';
/** snapshot times as fractions of the preset's run.until_s */
const SNAPSHOTS = [0, 0.02, 0.2, 0.5, 0.8, 1];

const COLUMNS = DEPOSIT_COLUMNS;

async function main(): Promise<void> {
  const outDir = outDirArg(`docs/${PRESET}`);
  const s = resolveScenario({ preset: PRESET });
  const num = (k: string) => getValue(s, k) as number;
  const D = num('electrolyte.diffusivity_m2_s');
  const c0 = num('electrolyte.concentration_mol_L') * 1000;
  const tp = num('electrolyte.transference_number');
  const until = num('run.until_s');
  /** limiting current [mA/cm²] of the gap between a front at height y [µm] and the reservoir */
  const jStar = (y_um: number) => (FARADAY * D * c0) / ((1 - tp) * (num('grid.ny') * num('grid.dx_um') - y_um) * 1e-6) / 10;
  process.stdout.write(`${PRESET}: ${num('drive.overpotential_V')} V, J* of the initial gap ${jStar(num('initial.li_thickness_um')).toFixed(0)} mA/cm²\n`);

  const sim = await createSimulation(s, { backend: 'cpu' });
  const rows: string[] = [
    `| t [s] | ${COLUMNS.map(([, label]) => label).join(' | ')} | J*(mean height) [mA/cm²] | max gain / mean gain |`,
    `| ---: | ${COLUMNS.map(() => '---:').join(' | ')} | ---: | ---: |`,
  ];
  try {
    const t0 = performance.now();
    for (const fraction of SNAPSHOTS) {
      if (fraction > 0) await sim.run({ until_s: fraction * until });
      const t = sim.time_s;
      const tag = `${t.toFixed(1)}s`;
      const f = await sim.readFields();
      const xiImg = phaseFieldImage(f, { scale: 3 }, sim.geometry);
      await writeFileAtomic(join(outDir, `xi-${tag}.png`), encodePng(xiImg.width, xiImg.height, xiImg.rgba));
      const cImg = phaseFieldImage({ ...f, xi: f.c }, { scale: 3, contour: false });
      await writeFileAtomic(join(outDir, `c-${tag}.png`), encodePng(cImg.width, cImg.height, cImg.rgba));
      const last = sim.rows.at(-1);
      const init = sim.initialMetrics;
      const gain = last ? (last.deposit_max_height_um - init.maxHeight_um) / (last.deposit_mean_height_um - init.meanHeight_um) : NaN;
      const values = COLUMNS.map(([key]) => (last ? fmtFigure(last[key] as number) : '–'));
      rows.push(`| ${t.toFixed(2)} | ${values.join(' | ')} | ${last ? fmtFigure(jStar(last.deposit_mean_height_um)) : '–'} | ${fmtFigure(gain)} |`);
      process.stdout.write(`${tag}: ${sim.steps} steps, ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`);
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
