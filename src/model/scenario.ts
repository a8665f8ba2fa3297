// Scenarios: a nested JSON object of unit-suffixed keys (src/model/schema.ts), validated in full
// before anything runs, so a bad key is reported with its value and what is allowed.

import { KEY_INDEX, SCENARIO_KEYS, type KeySpec } from './schema.ts';
import { PRESETS } from './presets.ts';
import { ELECTROLYTES, SEI_MATERIALS, type ElectrolyteName, type SeiMaterialName } from './materials.ts';
import { checkGeometry } from './geometry.ts';

export type ScenarioValue = number | string | boolean;
export type Scenario = { [section: string]: { [key: string]: ScenarioValue } };

export class ScenarioError extends Error {
  constructor(
    readonly key: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`${key} = ${formatValue(value)} is not allowed: ${allowed}`);
  }
}

function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function describeRange(s: KeySpec): string {
  const lo = s.min === undefined ? '' : `${s.exclusiveMin ? '>' : '≥'} ${s.min}`;
  const hi = s.max === undefined ? '' : `${s.exclusiveMax ? '<' : '≤'} ${s.max}`;
  return [lo, hi].filter(Boolean).join(' and ');
}

function checkValue(spec: KeySpec, value: unknown): ScenarioValue {
  const { key } = spec;
  switch (spec.type) {
    case 'boolean':
      if (typeof value !== 'boolean') throw new ScenarioError(key, value, 'true or false');
      return value;
    case 'string':
      if (typeof value !== 'string') throw new ScenarioError(key, value, spec.values ? `one of ${spec.values.join(', ')}` : 'a string');
      if (spec.values && !spec.values.includes(value)) throw new ScenarioError(key, value, `one of ${spec.values.join(', ')}`);
      return value;
    case 'number':
    case 'integer': {
      const what = spec.type === 'integer' ? 'an integer' : 'a finite number';
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        throw new ScenarioError(key, value, `${what} ${describeRange(spec)}`.trim());
      }
      if (spec.type === 'integer' && !Number.isInteger(value)) throw new ScenarioError(key, value, `an integer ${describeRange(spec)}`.trim());
      const low = spec.min !== undefined && (spec.exclusiveMin ? value <= spec.min : value < spec.min);
      const high = spec.max !== undefined && (spec.exclusiveMax ? value >= spec.max : value > spec.max);
      if (low || high) throw new ScenarioError(key, value, `${what} ${describeRange(spec)}`);
      return value;
    }
  }
}

export function defaultScenario(): Scenario {
  const s: Scenario = {};
  for (const spec of SCENARIO_KEYS) setPath(s, spec.key, spec.default);
  return s;
}

function setPath(s: Scenario, key: string, value: ScenarioValue): void {
  const dot = key.indexOf('.');
  const section = key.slice(0, dot);
  (s[section] ??= {})[key.slice(dot + 1)] = value;
}

export function getValue(s: Scenario, key: string): ScenarioValue {
  const dot = key.indexOf('.');
  const v = s[key.slice(0, dot)]?.[key.slice(dot + 1)];
  if (v === undefined) throw new ScenarioError(key, v, 'a known scenario key');
  return v;
}
export const num = (s: Scenario, key: string): number => getValue(s, key) as number;
export const text = (s: Scenario, key: string): string => getValue(s, key) as string;

/** Flattens a nested scenario object to dotted keys, rejecting anything that is not a known key. */
function flatten(input: unknown, where: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ScenarioError(where, input, 'a JSON object of sections, e.g. {"grid": {"nx": 128}}');
  }
  for (const [section, body] of Object.entries(input as Record<string, unknown>)) {
    if (section === 'preset') continue;
    // an editor's schema reference (public/scenario.schema.json): not part of the scenario
    if (section === '$schema') {
      if (typeof body !== 'string') throw new ScenarioError('$schema', body, 'a string: the path or URL of the scenario JSON Schema');
      continue;
    }
    const known = [...new Set(SCENARIO_KEYS.map((k) => k.key.split('.')[0]))];
    // an unknown section is refused even when empty: a misspelt section must not pass silently
    if (!known.includes(section)) throw new ScenarioError(section, body, `not a section; sections are ${known.join(', ')}`);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new ScenarioError(section, body, `a section object; sections are ${known.join(', ')}`);
    }
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
      const key = `${section}.${k}`;
      if (!KEY_INDEX.has(key)) throw new ScenarioError(key, v, unknownKeyHint(key));
      out.set(key, v);
    }
  }
  return out;
}

export function unknownKeyHint(key: string): string {
  const section = key.split('.')[0];
  const same = SCENARIO_KEYS.filter((k) => k.key.startsWith(`${section}.`)).map((k) => k.key);
  return same.length ? `not a scenario key; keys in ${section}: ${same.join(', ')}` : 'not a scenario key (see docs/reference/scenario-keys.md)';
}

/** The Li film on the collector at the start [µm]: none on bare Cu (anode-free), where the key is unused. */
export function initialFilmThickness_um(s: Scenario): number {
  return text(s, 'substrate.kind') === 'cu' ? 0 : num(s, 'initial.li_thickness_um');
}

/** Cross-key checks: things no single key can know. */
function checkConsistency(s: Scenario): void {
  const nx = num(s, 'grid.nx');
  const ny = num(s, 'grid.ny');
  const dx = num(s, 'grid.dx_um');
  if (nx % 4 !== 0) throw new ScenarioError('grid.nx', nx, 'a multiple of 4 (the multigrid halves the grid)');
  if (ny % 4 !== 0) throw new ScenarioError('grid.ny', ny, 'a multiple of 4 (the multigrid halves the grid)');
  const w = num(s, 'phase.interface_width_um');
  if (w < dx) {
    // Coarser interfaces are pinned by the lattice: at w = 0.8·dx a planar front at −60 mV ran
    // 23 % slow (tests/verification.test.ts measures the planar Butler–Volmer current).
    throw new ScenarioError(
      'phase.interface_width_um',
      w,
      `≥ grid.dx_um = ${dx} µm: the interface (10–90 % width 4.39·w) must span ≥ 4.4 cells, or the lattice pins it`,
    );
  }
  const H = ny * dx;
  const film = initialFilmThickness_um(s);
  if (film + 4 * w >= H) throw new ScenarioError('initial.li_thickness_um', film, `< ${(H - 4 * w).toPrecision(4)} µm (the domain is ${H} µm tall)`);
  const closure = text(s, 'electrolyte.transport');
  if (text(s, 'sei.kind') !== 'none' && closure !== 'binary') {
    throw new ScenarioError('sei.kind', text(s, 'sei.kind'), `none with electrolyte.transport = ${closure} (the SEI film resistance acts on the binary closure's electrolyte potential, MODEL.md §6.3)`);
  }
  if (closure === 'hong2018' && text(s, 'phase.model') !== 'literature') {
    throw new ScenarioError('phase.model', text(s, 'phase.model'), 'literature with electrolyte.transport = hong2018 (it reproduces a published model, whose capillarity and kinetics are literature mode, MODEL.md §2)');
  }
  const delta = num(s, 'phase.anisotropy_strength');
  const omega = num(s, 'phase.anisotropy_mode');
  if (omega > 1 && delta * (omega * omega - 1) >= 1) {
    throw new ScenarioError('phase.anisotropy_strength', delta, `< ${(1 / (omega * omega - 1)).toPrecision(3)} for anisotropy_mode ${omega} (δ(ω²−1) < 1 keeps the interface stiffness positive)`);
  }
  checkGeometry(s);
  checkCell(s);
  const dt0 = num(s, 'numerics.dt_initial_s');
  const dtMax = num(s, 'numerics.dt_max_s');
  if (dt0 > dtMax) throw new ScenarioError('numerics.dt_initial_s', dt0, `≤ numerics.dt_max_s = ${dtMax}`);
}

/** The cell and the cycling protocol (docs/explanation/cycling.md): protocols that cannot run are refused by key. */
function checkCell(s: Scenario): void {
  const cell = text(s, 'cell.kind');
  const substrate = text(s, 'substrate.kind');
  if (cell === 'li_cu' && substrate !== 'cu') {
    throw new ScenarioError('cell.kind', cell, `half or li_li with substrate.kind = ${substrate}: a Li‖Cu cell plates on bare Cu (substrate.kind = cu)`);
  }
  if (cell === 'li_li') {
    if (substrate !== 'li_foil' || num(s, 'initial.li_thickness_um') <= 0) {
      throw new ScenarioError('cell.kind', cell, `half or li_cu with substrate.kind = ${substrate} and initial.li_thickness_um = ${num(s, 'initial.li_thickness_um')}: a symmetric Li‖Li cell needs a Li film on the working electrode (substrate.kind = li_foil, initial.li_thickness_um > 0)`);
    }
    if (num(s, 'cell.counter_exchange_current_mA_cm2') <= 0) {
      throw new ScenarioError('cell.counter_exchange_current_mA_cm2', num(s, 'cell.counter_exchange_current_mA_cm2'), '> 0 with cell.kind = li_li: the polarisation of a symmetric cell includes its Li counter electrode\'s kinetics (e.g. kinetics.exchange_current_mA_cm2)');
    }
  }
  if (text(s, 'drive.mode') !== 'cycling') return;
  const cutoff = num(s, 'cycling.strip_cutoff_V');
  const stripQ = num(s, 'cycling.strip_capacity_mAh_cm2');
  if (cutoff < 0) {
    throw new ScenarioError('cycling.strip_cutoff_V', cutoff, '> 0: a stripping electrode rises above the Li reference, so the cutoff is a positive potential (or 0 with cycling.strip_capacity_mAh_cm2 > 0)');
  }
  if (cutoff > 0 && stripQ > 0) {
    throw new ScenarioError('cycling.strip_capacity_mAh_cm2', stripQ, `0 with cycling.strip_cutoff_V = ${cutoff} V: a half-cycle strips either to a voltage cutoff (Li‖Cu) or a capacity (Li‖Li), not both`);
  }
  if (cutoff === 0 && stripQ === 0) {
    throw new ScenarioError('cycling.strip_cutoff_V', cutoff, '> 0 (strip until this potential, Li‖Cu) unless cycling.strip_capacity_mAh_cm2 > 0 (strip a capacity, Li‖Li): a stripping half-cycle needs an end');
  }
  const limit = num(s, 'drive.potential_limit_V');
  if (cutoff > limit) {
    throw new ScenarioError('cycling.strip_cutoff_V', cutoff, `≤ drive.potential_limit_V = ${limit} V (the cutoff is where the stripping half-cycle ends, inside the potential limit)`);
  }
  if (cell === 'li_cu' && stripQ > 0) {
    throw new ScenarioError('cycling.strip_capacity_mAh_cm2', stripQ, '0 with cell.kind = li_cu: a Li‖Cu cell strips to its voltage cutoff (cycling.strip_cutoff_V), which measures the Coulombic efficiency');
  }
}

/**
 * Checks every key of a built scenario against its schema entry (type and range), as resolveScenario does for
 * its input: a Simulation is also built from scenario objects that code assembled (tests, scripts, the sweep
 * runner), and an out-of-range value there must be refused by name, not reach the solver (a
 * run.metrics_every_steps past its bound sized the GPU's command buffers and ring beyond memory).
 */
export function checkScenarioValues(s: Scenario, where = 'scenario'): void {
  for (const [key, v] of flatten(s, where)) checkValue(KEY_INDEX.get(key)!, v);
}

/** Validates a (possibly partial) scenario object over its preset or the defaults; returns it fully resolved. */
export function resolveScenario(input: unknown, where = 'scenario'): Scenario {
  const base = presetBase(input);
  const given = flatten(input, where);
  for (const [key, v] of given) setPath(base, key, checkValue(KEY_INDEX.get(key)!, v));
  applyTables(base, new Set(given.keys()));
  checkConsistency(base);
  return base;
}

/**
 * Keys that a table sets (src/model/materials.ts): with electrolyte.kind ≠ custom the electrolyte's
 * values replace its keys, and a key given explicitly must agree with the table (else it would be
 * silently overridden); the seed keys of seeding.material = custom may be given only with custom.
 */
function applyTables(s: Scenario, given: ReadonlySet<string>): void {
  const kind = text(s, 'electrolyte.kind');
  if (kind !== 'custom') applyTable(s, given, 'electrolyte.kind', ELECTROLYTES[kind as ElectrolyteName]);
  const sei = text(s, 'sei.kind');
  if (sei !== 'custom' && sei !== 'none') applyTable(s, given, 'sei.kind', SEI_MATERIALS[sei as SeiMaterialName]);
  if (text(s, 'seeding.material') !== 'custom') {
    for (const key of ['seeding.contact_angle_deg', 'seeding.exchange_current_mA_cm2']) {
      const spec = KEY_INDEX.get(key)!;
      if (given.has(key) && getValue(s, key) !== spec.default) {
        throw new ScenarioError(key, getValue(s, key), `only with seeding.material = custom (seeding.material = ${text(s, 'seeding.material')} takes θ and i0 from its table in src/model/materials.ts)`);
      }
    }
  }
}

/** Sets the keys of the table `kindKey` chose; a key given explicitly must agree with it. */
function applyTable(s: Scenario, given: ReadonlySet<string>, kindKey: string, table: { label: string; values: Record<string, number> }): void {
  for (const [key, value] of Object.entries(table.values)) {
    if (given.has(key) && getValue(s, key) !== value) {
      throw new ScenarioError(key, getValue(s, key), `${value}, the value of ${kindKey} = ${text(s, kindKey)} (${table.label}); set ${kindKey} = custom to choose it`);
    }
    setPath(s, key, value);
  }
}

function presetBase(input: unknown): Scenario {
  const preset = (input as { preset?: unknown } | null)?.preset;
  if (preset === undefined) return defaultScenario();
  if (typeof preset !== 'string' || !Object.hasOwn(PRESETS, preset)) {
    throw new ScenarioError('preset', preset, `one of ${Object.keys(PRESETS).join(', ')}`);
  }
  return resolveScenario(PRESETS[preset].scenario, `preset ${preset}`);
}

/** Parses "key=value" (value as JSON when it parses, else a string) and applies each in turn. */
export function applyOverrides(s: Scenario, sets: string[]): Scenario {
  const next = structuredClone(s);
  const given = new Set<string>();
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new ScenarioError('--set', set, 'key=value, e.g. grid.nx=256');
    const key = set.slice(0, eq).trim();
    const raw = set.slice(eq + 1).trim();
    const spec = KEY_INDEX.get(key);
    if (!spec) throw new ScenarioError(key, raw, unknownKeyHint(key));
    setPath(next, key, checkValue(spec, parseScalar(raw, spec)));
    given.add(key);
  }
  applyTables(next, given);
  checkConsistency(next);
  return next;
}

function parseScalar(raw: string, spec: KeySpec): unknown {
  if (spec.type === 'string') return raw;
  if (raw === 'NaN') return NaN;
  if (raw === 'Infinity' || raw === '-Infinity') return Number(raw);
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function listPresets(): { name: string; description: string }[] {
  return Object.entries(PRESETS).map(([name, p]) => ({ name, description: p.scenario.about?.description as string }));
}

export function presetScenario(name: string): Scenario {
  return resolveScenario({ preset: name }, `preset ${name}`);
}

/** A preset name or the path of a scenario JSON file (Node only). */
export async function loadScenarioArg(arg: string): Promise<Scenario> {
  if (PRESETS[arg]) return presetScenario(arg);
  if (!arg.endsWith('.json')) {
    throw new ScenarioError('scenario', arg, `a preset name (${Object.keys(PRESETS).join(', ')}) or a path to a .json file`);
  }
  const fsName = 'node:fs/promises'; // not a literal: keeps the browser bundle free of node:fs
  const { readFile } = (await import(/* @vite-ignore */ fsName)) as typeof import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(arg, 'utf8');
  } catch (e) {
    throw new ScenarioError('scenario', arg, `a readable JSON file (${(e as Error).message})`);
  }
  return scenarioFromJson(text, arg);
}

/** Parses and validates a scenario JSON (full or partial, optionally with "preset"); `where` names the source in errors. */
export function scenarioFromJson(text: string, where: string): Scenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError('scenario', where, `valid JSON (${(e as Error).message})`);
  }
  return resolveScenario(json, where);
}
