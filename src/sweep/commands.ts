// `dendrite sweep`: run a sweep spec into DIR (resumable, shardable), merge shard folders, plot a
// metric, and emit cluster job files. Each returns the process exit code.

import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../io/atomic.ts';
import { chooseBackend } from '../sim/backendChoice.ts';
import { defaultIO, EXIT, probeAdapter, runCommand, type CliIO } from '../cli/commands.ts';
import type { SweepArgs, SweepMergeArgs, SweepPlotArgs } from '../cli/args.ts';
import { formatSig } from '../cli/progress.ts';
import { describeParams, loadSweepSpec, SweepSpecError, type ResolvedSweep, type SweepRun } from './spec.ts';
import type { Simulation } from '../sim/simulation.ts';
import { readSweepIndex, runDir, runState, RUNS_DIR, sameRuns, SWEEP_FILE, sweepJson, tableColumns, writeSweepOutputs, type SweepIndex } from './table.ts';
import { emitK8s, emitSlurm } from './emit.ts';

const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The runs of shard K of N: every N-th run from K (0 ≤ K < N), so shards balance across the axes. */
export function shardRuns<T extends { index: number }>(runs: readonly T[], shard: { k: number; n: number }): T[] {
  return runs.filter((r) => r.index % shard.n === shard.k);
}

export function checkOutDir(dir: string, flag: string): string | undefined {
  try {
    if (!statSync(dir).isDirectory()) return `${flag}: '${dir}' exists and is not a directory`;
  } catch {
    // absent: created later
  }
  return undefined;
}

export async function sweepCommand(args: SweepArgs, io: CliIO = defaultIO()): Promise<number> {
  const tag = 'dendrite sweep';
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`${tag}: ${msg}\n`);
    return code;
  };

  // ---- validate everything; nothing is written before this block ends
  let sweep: ResolvedSweep;
  try {
    sweep = loadSweepSpec(args.spec);
  } catch (e) {
    if (e instanceof SweepSpecError) return fail(`${args.spec}: ${e.message}`);
    throw e;
  }
  if (args.emit) {
    const opts = { spec: resolve(args.spec), out: resolve(args.out), shards: args.shards ?? Math.min(sweep.runs.length, 64), parallel: args.parallel, backend: args.backend, runs: sweep.runs.length };
    io.stdout.write(args.emit === 'slurm' ? emitSlurm(opts) : emitK8s(opts));
    return EXIT.ok;
  }
  const dir = resolve(args.out);
  const bad = checkOutDir(dir, '--out');
  if (bad) return fail(bad);
  const r = await executeSweep(dir, sweep, { tag, backend: args.backend, shard: args.shard, checkpointEveryS: args.checkpointEveryS, batch: args.batch, quiet: args.quiet }, io);
  if (r.code !== EXIT.ok && r.code !== EXIT.internal) return r.code;
  const { count, mine } = r;
  const shardText = args.shard ? ` (shard ${args.shard.k}/${args.shard.n}: ${mine} runs)` : '';
  io.stdout.write(
    `${tag}: ${mine} runs${shardText}: ${count.done} done, ${count.failed} failed, ${count.skipped} already there` +
      `${count.resumed ? `, ${count.resumed} resumed` : ''}; wrote ${dir}\n`,
  );
  return r.code;
}

export interface ExecuteOptions {
  tag: string;
  backend: SweepArgs['backend'];
  shard?: { k: number; n: number };
  checkpointEveryS: number;
  /** members per GPU batch (sweep --batch) */
  batch?: number;
  quiet: boolean;
}

/**
 * Runs the sweep's runs (of one shard) into DIR, one after another, skipping finished ones and
 * resuming partial ones. DIR must be absent, a folder of this sweep, or empty of sweep.json.
 * Exit code 2 (nothing written) when DIR holds another sweep or no backend can run.
 */
export async function executeSweep(
  dir: string,
  sweep: ResolvedSweep,
  o: ExecuteOptions,
  io: CliIO,
): Promise<{ code: number; mine: number; count: { done: number; failed: number; skipped: number; resumed: number } }> {
  const count = { done: 0, failed: 0, skipped: 0, resumed: 0 };
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`${o.tag}: ${msg}\n`);
    return { code, mine: 0, count };
  };
  const log = (msg: string) => {
    if (!o.quiet) io.stderr.write(`${msg}\n`);
  };
  let existing: SweepIndex | undefined;
  try {
    existing = readSweepIndex(dir);
  } catch (e) {
    return fail(errorMessage(e));
  }
  if (existing && !sameRuns(existing, sweep)) {
    return fail(`--out: '${dir}' holds another sweep (${existing.runs.length} runs; this one has ${sweep.runs.length}, or other scenarios): choose another --out, or delete it to start over`);
  }
  let choice;
  try {
    choice = await chooseBackend(o.backend, probeAdapter, '--backend gpu');
  } catch (e) {
    return fail(errorMessage(e));
  }

  // ---- DIR is ours
  try {
    mkdirSync(join(dir, RUNS_DIR), { recursive: true });
    await writeFileAtomic(join(dir, SWEEP_FILE), sweepJson(sweep));
  } catch (e) {
    return fail(`cannot write to '${dir}': ${errorMessage(e)}`, EXIT.internal);
  }
  const shard = o.shard ?? { k: 0, n: 1 };
  const mine = shardRuns(sweep.runs, shard);
  const shardText = o.shard ? ` (shard ${shard.k}/${shard.n}: ${mine.length} runs)` : '';
  log(`${o.tag}: ${sweep.runs.length} runs${shardText} on ${choice.backend} -> ${dir}`);
  if (o.backend === 'auto') log(`${o.tag}: backend ${choice.backend}: ${choice.reason}`);

  const runIO: CliIO = { stdout: { write: () => true }, stderr: io.stderr };
  const fresh = (run: SweepRun, simulation?: Simulation) => {
    const d = runDir(dir, run);
    rmSync(d, { recursive: true, force: true }); // a start that died before its first checkpoint
    return runCommand(
      {
        command: 'run',
        scenario: `${relative(process.cwd(), d) || d}/scenario.json`,
        preloaded: run.scenario,
        simulation,
        out: d,
        backend: choice.backend,
        sets: [],
        checkpointEveryS: o.checkpointEveryS,
        quiet: true,
        json: false,
      },
      runIO,
    );
  };
  const work = await planWork(dir, mine, choice.backend, o.batch);
  let code: number = EXIT.ok;
  let n = 0;
  for (const item of work) {
    const t0 = performance.now();
    const states = item.map((run) => runState(dir, run));
    let rcs: number[];
    let ran: SweepRun[] = item;
    if (item.length === 1) {
      const [run] = item;
      const st = states[0];
      if (st.status === 'done' || st.status === 'failed') {
        count.skipped++;
        n++;
        continue;
      }
      if (st.status === 'partial') count.resumed++;
      rcs = [st.status === 'partial' ? await runCommand({ command: 'resume', dir: runDir(dir, run), quiet: true, json: false }, runIO) : await fresh(run)];
    } else {
      // fresh runs that share a grid: one GPU solver, every member in the same dispatches. Their state is
      // read again here: a shard sharing this folder may have finished one meanwhile.
      const batch = item.filter((run) => runState(dir, run).status === 'pending');
      const { createGpuBatch } = await import('../sim/simulation.ts');
      let sims: Simulation[] | undefined;
      try {
        sims = batch.length > 1 ? await createGpuBatch(batch.map((r) => r.scenario)) : undefined;
        if (sims) log(`${o.tag}: runs ${batch.map((r) => r.id).join(', ')} in one GPU batch`);
      } catch (e) {
        log(`${o.tag}: runs ${batch.map((r) => r.id).join(', ')} one at a time: ${errorMessage(e)}`);
      }
      count.skipped += item.length - batch.length;
      if (sims) {
        // each member has its own signal handlers (runCommand): room for them
        process.setMaxListeners(Math.max(process.getMaxListeners(), 2 * sims.length + 10));
        const members = sims;
        rcs = await Promise.all(batch.map((run, i) => fresh(run, members[i]).catch((e) => {
          members[i].destroy();
          throw e;
        })));
      } else {
        rcs = [];
        for (const run of batch) {
          const rc = await fresh(run);
          rcs.push(rc);
          if (rc === EXIT.aborted || rc === EXIT.terminated) break;
        }
      }
      n += item.length - batch.length;
      ran = batch;
    }
    const wall = formatSig((performance.now() - t0) / 1000);
    ran.forEach((run, i) => {
      const after = runState(dir, run);
      if (after.status === 'done') count.done++;
      else if (after.status === 'failed') count.failed++;
      log(
        `${o.tag}: [${++n}/${mine.length}] run ${run.id} (${describeParams(run.params) || 'base'}${sweep.spec.replicates > 1 ? `, seed ${run.seed}` : ''}): ` +
          `${after.summary?.reason ?? after.status}${ran === item && states[i].status === 'partial' ? ', resumed' : ''}, ${wall} s${ran.length > 1 ? ` (batch of ${ran.length})` : ''}`,
      );
    });
    try {
      await writeSweepOutputs(dir, sweep, { montage: false });
    } catch (e) {
      return fail(`cannot write the sweep table: ${errorMessage(e)}`, EXIT.internal);
    }
    const stop = rcs.find((rc) => rc === EXIT.aborted || rc === EXIT.terminated);
    if (stop !== undefined) {
      await writeSweepOutputs(dir, sweep).catch(() => undefined);
      return { code: stop, mine: mine.length, count };
    }
    // an internal error, or a run refused (exit 2: a corrupt checkpoint, a grid too large for the backend):
    // it stays pending or partial, and the sweep does not exit 0
    if (rcs.some((rc) => rc === EXIT.internal || rc === EXIT.badInput)) code = EXIT.internal;
  }
  await writeSweepOutputs(dir, sweep);
  return { code, mine: mine.length, count };
}

/** Most members of one GPU batch by default (the issue's benchmark size; --batch overrides). */
export const DEFAULT_MAX_BATCH = 64;

/**
 * The order of work: runs one at a time, except that on the GPU the fresh runs that share a
 * gpuBatchKey go in batches of up to `batch` members (default: the adapter's limit, at most 64),
 * each batch where its first run stands. Partial runs resume alone from their checkpoints.
 */
async function planWork(dir: string, runs: readonly SweepRun[], backend: 'gpu' | 'cpu', batch?: number): Promise<SweepRun[][]> {
  if (backend !== 'gpu' || batch === 1) return runs.map((r) => [r]);
  const { gpuBatchKey, maxBatchMembers } = await import('../sim/simulation.ts');
  const { getGpu } = await import('../gpu/device.ts');
  const limits = (await getGpu()).device.limits;
  const groups = new Map<string, SweepRun[][]>();
  const work: SweepRun[][] = [];
  for (const run of runs) {
    const key = runState(dir, run).status === 'pending' ? gpuBatchKey(run.scenario) : undefined;
    if (key === undefined) {
      work.push([run]);
      continue;
    }
    const cells = (run.scenario.grid['nx'] as number) * (run.scenario.grid['ny'] as number);
    const most = Math.min(batch ?? DEFAULT_MAX_BATCH, maxBatchMembers(limits, cells));
    const chunks = groups.get(key) ?? [];
    groups.set(key, chunks);
    const last = chunks.at(-1);
    if (last && last.length < most) last.push(run);
    else {
      const chunk = [run];
      chunks.push(chunk);
      work.push(chunk); // the batch stands where its first run does
    }
  }
  return work;
}

/** DIR's sweep.json, or the message saying why it is not a sweep folder. */
function sweepFolder(dir: string): SweepIndex | string {
  try {
    return readSweepIndex(dir) ?? `'${dir}' has no ${SWEEP_FILE}: not a sweep folder`;
  } catch (e) {
    return errorMessage(e);
  }
}

/** `dendrite sweep merge DIR… --out DIR`: the union of shard folders of one sweep. */
export async function sweepMergeCommand(args: SweepMergeArgs, io: CliIO = defaultIO()): Promise<number> {
  const fail = (msg: string, code: number = EXIT.badInput) => {
    io.stderr.write(`dendrite sweep merge: ${msg}\n`);
    return code;
  };
  const out = resolve(args.out);
  const bad = checkOutDir(out, '--out');
  if (bad) return fail(bad);
  const sources: { dir: string; index: SweepIndex }[] = [];
  for (const d of args.dirs.map((x) => resolve(x))) {
    const index = sweepFolder(d);
    if (typeof index === 'string') return fail(index);
    if (sources.length > 0 && !sameRuns(sources[0].index, index)) return fail(`'${d}' is another sweep than '${sources[0].dir}' (its runs or scenarios differ)`);
    sources.push({ dir: d, index });
  }
  const existing = existsSync(join(out, SWEEP_FILE)) ? sweepFolder(out) : undefined;
  if (typeof existing === 'string') return fail(existing);
  if (existing && !sameRuns(existing, sources[0].index)) return fail(`--out: '${args.out}' holds another sweep`);
  const index = sources[0].index;
  mkdirSync(join(out, RUNS_DIR), { recursive: true });
  await writeFileAtomic(join(out, SWEEP_FILE), sweepJson(index));
  let copied = 0;
  for (const run of index.runs) {
    if (['done', 'failed'].includes(runState(out, run).status)) continue;
    const src = sources.find((s) => s.dir !== out && ['done', 'failed'].includes(runState(s.dir, run).status));
    if (!src) continue;
    // copy beside, then rename: a merge killed half way leaves no half-copied run folder
    const target = runDir(out, run);
    const tmp = `${target}.merge-${process.pid}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    cpSync(runDir(src.dir, run), tmp, { recursive: true });
    rmSync(target, { recursive: true, force: true });
    renameSync(tmp, target);
    copied++;
  }
  await writeSweepOutputs(out, index);
  const states = index.runs.map((r) => runState(out, r).status);
  const left = states.filter((s) => s === 'pending' || s === 'partial').length;
  io.stdout.write(`dendrite sweep merge: ${index.runs.length} runs, ${copied} copied, ${left} not done; wrote ${out}\n`);
  return EXIT.ok;
}

/** `dendrite sweep plot DIR --metric NAME [--x KEY] [--y KEY]`: a heatmap (x and y) or line plot. */
export async function sweepPlotCommand(args: SweepPlotArgs, io: CliIO = defaultIO()): Promise<number> {
  const fail = (msg: string) => {
    io.stderr.write(`dendrite sweep plot: ${msg}\n`);
    return EXIT.badInput;
  };
  const dir = resolve(args.dir);
  const index = sweepFolder(dir);
  if (typeof index === 'string') return fail(index);
  const { plotSpec, renderSvg, plotRows } = await import('./plot.ts');
  const axes = index.spec.axes.map((a) => a.key);
  const columns = tableColumns(index);
  const metricCols = columns.slice(columns.indexOf('replicate') + 1).filter((c) => !['backend', 'scenario_hash'].includes(c));
  if (!metricCols.includes(args.metric)) return fail(`--metric: '${args.metric}' is not allowed; allowed: ${metricCols.join(', ')}`);
  for (const [flag, v] of [['--x', args.x], ['--y', args.y]] as const) {
    if (v !== undefined && !axes.includes(v)) return fail(`${flag}: '${v}' is not allowed; allowed: the sweep's axes (${axes.join(', ') || 'none'})`);
  }
  const x = args.x ?? axes[0];
  if (x === undefined) return fail('the sweep has no axis to plot against');
  const y = args.y ?? (args.x === undefined ? axes.find((a) => a !== x) : undefined);
  const rows = plotRows(dir, index, args.metric);
  if (rows.length === 0) return fail(`no run in '${args.dir}' is done with a value of ${args.metric}`);
  const out = resolve(args.out ?? join(dir, `plot-${args.metric}.svg`));
  await writeFileAtomic(out, await renderSvg(plotSpec(rows, { metric: args.metric, x, y, axes, index })));
  io.stdout.write(`dendrite sweep plot: ${y ? 'heatmap' : 'line plot'} of ${args.metric} over ${x}${y ? ` × ${y}` : ''} (${rows.length} runs); wrote ${out}\n`);
  return EXIT.ok;
}
