// Which panel controls apply to a scenario: a key the run does not read (the current density of a
// potentiostatic run, the pillar pitch of a fibre host, the SEI thickness without an SEI) is hidden.
// Pure, unit-tested in tests/app-units.test.ts.

import { getValue, type Scenario } from '../model/scenario.ts';

const is = (s: Scenario, key: string, ...values: unknown[]) => values.includes(getValue(s, key));

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
};

export function applies(key: string, s: Scenario): boolean {
  return RULES[key]?.(s) ?? true;
}

/** Keys with a rule (tests check each names a real key). */
export const RULED_KEYS = Object.keys(RULES);
