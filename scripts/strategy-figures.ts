// Figures for docs/explanation/substrates-and-hosts.md ("Substrates, hosts and seeding"): the presets bare-cu, au-seeded-cu
// and zno-carbon-fibre-host (public/scenarios/*.json, all 1 mA/cm² to 0.1 mAh/cm²; 0.1 µm cells on
// Cu, 0.25 µm in the host) on the f64 CPU backend, each as run by `dendrite run`.
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/strategy-figures.ts [--set strategies|sei] [--out docs/<set>]
//
// --set sei: the presets native-sei and li2s-sei instead (docs/explanation/sei.md).
//
// Writes (atomically) into the output folder:
//   <preset>.png   the final ξ field, host solids and seeds drawn (src/io/fieldImage.ts)
//   voltage.svg    the applied potential [V] against time for the runs, drawn with Vega-Lite: log time
//                  on the left (the nucleation dip lies in the first ~2 ms), linear time on the right
//   voltage.csv    the points of that chart (one row per step and run), to redraw or re-plot them
//   table.md       the final metrics row of each run, also printed to stdout
// The scenarios are not changed. The runs are advanced one step per Simulation.run call so that the
// voltage curve has a point per step (the presets keep a metrics row every 20 steps); the CPU steps
// are the same either way, so the final row is the one `dendrite run <preset> --backend cpu` writes.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import { presetScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

/** the figure sets (--set): presets and their legend labels; output in docs/<set> unless --out */
const SETS: Record<string, { presets: string[]; labels: string[] }> = {
  strategies: { presets: ['bare-cu', 'au-seeded-cu', 'zno-carbon-fibre-host'], labels: ['bare Cu', 'Au-seeded Cu', 'ZnO-coated carbon-fibre host'] },
  sei: { presets: ['native-sei', 'li2s-sei'], labels: ['native carbonate SEI', 'Li2S-type SEI'] },
};
const SET = SETS[argValue(process.argv.slice(2), '--set') ?? 'strategies'];
if (!SET) throw new Error(`--set must be one of ${Object.keys(SETS).join(', ')}`);
const PRESETS = SET.presets;
const LABELS = SET.labels;
/** integer upscaling of the 128 × 64 ξ images: 2 px per cell, so three fit side by side in docs/explanation/substrates-and-hosts.md */
const FIELD_SCALE = 2;

const TABLE_COLUMNS: readonly (keyof MetricsRow)[] = [
  'nucleation_overpotential_mV',
  'nucleation_events',
  'nuclei_count',
  'nucleus_spacing_cv',
  'collector_coverage',
  'local_current_density_mA_cm2',
  'pore_filling',
  'deposit_max_height_um',
  'roughness_um',
];

interface Trace {
  name: string;
  t_s: number[];
  v_V: number[];
  last: MetricsRow;
  steps: number;
  wall_s: number;
}

function argValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v) throw new Error(`${flag} needs a value`);
  return v;
}

function parseOut(argv: string[]): string {
  return argValue(argv, '--out') ?? `docs/${argValue(argv, '--set') ?? 'strategies'}`;
}

async function runPreset(name: string, outDir: string): Promise<Trace> {
  const sim = await createSimulation(presetScenario(name), { backend: 'cpu' });
  const t0 = performance.now();
  const t_s: number[] = [];
  const v_V: number[] = [];
  sim.addWriter({
    onMetrics: (row) => {
      t_s.push(row.time_s);
      v_V.push(row.applied_potential_V);
    },
  });
  try {
    let reason: string;
    do {
      reason = (await sim.run({ maxSteps: sim.steps + 1 })).reason;
    } while (reason === 'steps');
    if (reason !== 'time' && reason !== 'charge') process.stderr.write(`strategy-figures: ${name} stopped early: ${reason}\n`);
    const fields = await sim.readFields();
    const img = phaseFieldImage(fields, { scale: FIELD_SCALE }, sim.geometry);
    await writeFileAtomic(join(outDir, `${name}.png`), encodePng(img.width, img.height, img.rgba));
    const last = sim.rows[sim.rows.length - 1];
    if (!last) throw new Error(`${name}: no metrics row`);
    const wall_s = (performance.now() - t0) / 1000;
    process.stdout.write(`${name}: ${reason} after ${sim.steps} steps, t = ${sim.time_s} s, ${wall_s.toFixed(1)} s wall\n`);
    return { name, t_s, v_V, last, steps: sim.steps, wall_s };
  } finally {
    sim.destroy();
  }
}

// ---- markdown table

function fmt(v: number | null | undefined, integer: boolean): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (integer) return String(Math.round(v));
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

function metricsTable(traces: Trace[]): string {
  const ints = new Set<keyof MetricsRow>(['nucleation_events', 'nuclei_count']);
  const head = `| preset | ${TABLE_COLUMNS.map((c) => `\`${c}\``).join(' | ')} |`;
  const rule = `| --- | ${TABLE_COLUMNS.map(() => '---:').join(' | ')} |`;
  const rows = traces.map((t) => `| \`${t.name}\` | ${TABLE_COLUMNS.map((c) => fmt(t.last[c] as number, ints.has(c))).join(' | ')} |`);
  return [head, rule, ...rows].join('\n') + '\n';
}

// ---- the chart (Vega-Lite, rendered to SVG in Node without a browser or canvas)

/** Colours (Okabe–Ito: vermillion, blue, bluish green), in PRESETS order: distinguishable with colour-blindness. */
const COLOURS = ['#d55e00', '#0072b2', '#009e73'];

async function voltageChart(traces: Trace[]): Promise<string> {
  const values = traces.flatMap((tr, n) => tr.t_s.map((t, k) => ({ run: LABELS[n], t_s: t, E_V: tr.v_V[k] })));
  const tFirst = Math.min(...traces.map((t) => t.t_s[0]));
  const tEnd = Math.max(...traces.map((t) => t.t_s[t.t_s.length - 1]));
  const colour = { field: 'run', type: 'nominal', title: null, sort: LABELS, scale: { domain: LABELS, range: COLOURS.slice(0, LABELS.length) }, legend: { orient: 'top', labelFontSize: 13 } };
  const y = { field: 'E_V', type: 'quantitative', title: 'applied potential (V)', axis: { titleFontSize: 13 } };
  const panel = (log: boolean) => ({
    width: 460,
    height: 340,
    mark: { type: 'line', strokeWidth: 2, clip: true },
    encoding: {
      x: {
        field: 't_s',
        type: 'quantitative',
        title: log ? 'time (s), log scale' : 'time (s)',
        scale: log ? { type: 'log', domain: [10 ** Math.floor(Math.log10(tFirst)), 10 ** Math.ceil(Math.log10(tEnd))] } : { domain: [0, tEnd] },
        axis: { titleFontSize: 13 },
      },
      y,
      color: colour,
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values },
    hconcat: [panel(true), panel(false)],
    resolve: { scale: { y: 'shared' } },
    config: { background: 'white', font: 'sans-serif' },
  };
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: 'none' });
  return view.toSVG();
}

function voltageCsv(traces: Trace[]): string {
  const lines = ['run,preset,time_s,applied_potential_V'];
  traces.forEach((tr, n) => tr.t_s.forEach((t, k) => lines.push(`${LABELS[n]},${tr.name},${t},${tr.v_V[k]}`)));
  return lines.join('\n') + '\n';
}

async function main(): Promise<void> {
  const outDir = resolve(parseOut(process.argv.slice(2)));
  mkdirSync(outDir, { recursive: true });
  const traces: Trace[] = [];
  for (const name of PRESETS) traces.push(await runPreset(name, outDir));
  await writeFileAtomic(join(outDir, 'voltage.svg'), await voltageChart(traces));
  await writeFileAtomic(join(outDir, 'voltage.csv'), voltageCsv(traces));
  const table = metricsTable(traces);
  await writeFileAtomic(join(outDir, 'table.md'), table);
  process.stdout.write(`\n${table}\nwrote ${PRESETS.map((p) => `${p}.png`).join(', ')}, voltage.svg, voltage.csv, table.md to ${outDir}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`strategy-figures: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
