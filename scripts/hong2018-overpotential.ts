// The `hong2018` set against the applied potential: MODEL.md §9 and Hong & Viswanathan's abstract say
// dendritic growth at −0.45 V and stable (compact) deposition at a small overpotential. A 40 × 40 µm piece of
// the preset (its film, nucleus, widened interface and 0.5 µm cells; no noise) plates 1 mAh/cm² at each
// potential; the nucleus top's height gain over the mean gain says finger (> 1) or flattening (< 1). f64 CPU
// backend, about 3 minutes on 2 cores (smaller overpotentials take far longer: −0.05 V did not reach
// 1 mAh/cm² in 12 minutes).
//
//   npx tsx scripts/hong2018-overpotential.ts [--out docs/hong2018]
//
// Writes overpotential.md (atomically) into the output folder, also printed to stdout.

import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { fmtFigure, outDirArg } from './figure-support.ts';

const POTENTIALS_V = [-0.45, -0.3, -0.2, -0.1];
const CHARGE_MAH_CM2 = 1;

async function main(): Promise<void> {
  const outDir = outDirArg('docs/hong2018');
  const lines = [
    `| potential [V] | time to ${CHARGE_MAH_CM2} mAh/cm² [s] | steps | current [mA/cm²] | mean gain [µm] | nucleus-top gain [µm] | top gain / mean gain | surface c̃ min |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  for (const eta of POTENTIALS_V) {
    const s = resolveScenario({
      preset: 'hong2018',
      grid: { nx: 80, ny: 80, dx_um: 0.5 },
      drive: { overpotential_V: eta },
      phase: { noise_amplitude_per_sqrt_s: 0 },
      run: { metrics_every_steps: 50 },
    });
    const sim = await createSimulation(s, { backend: 'cpu' });
    try {
      await sim.run({ charge_mAh_cm2: CHARGE_MAH_CM2 });
      const r = sim.rows.at(-1)!;
      const init = sim.initialMetrics;
      const mean = r.deposit_mean_height_um - init.meanHeight_um;
      const top = r.deposit_max_height_um - init.maxHeight_um;
      lines.push(`| ${eta} | ${fmtFigure(sim.time_s)} | ${sim.steps} | ${fmtFigure(r.current_density_mA_cm2)} | ${fmtFigure(mean)} | ${fmtFigure(top)} | ${fmtFigure(top / mean)} | ${fmtFigure(r.surface_min_conc)} |`);
      process.stderr.write(`${eta} V: ${sim.steps} steps\n`);
    } finally {
      sim.destroy();
    }
  }
  const text = lines.join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'overpotential.md'), text);
  process.stdout.write(text);
}

await main();
