// The shareable URL and the scenario JSON export/import (browser-safe: no node: imports).
//
// The query string holds the scenario as a diff from its preset plus the seed, so a pasted link
// reproduces the run and stays short and readable:
//   preset=hong2018&run.seed=3&grid.nx=128&drive.current_density_mA_cm2=2&view.layer=c
// Decoding goes through applyOverrides, the same parser and validation as the CLI's --set, so a
// bad link fails with the key, the value and what is allowed.

import { SCENARIO_KEYS } from '../model/schema.ts';
import { PRESETS } from '../model/presets.ts';
import {
  applyOverrides,
  defaultScenario,
  getValue,
  presetScenario,
  ScenarioError,
  type Scenario,
  type ScenarioValue,
} from '../model/scenario.ts';

const VIEW = 'view.';

/** A value as applyOverrides parses it back: numbers in the shortest round-trip form. */
function formatValue(v: ScenarioValue): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return String(v);
}

function baseScenario(preset: string | undefined): Scenario {
  if (preset === undefined) return defaultScenario();
  // hasOwn: 'toString' and friends are not presets.
  if (!Object.hasOwn(PRESETS, preset)) throw new ScenarioError('preset', preset, `one of ${Object.keys(PRESETS).join(', ')}`);
  return presetScenario(preset);
}

/**
 * Query string (without '?') for `scenario`: the preset, run.seed, every key that differs from
 * the preset (or from the defaults without one) in SCENARIO_KEYS order, then `view.*` app state.
 */
export function encodeShare(scenario: Scenario, preset?: string, view: Record<string, string> = {}): string {
  const base = baseScenario(preset);
  const q = new URLSearchParams();
  if (preset !== undefined) q.append('preset', preset);
  q.append('run.seed', formatValue(getValue(scenario, 'run.seed')));
  for (const { key } of SCENARIO_KEYS) {
    if (key === 'run.seed') continue;
    const v = getValue(scenario, key);
    if (!Object.is(v, getValue(base, key))) q.append(key, formatValue(v));
  }
  for (const [k, v] of Object.entries(view)) q.append(VIEW + k, v);
  return q.toString();
}

export interface DecodedShare {
  scenario: Scenario;
  preset?: string;
  view: Record<string, string>;
}

/**
 * Inverse of encodeShare. Throws ScenarioError for an unknown preset, an unknown or repeated key,
 * a bad value, or a cross-key violation (checked once, after all keys, so their order is free).
 * Note: applyOverrides trims values, so leading/trailing spaces of an about.* text do not survive.
 */
export function decodeShare(query: string | URLSearchParams): DecodedShare {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const seen = new Set<string>();
  const sets: string[] = [];
  const view: Record<string, string> = {};
  let preset: string | undefined;
  for (const [rawKey, value] of params) {
    const key = rawKey.trim();
    if (seen.has(key)) throw new ScenarioError(key, params.getAll(rawKey), 'given once in the link');
    seen.add(key);
    if (key === 'preset') preset = value;
    else if (key.startsWith(VIEW)) view[key.slice(VIEW.length)] = value;
    else if (key === '' || key.includes('=')) throw new ScenarioError(key, value, 'a scenario key, e.g. grid.nx=128');
    else sets.push(`${key}=${value}`);
  }
  return { scenario: applyOverrides(baseScenario(preset), sets), preset, view };
}

/**
 * The full resolved scenario as pretty JSON, loadable by `dendrite run file.json` and by
 * scenarioFromJson. The preset is not written: every key is, so it would change nothing, and a
 * file naming a preset would stop loading if that preset were ever renamed (about.name keeps it).
 */
export function scenarioToJson(scenario: Scenario, _preset?: string): string {
  const out: Scenario = {};
  for (const { key } of SCENARIO_KEYS) {
    const dot = key.indexOf('.');
    (out[key.slice(0, dot)] ??= {})[key.slice(dot + 1)] = getValue(scenario, key);
  }
  return JSON.stringify(out, null, 2) + '\n';
}

/** The app imports scenario files with the parser the CLI uses. */
export { scenarioFromJson } from '../model/scenario.ts';
