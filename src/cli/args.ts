// Command-line parsing for `dendrite`: one parser (node:util parseArgs) for every command. Pure: no
// file system and no imports of the model, so it can be tested alone. Errors are ArgsError; main
// prints the message and the command's usage on stderr and exits with 2.

import { parseArgs as nodeParseArgs, type ParseArgsConfig } from 'node:util';

export type BackendArg = 'auto' | 'gpu' | 'cpu';

export const BACKENDS: readonly BackendArg[] = ['auto', 'gpu', 'cpu'];

export type CommandName = 'run' | 'check' | 'presets' | 'bench' | 'sweep' | 'compare';

export interface RunArgs {
  command: 'run';
  /** preset name or path to a scenario .json */
  scenario: string;
  out: string;
  backend: BackendArg;
  /** as typed; validated as a positive number here and again by applyOverrides */
  untilS?: string;
  chargeMAhCm2?: string;
  /** each 'dotted.key=value', in the order given */
  sets: string[];
  /** simulated seconds between VTK field snapshots (none when absent) */
  fieldsEveryS?: number;
  /** wall-clock seconds between checkpoints in DIR (none when absent) */
  checkpointEveryS?: number;
  quiet: boolean;
  json: boolean;
  /** the scenario, already resolved (a sweep's run); `scenario` then only names it */
  preloaded?: import('../model/scenario.ts').Scenario;
  /** the simulation, already created for `preloaded` (a member of a GPU batch); destroyed by the run */
  simulation?: import('../sim/simulation.ts').Simulation;
}

/** `dendrite run --resume DIR`: everything else comes from DIR. */
export interface ResumeArgs {
  command: 'resume';
  dir: string;
  quiet: boolean;
  json: boolean;
}

export interface CheckArgs {
  command: 'check';
  scenario: string;
  untilS?: string;
  chargeMAhCm2?: string;
  sets: string[];
}

export interface BenchArgs {
  command: 'bench';
  backend: BackendArg;
  sizes: number[];
  steps: number;
  json: boolean;
}

export interface SweepArgs {
  command: 'sweep';
  spec: string;
  out: string;
  backend: BackendArg;
  /** run shard k of n (0 ≤ k < n) */
  shard?: { k: number; n: number };
  checkpointEveryS: number;
  /** members per GPU batch (undefined: as many as the adapter's limits allow, at most 64) */
  batch?: number;
  /** print a cluster job file instead of running */
  emit?: 'slurm' | 'k8s';
  shards?: number;
  parallel?: number;
  quiet: boolean;
}

export interface SweepMergeArgs {
  command: 'sweep-merge';
  dirs: string[];
  out: string;
}

export interface SweepPlotArgs {
  command: 'sweep-plot';
  dir: string;
  metric: string;
  x?: string;
  y?: string;
  out?: string;
}

export interface CompareArgs {
  command: 'compare';
  /** 2–4 preset names or scenario files */
  scenarios: string[];
  out: string;
  backend: BackendArg;
  untilS?: string;
  chargeMAhCm2?: string;
  sets: string[];
  /** metrics.csv columns of table.md (default: a general set) */
  table?: string[];
  quiet: boolean;
}

export type ParsedArgs =
  | CompareArgs
  | SweepArgs
  | SweepMergeArgs
  | SweepPlotArgs
  | RunArgs
  | ResumeArgs
  | CheckArgs
  | BenchArgs
  | { command: 'help'; topic?: CommandName }
  | { command: 'version' }
  | { command: 'presets'; json: boolean };

export class ArgsError extends Error {
  constructor(
    message: string,
    readonly topic?: CommandName,
  ) {
    super(message);
    this.name = 'ArgsError';
  }
}

export const EXIT_CODES = `Exit codes: 0 done (also a run stopped by its potential limit, a short circuit or Sand's time:
summary.json says which), 1 internal error, 2 bad input or no usable adapter (nothing written),
3 the fields became non-finite (outputs end at the last finite state), 130 interrupted (Ctrl-C),
143 terminated (SIGTERM). After 130 or 143, with --checkpoint-every-s, --resume DIR goes on.`;

const RUN_USAGE = `Usage:
  dendrite run <scenario.json | preset> --out DIR [options]
  dendrite run --resume DIR [--quiet] [--json]

Options:
  --out DIR                 output directory (created; must not be a file)
  --backend auto|gpu|cpu    auto (default): a hardware GPU runs WebGPU; a software adapter or none
                            runs the f64 CPU backend, and one line says why
  --until-s T               simulate until t = T s (sets run.until_s, run.charge_mAh_cm2=0)
  --charge-mAh-cm2 Q        simulate until Q mAh/cm² have passed (sets run.charge_mAh_cm2)
  --set key=value           override a scenario key, e.g. --set grid.nx=256 (repeatable)
  --fields-every-s T        write ξ, c and φ every T simulated seconds as VTK ImageData:
                            DIR/fields/fields_NNNNN.vti and DIR/fields.pvd (ParaView opens the series)
  --checkpoint-every-s T    keep DIR/checkpoint.bin, renewed every T wall-clock seconds;
                            \`dendrite run --resume DIR\` continues a killed run from it, bit-identically
  --resume DIR              continue the run in DIR from its checkpoint (no other options but
                            --quiet and --json)
  -q, --quiet               no progress and no log lines (errors still go to stderr)
  --json                    print summary.json on stdout when the run ends

Writes DIR/scenario.json (resolved; re-runs identically), DIR/metrics.csv (streamed),
DIR/final.png (phase field, collector at the bottom) and DIR/summary.json (with the backend, why
it was chosen, the package version and the git commit). Progress and logs go to stderr; stdout
has one result line, or the summary with --json.
${EXIT_CODES}`;

const CHECK_USAGE = `Usage: dendrite check <scenario.json | preset> [--set key=value]... [--until-s T | --charge-mAh-cm2 Q]

Validates the scenario with the overrides a run would apply and prints the resolved scenario
(every key, defaults filled in) as JSON on stdout. Runs nothing and writes no file.
Exit codes: 0 valid, 2 invalid (the message names the key, the value and what is allowed).`;

const PRESETS_USAGE = `Usage: dendrite presets [--json]

Lists the built-in scenarios: name and description (--json: name, description and sources).`;

export const BENCH_USAGE = `Usage: dendrite bench [--backend auto|gpu|cpu] [--sizes 64,128,256] [--steps N] [--json]

Runs the planar-li-foil preset at n × n cells for each size, N steps (default 200) after an
untimed 20-step warm-up, and prints wall time, steps/s, cell-updates/s and simulated s per
wall s with the adapter it ran on. --json writes the same as JSON to stdout (the table then
goes to stderr). The default backend is gpu: a benchmark measures what it is asked to.
Measures only; exits 0 whatever the figures.`;

const SWEEP_USAGE = `Usage:
  dendrite sweep SPEC.json --out DIR [--backend auto|gpu|cpu] [--batch M] [--shard K/N] [--checkpoint-every-s T] [-q]
  dendrite sweep SPEC.json --out DIR --emit slurm|k8s [--shards N] [--parallel P] [--backend B]
  dendrite sweep merge DIR... --out DIR
  dendrite sweep plot DIR --metric NAME [--x KEY] [--y KEY] [--out FILE.svg]

Runs every run of a sweep spec (docs/reference/sweep.md), one after another, into DIR:
DIR/sweep.json (the resolved spec and the runs), DIR/runs/<id>/ (a run folder each), DIR/runs.csv
(one row per run: status, axis values, run.seed, final metrics, events, wall_s) and DIR/montage.png
(the final morphologies, labelled). The whole spec is validated first; an error names its JSON
path and nothing is written. Running the same command again skips finished runs and resumes a
partial one from its checkpoint (renewed every T wall-clock seconds, default 120).

  --batch M          on the GPU, up to M runs that share a grid advance in the same dispatches
                     (default: what the adapter's limits allow, at most 64; 1: one at a time).
                     The CPU backend runs them one after another.
  --shard K/N        run only runs K, K+N, K+2N, … (0 ≤ K < N); shards may share DIR
  --emit slurm|k8s   print a SLURM job-array script or a Kubernetes Indexed Job (N shards,
                     default min(runs, 64); --parallel P tasks at once) instead of running
  merge              copy the finished runs of shard folders of one sweep into --out DIR and
                     rebuild its runs.csv and montage.png (--out may be one of the DIRs)
  plot               Vega-Lite SVG of a metric of the finished runs: a heatmap over --x and
                     --y (default: the first two axes), or lines over --x (default
                     DIR/plot-METRIC.svg)
Exit codes: 0 done (failed runs are rows with status failed), 1 internal error, 2 bad input
(nothing written), 130/143 interrupted (run the command again to go on).`;

const COMPARE_USAGE = `Usage: dendrite compare A B [C D] --out DIR [--charge-mAh-cm2 Q | --until-s T] [--set key=value]... [--table COL,COL,...] [--backend B] [-q]

Runs 2–4 presets or scenario files to the same stop (the --set overrides apply to each) and
writes them side by side: DIR/compare.png (the final morphologies, one colour scale),
DIR/NAME.png (each run's final field), DIR/voltage.svg and voltage.csv (potential on a log and a
linear time axis, and current, overlaid), DIR/metrics.csv and DIR/table.md (the key final metrics,
or the metrics.csv columns given with --table; the table is also printed). DIR is a sweep folder
(runs/<id>/, runs.csv): the same command again resumes it.
Exit codes as for dendrite sweep.`;

export const USAGE = `Dendrite Lab — phase-field simulation of Li dendrite growth

Usage:
  dendrite run <scenario.json | preset> --out DIR [options]   run one simulation
  dendrite run --resume DIR                                    continue a killed run
  dendrite check <scenario.json | preset> [--set key=value]    validate, print the resolved scenario
  dendrite presets [--json]                                    list the built-in scenarios
  dendrite bench [options]                                     benchmark the backends
  dendrite sweep SPEC.json --out DIR [options]                 run a parameter sweep
  dendrite compare A B [C D] --out DIR [options]               2–4 runs side by side
  dendrite help [command] | --help | --version

Quick start: dendrite run first-dendrites --out runs/first
Run \`dendrite help run\` for the run options.`;

export const COMMAND_USAGE: Record<CommandName, string> = {
  run: RUN_USAGE,
  check: CHECK_USAGE,
  presets: PRESETS_USAGE,
  bench: BENCH_USAGE,
  sweep: SWEEP_USAGE,
  compare: COMPARE_USAGE,
};

export function usageOf(topic?: CommandName): string {
  return topic ? COMMAND_USAGE[topic] : USAGE;
}

type Options = NonNullable<ParseArgsConfig['options']>;

const HELP: Options = { help: { type: 'boolean', short: 'h' } };
const STOP: Options = { 'until-s': { type: 'string' }, 'charge-mAh-cm2': { type: 'string' }, set: { type: 'string', multiple: true } };
const OPTIONS: Record<CommandName, Options> = {
  run: {
    ...HELP,
    ...STOP,
    out: { type: 'string' },
    backend: { type: 'string' },
    'fields-every-s': { type: 'string' },
    'checkpoint-every-s': { type: 'string' },
    resume: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
  },
  check: { ...HELP, ...STOP },
  presets: { ...HELP, json: { type: 'boolean' } },
  bench: { ...HELP, backend: { type: 'string' }, sizes: { type: 'string' }, steps: { type: 'string' }, json: { type: 'boolean' } },
  compare: { ...HELP, ...STOP, out: { type: 'string' }, backend: { type: 'string' }, table: { type: 'string' }, quiet: { type: 'boolean', short: 'q' } },
  sweep: {
    ...HELP,
    out: { type: 'string' },
    backend: { type: 'string' },
    shard: { type: 'string' },
    'checkpoint-every-s': { type: 'string' },
    batch: { type: 'string' },
    emit: { type: 'string' },
    shards: { type: 'string' },
    parallel: { type: 'string' },
    metric: { type: 'string' },
    x: { type: 'string' },
    y: { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
  },
};

function optionList(cmd: CommandName): string {
  return Object.entries(OPTIONS[cmd])
    .map(([name, o]) => `--${name}${o.short ? ` (-${o.short})` : ''}`)
    .join(', ');
}

/**
 * node:util parseArgs, with its errors turned into ArgsError messages that name the option. A
 * negative number after a value option (`--until-s -3`) is taken as that option's value, so the
 * range check can name it, rather than as an unknown option.
 */
function parseCommand(cmd: CommandName, argv: string[]) {
  const options = OPTIONS[cmd];
  const args: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const name = argv[k].startsWith('--') ? argv[k].slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && k + 1 < argv.length && /^-[\d.]/.test(argv[k + 1])) {
      args.push(`${argv[k]}=${argv[++k]}`);
    } else args.push(argv[k]);
  }
  try {
    return nodeParseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const msg = e instanceof Error ? e.message : String(e);
    const flag = /'(-[^' ]+)/.exec(msg)?.[1] ?? /'-\w, (--[^' ]+)/.exec(msg)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new ArgsError(`unknown option '${flag}' (allowed: ${optionList(cmd)})`, cmd);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const long = /--[\w-]+/.exec(msg)?.[0] ?? flag;
      const takesValue = options[long.slice(2)]?.type === 'string';
      throw new ArgsError(takesValue ? `${long} needs a value` : `${long} takes no value`, cmd);
    }
    throw new ArgsError(msg, cmd);
  }
}

function positiveNumber(cmd: CommandName, flag: string, value: string): string {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw new ArgsError(`${flag}: '${value}' is not allowed; expected a finite number > 0`, cmd);
  }
  return value;
}

function backendOf(cmd: CommandName, value: string | undefined, fallback: BackendArg): BackendArg {
  if (value === undefined) return fallback;
  if (!(BACKENDS as readonly string[]).includes(value)) {
    throw new ArgsError(`--backend: '${value}' is not allowed; allowed: ${BACKENDS.join(', ')}`, cmd);
  }
  return value as BackendArg;
}

function setsOf(cmd: CommandName, values: string[] | undefined): string[] {
  for (const value of values ?? []) {
    if (value.indexOf('=') <= 0) throw new ArgsError(`--set: '${value}' is not allowed; expected key=value, e.g. grid.nx=256`, cmd);
  }
  return [...(values ?? [])];
}

function oneScenario(cmd: CommandName, positionals: string[]): string {
  if (positionals.length === 0) {
    throw new ArgsError('missing the scenario: a preset name (see `dendrite presets`) or a .json file', cmd);
  }
  if (positionals.length > 1) {
    throw new ArgsError(`expected one scenario, got ${positionals.length}: ${positionals.join(' ')}`, cmd);
  }
  return positionals[0];
}

type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

function stopOf(cmd: CommandName, v: Values): { untilS?: string; chargeMAhCm2?: string } {
  const until = v['until-s'] as string | undefined;
  const charge = v['charge-mAh-cm2'] as string | undefined;
  if (until !== undefined && charge !== undefined) {
    throw new ArgsError('--until-s and --charge-mAh-cm2 are exclusive: give one of them', cmd);
  }
  return {
    untilS: until === undefined ? undefined : positiveNumber(cmd, '--until-s', until),
    chargeMAhCm2: charge === undefined ? undefined : positiveNumber(cmd, '--charge-mAh-cm2', charge),
  };
}

function parseRun(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parseCommand('run', argv);
  if (v.help) return { command: 'help', topic: 'run' };
  const quiet = Boolean(v.quiet);
  const json = Boolean(v.json);
  if (v.resume !== undefined) {
    const others = Object.keys(v).filter((k) => !['resume', 'quiet', 'json'].includes(k));
    if (others.length > 0 || positionals.length > 0) {
      const what = [...others.map((k) => `--${k}`), ...positionals].join(' ');
      throw new ArgsError(`--resume takes the run's DIR and nothing else (the scenario, stop and options are DIR's); got also: ${what}`, 'run');
    }
    if (v.resume === '') throw new ArgsError('--resume needs a directory', 'run');
    return { command: 'resume', dir: v.resume as string, quiet, json };
  }
  const scenario = oneScenario('run', positionals);
  const out = v.out as string | undefined;
  if (out === undefined) throw new ArgsError('missing --out DIR', 'run');
  if (out === '') throw new ArgsError('--out needs a directory', 'run');
  const every = (flag: string) => {
    const value = v[flag.slice(2)] as string | undefined;
    return value === undefined ? undefined : Number(positiveNumber('run', flag, value));
  };
  return {
    command: 'run',
    scenario,
    out,
    backend: backendOf('run', v.backend as string | undefined, 'auto'),
    ...stopOf('run', v),
    sets: setsOf('run', v.set as string[] | undefined),
    fieldsEveryS: every('--fields-every-s'),
    checkpointEveryS: every('--checkpoint-every-s'),
    quiet,
    json,
  };
}

function parseCheck(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parseCommand('check', argv);
  if (v.help) return { command: 'help', topic: 'check' };
  return { command: 'check', scenario: oneScenario('check', positionals), ...stopOf('check', v), sets: setsOf('check', v.set as string[] | undefined) };
}

function parseBench(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parseCommand('bench', argv);
  if (v.help) return { command: 'help', topic: 'bench' };
  if (positionals.length > 0) throw new ArgsError(`bench takes no positional arguments (got ${positionals.join(' ')})`, 'bench');
  let sizes = [64, 128, 256];
  if (v.sizes !== undefined) {
    const list = (v.sizes as string).split(',').map((s) => s.trim());
    for (const s of list) {
      const n = Number(s);
      if (s === '' || !Number.isInteger(n) || n < 16 || n % 4 !== 0) {
        throw new ArgsError(`--sizes: '${s}' is not allowed; expected integers ≥ 16 and multiples of 4, e.g. 64,128,256`, 'bench');
      }
    }
    sizes = list.map(Number);
  }
  let steps = 200;
  if (v.steps !== undefined) {
    const n = Number(v.steps);
    if ((v.steps as string).trim() === '' || !Number.isInteger(n) || n < 1) {
      throw new ArgsError(`--steps: '${v.steps as string}' is not allowed; expected an integer ≥ 1`, 'bench');
    }
    steps = n;
  }
  return { command: 'bench', backend: backendOf('bench', v.backend as string | undefined, 'gpu'), sizes, steps, json: Boolean(v.json) };
}

function intArg(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < min) throw new ArgsError(`${flag}: '${value}' is not allowed; expected an integer ≥ ${min}`, 'sweep');
  return n;
}

function parseSweep(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parseCommand('sweep', argv);
  if (v.help) return { command: 'help', topic: 'sweep' };
  const only = (allowed: string[], what: string) => {
    const extra = Object.keys(v).filter((k) => !allowed.includes(k));
    if (extra.length > 0) throw new ArgsError(`${what} takes no ${extra.map((k) => `--${k}`).join(', ')}`, 'sweep');
  };
  const out = v.out as string | undefined;
  const sub = positionals[0];
  if (sub === 'merge') {
    only(['out'], 'sweep merge');
    if (positionals.length < 2) throw new ArgsError('sweep merge: give one or more sweep folders', 'sweep');
    if (!out) throw new ArgsError('sweep merge: missing --out DIR', 'sweep');
    return { command: 'sweep-merge', dirs: positionals.slice(1), out };
  }
  if (sub === 'plot') {
    only(['metric', 'x', 'y', 'out'], 'sweep plot');
    if (positionals.length !== 2) throw new ArgsError('sweep plot: give one sweep folder', 'sweep');
    if (!v.metric) throw new ArgsError('sweep plot: missing --metric NAME (a column of runs.csv, e.g. max_height_um)', 'sweep');
    return { command: 'sweep-plot', dir: positionals[1], metric: v.metric as string, x: v.x as string | undefined, y: v.y as string | undefined, out };
  }
  only(['out', 'backend', 'shard', 'checkpoint-every-s', 'batch', 'emit', 'shards', 'parallel', 'quiet'], 'sweep SPEC');
  if (positionals.length !== 1) throw new ArgsError(positionals.length === 0 ? 'missing the sweep spec (a .json file)' : `expected one spec, got ${positionals.join(' ')}`, 'sweep');
  if (!out) throw new ArgsError('missing --out DIR', 'sweep');
  let shard: SweepArgs['shard'];
  if (v.shard !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(v.shard as string);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2])) throw new ArgsError(`--shard: '${v.shard as string}' is not allowed; expected K/N with 0 ≤ K < N, e.g. 0/4`, 'sweep');
    shard = { k: Number(m[1]), n: Number(m[2]) };
  }
  const emit = v.emit as string | undefined;
  if (emit !== undefined && emit !== 'slurm' && emit !== 'k8s') throw new ArgsError(`--emit: '${emit}' is not allowed; allowed: slurm, k8s`, 'sweep');
  if (emit === undefined && (v.shards !== undefined || v.parallel !== undefined)) throw new ArgsError('--shards and --parallel go with --emit', 'sweep');
  if (emit !== undefined && shard !== undefined) throw new ArgsError('--emit writes one file for all shards: drop --shard', 'sweep');
  return {
    command: 'sweep',
    spec: positionals[0],
    out,
    backend: backendOf('sweep', v.backend as string | undefined, 'auto'),
    shard,
    checkpointEveryS: v['checkpoint-every-s'] === undefined ? 120 : Number(positiveNumber('sweep', '--checkpoint-every-s', v['checkpoint-every-s'] as string)),
    batch: v.batch === undefined ? undefined : intArg('--batch', v.batch as string, 1),
    emit,
    shards: v.shards === undefined ? undefined : intArg('--shards', v.shards as string, 1),
    parallel: v.parallel === undefined ? undefined : intArg('--parallel', v.parallel as string, 1),
    quiet: Boolean(v.quiet),
  };
}

function parseCompare(argv: string[]): ParsedArgs {
  const { values: v, positionals } = parseCommand('compare', argv);
  if (v.help) return { command: 'help', topic: 'compare' };
  if (positionals.length < 2 || positionals.length > 4) {
    throw new ArgsError(`compare takes 2 to 4 scenarios (presets or .json files), got ${positionals.length}${positionals.length ? `: ${positionals.join(' ')}` : ''}`, 'compare');
  }
  const out = v.out as string | undefined;
  if (!out) throw new ArgsError('missing --out DIR', 'compare');
  return {
    command: 'compare',
    scenarios: positionals,
    out,
    backend: backendOf('compare', v.backend as string | undefined, 'auto'),
    ...stopOf('compare', v),
    sets: setsOf('compare', v.set as string[] | undefined),
    table: v.table === undefined ? undefined : (v.table as string).split(',').map((c) => c.trim()),
    quiet: Boolean(v.quiet),
  };
}

const COMMANDS: readonly CommandName[] = ['run', 'check', 'presets', 'bench', 'sweep', 'compare'];

export function parseArgs(argv: string[]): ParsedArgs {
  if (argv.length === 0) throw new ArgsError('missing command');
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case '--help':
    case '-h':
    case 'help': {
      const topic = rest[0];
      if (topic === undefined) return { command: 'help' };
      if (!(COMMANDS as readonly string[]).includes(topic)) throw new ArgsError(`help: unknown command '${topic}' (allowed: ${COMMANDS.join(', ')})`);
      return { command: 'help', topic: topic as CommandName };
    }
    case '--version':
    case '-V':
      return { command: 'version' };
    case 'run':
      return parseRun(rest);
    case 'check':
      return parseCheck(rest);
    case 'presets': {
      const { values: v, positionals } = parseCommand('presets', rest);
      if (v.help) return { command: 'help', topic: 'presets' };
      if (positionals.length > 0) throw new ArgsError(`presets takes no arguments (got ${positionals.join(' ')})`, 'presets');
      return { command: 'presets', json: Boolean(v.json) };
    }
    case 'bench':
      return parseBench(rest);
    case 'sweep':
      return parseSweep(rest);
    case 'compare':
      return parseCompare(rest);
    default:
      throw new ArgsError(`unknown command '${cmd}' (allowed: ${COMMANDS.join(', ')}, help, --help, --version)`);
  }
}

/**
 * The scenario overrides a run command stands for: its --set entries in order, then the stop
 * condition, so the flags win and the written scenario.json holds the stop condition used.
 */
export function runOverrides(args: { sets: string[]; untilS?: string; chargeMAhCm2?: string }): string[] {
  const sets = [...args.sets];
  if (args.untilS !== undefined) sets.push(`run.until_s=${args.untilS}`, 'run.charge_mAh_cm2=0');
  if (args.chargeMAhCm2 !== undefined) sets.push(`run.charge_mAh_cm2=${args.chargeMAhCm2}`);
  return sets;
}
