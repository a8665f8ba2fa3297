// What widening the interface costs the `hong2018` preset: the preset runs w = 0.5 µm on 0.5 µm cells
// (400² for 200 µm), where Hong & Viswanathan's κ and W give w = 0.25 µm. On a 40 × 40 µm piece of the
// same set-up (same nucleus, film and −0.45 V; no noise, so every run sees the same seed), this runs the
// published and the widened w on two cell sizes each and prints the charge and the deposit heights to 2 s,
// when the finger is half-way to the reservoir. f64 CPU backend, about 15 minutes on 2 cores.
//
//   npx tsx scripts/hong2018-width.ts [--out docs/hong2018] [--cases W:DX,W:DX,...]
//
// --cases picks [w, Δx] pairs (µm) instead of the four below; the last is the reference of the last column.
// Writes width.md (atomically) into the output folder, also printed to stdout.

import { join } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { fmtFigure, outDirArg } from './figure-support.ts';

const SIDE_UM = 40;
const TIMES_S = [0.5, 1, 2];
/** [w, Δx] in µm: the widened preset's w on its own and on half its cells, the published w on two grids */
const CASES: readonly [number, number][] = [
  [0.5, 0.5],
  [0.5, 0.25],
  [0.25, 0.25],
  [0.25, 0.125],
];

/** --cases 0.5:0.5,0.25:0.25 → [[0.5, 0.5], [0.25, 0.25]]; a malformed value is refused by name. */
function casesArg(): [number, number][] | undefined {
  const at = process.argv.indexOf('--cases');
  if (at < 0) return undefined;
  const text = process.argv[at + 1] ?? '';
  const pairs = text.split(',').map((p) => p.split(':').map(Number));
  if (pairs.length === 0 || pairs.some((p) => p.length !== 2 || !p.every((x) => Number.isFinite(x) && x > 0))) {
    throw new Error(`--cases = ${JSON.stringify(text)} is not allowed: comma-separated W:DX pairs of positive µm, e.g. 0.5:0.5,0.25:0.25`);
  }
  return pairs as [number, number][];
}

async function main(): Promise<void> {
  const outDir = outDirArg('docs/hong2018');
  const lines = [
    `| w [µm] | Δx [µm] | cells | t [s] | steps | charge [mAh/cm²] | mean height [µm] | max height [µm] | charge vs published w, finest |`,
    `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  const results: { w: number; dx: number; t: number; steps: number; q: number; mean: number; max: number }[] = [];
  const cases = casesArg() ?? CASES;
  for (const [w, dx] of cases) {
    const n = Math.round(SIDE_UM / dx);
    const s = resolveScenario({
      preset: 'hong2018',
      grid: { nx: n, ny: n, dx_um: dx },
      phase: { interface_width_um: w, noise_amplitude_per_sqrt_s: 0 },
      run: { metrics_every_steps: 4096 },
    });
    const sim = await createSimulation(s, { backend: 'cpu' });
    try {
      for (const t of TIMES_S) {
        await sim.run({ until_s: t });
        const r = sim.rows.at(-1)!;
        results.push({ w, dx, t, steps: sim.steps, q: r.charge_mAh_cm2, mean: r.deposit_mean_height_um, max: r.deposit_max_height_um });
        process.stderr.write(`w ${w} µm, Δx ${dx} µm: t ${t} s, ${sim.steps} steps\n`);
      }
    } finally {
      sim.destroy();
    }
  }
  const [wRef, dxRef] = cases.at(-1)!;
  for (const r of results) {
    const ref = results.find((x) => x.w === wRef && x.dx === dxRef && x.t === r.t)!;
    const rel = `${r.q >= ref.q ? '+' : ''}${((r.q / ref.q - 1) * 100).toFixed(2)} %`;
    lines.push(`| ${r.w} | ${r.dx} | ${Math.round(SIDE_UM / r.dx)}² | ${r.t} | ${r.steps} | ${fmtFigure(r.q)} | ${fmtFigure(r.mean)} | ${fmtFigure(r.max)} | ${rel} |`);
  }
  const text = lines.join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'width.md'), text);
  process.stdout.write(text);
}

await main();
