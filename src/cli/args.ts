// Command-line parsing for `dendrite`. Pure: no file system, no imports of the model, so it can be
// tested alone. Errors are ArgsError; main prints the message and the usage and exits with 2.

export type BackendArg = 'gpu' | 'cpu';

export const BACKENDS: readonly BackendArg[] = ['gpu', 'cpu'];

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
}

export type ParsedArgs =
  | RunArgs
  | { command: 'help'; topic?: 'run' }
  | { command: 'presets' }
  | { command: 'bench'; rest: string[] };

export class ArgsError extends Error {
  constructor(
    message: string,
    readonly topic?: 'run',
  ) {
    super(message);
    this.name = 'ArgsError';
  }
}

export const USAGE = `Dendrite Lab — phase-field simulation of Li dendrite growth

Usage:
  dendrite run <scenario.json | preset-name> --out DIR [options]
  dendrite presets            list the built-in scenarios
  dendrite bench              benchmark the backends
  dendrite --help

Run options:
  --out DIR                   output directory (created; must not be a file)
  --backend gpu|cpu           WebGPU (default) or the f64 CPU reference
  --until-s T                 simulate until t = T seconds (sets run.until_s, run.charge_mAh_cm2=0)
  --charge-mAh-cm2 Q          simulate until Q mAh/cm² have passed (sets run.charge_mAh_cm2)
  --set key=value             override a scenario value, e.g. --set grid.nx=256 (repeatable)

Writes DIR/scenario.json (resolved; re-runs identically), DIR/metrics.csv (streamed),
DIR/final.png (phase field, collector at the bottom) and DIR/summary.json.
Exit codes: 0 done, 1 internal error, 2 bad input or no usable adapter, 3 non-finite fields,
130 interrupted (Ctrl-C).`;

const RUN_VALUE_OPTIONS = new Set(['--out', '--backend', '--until-s', '--charge-mAh-cm2', '--set']);

function positiveNumber(flag: string, value: string): string {
  const v = Number(value);
  if (value.trim() === '' || !Number.isFinite(v) || v <= 0) {
    throw new ArgsError(`${flag}: '${value}' is not allowed; expected a finite number > 0`, 'run');
  }
  return value;
}

function parseRun(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const sets: string[] = [];
  let out: string | undefined;
  let backend: BackendArg = 'gpu';
  let untilS: string | undefined;
  let charge: string | undefined;

  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    if (arg === '--help' || arg === '-h') return { command: 'help', topic: 'run' };
    if (arg === '--') {
      positionals.push(...argv.slice(k + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new ArgsError(`unknown option '${arg}'`, 'run');
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq >= 0 ? arg.slice(0, eq) : arg;
    if (!RUN_VALUE_OPTIONS.has(flag)) {
      throw new ArgsError(`unknown option '${flag}' (allowed: ${[...RUN_VALUE_OPTIONS].join(', ')})`, 'run');
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      if (k + 1 >= argv.length) throw new ArgsError(`${flag} needs a value`, 'run');
      value = argv[++k];
    }
    switch (flag) {
      case '--out':
        if (value === '') throw new ArgsError('--out needs a directory', 'run');
        out = value;
        break;
      case '--backend':
        if (!(BACKENDS as readonly string[]).includes(value)) {
          throw new ArgsError(`--backend: '${value}' is not allowed; allowed: ${BACKENDS.join(', ')}`, 'run');
        }
        backend = value as BackendArg;
        break;
      case '--until-s':
        untilS = positiveNumber('--until-s', value);
        break;
      case '--charge-mAh-cm2':
        charge = positiveNumber('--charge-mAh-cm2', value);
        break;
      case '--set': {
        const e = value.indexOf('=');
        if (e <= 0) throw new ArgsError(`--set: '${value}' is not allowed; expected key=value, e.g. grid.nx=256`, 'run');
        sets.push(value);
        break;
      }
    }
  }

  if (positionals.length === 0) {
    throw new ArgsError('missing the scenario: a preset name (see `dendrite presets`) or a .json file', 'run');
  }
  if (positionals.length > 1) {
    throw new ArgsError(`expected one scenario, got ${positionals.length}: ${positionals.join(' ')}`, 'run');
  }
  if (out === undefined) throw new ArgsError('missing --out DIR', 'run');
  if (untilS !== undefined && charge !== undefined) {
    throw new ArgsError('--until-s and --charge-mAh-cm2 are exclusive: give one of them', 'run');
  }
  return {
    command: 'run',
    scenario: positionals[0],
    out,
    backend,
    untilS,
    chargeMAhCm2: charge,
    sets,
  };
}

export function parseArgs(argv: string[]): ParsedArgs {
  if (argv.length === 0) throw new ArgsError('missing command');
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case '--help':
    case '-h':
    case 'help':
      return { command: 'help', topic: rest[0] === 'run' ? 'run' : undefined };
    case 'run':
      return parseRun(rest);
    case 'presets':
      if (rest.includes('--help') || rest.includes('-h')) return { command: 'help' };
      if (rest.length > 0) throw new ArgsError(`presets takes no arguments (got ${rest.join(' ')})`);
      return { command: 'presets' };
    case 'bench':
      return { command: 'bench', rest };
    default:
      throw new ArgsError(`unknown command '${cmd}' (allowed: run, presets, bench, --help)`);
  }
}

/**
 * The scenario overrides a run command stands for: its --set entries in order, then the stop
 * condition, so the flags win and the written scenario.json holds the stop condition used.
 */
export function runOverrides(args: RunArgs): string[] {
  const sets = [...args.sets];
  if (args.untilS !== undefined) sets.push(`run.until_s=${args.untilS}`, 'run.charge_mAh_cm2=0');
  if (args.chargeMAhCm2 !== undefined) sets.push(`run.charge_mAh_cm2=${args.chargeMAhCm2}`);
  return sets;
}
