// Which panel controls apply to a scenario: a key the run does not read (the current density of a
// potentiostatic run, the pillar pitch of a fibre host, the SEI thickness without an SEI) is hidden.
// Also the edits that must go along with a panel edit, and what the plots of a cycling run need.
// Pure, unit-tested in tests/app-units.test.ts.

import { getValue, num, text, type Scenario } from '../model/scenario.ts';
import { SCENARIO_KEYS } from '../model/schema.ts';

const is = (s: Scenario, key: string, ...values: unknown[]) => values.includes(getValue(s, key));
const cycling = (s: Scenario) => is(s, 'drive.mode', 'cycling');

/** key → when it applies; keys not listed always apply */
const RULES: Record<string, (s: Scenario) => boolean> = {
  'drive.current_density_mA_cm2': (s) => is(s, 'drive.mode', 'galvanostatic'),
  'drive.overpotential_V': (s) => is(s, 'drive.mode', 'potentiostatic'),
  'electrolyte.transference_number': (s) => is(s, 'electrolyte.transport', 'binary'),
  'surface.contact_angle_deg': (s) => is(s, 'substrate.kind', 'cu'),
  'host.height_um': (s) => !is(s, 'host.kind', 'none'),
  'host.porosity': (s) => is(s, 'host.kind', 'fibres', 'foam'),
  'host.fibre_diameter_um': (s) => is(s, 'host.kind', 'fibres'),
  'host.width_um': (s) => is(s, 'host.kind', 'pillars'),
  'host.spacing_um': (s) => is(s, 'host.kind', 'pillars'),
  'host.contact_angle_deg': (s) => !is(s, 'host.kind', 'none'),
  'seeding.placement': (s) => !is(s, 'seeding.material', 'none') && !is(s, 'host.kind', 'none'),
  'seeding.pattern': (s) => !is(s, 'seeding.material', 'none'),
  'seeding.density_per_um': (s) => !is(s, 'seeding.material', 'none') && !is(s, 'seeding.pattern', 'coating'),
  'seeding.size_um': (s) => !is(s, 'seeding.material', 'none') && !is(s, 'seeding.pattern', 'coating'),
  'seeding.host_depth_fraction': (s) => !is(s, 'seeding.material', 'none') && !is(s, 'host.kind', 'none') && !is(s, 'seeding.placement', 'collector'),
  'sei.thickness_nm': (s) => !is(s, 'sei.kind', 'none'),
  'sei.ionic_conductivity_S_cm': (s) => !is(s, 'sei.kind', 'none'),
  'sei.heterogeneity': (s) => !is(s, 'sei.kind', 'none'),
  'sei.patch_size_um': (s) => !is(s, 'sei.kind', 'none') && Number(getValue(s, 'sei.heterogeneity')) > 0,
  'run.charge_mAh_cm2': () => true,
  // the protocol's keys are read only by a cycling run
  ...Object.fromEntries(SCENARIO_KEYS.filter((k) => k.key.startsWith('cycling.')).map((k) => [k.key, cycling])),
  'cycling.cycles_per_step': (s) => cycling(s) && Number(getValue(s, 'cycling.current_step_mA_cm2')) > 0,
};

export function applies(key: string, s: Scenario): boolean {
  return RULES[key]?.(s) ?? true;
}

/** Keys with a rule (tests check each names a real key). */
export const RULED_KEYS = Object.keys(RULES);

/** An edit that goes along with a panel edit, and why. */
export interface FollowingEdit {
  key: string;
  value: number | string;
  why: string;
}

/**
 * The edits a panel edit takes along, where the scenario's cross-key rules (src/model/scenario.ts,
 * checkCell) would refuse it alone: a half-cycle strips either to a cutoff or a capacity, so setting one
 * clears the other; a switch to cycling without either gets one (the cutoff on bare Cu, where Li‖Cu
 * strips until the potential rises, else the plated capacity).
 */
export function followingEdits(s: Scenario, key: string, value: number | string | boolean): FollowingEdit[] {
  const cutoff = num(s, 'cycling.strip_cutoff_V');
  const stripQ = num(s, 'cycling.strip_capacity_mAh_cm2');
  const why = 'a half-cycle strips either to a voltage cutoff or a capacity';
  if (key === 'cycling.strip_cutoff_V' && Number(value) > 0 && stripQ > 0) return [{ key: 'cycling.strip_capacity_mAh_cm2', value: 0, why }];
  if (key === 'cycling.strip_capacity_mAh_cm2' && Number(value) > 0 && cutoff > 0) return [{ key: 'cycling.strip_cutoff_V', value: 0, why }];
  if (key === 'drive.mode' && value === 'cycling' && cutoff === 0 && stripQ === 0) {
    const onCu = text(s, 'cell.kind') === 'li_cu' || text(s, 'substrate.kind') === 'cu';
    const why = 'a stripping half-cycle needs an end';
    return onCu
      ? [{ key: 'cycling.strip_cutoff_V', value: Math.min(1, num(s, 'drive.potential_limit_V')), why }]
      : [{ key: 'cycling.strip_capacity_mAh_cm2', value: num(s, 'cycling.plate_capacity_mAh_cm2'), why }];
  }
  return [];
}

/**
 * The cycling plots of a run (undefined: not a cycling run). Rows below a tenth of the smallest set
 * current are rests: the Faradaic current of an open-circuit rest decays within the double layer's
 * milliseconds, while a half-cycle's holds its set value.
 */
export function cyclingPlots(s: Scenario): { restBelow_mA_cm2: number } | undefined {
  if (!cycling(s)) return undefined;
  return { restBelow_mA_cm2: 0.1 * Math.min(num(s, 'cycling.plate_current_mA_cm2'), num(s, 'cycling.strip_current_mA_cm2')) };
}
