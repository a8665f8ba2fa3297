// The `dendrite` sub-commands. Each returns the process exit code.
//
// `run` validates everything it can before touching the file system: parse args -> load the
// scenario -> apply overrides -> createSimulation (checks the grid against the adapter and finds
// the adapter) -> only then create DIR and write. Any failure before that exits with 2 and leaves
// DIR as it was (absent, or untouched).

import { mkdirSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { NoAdapterError } from '../gpu/device.ts';
import { MetricsCsvWriter } from '../io/csv.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { phaseFieldImage } from '../io/fieldImage.ts';
import { encodePng } from '../io/png.ts';
import { applyOverrides, listPresets, loadScenarioArg, ScenarioError, type Scenario } from '../model/scenario.ts';
import {
  NonFiniteError,
  type MetricsRow,
  type NucleationSummary,
  type RunLimits,
  type RunResult,
  type SimEvent,
  type Writer,
} from '../sim/types.ts';
import type { Simulation } from '../sim/simulation.ts';
import { runOverrides, type RunArgs } from './args.ts';
import { formatSig, Progress } from './progress.ts';

export interface CliIO {
  stdout: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(s: string): unknown };
}

export const defaultIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr });

export const EXIT = { ok: 0, internal: 1, badInput: 2, nonFinite: 3, aborted: 130 } as const;

export type StopReason = RunResult['reason'] | 'error';

export interface RunSummary {
  scenario: string;
  backend: 'gpu' | 'cpu';
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallback: boolean } | null;
  host: { cpu: string; cores: number; platform: string; node: string };
  limits: RunLimits;
  steps: number;
  wall_time_s: number;
  simulated_time_s: number;
  steps_per_s: number;
  reason: StopReason;
  error: string | null;
  events: { kind: string; step: number; time_s: number; message: string }[];
  sand_time_s: number | null;
  short_circuit_time_s: number | null;
  /** first time Li grew above a 3D host's top (null: no host, or not yet) */
  host_overflow_time_s: number | null;
  nucleation: NucleationSummary;
  /** the last metrics row; undefined columns (METRIC_UNDEFINED_WHEN) are null */
  final_metrics: MetricsRow | null;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function num(s: Scenario, section: string, key: string): number | undefined {
  const v = s[section]?.[key];
  return typeof v === 'number' ? v : undefined;
}

/** The scenario's own name (about.name) if it has one, else the argument's. */
export function scenarioName(s: Scenario, arg: string): string {
  for (const section of ['about', 'meta']) {
    const v = s[section]?.name;
    if (typeof v === 'string' && v !== '') return v;
  }
  return basename(arg).replace(/\.json$/i, '');
}

/** The stop condition of a resolved scenario: the charge if one is set (> 0), else the time. */
export function limitsOf(s: Scenario): RunLimits {
  const charge = num(s, 'run', 'charge_mAh_cm2') ?? 0;
  const maxSteps = num(s, 'run', 'max_steps');
  const limits: RunLimits = charge > 0 ? { charge_mAh_cm2: charge } : { until_s: num(s, 'run', 'until_s') };
  if (maxSteps !== undefined) limits.maxSteps = maxSteps;
  return limits;
}

function firstEventTime(events: readonly SimEvent[], kind: SimEvent['kind']): number | null {
  const e = events.find((ev) => ev.kind === kind);
  return e ? e.time_s : null;
}

export async function presetsCommand(io: CliIO = defaultIO()): Promise<number> {
  const presets = listPresets();
  const width = Math.max(0, ...presets.map((p) => p.name.length)) + 2;
  for (const p of presets) io.stdout.write(`${p.name.padEnd(width)}${p.description}\n`);
  return EXIT.ok;
}

export const BENCH_USAGE = `Usage: dendrite bench [--backend gpu|cpu] [--sizes 64,128,256] [--steps N] [--json]

Runs the planar-li-foil preset at n × n cells for each size, N steps (default 200) after an
untimed 20-step warm-up, and prints wall time, steps/s, cell-updates/s and simulated s per
wall s. --json writes the same as JSON to stdout (the table then goes to stderr).
Measures only; exits 0 whatever the figures.`;

interface BenchArgs {
  backend: 'gpu' | 'cpu';
  sizes: number[];
  steps: number;
  json: boolean;
}

function parseBenchArgs(rest: string[]): BenchArgs | 'help' {
  const args: BenchArgs = { backend: 'gpu', sizes: [64, 128, 256], steps: 200, json: false };
  for (let k = 0; k < rest.length; k++) {
    const arg = rest[k];
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--json') {
      args.json = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!['--backend', '--sizes', '--steps'].includes(flag)) {
      throw new Error(`unknown argument '${arg}' (allowed: --backend, --sizes, --steps, --json)`);
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (k + 1 >= rest.length) throw new Error(`${flag} needs a value`);
      value = rest[++k];
    }
    if (flag === '--backend') {
      if (value !== 'gpu' && value !== 'cpu') throw new Error(`--backend: '${value}' is not allowed; allowed: gpu, cpu`);
      args.backend = value;
    } else if (flag === '--sizes') {
      const sizes = value.split(',').map((v) => v.trim());
      for (const v of sizes) {
        const n = Number(v);
        if (v === '' || !Number.isInteger(n) || n < 16 || n % 4 !== 0) {
          throw new Error(`--sizes: '${v}' is not allowed; expected integers ≥ 16 and multiples of 4, e.g. 64,128,256`);
        }
      }
      args.sizes = sizes.map(Number);
    } else {
      const n = Number(value);
      if (value.trim() === '' || !Number.isInteger(n) || n < 1) {
        throw new Error(`--steps: '${value}' is not allowed; expected an integer ≥ 1`);
      }
      args.steps = n;
    }
  }
  return args;
}

export async function benchCommand(rest: string[], io: CliIO = defaultIO()): Promise<number> {
  let args: BenchArgs | 'help';
  try {
    args = parseBenchArgs(rest);
  } catch (e) {
    io.stderr.write(`dendrite bench: ${errorMessage(e)}\n\n${BENCH_USAGE}\n`);
    return EXIT.badInput;
  }
  if (args === 'help') {
    io.stderr.write(`${BENCH_USAGE}\n`);
    return EXIT.ok;
  }
  const { benchSolver, formatBenchTable } = await import('../../bench/solver.ts');
  let report;
  try {
    report = await benchSolver({
      backend: args.backend,
      sizes: args.sizes,
      steps: args.steps,
      onProgress: (m) => io.stderr.write(`dendrite bench: ${m}\n`),
    });
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof NoAdapterError) {
      io.stderr.write(`dendrite bench: ${e.message}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
  const table = formatBenchTable(report);
  if (args.json) {
    io.stderr.write(table);
    io.stdout.write(JSON.stringify(report, null, 2) + '\n');
  } else {
    io.stdout.write(table);
  }
  if (report.warning) io.stderr.write(`dendrite bench: ${report.warning}\n`);
  return EXIT.ok;
}

export async function runCommand(args: RunArgs, io: CliIO = defaultIO()): Promise<number> {
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`dendrite run: ${msg}\n`);
    return code;
  };

  // ---- validate; nothing is written before createSimulation succeeds
  let scenario: Scenario;
  try {
    scenario = applyOverrides(await loadScenarioArg(args.scenario), runOverrides(args));
  } catch (e) {
    return fail(errorMessage(e));
  }
  const outDir = resolve(args.out);
  try {
    if (!statSync(outDir).isDirectory()) return fail(`--out: '${args.out}' exists and is not a directory`);
  } catch {
    // absent: created below
  }
  const limits = limitsOf(scenario);
  if (!(limits.charge_mAh_cm2 !== undefined || (limits.until_s !== undefined && limits.until_s > 0))) {
    return fail(
      `run.until_s: '${String(scenario.run?.until_s)}' is not allowed; give a time > 0 (--until-s) or a charge (--charge-mAh-cm2)`,
    );
  }

  let sim: Simulation;
  try {
    const { createSimulation } = await import('../sim/simulation.ts');
    sim = await createSimulation(scenario, { backend: args.backend });
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof NoAdapterError) return fail(e.message);
    return fail(`could not create the simulation: ${errorMessage(e)}`);
  }

  // ---- from here on DIR is ours
  // scenario.json is the scenario handed to createSimulation: loading it gives the same run.
  const name = scenarioName(scenario, args.scenario);
  const label = sim.info.adapter;
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write('\ninterrupted: stopping after the current step and writing the summary (Ctrl-C again to quit now)\n');
      controller.abort();
    } else {
      process.exit(EXIT.aborted);
    }
  };

  let csv: MetricsCsvWriter | undefined;
  try {
    mkdirSync(outDir, { recursive: true });
    // Stale results of an earlier run in the same DIR must not pass for this run's.
    for (const f of ['final.png', 'summary.json']) rmSync(join(outDir, f), { force: true });
    await writeFileAtomic(join(outDir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
    csv = new MetricsCsvWriter(join(outDir, 'metrics.csv'));
  } catch (e) {
    sim.destroy();
    return fail(`cannot write to '${args.out}': ${errorMessage(e)}`, EXIT.internal);
  }

  const target =
    limits.charge_mAh_cm2 !== undefined
      ? ({ kind: 'charge', charge_mAh_cm2: limits.charge_mAh_cm2 } as const)
      : ({ kind: 'time', until_s: limits.until_s ?? 0 } as const);
  const progress = new Progress({
    stream: io.stdout,
    isTTY: Boolean(io.stdout.isTTY),
    columns: io.stdout.columns,
    target,
  });
  const adapterText = label
    ? `${label.vendor} ${label.architecture} ${label.description || label.device}`.replace(/\s+/g, ' ').trim() +
      (label.isFallback ? ' (software/fallback adapter)' : '')
    : 'f64 CPU reference';
  io.stdout.write(`dendrite: ${name} on ${args.backend} [${adapterText}] -> ${outDir}\n`);

  const watcher: Writer = {
    onMetrics: (row) => progress.update({ time_s: row.time_s, steps: row.step, charge_mAh_cm2: row.charge_mAh_cm2 }),
    onEvent: (ev) => progress.log(`event ${ev.kind} at step ${ev.step}, t=${formatSig(ev.time_s)} s: ${ev.message}`),
  };
  sim.addWriter(csv);
  sim.addWriter(watcher);

  process.on('SIGINT', onSigint);
  const t0 = performance.now();
  let result: RunResult | undefined;
  let reason: StopReason;
  let error: string | null = null;
  let code: number;
  try {
    const r: RunResult = await sim.run(limits, controller.signal);
    result = r;
    reason = r.reason;
    code = reason === 'aborted' ? EXIT.aborted : reason === 'non_finite' ? EXIT.nonFinite : EXIT.ok;
  } catch (e) {
    if (e instanceof NonFiniteError) {
      reason = 'non_finite';
      error = e.message;
      code = EXIT.nonFinite;
    } else if (controller.signal.aborted) {
      reason = 'aborted';
      code = EXIT.aborted;
    } else {
      reason = 'error';
      error = errorMessage(e);
      code = EXIT.internal;
    }
  }
  const wall = result?.wall_s ?? (performance.now() - t0) / 1000;
  progress.finish(
    result ? { time_s: result.time_s, steps: result.steps, charge_mAh_cm2: csv.lastRow?.charge_mAh_cm2 } : undefined,
  );
  if (error) io.stderr.write(`dendrite run: ${error}\n`);

  try {
    if (reason !== 'non_finite' && reason !== 'error') {
      try {
        const fields = await sim.readFields();
        const img = phaseFieldImage(fields, {}, sim.geometry);
        await writeFileAtomic(join(outDir, 'final.png'), encodePng(img.width, img.height, img.rgba));
      } catch (e) {
        io.stderr.write(`dendrite run: could not write final.png: ${errorMessage(e)}\n`);
        if (code === EXIT.ok) code = EXIT.internal;
      }
    }
    const steps = result?.steps ?? sim.steps;
    const events = [...(result?.events ?? sim.events)];
    const summary: RunSummary = {
      scenario: name,
      backend: args.backend,
      adapter: label
        ? {
            vendor: label.vendor,
            architecture: label.architecture,
            device: label.device,
            description: label.description,
            isFallback: label.isFallback,
          }
        : null,
      host: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        platform: `${process.platform}-${process.arch}`,
        node: process.version,
      },
      limits,
      steps,
      wall_time_s: wall,
      simulated_time_s: result?.time_s ?? sim.time_s,
      steps_per_s: wall > 0 ? steps / wall : 0,
      reason,
      error,
      events: events.map((e) => ({ kind: e.kind, step: e.step, time_s: e.time_s, message: e.message })),
      sand_time_s: firstEventTime(events, 'sand_depletion'),
      short_circuit_time_s: firstEventTime(events, 'short_circuit'),
      host_overflow_time_s: firstEventTime(events, 'host_overflow'),
      nucleation: sim.nucleation,
      final_metrics: csv.lastRow ?? null,
    };
    await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    io.stdout.write(
      `dendrite: ${reason} after ${steps} steps, t=${summary.simulated_time_s} s, ` +
        `${summary.steps_per_s.toFixed(1)} steps/s; wrote ${outDir}\n`,
    );
  } finally {
    process.off('SIGINT', onSigint);
    csv.close();
    sim.destroy();
  }
  return code;
}
