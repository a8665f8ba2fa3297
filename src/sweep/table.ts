// The state of a sweep folder, read from its run folders: which runs are done, runs.csv and
// montage.png. Both outputs are derived from the folders and rewritten whole (atomically), so a
// sweep killed at any moment and restarted never duplicates a row, and shards that write into one
// folder never clobber each other's runs.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { csvText, formatNumber } from '../io/csvFormat.ts';
import { METRIC_COLUMNS } from '../sim/types.ts';
import type { RunSummary } from '../cli/commands.ts';
import { CHECKPOINT_FILE } from '../cli/runDir.ts';
import type { Scenario, ScenarioValue } from '../model/scenario.ts';
import { montage } from './montage.ts';
import { PRESET_AXIS, formatAxisValue, scenarioHash, type SweepSpec, type SweepRun } from './spec.ts';

/** What a sweep folder's sweep.json holds: enough to read the folder without the spec's files. */
export interface SweepIndex {
  spec: SweepSpec;
  runs: IndexedRun[];
}
export type IndexedRun = Omit<SweepRun, 'scenario' | 'index'>;

export const SWEEP_FILE = 'sweep.json';
export const TABLE_FILE = 'runs.csv';
export const MONTAGE_FILE = 'montage.png';
export const RUNS_DIR = 'runs';

/** done: finished (any stop reason but a signal); failed: non-finite or an internal error. */
export type RunStatus = 'pending' | 'partial' | 'done' | 'failed';

export const runDir = (dir: string, run: Pick<SweepRun, 'id'>) => join(dir, RUNS_DIR, run.id);

export interface RunState {
  status: RunStatus;
  summary?: RunSummary;
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** finished runs seen by this process, by folder and scenario hash */
const finished = new Map<string, RunState>();

/**
 * What the folder holds for a run. A folder whose scenario is not the run's (another spec wrote
 * it) counts as pending, and the caller starts it over.
 */
export function runState(dir: string, run: IndexedRun): RunState {
  const d = runDir(dir, run);
  // a finished run stays finished: read its files once per process, not at every rebuild of the table
  const key = `${d}\0${run.hash}`;
  const known = finished.get(key);
  if (known) return known;
  const scenario = readJson<Scenario>(join(d, 'scenario.json'));
  if (!scenario || scenarioHash(scenario) !== run.hash) return { status: 'pending' };
  const summary = readJson<RunSummary>(join(d, 'summary.json'));
  if (summary && summary.reason !== 'aborted') {
    const st: RunState = { status: summary.reason === 'non_finite' || summary.reason === 'error' ? 'failed' : 'done', summary };
    finished.set(key, st);
    return st;
  }
  return { status: existsSync(join(d, CHECKPOINT_FILE)) ? 'partial' : 'pending' };
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? formatNumber(v) : '';
  return csvText(String(v));
}

/** A run's values by runs.csv column (undefined: not known, e.g. a run not finished). */
export function runRow(run: IndexedRun, st: RunState): Record<string, unknown> {
  const s = st.summary;
  const m = (s?.final_metrics ?? {}) as Record<string, unknown>;
  return {
    run_id: run.id,
    status: st.status,
    reason: s?.reason ?? '',
    ...run.params,
    'run.seed': run.seed,
    replicate: run.replicate,
    ...Object.fromEntries(METRIC_COLUMNS.map((c) => [c, s ? m[c] : undefined])),
    sand_time_s: s?.sand_time_s,
    short_circuit_time_s: s?.short_circuit_time_s,
    host_overflow_time_s: s?.host_overflow_time_s,
    steps: s?.steps,
    wall_s: s?.wall_time_s,
    backend: s?.backend,
    scenario_hash: run.hash,
  };
}

/** The columns of runs.csv for a sweep (axis keys by name, then seed, metrics, events, cost). */
export function tableColumns(sweep: SweepIndex): string[] {
  const axes = sweep.spec.axes.map((a) => a.key).filter((k) => k !== 'run.seed');
  return [
    'run_id',
    'status',
    'reason',
    ...axes,
    'run.seed',
    'replicate',
    ...METRIC_COLUMNS,
    'sand_time_s',
    'short_circuit_time_s',
    'host_overflow_time_s',
    'steps',
    'wall_s',
    'backend',
    'scenario_hash',
  ];
}

/** runs.csv: one row per run of the sweep, pending ones included, in run order. */
export function tableCsv(dir: string, sweep: SweepIndex): string {
  const cols = tableColumns(sweep);
  const lines = [cols.map(csvCell).join(',')];
  for (const run of sweep.runs) {
    const row = runRow(run, runState(dir, run));
    lines.push(cols.map((c) => csvCell(row[c])).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The label lines of a run's montage tile: its axis values, and the replicate's seed. */
export function runLabel(sweep: SweepIndex, run: IndexedRun): string[] {
  const lines = [`#${run.id}`];
  for (const [k, v] of Object.entries(run.params) as [string, ScenarioValue][]) {
    const short = k === PRESET_AXIS ? k : k.slice(k.indexOf('.') + 1);
    lines.push(`${short}=${typeof v === 'number' ? formatAxisValue(v) : String(v)}`);
  }
  if (sweep.spec.replicates > 1) lines.push(`seed=${run.seed}`);
  return lines;
}

/** montage.png: every run's final.png in run order, labelled; runs not done are grey. */
export function montagePng(dir: string, sweep: SweepIndex): Uint8Array {
  const tiles = sweep.runs.map((run) => {
    const st = runState(dir, run);
    const path = join(runDir(dir, run), 'final.png');
    const png = st.status === 'done' && existsSync(path) ? new Uint8Array(readFileSync(path)) : null;
    return { png, label: runLabel(sweep, run) };
  });
  return montage(tiles);
}

/**
 * Rewrites runs.csv from the folders, and montage.png with `montage` (it decodes every run's picture:
 * the runner draws it when a sweep call ends, not after every run).
 */
export async function writeSweepOutputs(dir: string, sweep: SweepIndex, opts: { montage: boolean } = { montage: true }): Promise<void> {
  await writeFileAtomic(join(dir, TABLE_FILE), tableCsv(dir, sweep));
  if (opts.montage) await writeFileAtomic(join(dir, MONTAGE_FILE), montagePng(dir, sweep));
}

/** sweep.json: the resolved spec and the runs; equal for every shard, so any shard may write it. */
export function sweepJson(sweep: SweepIndex): string {
  return (
    JSON.stringify(
      {
        version: 1,
        spec: sweep.spec,
        runs: sweep.runs.map((r) => ({ id: r.id, params: r.params, replicate: r.replicate, seed: r.seed, hash: r.hash, dir: `${RUNS_DIR}/${r.id}` })),
      },
      null,
      2,
    ) + '\n'
  );
}

/** Reads DIR/sweep.json (undefined when absent). */
export function readSweepIndex(dir: string): SweepIndex | undefined {
  const j = readJson<{ version: number; spec: SweepSpec; runs: IndexedRun[] }>(join(dir, SWEEP_FILE));
  if (!j) return undefined;
  if (j.version !== 1) throw new Error(`${join(dir, SWEEP_FILE)} has version ${String(j.version)}; this build reads version 1`);
  return { spec: j.spec, runs: j.runs.map(({ id, params, replicate, seed, hash }) => ({ id, params, replicate, seed, hash })) };
}

/** Whether two sweeps have the same runs (ids and scenario hashes). */
export function sameRuns(a: SweepIndex, b: SweepIndex): boolean {
  return a.runs.length === b.runs.length && a.runs.every((r, i) => r.id === b.runs[i].id && r.hash === b.runs[i].hash);
}
