// Which scenario keys a running Simulation can take without a restart (Simulation.updateScenario).
//
// The rule comes from src/model/dimless.ts: the solver stores ξ, c̃ = c/c0 and φ̃ = φ·F/(RT) on a
// fixed grid, and the host counts the charge in µm of Li at the site density C_s. A key that sets
// one of those scales, the grid, the buffers or the initial state changes what the stored numbers
// mean, so it needs a new run. Every other key only enters the per-step parameters (packParams on
// the GPU, the Dimless of the CPU solver) and takes effect from the next step that is submitted.

import { SCENARIO_KEYS } from '../model/schema.ts';
import { getValue, type Scenario } from '../model/scenario.ts';

/** Keys that need a restart, each with the reason (shown in the ScenarioError of updateScenario). */
export const RESTART_KEYS: ReadonlyMap<string, string> = new Map([
  ['grid.nx', 'it sets the grid (buffer sizes, multigrid levels)'],
  ['grid.ny', 'it sets the grid (buffer sizes, multigrid levels)'],
  ['grid.dx_um', 'it sets the grid spacing (and the discrete kinetic factor in Lη)'],
  ['electrolyte.concentration_mol_L', 'it sets the concentration scale c0: the stored c̃ = c/c0 is relative to it'],
  ['electrolyte.temperature_K', 'it sets the potential scale RT/F: the stored φ̃ = φ·F/(RT) is in units of it'],
  ['electrolyte.transport', 'it selects other equations: φ̃ and the salt balance mean different things in binary and chen2015'],
  ['metal.site_density_mol_m3', 'it sets C_s: the charge passed is counted in µm of Li at this density, and C_s/c0 scales the Li⁺ sink'],
  ['phase.interface_width_um', 'it sets the interface profile the phase field was relaxed to (and κ, W, Lη)'],
  ['numerics.sigma_floor', 'it sets the salt fraction χ = max(1 − h, floor) of the binary salt balance: a change creates or removes salt inside the metal and breaks the Li inventory check'],
  ['metal.island_contact', 'it decides whether the run labels the metal every step (a GPU batch shares that pass)'],
  ['run.seed', 'it sets the initial nuclei and the noise stream: the run would no longer follow from its scenario'],
  ['run.metrics_every_steps', 'it sets the size of the GPU history ring, which is compiled into the shaders'],
  ['initial.li_thickness_um', 'it describes the initial state, which is already past'],
  ['initial.nuclei_count', 'it describes the initial state, which is already past'],
  ['initial.nucleus_radius_um', 'it describes the initial state, which is already past'],
  // the collector, host and seeds are built once per run (src/model/geometry.ts) into the solid mask,
  // the contact angles and the seeds' i0 factors the kernels read
  ['sei.kind', 'it decides whether the run has an SEI, whose mosaic is built once when a run starts'],
  ['electrolyte.growth_strain', 'it decides whether the run solves the mechanics, whose buffers are built when a run starts'],
  ['sei.heterogeneity', 'it sets the SEI mosaic (src/model/geometry.ts seiMosaic), built once when a run starts'],
  ['sei.patch_size_um', 'it sets the SEI mosaic (src/model/geometry.ts seiMosaic), built once when a run starts'],
  ...SCENARIO_KEYS.filter((k) => /^(substrate|surface|host|seeding)\./.test(k.key)).map(
    (k) => [k.key, 'it sets the collector, host or seed geometry (solid cells, contact angles, seed i0), built once when a run starts'] as const,
  ),
]);

/**
 * Keys a running simulation takes live (from the next submitted step): everything in the schema that
 * is not in RESTART_KEYS. Notes:
 * - drive.*: the drive kernel reads drive.mode, the current and the overpotential every step; a
 *   potentiostatic overpotential is the electrode potential of the next step, and a switch to
 *   galvanostatic starts the potential solve from the last electrode potential (phiS carries over).
 * - numerics.mg_cycles: the cycle count is read when a step is encoded, nothing is sized by it.
 * - numerics.dt_initial_s: only sets the first step, so a change has no effect after it.
 * - run.until_s / charge_mAh_cm2 / stop_at_sand / max_steps: read again by a run in progress.
 * - about.*: labels only.
 */
export const LIVE_KEYS: readonly string[] = SCENARIO_KEYS.map((k) => k.key).filter((k) => !RESTART_KEYS.has(k));

/** The keys whose values differ between a and b, in schema order. */
export function changedKeys(a: Scenario, b: Scenario): string[] {
  return SCENARIO_KEYS.map((k) => k.key).filter((key) => getValue(a, key) !== getValue(b, key));
}

const CYCLING_SWITCH = 'a cycling protocol counts its phases and cycles from the start of the run: a switch to or from drive.mode = cycling needs a new run';
const cycling = (s: Scenario) => getValue(s, 'drive.mode') === 'cycling';

/** The changed keys that need a restart, in schema order (empty: b can be applied live). */
export function restartKeys(a: Scenario, b: Scenario): string[] {
  return changedKeys(a, b).filter((key) => RESTART_KEYS.has(key) || (key === 'drive.mode' && cycling(a) !== cycling(b)));
}

/** Why `key` needs a restart (for an error message). */
export function restartReason(key: string): string {
  return RESTART_KEYS.get(key) ?? CYCLING_SWITCH;
}
