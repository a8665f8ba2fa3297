// Figures for docs/explanation/substrates-and-hosts.md ("Substrates, hosts and seeding") and, with --set sei,
// docs/explanation/sei.md: `dendrite compare` run on the presets, unchanged but for a metrics row every step
// (the voltage curve then has a point per step; the f64 CPU steps are the same either way), and its figure
// files copied into docs/<set>.
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/strategy-figures.ts [--set strategies|sei] [--out docs/<set>]
//
// Equivalent to
//   dendrite compare bare-cu au-seeded-cu zno-carbon-fibre-host --out runs/figures/strategies --backend cpu \
//     --set run.metrics_every_steps=1 --table nucleation_overpotential_mV,…
// followed by copying <preset>.png, compare.png, voltage.svg, voltage.csv and table.md; the run folders stay in
// runs/figures/<set> (resumable: a second call reuses finished runs).

import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { compareCommand, fileSafe } from '../src/sweep/compare.ts';

/** the figure sets (--set): presets; output in docs/<set> unless --out */
const SETS: Record<string, string[]> = {
  strategies: ['bare-cu', 'au-seeded-cu', 'zno-carbon-fibre-host'],
  sei: ['native-sei', 'li2s-sei'],
};
const TABLE = ['nucleation_overpotential_mV', 'nucleation_events', 'nuclei_count', 'nucleus_spacing_cv', 'collector_coverage', 'local_current_density_mA_cm2', 'pore_filling', 'deposit_max_height_um', 'roughness_um'];

function argValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v) throw new Error(`${flag} needs a value`);
  return v;
}

const argv = process.argv.slice(2);
const set = argValue(argv, '--set') ?? 'strategies';
const presets = SETS[set];
if (!presets) throw new Error(`--set must be one of ${Object.keys(SETS).join(', ')}`);
const outDir = resolve(argValue(argv, '--out') ?? `docs/${set}`);
const runDir = resolve('runs', 'figures', set);

const code = await compareCommand({ command: 'compare', scenarios: presets, out: runDir, backend: 'cpu', sets: ['run.metrics_every_steps=1'], table: TABLE, quiet: false });
if (code !== 0) process.exit(code);
mkdirSync(outDir, { recursive: true });
for (const f of [...presets.map((p) => `${fileSafe(p)}.png`), 'compare.png', 'voltage.svg', 'voltage.csv', 'table.md']) copyFileSync(join(runDir, f), join(outDir, f));
process.stdout.write(`copied the figures of ${runDir} to ${outDir}\n`);
process.exit(0);
