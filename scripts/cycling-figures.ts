// Figures for docs/explanation/cycling.md and the README's cycling section: the Li‖Cu presets run with
// `dendrite run` on the CPU backend (resumable: runs/figures/cycling/<preset>, a second call reuses finished
// runs), then docs/cycling/ gets the final deposit of each run (<preset>.png), the cell voltage against time
// and against the capacity of each half-cycle (voltage.svg), and the per-cycle table (cycles.md, cycles.csv).
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/cycling-figures.ts [preset | name=preset:key=value,… ...]
//
// default: li-cu-bare li-cu-bare-3ma li-cu-au-seeded li-li-symmetric, and two first-cycle runs on bare Cu on
// 64 × 64 cells, 0.3 mAh/cm², at 0.5 and 3 mA/cm² (tests/cycling-trend.test.ts runs the same)

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runCommand } from '../src/cli/commands.ts';
import { parseMetricsCsv, parseCsv } from '../src/io/csv.ts';
import { renderSvg } from '../src/sweep/plot.ts';
import { COMPARE_COLOURS } from '../src/sweep/compare.ts';

const TREND = 'grid.nx=64,grid.ny=64,cycling.plate_capacity_mAh_cm2=0.3,cycling.cycles=1';
const specs = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : ['li-cu-bare', 'li-cu-bare-3ma', 'li-cu-au-seeded', 'li-li-symmetric', `bare-0.5=li-cu-bare:${TREND},cycling.plate_current_mA_cm2=0.5,cycling.strip_current_mA_cm2=0.5`, `bare-3=li-cu-bare:${TREND},cycling.plate_current_mA_cm2=3,cycling.strip_current_mA_cm2=3`];
/** name, preset, --set overrides */
const runs = specs.map((spec) => {
  const [name, rest] = spec.includes('=') && spec.indexOf('=') < (spec.indexOf(':') + 1 || Infinity) ? [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)] : [spec, spec];
  const [preset, sets] = rest.split(':');
  return { name, preset, sets: sets ? sets.split(',') : [] };
});
const presets = runs.map((r) => r.name);
const runRoot = resolve('runs', 'figures', 'cycling');
const outDir = resolve('docs', 'cycling');
mkdirSync(outDir, { recursive: true });

const traces: { run: string; time_h: number; capacity_mAh_cm2: number; cell_voltage_V: number; half: string }[] = [];
const table: string[] = [
  '| preset | cycle | plated (mAh/cm²) | stripped (mAh/cm²) | CE (%) | dead Li (mAh/cm²) | new dead Li (% of plated) | islands | mean polarisation (mV) |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const csvRows: string[] = [];
for (const { name: preset, preset: scenario, sets } of runs) {
  const dir = join(runRoot, preset);
  if (!existsSync(join(dir, 'summary.json'))) {
    const code = await runCommand({ command: 'run', scenario, out: dir, backend: 'cpu', sets, checkpointEveryS: 120, quiet: false, json: false });
    if (code !== 0) throw new Error(`${preset}: dendrite run exited ${code}`);
  }
  copyFileSync(join(dir, 'final.png'), join(outDir, `${preset}.png`));
  const { rows } = parseMetricsCsv(readFileSync(join(dir, 'metrics.csv'), 'utf8'));
  // capacity within each half-cycle: the charge passed since the current last changed sign
  let start = 0;
  let sign = 0;
  for (const r of rows) {
    const s = Math.sign(r.current_density_mA_cm2);
    if (s !== 0 && s !== sign) {
      sign = s;
      start = r.charge_mAh_cm2;
    }
    if (s === 0) continue;
    traces.push({ run: preset, time_h: r.time_s / 3600, capacity_mAh_cm2: Math.abs(r.charge_mAh_cm2 - start), cell_voltage_V: r.cell_voltage_V, half: `${preset} c${r.cycle} ${s > 0 ? 'plate' : 'strip'}` });
  }
  const cycles = parseCsv(readFileSync(join(dir, 'cycles.csv'), 'utf8'));
  const col = (name: string) => cycles.header.indexOf(name);
  for (const rec of cycles.rows) {
    const v = (name: string) => Number(rec[col(name)]);
    table.push(
      `| \`${preset}\` | ${v('cycle')} | ${v('plated_mAh_cm2').toFixed(3)} | ${v('stripped_mAh_cm2').toFixed(3)} | ${(100 * v('coulombic_efficiency')).toFixed(1)} | ${v('dead_li_mAh_cm2').toFixed(3)} | ${v('dead_li_pct_of_plated').toFixed(1)} | ${v('dead_li_islands')} | ${(1000 * v('mean_polarisation_V')).toFixed(1)} |`,
    );
    csvRows.push([preset, ...rec].join(','));
  }
  if (csvRows.length === cycles.rows.length) csvRows.unshift(['preset', ...cycles.header].join(','));
}

const names = presets;
const colour = { field: 'run', type: 'nominal', title: null, sort: names, scale: { domain: names, range: COMPARE_COLOURS.concat(['#e69f00', '#56b4e9']).slice(0, names.length) }, legend: { orient: 'top', labelLimit: 400 } };
const svg = await renderSvg({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  data: { values: traces },
  hconcat: [
    { width: 420, height: 240, mark: { type: 'line', strokeWidth: 1.4 }, encoding: { x: { field: 'time_h', type: 'quantitative', title: 'time (h)' }, y: { field: 'cell_voltage_V', type: 'quantitative', title: 'cell voltage (V)' }, color: colour, detail: { field: 'half' } } },
    { width: 300, height: 240, mark: { type: 'line', strokeWidth: 1.4 }, encoding: { x: { field: 'capacity_mAh_cm2', type: 'quantitative', title: 'capacity in the half-cycle (mAh/cm²)' }, y: { field: 'cell_voltage_V', type: 'quantitative', title: 'cell voltage (V)', scale: { domain: [-0.25, 0.25], clamp: true } }, color: colour, detail: { field: 'half' } } },
  ],
  config: { background: 'white', font: 'sans-serif' },
});
writeFileSync(join(outDir, 'voltage.svg'), svg);
writeFileSync(join(outDir, 'cycles.md'), table.join('\n') + '\n');
writeFileSync(join(outDir, 'cycles.csv'), csvRows.join('\n') + '\n');
console.log(table.join('\n'));
console.log(`wrote ${outDir} (${presets.map((p) => `${p}.png`).join(', ')}, voltage.svg, cycles.md, cycles.csv)`);
