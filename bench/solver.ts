// Solver benchmark: wall time of full coupled time steps (phase field, Li⁺ transport, potential,
// galvanostatic control, metrics readback every run.metrics_every_steps steps) on the
// planar-li-foil preset at n × n cells, through the same Simulation the CLI and the tests drive.
// Measures and reports only; nothing here asserts on time (HOUSE.md: bench/).
//
//   dendrite bench [--backend gpu|cpu] [--sizes 64,128,256] [--steps N] [--json]
//
// On a software adapter (lavapipe, SwiftShader) the figures say nothing about a real GPU.

import { cpus } from 'node:os';
import type { AdapterLabel } from '../src/gpu/device.ts';
import { applyOverrides, presetScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { BackendName, RunResult } from '../src/sim/types.ts';

export const BENCH_PRESET = 'planar-li-foil';
export const BENCH_METRICS_EVERY_STEPS = 50;
export const DEFAULT_BENCH_SIZES: readonly number[] = [64, 128, 256];
export const DEFAULT_BENCH_STEPS = 200;
export const BENCH_WARMUP_STEPS = 20;

export const SOFTWARE_ADAPTER_WARNING =
  'SOFTWARE ADAPTER: these are CPU-emulated GPU figures (Vulkan on the CPU); they say nothing about the speed on a real GPU.';

export interface BenchOptions {
  backend: BackendName;
  /** grid sizes n (n × n cells); each a multiple of 4 */
  sizes: readonly number[];
  /** timed steps per size */
  steps: number;
  /** steps of the untimed warm-up run before each size (default 20) */
  warmupSteps?: number;
  /** called before each phase, for progress output */
  onProgress?: (message: string) => void;
}

export interface BenchRow {
  nx: number;
  ny: number;
  cells: number;
  /** steps actually taken (fewer than asked only if the run stopped early, see reason) */
  steps: number;
  wall_s: number;
  steps_per_s: number;
  /** cells × steps / wall_s */
  cell_updates_per_s: number;
  simulated_s: number;
  simulated_s_per_wall_s: number;
  reason: RunResult['reason'];
}

export interface BenchReport {
  preset: string;
  backend: BackendName;
  /** null on the CPU backend */
  adapter: AdapterLabel | null;
  /** set when the adapter is a software/fallback one */
  warning: string | null;
  host: { cpu: string; cores: number; platform: string; node: string };
  steps_requested: number;
  warmup_steps: number;
  metrics_every_steps: number;
  rows: BenchRow[];
}

function benchScenario(n: number) {
  return applyOverrides(presetScenario(BENCH_PRESET), [
    `grid.nx=${n}`,
    `grid.ny=${n}`,
    `run.metrics_every_steps=${BENCH_METRICS_EVERY_STEPS}`,
  ]);
}

/** Runs the planar-li-foil preset for `steps` steps at each n × n size, after a warm-up run per size. */
export async function benchSolver(opts: BenchOptions): Promise<BenchReport> {
  const warmup = opts.warmupSteps ?? BENCH_WARMUP_STEPS;
  const log = opts.onProgress ?? (() => undefined);
  let adapter: AdapterLabel | null = null;
  const rows: BenchRow[] = [];
  for (const n of opts.sizes) {
    const scenario = benchScenario(n);
    if (warmup > 0) {
      // Untimed: pipeline compilation, first dispatches, allocator and JIT warm-up.
      log(`${opts.backend} ${n}×${n}: warm-up, ${warmup} steps`);
      const sim = await createSimulation(scenario, { backend: opts.backend });
      try {
        await sim.run({ maxSteps: warmup, until_s: 1e9 });
      } finally {
        sim.destroy();
      }
    }
    log(`${opts.backend} ${n}×${n}: ${opts.steps} timed steps`);
    const sim = await createSimulation(scenario, { backend: opts.backend });
    adapter ??= sim.info.adapter ?? null;
    let result: RunResult;
    const t0 = performance.now();
    try {
      result = await sim.run({ maxSteps: opts.steps, until_s: 1e9 });
    } finally {
      sim.destroy();
    }
    const wall = (performance.now() - t0) / 1000;
    const cells = n * n;
    rows.push({
      nx: n,
      ny: n,
      cells,
      steps: result.steps,
      wall_s: wall,
      steps_per_s: result.steps / wall,
      cell_updates_per_s: (cells * result.steps) / wall,
      simulated_s: result.time_s,
      simulated_s_per_wall_s: result.time_s / wall,
      reason: result.reason,
    });
  }
  return {
    preset: BENCH_PRESET,
    backend: opts.backend,
    adapter,
    warning: adapter?.isFallback ? SOFTWARE_ADAPTER_WARNING : null,
    host: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      platform: `${process.platform}-${process.arch}`,
      node: process.version,
    },
    steps_requested: opts.steps,
    warmup_steps: warmup,
    metrics_every_steps: BENCH_METRICS_EVERY_STEPS,
    rows,
  };
}

function sig(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(digits - 1).replace('e+', 'e');
  return String(Number(v.toPrecision(digits)));
}

export function adapterText(a: AdapterLabel | null): string {
  if (!a) return 'f64 CPU reference (no GPU)';
  const parts = [a.vendor, a.architecture, a.device, a.description].filter((p) => p !== '' && p !== 'unknown');
  return parts.join(' / ') + (a.isFallback ? '  [software/fallback adapter]' : '');
}

function shortAdapter(a: AdapterLabel | null): string {
  if (!a) return 'f64 CPU';
  return a.isFallback ? 'SOFTWARE' : `${a.vendor} ${a.architecture}`.trim();
}

/** The report as a plain-text table (markdown-compatible). */
export function formatBenchTable(r: BenchReport): string {
  const lines: string[] = [];
  lines.push(`backend: ${r.backend}`);
  lines.push(`adapter: ${adapterText(r.adapter)}`);
  lines.push(`host:    ${r.host.cpu}, ${r.host.cores} cores, ${r.host.platform}, node ${r.host.node}`);
  lines.push(
    `scenario: ${r.preset} at n × n, ${r.steps_requested} steps after a ${r.warmup_steps}-step warm-up, metrics every ${r.metrics_every_steps} steps`,
  );
  if (r.warning) lines.push('', `!!! ${r.warning} !!!`);
  lines.push('');
  const head = ['backend', 'adapter', 'grid', 'steps', 'wall s', 'steps/s', 'cell-updates/s', 'sim s / wall s'];
  const body = r.rows.map((row) => [
    r.backend,
    shortAdapter(r.adapter),
    `${row.nx}×${row.ny}`,
    String(row.steps) + (row.reason === 'steps' ? '' : ` (${row.reason})`),
    sig(row.wall_s),
    sig(row.steps_per_s),
    sig(row.cell_updates_per_s),
    sig(row.simulated_s_per_wall_s),
  ]);
  const width = head.map((h, k) => Math.max(h.length, ...body.map((b) => b[k].length)));
  const fmt = (cols: string[]) => '| ' + cols.map((c, k) => (k < 3 ? c.padEnd(width[k]) : c.padStart(width[k]))).join(' | ') + ' |';
  lines.push(fmt(head));
  lines.push('|' + width.map((w, k) => (k < 3 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
  for (const b of body) lines.push(fmt(b));
  return lines.join('\n') + '\n';
}
