// `dendrite compare A B [C D] --out DIR`: 2–4 scenarios run to the same stop, written as a sweep
// folder (so it resumes like one) plus a side-by-side figure: the final morphologies at one colour
// scale (compare.png), the potential and current overlaid (voltage.svg, voltage.csv), and the key
// final metrics (metrics.csv, table.md).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { parseMetricsCsv } from '../io/csv.ts';
import { formatNumber } from '../io/csvFormat.ts';
import { toDimless } from '../model/dimless.ts';
import { applyOverrides, loadScenarioArg, type Scenario } from '../model/scenario.ts';
import type { MetricsRow } from '../sim/types.ts';
import { runOverrides, type CompareArgs } from '../cli/args.ts';
import { defaultIO, EXIT, scenarioName, stopOf, type CliIO } from '../cli/commands.ts';
import { checkOutDir, executeSweep } from './commands.ts';
import { montage } from './montage.ts';
import { renderSvg } from './plot.ts';
import { scenarioHash, type ResolvedSweep } from './spec.ts';
import { runDir, runState, type SweepIndex } from './table.ts';

export const COMPARE_AXIS = 'scenario';

/** The table's columns: [metric, heading, digits]. */
const TABLE: [keyof MetricsRow, string, number][] = [
  ['time_s', 't (s)', 3],
  ['charge_mAh_cm2', 'charge (mAh/cm²)', 3],
  ['applied_potential_V', 'potential (V)', 3],
  ['current_density_mA_cm2', 'current (mA/cm²)', 3],
  ['deposit_mean_height_um', 'mean height (µm)', 3],
  ['deposit_max_height_um', 'max height (µm)', 3],
  ['roughness_um', 'roughness (µm)', 2],
  ['deposit_porosity', 'porosity', 2],
  ['tip_count', 'tips', 0],
  ['nucleation_overpotential_mV', 'nucleation η (mV)', 1],
  ['collector_coverage', 'coverage', 2],
];

export async function compareCommand(args: CompareArgs, io: CliIO = defaultIO()): Promise<number> {
  const tag = 'dendrite compare';
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`${tag}: ${msg}\n`);
    return code;
  };
  // ---- validate every scenario before anything is written
  const scenarios: { name: string; scenario: Scenario }[] = [];
  try {
    for (const arg of args.scenarios) {
      const scenario = applyOverrides(await loadScenarioArg(arg), runOverrides(args));
      stopOf(scenario);
      toDimless(scenario);
      let name = scenarioName(scenario, arg);
      for (let k = 2; scenarios.some((s) => s.name === name); k++) name = `${scenarioName(scenario, arg)}#${k}`;
      scenarios.push({ name, scenario });
    }
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
  const sweep: ResolvedSweep = {
    spec: {
      base: 'compare',
      set: {},
      axes: [{ key: COMPARE_AXIS, kind: 'list', values: scenarios.map((s) => s.name) }],
      design: 'zip',
      replicates: 1,
      design_seed: 1,
      stop: {},
    },
    runs: scenarios.map((s, index) => ({
      id: String(index).padStart(4, '0'),
      index,
      params: { [COMPARE_AXIS]: s.name },
      replicate: 0,
      seed: s.scenario.run['seed'] as number,
      scenario: s.scenario,
      hash: scenarioHash(s.scenario),
    })),
  };
  const dir = resolve(args.out);
  const bad = checkOutDir(dir, '--out');
  if (bad) return fail(bad);
  const r = await executeSweep(dir, sweep, { tag, backend: args.backend, checkpointEveryS: 120, quiet: args.quiet }, io);
  if (r.code !== EXIT.ok && r.code !== EXIT.internal) return r.code;
  const table = await writeCompareOutputs(dir, sweep);
  io.stdout.write(`${table}\n${tag}: wrote ${dir} (compare.png, voltage.svg, metrics.csv, table.md)\n`);
  return r.code;
}

const cell = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? (digits === 0 ? String(Math.round(v)) : v.toFixed(digits)) : '–');

/** Writes the figure, the overlay and the tables from the run folders; returns the Markdown table. */
export async function writeCompareOutputs(dir: string, sweep: SweepIndex): Promise<string> {
  const runs = sweep.runs.map((run) => {
    const st = runState(dir, run);
    const name = String(run.params[COMPARE_AXIS]);
    let rows: MetricsRow[] = [];
    try {
      rows = parseMetricsCsv(readFileSync(join(runDir(dir, run), 'metrics.csv'), 'utf8')).rows;
    } catch {
      // a run that never wrote a row
    }
    return { run, st, name, rows, last: st.summary?.final_metrics ?? undefined };
  });
  const md = [
    `| run | stop | ${TABLE.map((c) => c[1]).join(' | ')} |`,
    `|---|---|${TABLE.map(() => '---:').join('|')}|`,
    ...runs.map((r) => `| ${r.name} | ${r.st.summary?.reason ?? r.st.status} | ${TABLE.map(([k, , d]) => cell(r.last?.[k], d)).join(' | ')} |`),
  ].join('\n');
  const csv = [
    ['run', 'status', 'reason', ...TABLE.map((c) => c[0])].join(','),
    ...runs.map((r) => [r.name.replaceAll(',', ' '), r.st.status, r.st.summary?.reason ?? '', ...TABLE.map(([k]) => (typeof r.last?.[k] === 'number' && Number.isFinite(r.last[k]) ? formatNumber(r.last[k]) : ''))].join(',')),
  ].join('\n');
  const tiles = runs.map((r) => {
    let png: Uint8Array | null = null;
    try {
      png = r.st.status === 'done' ? new Uint8Array(readFileSync(join(runDir(dir, r.run), 'final.png'))) : null;
    } catch {
      png = null;
    }
    const q = r.last?.charge_mAh_cm2;
    return { png, label: [r.name, `${cell(r.last?.time_s, 3)} s, ${cell(q, 3)} mAh/cm2`, `max ${cell(r.last?.deposit_max_height_um, 2)} um`] };
  });
  const traces = runs.flatMap((r) => r.rows.map((row) => ({ run: r.name, time_s: row.time_s, potential_V: row.applied_potential_V, current_mA_cm2: row.current_density_mA_cm2 })));
  const voltageCsv = ['run,time_s,applied_potential_V,current_density_mA_cm2', ...traces.map((t) => `${t.run.replaceAll(',', ' ')},${formatNumber(t.time_s)},${formatNumber(t.potential_V)},${formatNumber(t.current_mA_cm2)}`)].join('\n');
  const panel = (field: string, title: string) => ({
    width: 360,
    height: 240,
    mark: { type: 'line', point: { size: 12 } },
    encoding: {
      x: { field: 'time_s', type: 'quantitative', title: 'time (s)' },
      y: { field, type: 'quantitative', title, scale: { zero: false } },
      color: { field: 'run', type: 'nominal', title: 'run', sort: runs.map((r) => r.name) },
    },
  });
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: traces },
    hconcat: [panel('potential_V', 'electrode potential (V)'), panel('current_mA_cm2', 'current density (mA/cm²)')],
    config: { background: 'white', font: 'sans-serif' },
  });
  await writeFileAtomic(join(dir, 'compare.png'), montage(tiles, { columns: tiles.length }));
  await writeFileAtomic(join(dir, 'voltage.svg'), svg);
  await writeFileAtomic(join(dir, 'voltage.csv'), voltageCsv + '\n');
  await writeFileAtomic(join(dir, 'metrics.csv'), csv + '\n');
  await writeFileAtomic(join(dir, 'table.md'), md + '\n');
  return md;
}
