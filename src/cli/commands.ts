// The `dendrite` sub-commands. Each returns the process exit code.
//
// `run` validates everything it can before touching the file system: parse args -> load the
// scenario -> apply overrides -> choose the backend -> createSimulation (checks the grid against
// the adapter) -> only then create DIR and write. Any failure before that exits with 2 and leaves
// DIR as it was (absent, or untouched). Progress and logs go to stderr; stdout carries the result.

import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { NoAdapterError } from '../gpu/device.ts';
import { everyWallS } from '../sim/schedule.ts';
import { MetricsCsvWriter, formatNumber } from '../io/csv.ts';
import { CYCLE_COLUMNS } from '../sim/cycles.ts';
import { writeFileAtomic } from '../io/atomic.ts';
import { phaseFieldImage } from '../io/fieldImage.ts';
import { encodePng } from '../io/png.ts';
import { toDimless } from '../model/dimless.ts';
import { PRESETS } from '../model/presets.ts';
import { applyOverrides, getValue, listPresets, loadScenarioArg, ScenarioError, type Scenario } from '../model/scenario.ts';
import { adapterText as adapterLabelText, chooseBackend, type BackendChoice } from '../sim/backendChoice.ts';
import {
  NonFiniteError,
  type Checkpoint,
  type CycleRecord,
  type MetricsRow,
  type NucleationSummary,
  type RunLimits,
  type RunResult,
  type SimEvent,
  type Writer,
} from '../sim/types.ts';
import type { Simulation } from '../sim/simulation.ts';
import { runOverrides, type BenchArgs, type CheckArgs, type ResumeArgs, type RunArgs } from './args.ts';
import { formatSig, Progress, type ProgressSample } from './progress.ts';
import { CHECKPOINT_FILE, FieldSeries, PVD_FILE, readCheckpointFile, readRunState, writeCheckpointFile, writeRunState } from './runDir.ts';
import { codeVersion, type CodeVersion } from './version.ts';

export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

export const defaultIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr });

export const EXIT = { ok: 0, internal: 1, badInput: 2, nonFinite: 3, aborted: 130, terminated: 143 } as const;

export type StopReason = RunResult['reason'] | 'error';

export interface RunSummary {
  scenario: string;
  backend: 'gpu' | 'cpu';
  /** what was asked for (auto, gpu, cpu) and why this backend ran */
  backend_choice: { requested: BackendChoice['requested']; reason: string };
  adapter: { vendor: string; architecture: string; device: string; description: string; isFallback: boolean } | null;
  /** the package version and the git commit the code ran from */
  version: CodeVersion;
  host: { cpu: string; cores: number; platform: string; node: string };
  limits: RunLimits;
  steps: number;
  wall_time_s: number;
  simulated_time_s: number;
  /** steps of this process (after the checkpoint when resumed) per wall second */
  steps_per_s: number;
  /** the checkpoint this process continued from (null: a fresh run) */
  resumed_from: { step: number; time_s: number } | null;
  /** the VTK series (null: not asked for) */
  fields: { every_s: number; snapshots: number; pvd: string } | null;
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
  /**
   * drive.mode = cycling: the completed cycles (the rows of cycles.csv) and, for the stepped-current protocol,
   * the critical current density: the plating current of the first cycle that shorted or passed
   * cycling.polarisation_limit_V (null: none failed); null when not cycling
   */
  cycling: { cycles: CycleRecord[]; critical_current_density_mA_cm2: number | null } | null;
}

/** cycles.csv: one row per completed cycle (CYCLE_COLUMNS), RFC 4180 numbers as in metrics.csv. */
export function cyclesCsv(records: readonly CycleRecord[]): string {
  const cell = (v: number | boolean) => (typeof v === 'boolean' ? (v ? '1' : '0') : formatNumber(v));
  return [CYCLE_COLUMNS.join(','), ...records.map((r) => CYCLE_COLUMNS.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/** The stepped-current protocol's critical current density: the plating current of the first failed cycle. */
export function criticalCurrent(records: readonly CycleRecord[], reason: StopReason): number | null {
  const failed = records.find((r) => r.short_circuit);
  if (failed) return failed.plate_current_mA_cm2;
  if (reason === 'polarisation_limit' && records.length > 0) return records[records.length - 1].plate_current_mA_cm2;
  return null;
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

export async function presetsCommand(json: boolean, io: CliIO = defaultIO()): Promise<number> {
  if (json) {
    const list = Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.scenario.about.description, sources: p.scenario.about.sources }));
    io.stdout.write(JSON.stringify(list, null, 2) + '\n');
    return EXIT.ok;
  }
  const presets = listPresets();
  const width = Math.max(0, ...presets.map((p) => p.name.length)) + 2;
  for (const p of presets) io.stdout.write(`${p.name.padEnd(width)}${p.description}\n`);
  return EXIT.ok;
}

/** `dendrite check`: the scenario a run would use, validated and resolved, on stdout; nothing runs. */
export async function checkCommand(args: CheckArgs, io: CliIO = defaultIO()): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = applyOverrides(await loadScenarioArg(args.scenario), runOverrides(args));
    stopOf(scenario);
    toDimless(scenario); // derived quantities: what createSimulation checks before it allocates
  } catch (e) {
    io.stderr.write(`dendrite check: ${errorMessage(e)}\n`);
    return EXIT.badInput;
  }
  io.stdout.write(JSON.stringify(scenario, null, 2) + '\n');
  return EXIT.ok;
}

/** The stop condition, or a ScenarioError when the scenario has none. */
export function stopOf(scenario: Scenario): RunLimits {
  const limits = limitsOf(scenario);
  if (!(limits.charge_mAh_cm2 !== undefined || (limits.until_s !== undefined && limits.until_s > 0))) {
    throw new ScenarioError('run.until_s', scenario.run?.until_s, 'a time > 0 (--until-s) or a charge (--charge-mAh-cm2)');
  }
  return limits;
}

export const probeAdapter = async () => {
  const { getGpu } = await import('../gpu/device.ts');
  return (await getGpu()).label;
};

export async function benchCommand(args: BenchArgs, io: CliIO = defaultIO()): Promise<number> {
  const choice = await chooseBackend(args.backend, probeAdapter, '--backend gpu');
  if (args.backend === 'auto') io.stderr.write(`dendrite bench: ${choice.backend}: ${choice.reason}\n`);
  const { benchSolver, formatBenchTable } = await import('../../bench/solver.ts');
  let report;
  try {
    report = await benchSolver({
      backend: choice.backend,
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

interface RunPlan {
  scenario: Scenario;
  scenarioArg: string;
  name: string;
  outDir: string;
  choice: BackendChoice;
  fieldsEveryS: number | null;
  checkpointEveryS: number | null;
  /** resuming: the checkpoint and the field segment it was taken in */
  restore?: { checkpoint: Checkpoint; segment: number };
  resumed: boolean;
}

/** Reads DIR for `--resume`: its scenario, how it was started and its last checkpoint. */
async function resumePlan(args: ResumeArgs): Promise<RunPlan | { finished: RunSummary }> {
  const outDir = resolve(args.dir);
  const state = readRunState(outDir);
  const summaryPath = join(outDir, 'summary.json');
  if (existsSync(summaryPath)) {
    const summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary;
    if (summary.reason !== 'aborted') return { finished: summary };
  }
  const scenario = await loadScenarioArg(join(outDir, 'scenario.json'));
  return {
    scenario,
    scenarioArg: state.scenario_arg,
    name: state.name,
    outDir,
    choice: state.backend,
    fieldsEveryS: state.fields_every_s,
    checkpointEveryS: state.checkpoint_every_s,
    restore: readCheckpointFile(outDir),
    resumed: true,
  };
}

/** What the progress line reads of a run: its clock, steps, charge and, when cycling, the cycle in progress. */
function progressSample(sim: Simulation, time_s: number, steps: number, charge_mAh_cm2: number): ProgressSample {
  const ph = sim.cyclePhase;
  return { time_s, steps, charge_mAh_cm2, ...(ph ? { cycle: { n: ph.cycle + 1, done: sim.cycles.length, phase: ph.kind } } : {}) };
}

export async function runCommand(args: RunArgs | ResumeArgs, io: CliIO = defaultIO()): Promise<number> {
  const tag = 'dendrite run';
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`${tag}: ${msg}\n`);
    // a batch member handed in must leave its batch, or the other members would wait for it
    if (args.command === 'run') args.simulation?.destroy();
    return code;
  };
  const log = (msg: string) => {
    if (!args.quiet) io.stderr.write(`${msg}\n`);
  };

  // ---- validate; nothing is written before createSimulation succeeds
  let plan: RunPlan;
  try {
    if (args.command === 'resume') {
      const p = await resumePlan(args);
      if ('finished' in p) {
        log(`dendrite: the run in ${resolve(args.dir)} is finished (${p.finished.reason} after ${p.finished.steps} steps); nothing to resume`);
        if (args.json) io.stdout.write(JSON.stringify(p.finished, null, 2) + '\n');
        return EXIT.ok;
      }
      plan = p;
    } else {
      const scenario = applyOverrides(args.preloaded ?? (await loadScenarioArg(args.scenario)), runOverrides(args));
      const outDir = resolve(args.out);
      try {
        if (!statSync(outDir).isDirectory()) return fail(`--out: '${args.out}' exists and is not a directory`);
      } catch {
        // absent: created below
      }
      stopOf(scenario);
      plan = {
        scenario,
        scenarioArg: args.scenario,
        name: scenarioName(scenario, args.scenario),
        outDir,
        choice: await chooseBackend(args.backend, probeAdapter, '--backend gpu'),
        fieldsEveryS: args.fieldsEveryS ?? null,
        checkpointEveryS: args.checkpointEveryS ?? null,
        resumed: false,
      };
    }
  } catch (e) {
    return fail(errorMessage(e));
  }
  const { scenario, outDir, choice } = plan;
  const limits = stopOf(scenario);

  let sim: Simulation;
  try {
    if (args.command === 'run' && args.simulation) {
      sim = args.simulation; // a member of a GPU batch (dendrite sweep --batch)
    } else {
      const { createSimulation } = await import('../sim/simulation.ts');
      sim = await createSimulation(scenario, { backend: choice.backend, restore: plan.restore?.checkpoint });
    }
  } catch (e) {
    if (e instanceof ScenarioError || e instanceof NoAdapterError) return fail(e.message);
    return fail(`could not create the simulation: ${errorMessage(e)}`);
  }
  const label = sim.info.adapter ?? null;
  const backendChoice: BackendChoice = { ...choice, adapter: label ?? choice.adapter };

  // ---- from here on DIR is ours
  const controller = new AbortController();
  // Ctrl-C (SIGINT) or a scheduler's SIGTERM (SLURM at the time limit): stop after the batch, write the
  // outputs and, with --checkpoint-every-s, a checkpoint to resume from; the same signal again quits at once
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    const exitCode = sig === 'SIGTERM' ? EXIT.terminated : EXIT.aborted;
    if (signalled === undefined) {
      signalled = sig;
      io.stderr.write(`\n${sig === 'SIGTERM' ? 'terminated' : 'interrupted'}: stopping after the current step and writing the summary (${sig === 'SIGTERM' ? 'SIGTERM' : 'Ctrl-C'} again to quit now)\n`);
      controller.abort();
    } else {
      process.exit(exitCode);
    }
  };
  const signalCode = () => (signalled === 'SIGTERM' ? EXIT.terminated : EXIT.aborted);

  const c0 = num(scenario, 'electrolyte', 'concentration_mol_L') ?? 1;
  const fields = new FieldSeries(outDir, c0);
  const restoredRows = plan.restore?.checkpoint.host.rows ?? [];
  let csv: MetricsCsvWriter | undefined;
  try {
    mkdirSync(outDir, { recursive: true });
    // Stale results (of an earlier run in the same DIR, or past the checkpoint) must not pass for this run's.
    for (const f of ['final.png', 'summary.json']) rmSync(join(outDir, f), { force: true });
    if (!plan.resumed) {
      rmSync(join(outDir, CHECKPOINT_FILE), { force: true });
      rmSync(join(outDir, PVD_FILE), { force: true });
      // scenario.json is the scenario handed to createSimulation: loading it gives the same run.
      await writeFileAtomic(join(outDir, 'scenario.json'), JSON.stringify(scenario, null, 2) + '\n');
      await writeRunState(outDir, {
        version: 1,
        scenario_arg: plan.scenarioArg,
        name: plan.name,
        backend: backendChoice,
        fields_every_s: plan.fieldsEveryS,
        checkpoint_every_s: plan.checkpointEveryS,
      });
    }
    if (plan.fieldsEveryS !== null) fields.resetTo(plan.restore?.segment ?? 0);
    csv = new MetricsCsvWriter(join(outDir, 'metrics.csv'), restoredRows);
  } catch (e) {
    sim.destroy();
    return fail(`cannot write to '${outDir}': ${errorMessage(e)}`, EXIT.internal);
  }

  const cycles = getValue(scenario, 'drive.mode') === 'cycling' ? (getValue(scenario, 'cycling.cycles') as number) : 0;
  const cyclesPath = join(outDir, 'cycles.csv');
  const writeCycles = () => writeFileAtomic(cyclesPath, cyclesCsv(sim.cycles));
  const target =
    cycles > 0
      ? ({ kind: 'cycles', cycles } as const)
      : limits.charge_mAh_cm2 !== undefined
      ? ({ kind: 'charge', charge_mAh_cm2: limits.charge_mAh_cm2 } as const)
      : ({ kind: 'time', until_s: limits.until_s ?? 0 } as const);
  const progress = new Progress({
    stream: args.quiet ? { write: () => undefined } : io.stderr,
    isTTY: Boolean(io.stderr.isTTY),
    columns: io.stderr.columns,
    target,
    ...(plan.restore ? { from: progressSample(sim, sim.time_s, sim.steps, sim.charge_mAh_cm2) } : {}),
  });
  const adapterText = label ? adapterLabelText(label) + (label.isFallback ? ' (software/fallback adapter)' : '') : 'f64 CPU reference';
  if (choice.requested === 'auto' && !plan.resumed) log(`dendrite: backend ${choice.backend}: ${choice.reason}`);
  const from = plan.restore ? ` (resumed at step ${sim.steps}, t=${formatSig(sim.time_s)} s)` : plan.resumed ? ' (no checkpoint yet: starting over)' : '';
  log(`dendrite: ${plan.name} on ${choice.backend} [${adapterText}] -> ${outDir}${from}`);

  // The field series runs in segments that end on its snapshot times, so a snapshot is the state at
  // k·T exactly and a resumed run retraces the same steps. Checkpoints are taken between batches.
  const T = plan.fieldsEveryS;
  let segment = plan.restore?.segment ?? 0;
  const writes: Promise<unknown>[] = [];
  let checkpointBusy = false;
  const takeCheckpoint = (seg: number) => {
    checkpointBusy = true;
    const w = sim
      .checkpoint()
      .then((cp) => writeCheckpointFile(outDir, cp, seg))
      .catch((e) => io.stderr.write(`${tag}: could not write ${CHECKPOINT_FILE}: ${errorMessage(e)}\n`))
      .finally(() => {
        checkpointBusy = false;
      });
    writes.push(w);
    return w;
  };
  const watcher: Writer = {
    onMetrics: (row) => {
      progress.update(progressSample(sim, row.time_s, row.step, row.charge_mAh_cm2));
    },
    onCycle: () => {
      writes.push(writeCycles().catch((e) => io.stderr.write(`${tag}: could not write cycles.csv: ${errorMessage(e)}\n`)));
    },
    onEvent: (ev) => progress.log(`event ${ev.kind} at step ${ev.step}, t=${formatSig(ev.time_s)} s: ${ev.message}`),
  };
  sim.addWriter(csv);
  sim.addWriter(watcher);
  // a checkpoint every T wall-clock seconds, at a batch boundary (one at a time)
  if (plan.checkpointEveryS !== null) {
    sim.addCallback(() => {
      if (!checkpointBusy) void takeCheckpoint(segment);
    }, everyWallS(plan.checkpointEveryS));
  }

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const t0 = performance.now();
  let result: RunResult | undefined;
  let reason: StopReason;
  let error: string | null = null;
  let code: number;
  /** reached within the f32 clock's rounding (the GPU clock lands within an ulp of its stop time) */
  const reached = (t: number) => sim.time_s >= t * (1 - 2 ** -22);
  try {
    if (T !== null && segment === 0) {
      await fields.write(0, await sim.readFields(), sim.time_s);
      segment = 1;
    }
    for (;;) {
      const at = T !== null ? segment * T : Infinity;
      const inSegment = at < (limits.until_s ?? Infinity);
      const segLimits: RunLimits = inSegment ? { ...limits, until_s: at } : limits;
      const done = segLimits.until_s !== undefined && reached(segLimits.until_s);
      const r: RunResult = done
        ? { reason: 'time', steps: sim.steps, time_s: sim.time_s, wall_s: 0, events: sim.events }
        : await sim.run(segLimits, controller.signal);
      result = r;
      if (inSegment && r.reason === 'time') {
        await fields.write(segment, await sim.readFields(), sim.time_s);
        segment++;
        continue;
      }
      break;
    }
    reason = result.reason;
    code = reason === 'aborted' ? signalCode() : reason === 'non_finite' ? EXIT.nonFinite : EXIT.ok;
  } catch (e) {
    if (e instanceof NonFiniteError) {
      reason = 'non_finite';
      error = e.message;
      code = EXIT.nonFinite;
    } else if (controller.signal.aborted) {
      reason = 'aborted';
      code = signalCode();
    } else {
      reason = 'error';
      error = errorMessage(e);
      code = EXIT.internal;
    }
  }
  await Promise.all(writes);
  // stopped by a signal with checkpoints on: keep the state it stopped at, so --resume goes on from there
  if (reason === 'aborted' && plan.checkpointEveryS !== null) await takeCheckpoint(segment);
  const wall = (performance.now() - t0) / 1000;
  progress.finish(result ? { time_s: sim.time_s, steps: sim.steps, charge_mAh_cm2: csv.lastRow?.charge_mAh_cm2 } : undefined);
  if (error) io.stderr.write(`${tag}: ${error}\n`);

  try {
    if (reason !== 'non_finite' && reason !== 'error') {
      try {
        const f = await sim.readFields();
        // the end state, unless it is the last snapshot already
        if (T !== null && reason !== 'aborted' && sim.time_s > fields.lastTime * (1 + 2 ** -22)) await fields.write(segment, f, sim.time_s);
        const img = phaseFieldImage(f, {}, sim.geometry);
        await writeFileAtomic(join(outDir, 'final.png'), encodePng(img.width, img.height, img.rgba));
      } catch (e) {
        io.stderr.write(`${tag}: could not write the final outputs: ${errorMessage(e)}\n`);
        if (code === EXIT.ok) code = EXIT.internal;
      }
    }
    const steps = sim.steps;
    const events = [...sim.events];
    const summary: RunSummary = {
      scenario: plan.name,
      backend: choice.backend,
      backend_choice: { requested: choice.requested, reason: choice.reason },
      adapter: label
        ? {
            vendor: label.vendor,
            architecture: label.architecture,
            device: label.device,
            description: label.description,
            isFallback: label.isFallback,
          }
        : null,
      version: codeVersion(),
      host: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: cpus().length,
        platform: `${process.platform}-${process.arch}`,
        node: process.version,
      },
      limits,
      steps,
      wall_time_s: wall,
      simulated_time_s: sim.time_s,
      steps_per_s: wall > 0 ? (steps - (plan.restore?.checkpoint.host.steps ?? 0)) / wall : 0,
      resumed_from: plan.restore ? { step: plan.restore.checkpoint.host.steps, time_s: plan.restore.checkpoint.host.time_s } : null,
      fields: T !== null ? { every_s: T, snapshots: fields.count, pvd: PVD_FILE } : null,
      reason,
      error,
      events: events.map((e) => ({ kind: e.kind, step: e.step, time_s: e.time_s, message: e.message })),
      sand_time_s: firstEventTime(events, 'sand_depletion'),
      short_circuit_time_s: firstEventTime(events, 'short_circuit'),
      host_overflow_time_s: firstEventTime(events, 'host_overflow'),
      nucleation: sim.nucleation,
      final_metrics: csv.lastRow ?? null,
      cycling: cycles > 0 ? { cycles: [...sim.cycles], critical_current_density_mA_cm2: criticalCurrent(sim.cycles, reason) } : null,
    };
    if (cycles > 0) await writeCycles();
    await writeFileAtomic(join(outDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    if (args.json) io.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    else if (!args.quiet) {
      io.stdout.write(
        `dendrite: ${reason} after ${steps} steps, t=${summary.simulated_time_s} s, ` +
          `${summary.steps_per_s.toFixed(1)} steps/s; wrote ${outDir}\n`,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    csv.close();
    sim.destroy();
  }
  return code;
}
