// Small scenarios for the tests, written as overrides of a preset or the defaults.
import { HAS_GPU } from './env.ts';
import { resolveScenario, type Scenario } from '../../src/model/scenario.ts';
import { createSimulation, type Simulation } from '../../src/sim/simulation.ts';
import type { BackendName, MetricsRow } from '../../src/sim/types.ts';

type Overrides = Record<string, Record<string, number | string | boolean>>;

export function scenario(overrides: Overrides & { preset?: string }): Scenario {
  return resolveScenario(overrides);
}

/**
 * A bare ZnO-coated Cu collector (no Li: nuclei are born and fill by deposition) under 0.1 M salt at
 * 30 mA/cm², thin-interface model, 0.5 µm cells: the nucleation sites must carry the set current.
 */
export function bareCollector(ny: number, run: Overrides['run']): Scenario {
  return resolveScenario({
    preset: 'zno-carbon-fibre-host',
    grid: { nx: 32, ny, dx_um: 0.5 },
    host: { kind: 'none' },
    seeding: { placement: 'collector' },
    phase: { model: 'thin_interface', interface_width_um: 0.5 },
    electrolyte: { concentration_mol_L: 0.1, conductivity_S_m: 0.25 },
    drive: { current_density_mA_cm2: 30 },
    run,
  });
}

/** A quasi-1D column: nx = 8 periodic cells, a flat Li film, no anisotropy or noise. */
export function column(over: Overrides = {}): Scenario {
  const base: Overrides = {
    grid: { nx: 8, ny: 64, dx_um: 0.5 },
    phase: { anisotropy_strength: 0, noise_amplitude_per_sqrt_s: 0 },
    initial: { li_thickness_um: 5 },
    run: { metrics_every_steps: 50 },
  };
  for (const [section, body] of Object.entries(over)) base[section] = { ...(base[section] ?? {}), ...body };
  return resolveScenario(base);
}

export async function runScenario(s: Scenario, backend: BackendName, until_s?: number): Promise<{ sim: Simulation; rows: MetricsRow[] }> {
  const sim = await createSimulation(s, { backend });
  await sim.run(until_s === undefined ? {} : { until_s });
  return { sim, rows: sim.rows };
}

/** Backends to exercise: both by default; DENDRITE_TEST_BACKENDS=cpu, or no adapter (tests/support/env.ts), skips the GPU. */
export const BACKENDS: BackendName[] = ((process.env.DENDRITE_TEST_BACKENDS ?? 'cpu,gpu').split(',') as BackendName[]).filter((b) => b !== 'gpu' || HAS_GPU);

/**
 * The literature-mode Allen–Cahn front (Lσ = 1e-8 m³/(J s)) that the strategy, SEI and mechanics presets
 * used before they moved to thin_interface. Tests of a mechanism first measured on it (a film that cracks
 * within a few dozen steps, a trend whose figures are in docs/explanation) pin it; on the thin presets those
 * figures changed, and docs/explanation/trends.md gives them.
 */
export const LITERATURE_FRONT = { model: 'literature', interface_mobility_m3_J_s: 1e-8 } as const;
