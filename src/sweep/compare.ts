// `dendrite compare A B [C D] --out DIR`: 2–4 scenarios run to the same stop, written as a sweep
// folder (so it resumes like one) plus a side-by-side figure: the final morphologies at one colour
// scale (compare.png), the potential and current overlaid (voltage.svg, voltage.csv), and the key
// final metrics (metrics.csv, table.md).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { parseMetricsCsv } from '../io/csv.ts';
import { csvText, formatNumber } from '../io/csvFormat.ts';
import { toDimless } from '../model/dimless.ts';
import { applyOverrides, loadScenarioArg, type Scenario } from '../model/scenario.ts';
import { METRIC_COLUMNS, type MetricsRow } from '../sim/types.ts';
import { runOverrides, type CompareArgs } from '../cli/args.ts';
import { defaultIO, EXIT, scenarioName, stopOf, type CliIO } from '../cli/commands.ts';
import { checkOutDir, executeSweep } from './commands.ts';
import { montage } from './montage.ts';
import { renderSvg } from './plot.ts';
import { scenarioHash, type ResolvedSweep } from './spec.ts';
import { runDir, runState, type SweepIndex } from './table.ts';

export const COMPARE_AXIS = 'scenario';
/** names of the folder's own figures: a run named so is renamed NAME-2 */
const RESERVED = ['compare', 'montage'];

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
  const columns = args.table as (keyof MetricsRow)[] | undefined;
  const bad = columns?.find((c) => !(METRIC_COLUMNS as readonly string[]).includes(c));
  if (bad !== undefined) return fail(`--table: '${bad}' is not allowed; allowed: metrics.csv columns (${METRIC_COLUMNS.join(', ')})`);
  const scenarios: { name: string; scenario: Scenario }[] = [];
  try {
    for (const arg of args.scenarios) {
      const scenario = applyOverrides(await loadScenarioArg(arg), runOverrides(args));
      stopOf(scenario);
      toDimless(scenario);
      // a name per run whose file name (NAME.png) is its own and not one of the folder's files
      let name = scenarioName(scenario, arg);
      const taken = (x: string) => scenarios.some((s) => fileSafe(s.name) === fileSafe(x)) || RESERVED.includes(fileSafe(x));
      for (let k = 2; taken(name); k++) name = `${scenarioName(scenario, arg)}-${k}`;
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
  const notDir = checkOutDir(dir, '--out');
  if (notDir) return fail(notDir);
  const r = await executeSweep(dir, sweep, { tag, backend: args.backend, checkpointEveryS: 120, quiet: args.quiet }, io);
  if (r.code !== EXIT.ok && r.code !== EXIT.internal) return r.code;
  const table = await writeCompareOutputs(dir, sweep, columns);
  io.stdout.write(`${table}\n${tag}: wrote ${dir} (compare.png, voltage.svg, metrics.csv, table.md)\n`);
  return r.code;
}

const cell = (v: unknown, digits: number) => (typeof v === 'number' && Number.isFinite(v) ? (digits === 0 ? String(Math.round(v)) : v.toFixed(digits)) : '–');

/** 3 significant figures (integers for counts), '–' when undefined: the --table cells. */
function sig3(v: unknown, integer: boolean): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '–';
  if (integer) return String(Math.round(v));
  const a = Math.abs(v);
  if (a === 0) return '0';
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

const COUNTS = new Set<keyof MetricsRow>(['nucleation_events', 'nuclei_count', 'tip_count', 'step', 'sei_crack_events']);
/** Okabe–Ito (vermillion, blue, bluish green, reddish purple): told apart with colour-blindness too */
export const COMPARE_COLOURS = ['#d55e00', '#0072b2', '#009e73', '#cc79a7'];

/** A run name as a file name. */
export const fileSafe = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');

/**
 * Writes the figure, the overlay and the tables from the run folders; returns the Markdown table.
 * `columns`: the metrics.csv columns of table.md (default: a general set with readable headings).
 */
export async function writeCompareOutputs(dir: string, sweep: SweepIndex, columns?: readonly (keyof MetricsRow)[]): Promise<string> {
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
  const md = columns
    ? [
        `| run | ${columns.map((c) => `\`${c}\``).join(' | ')} |`,
        `| --- | ${columns.map(() => '---:').join(' | ')} |`,
        ...runs.map((r) => `| \`${r.name}\` | ${columns.map((c) => sig3(r.last?.[c], COUNTS.has(c))).join(' | ')} |`),
      ].join('\n')
    : [
        `| run | stop | ${TABLE.map((c) => c[1]).join(' | ')} |`,
        `|---|---|${TABLE.map(() => '---:').join('|')}|`,
        ...runs.map((r) => `| ${r.name} | ${r.st.summary?.reason ?? r.st.status} | ${TABLE.map(([k, , d]) => cell(r.last?.[k], d)).join(' | ')} |`),
      ].join('\n');
  const csvCols = [...new Set([...TABLE.map((c) => c[0]), ...(columns ?? [])])];
  const csv = [
    ['run', 'status', 'reason', ...csvCols].join(','),
    ...runs.map((r) => [csvText(r.name), r.st.status, r.st.summary?.reason ?? '', ...csvCols.map((k) => (typeof r.last?.[k] === 'number' && Number.isFinite(r.last[k]) ? formatNumber(r.last[k]) : ''))].join(',')),
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
  const voltageCsv = ['run,time_s,applied_potential_V,current_density_mA_cm2', ...traces.map((t) => `${csvText(t.run)},${formatNumber(t.time_s)},${formatNumber(t.potential_V)},${formatNumber(t.current_mA_cm2)}`)].join('\n');
  const names = runs.map((r) => r.name);
  const colour = { field: 'run', type: 'nominal', title: null, sort: names, scale: { domain: names, range: COMPARE_COLOURS.slice(0, names.length) }, legend: { orient: 'top', labelLimit: 400 } };
  const positive = traces.filter((t) => t.time_s > 0);
  const tFirst = Math.min(...positive.map((t) => t.time_s));
  const tEnd = Math.max(...traces.map((t) => t.time_s));
  const panel = (field: string, title: string, log: boolean) => ({
    width: 300,
    height: 240,
    ...(log ? { transform: [{ filter: 'datum.time_s > 0' }] } : {}),
    mark: { type: 'line', strokeWidth: 1.8, clip: true },
    encoding: {
      x: log
        ? { field: 'time_s', type: 'quantitative', title: 'time (s), log scale', scale: { type: 'log', domain: [10 ** Math.floor(Math.log10(tFirst)), 10 ** Math.ceil(Math.log10(tEnd))] } }
        : { field: 'time_s', type: 'quantitative', title: 'time (s)' },
      y: { field, type: 'quantitative', title, scale: { zero: false } },
      color: colour,
    },
  });
  // the nucleation dip lies in the first milliseconds: the potential on a log time axis too
  const svg = await renderSvg({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: traces },
    hconcat: [
      ...(positive.length > 1 && tEnd > tFirst ? [panel('potential_V', 'electrode potential (V)', true)] : []),
      panel('potential_V', 'electrode potential (V)', false),
      panel('current_mA_cm2', 'current density (mA/cm²)', false),
    ],
    resolve: { scale: { y: 'independent' } },
    config: { background: 'white', font: 'sans-serif' },
  });
  await writeFileAtomic(join(dir, 'compare.png'), montage(tiles, { columns: tiles.length }));
  for (const [k, r] of runs.entries()) if (tiles[k].png) await writeFileAtomic(join(dir, `${fileSafe(r.name)}.png`), tiles[k].png!);
  await writeFileAtomic(join(dir, 'voltage.svg'), svg);
  await writeFileAtomic(join(dir, 'voltage.csv'), voltageCsv + '\n');
  await writeFileAtomic(join(dir, 'metrics.csv'), csv + '\n');
  await writeFileAtomic(join(dir, 'table.md'), md + '\n');
  return md;
}
