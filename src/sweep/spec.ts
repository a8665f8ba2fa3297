// A sweep spec (JSON) -> the list of runs it stands for, each with a fully resolved scenario.
// Validation is complete before anything runs: every run's scenario is resolved and checked the way
// `dendrite run` checks one, and an error names the spec's JSON path, the value and what is allowed.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { toDimless } from '../model/dimless.ts';
import { PRESETS } from '../model/presets.ts';
import { KEY_INDEX } from '../model/schema.ts';
import { applyOverrides, presetScenario, resolveScenario, ScenarioError, scenarioFromJson, unknownKeyHint, type Scenario, type ScenarioValue } from '../model/scenario.ts';
import { gridIndices, latinHypercube, mapUnit, sobol, zipIndices } from './designs.ts';

export class SweepSpecError extends Error {
  constructor(
    readonly path: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${path} = ${show(value)} is not allowed: ${allowed}`);
    this.name = 'SweepSpecError';
  }
}

function show(v: unknown): string {
  try {
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 80 ? s.slice(0, 77) + '...' : s;
  } catch {
    return String(v);
  }
}

export type Axis =
  | { key: string; kind: 'list'; values: readonly ScenarioValue[] }
  | { key: string; kind: 'lin' | 'log'; lo: number; hi: number; n?: number };

export type Design = 'grid' | 'zip' | { lhs: number } | { sobol: number };

export interface SweepSpec {
  base: string | Record<string, unknown>;
  set: Record<string, ScenarioValue>;
  axes: Axis[];
  design: Design;
  replicates: number;
  /** seed of the lhs and sobol designs */
  design_seed: number;
  stop: { charge_mAh_cm2?: number; until_s?: number };
}

export interface SweepRun {
  /** zero-padded index: the run's folder name under runs/ */
  id: string;
  index: number;
  /** the value of every axis for this run (the preset axis under "preset") */
  params: Record<string, ScenarioValue>;
  replicate: number;
  seed: number;
  scenario: Scenario;
  /** sha-256 of the resolved scenario (canonical JSON): a done run is reused only if it matches */
  hash: string;
}

export interface ResolvedSweep {
  spec: SweepSpec;
  runs: SweepRun[];
}

/** The key by which the preset axis varies the base. */
export const PRESET_AXIS = 'preset';

const TOP_KEYS = ['$schema', 'description', 'base', 'set', 'axes', 'design', 'replicates', 'design_seed', 'stop'];
const MAX_RUNS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonKey = (k: string) => (/^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

function finite(path: string, v: unknown, what = 'a finite number'): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new SweepSpecError(path, v, what);
  return v;
}

function positiveInt(path: string, v: unknown, what: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new SweepSpecError(path, v, what);
  return v;
}

function parseAxis(key: string, raw: unknown, sampled: boolean): Axis {
  const path = `$.axes${jsonKey(key)}`;
  if (key === PRESET_AXIS) {
    if (!Array.isArray(raw) || raw.length === 0) throw new SweepSpecError(path, raw, `a non-empty list of preset names (${Object.keys(PRESETS).join(', ')})`);
    raw.forEach((p, i) => {
      if (typeof p !== 'string' || !Object.hasOwn(PRESETS, p)) throw new SweepSpecError(`${path}[${i}]`, p, `a preset name (${Object.keys(PRESETS).join(', ')})`);
    });
    return { key, kind: 'list', values: raw as string[] };
  }
  const spec = KEY_INDEX.get(key);
  if (!spec) throw new SweepSpecError(path, raw, `an axis over a scenario key or "${PRESET_AXIS}"; '${key}' is ${unknownKeyHint(key)}`);
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new SweepSpecError(path, raw, 'a non-empty list of values');
    raw.forEach((v, i) => {
      if (!['number', 'string', 'boolean'].includes(typeof v)) throw new SweepSpecError(`${path}[${i}]`, v, `a ${spec.type} value for ${key}`);
    });
    return { key, kind: 'list', values: raw as ScenarioValue[] };
  }
  if (isObject(raw)) {
    const kinds = ['lin', 'log'].filter((k) => k in raw);
    if (kinds.length !== 1) throw new SweepSpecError(path, raw, 'a list, { "lin": [a, b], "n": k } or { "log": [a, b], "n": k }');
    const kind = kinds[0] as 'lin' | 'log';
    for (const k of Object.keys(raw)) if (k !== kind && k !== 'n') throw new SweepSpecError(`${path}${jsonKey(k)}`, raw[k], `no such field (allowed: ${kind}, n)`);
    if (spec.type !== 'number' && spec.type !== 'integer') throw new SweepSpecError(path, raw, `a list: ${key} is a ${spec.type}, so a ${kind} range does not apply`);
    const range = raw[kind];
    if (!Array.isArray(range) || range.length !== 2) throw new SweepSpecError(`${path}.${kind}`, range, 'two numbers [a, b]');
    const lo = finite(`${path}.${kind}[0]`, range[0]);
    const hi = finite(`${path}.${kind}[1]`, range[1]);
    if (kind === 'log' && !(lo > 0 && hi > 0)) throw new SweepSpecError(`${path}.log`, range, 'two numbers > 0 (a log axis)');
    if (raw.n === undefined) {
      if (!sampled) throw new SweepSpecError(`${path}.n`, undefined, 'an integer ≥ 1: the number of values (a grid or zip design needs it)');
      return { key, kind, lo, hi };
    }
    const n = positiveInt(`${path}.n`, raw.n, 'an integer ≥ 1: the number of values');
    if (n > 1 && lo === hi) throw new SweepSpecError(`${path}.${kind}`, range, `a ≠ b when n = ${n}`);
    return { key, kind, lo, hi, n };
  }
  throw new SweepSpecError(path, raw, 'a list, { "lin": [a, b], "n": k } or { "log": [a, b], "n": k }');
}

/** The values of an axis in a grid or zip design. */
export function axisValues(a: Axis): ScenarioValue[] {
  if (a.kind === 'list') return [...a.values];
  const n = a.n ?? 1;
  return Array.from({ length: n }, (_, i) => {
    const u = n === 1 ? 0 : i / (n - 1);
    // the end points exactly, whatever the rounding of the interior
    if (i === n - 1 && n > 1) return a.hi;
    return a.kind === 'lin' ? a.lo + u * (a.hi - a.lo) : a.lo * Math.pow(a.hi / a.lo, u);
  });
}

function parseDesign(raw: unknown): Design {
  if (raw === undefined) return 'grid';
  if (raw === 'grid' || raw === 'zip') return raw;
  if (isObject(raw) && Object.keys(raw).length === 1) {
    if ('lhs' in raw) return { lhs: positiveInt('$.design.lhs', raw.lhs, 'an integer ≥ 1: the number of points') };
    if ('sobol' in raw) {
      const n = positiveInt('$.design.sobol', raw.sobol, 'an integer ≥ 1 and a power of two: the number of points');
      if ((n & (n - 1)) !== 0) throw new SweepSpecError('$.design.sobol', n, 'a power of two (1, 2, 4, …): a Sobol set is balanced only for 2^k points');
      return { sobol: n };
    }
  }
  throw new SweepSpecError('$.design', raw, '"grid", "zip", { "lhs": n } or { "sobol": n }');
}

function parseStop(raw: unknown): SweepSpec['stop'] {
  if (raw === undefined) return {};
  if (!isObject(raw)) throw new SweepSpecError('$.stop', raw, '{ "charge_mAh_cm2": Q } or { "until_s": T }');
  const keys = Object.keys(raw);
  if (keys.length !== 1 || !['charge_mAh_cm2', 'until_s'].includes(keys[0])) {
    throw new SweepSpecError('$.stop', raw, 'one of { "charge_mAh_cm2": Q } or { "until_s": T }');
  }
  const v = raw[keys[0]];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new SweepSpecError(`$.stop.${keys[0]}`, v, 'a finite number > 0');
  return { [keys[0]]: v };
}

/** Parses the spec's shape (not yet the scenarios). */
export function parseSweepSpec(json: unknown): SweepSpec {
  if (!isObject(json)) throw new SweepSpecError('$', json, 'a JSON object with "base" and "axes"');
  for (const k of Object.keys(json)) if (!TOP_KEYS.includes(k)) throw new SweepSpecError(`$${jsonKey(k)}`, json[k], `no such field (allowed: ${TOP_KEYS.join(', ')})`);
  const base = json.base;
  if (!(typeof base === 'string' && base !== '') && !isObject(base)) throw new SweepSpecError('$.base', base, 'a preset name, a scenario .json path (relative to the spec) or an inline scenario object');
  const setRaw = json.set ?? {};
  if (!isObject(setRaw)) throw new SweepSpecError('$.set', setRaw, 'an object of scenario keys, e.g. { "grid.nx": 64 }');
  const set: Record<string, ScenarioValue> = {};
  for (const [k, v] of Object.entries(setRaw)) {
    if (!KEY_INDEX.has(k)) throw new SweepSpecError(`$.set${jsonKey(k)}`, v, `a scenario key; '${k}' is ${unknownKeyHint(k)}`);
    if (!['number', 'string', 'boolean'].includes(typeof v)) throw new SweepSpecError(`$.set${jsonKey(k)}`, v, `a ${KEY_INDEX.get(k)!.type}`);
    set[k] = v as ScenarioValue;
  }
  const design = parseDesign(json.design);
  const sampled = typeof design === 'object';
  const axesRaw = json.axes ?? {};
  if (!isObject(axesRaw)) throw new SweepSpecError('$.axes', axesRaw, 'an object: scenario key -> list or range');
  const axes = Object.entries(axesRaw).map(([k, v]) => parseAxis(k, v, sampled));
  for (const a of axes) {
    if (a.key in set) throw new SweepSpecError(`$.axes${jsonKey(a.key)}`, '…', `a key not also in $.set (it is set there to ${show(set[a.key])})`);
  }
  const replicates = json.replicates === undefined ? 1 : positiveInt('$.replicates', json.replicates, 'an integer ≥ 1');
  if (replicates > 1 && axes.some((a) => a.key === 'run.seed')) throw new SweepSpecError('$.replicates', replicates, '1 when an axis varies run.seed (replicates vary it)');
  if (replicates > 1 && 'run.seed' in set) throw new SweepSpecError('$.set["run.seed"]', set['run.seed'], 'no run.seed with replicates > 1 (replicates set it: the base seed + 0, 1, …; change the base seed in the base scenario)');
  const design_seed = json.design_seed === undefined ? 1 : finite('$.design_seed', json.design_seed, 'an integer ≥ 0');
  if (!Number.isInteger(design_seed) || design_seed < 0) throw new SweepSpecError('$.design_seed', design_seed, 'an integer ≥ 0');
  return { base: base as SweepSpec['base'], set, axes, design, replicates, design_seed, stop: parseStop(json.stop) };
}

/** Each design point: the value of every axis. */
function designPoints(spec: SweepSpec): Record<string, ScenarioValue>[] {
  const { axes, design } = spec;
  // the run count before anything is built: a huge grid is an error, not an out-of-memory
  const sizes0 = axes.map((a) => (a.kind === 'list' ? a.values.length : (a.n ?? 1)));
  const points = design === 'grid' ? sizes0.reduce((p, k) => p * k, 1) : design === 'zip' ? (sizes0[0] ?? 1) : 'lhs' in design ? design.lhs : design.sobol;
  if (points * spec.replicates > MAX_RUNS) throw new SweepSpecError(design === 'grid' || design === 'zip' ? '$.axes' : '$.design', `${points * spec.replicates} runs`, `at most ${MAX_RUNS} runs in one sweep`);
  if (design === 'grid' || design === 'zip') {
    const values = axes.map(axisValues);
    const sizes = values.map((v) => v.length);
    if (design === 'zip' && new Set(sizes).size > 1) {
      throw new SweepSpecError('$.axes', Object.fromEntries(axes.map((a, i) => [a.key, sizes[i]])), 'axes of one length in a zip design');
    }
    const tuples = design === 'grid' ? gridIndices(sizes) : zipIndices(sizes);
    return tuples.map((t) => Object.fromEntries(axes.map((a, i) => [a.key, values[i][t[i]]])));
  }
  if (axes.length === 0) throw new SweepSpecError('$.axes', {}, `at least one axis for a ${'lhs' in design ? 'lhs' : 'sobol'} design`);
  const n = 'lhs' in design ? design.lhs : design.sobol;
  const u = 'lhs' in design ? latinHypercube(n, axes.length, spec.design_seed) : sobol(n, axes.length, spec.design_seed);
  return u.map((p) =>
    Object.fromEntries(
      axes.map((a, i) => {
        const v = mapUnit(p[i], a.kind === 'list' ? { kind: 'list', values: a.values } : { kind: a.kind, lo: a.lo, hi: a.hi }) as ScenarioValue;
        // an integer key sampled from a continuous range takes the nearest integer
        return [a.key, KEY_INDEX.get(a.key)?.type === 'integer' && typeof v === 'number' ? Math.round(v) : v];
      }),
    ),
  );
}

/** JSON with object keys sorted: the same scenario always hashes the same. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

export function scenarioHash(s: Scenario): string {
  return createHash('sha256').update(canonicalJson(s)).digest('hex').slice(0, 16);
}

const overrideOf = (key: string, v: ScenarioValue) => `${key}=${typeof v === 'string' ? v : JSON.stringify(v)}`;

/** Turns a spec (parsed JSON) into its runs; `specDir` resolves a base given as a relative path. */
export function resolveSweep(json: unknown, specDir = '.'): ResolvedSweep {
  const spec = parseSweepSpec(json);
  const loadBase = (b: SweepSpec['base']): Scenario => {
    try {
      if (typeof b !== 'string') return resolveScenario(b, '$.base');
      if (Object.hasOwn(PRESETS, b)) return presetScenario(b);
      if (!b.endsWith('.json')) throw new SweepSpecError('$.base', b, `a preset name (${Object.keys(PRESETS).join(', ')}) or a path to a .json file`);
      const path = resolve(specDir, b);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (e) {
        throw new SweepSpecError('$.base', b, `a readable scenario file (${(e as Error).message})`);
      }
      return scenarioFromJson(text, path);
    } catch (e) {
      if (e instanceof ScenarioError) throw new SweepSpecError('$.base', b, e.message);
      throw e;
    }
  };
  const points = designPoints(spec);
  const total = points.length * spec.replicates;
  if (total === 0) throw new SweepSpecError('$.axes', json && (json as Record<string, unknown>).axes, 'axes that give at least one run');
  if (total > MAX_RUNS) throw new SweepSpecError('$.axes', `${total} runs`, `at most ${MAX_RUNS} runs in one sweep`);
  const width = Math.max(4, String(total - 1).length);
  const bases = new Map<string, Scenario>();
  const baseOf = (p: Record<string, ScenarioValue>) => {
    const name = PRESET_AXIS in p ? (p[PRESET_AXIS] as string) : '';
    if (!bases.has(name)) bases.set(name, name ? presetScenario(name) : loadBase(spec.base));
    return bases.get(name)!;
  };
  const setOverrides = Object.entries(spec.set).map(([k, v]) => overrideOf(k, v));
  const stopOverrides =
    spec.stop.charge_mAh_cm2 !== undefined
      ? [`run.charge_mAh_cm2=${spec.stop.charge_mAh_cm2}`]
      : spec.stop.until_s !== undefined
        ? [`run.until_s=${spec.stop.until_s}`, 'run.charge_mAh_cm2=0']
        : [];
  const runs: SweepRun[] = [];
  points.forEach((params, p) => {
    const base = baseOf(params);
    for (let r = 0; r < spec.replicates; r++) {
      const index = p * spec.replicates + r;
      const axisOverrides = Object.entries(params)
        .filter(([k]) => k !== PRESET_AXIS)
        .map(([k, v]) => overrideOf(k, v));
      const seedOverride = spec.replicates > 1 ? [`run.seed=${(base.run['seed'] as number) + r}`] : [];
      let scenario: Scenario;
      try {
        scenario = applyOverrides(base, [...setOverrides, ...axisOverrides, ...seedOverride, ...stopOverrides]);
        checkStop(scenario);
        toDimless(scenario);
      } catch (e) {
        if (!(e instanceof ScenarioError)) throw e;
        const inStop = (e.key === 'run.until_s' || e.key === 'run.charge_mAh_cm2') && Object.keys(spec.stop).length > 0;
        const where =
          e.key in params ? `$.axes${jsonKey(e.key)}` : e.key in spec.set ? `$.set${jsonKey(e.key)}` : inStop ? '$.stop' : PRESET_AXIS in params ? `$.axes.${PRESET_AXIS}` : '$.base';
        throw new SweepSpecError(where, e.value, `run ${index} (${describeParams(params)}): ${e.message}`);
      }
      runs.push({ id: String(index).padStart(width, '0'), index, params, replicate: r, seed: scenario.run['seed'] as number, scenario, hash: scenarioHash(scenario) });
    }
  });
  return { spec, runs };
}

function checkStop(s: Scenario): void {
  const charge = s.run['charge_mAh_cm2'] as number;
  const until = s.run['until_s'] as number;
  if (!(charge > 0 || until > 0)) throw new ScenarioError('run.until_s', until, 'a time > 0 or a charge (run.charge_mAh_cm2)');
}

export function describeParams(p: Record<string, ScenarioValue>): string {
  return Object.entries(p)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatAxisValue(v) : v}`)
    .join(', ');
}

/** Short text for an axis value in labels (the CSV keeps full precision). */
export function formatAxisValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4)));
}

/** Reads and resolves a spec file. */
export function loadSweepSpec(path: string): ResolvedSweep {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new SweepSpecError('SPEC', path, `a readable JSON file (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SweepSpecError('SPEC', path, `valid JSON (${(e as Error).message})`);
  }
  return resolveSweep(json, dirname(resolve(path)));
}
