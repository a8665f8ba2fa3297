// The contract between the Simulation (src/sim), its backends (src/gpu, src/cpu) and its users
// (CLI, app, tests). Units are in the names; everything else in src/ is dimensionless.

import type { AdapterLabel } from '../gpu/device.ts';
import type { Scenario } from '../model/scenario.ts';

export type BackendName = 'gpu' | 'cpu';

/** One row of metrics.csv. Column order is METRIC_COLUMNS. */
export interface MetricsRow {
  step: number;
  time_s: number;
  dt_s: number;
  current_density_mA_cm2: number;
  applied_potential_V: number;
  charge_mAh_cm2: number;
  deposit_mean_height_um: number;
  deposit_max_height_um: number;
  roughness_um: number;
  surface_min_conc: number;
  li_inventory_rel_error: number;
  mg_residual_c: number;
  mg_residual_phi: number;
}

export const METRIC_COLUMNS: readonly (keyof MetricsRow)[] = [
  'time_s',
  'current_density_mA_cm2',
  'applied_potential_V',
  'charge_mAh_cm2',
  'deposit_mean_height_um',
  'deposit_max_height_um',
  'roughness_um',
  'surface_min_conc',
  'li_inventory_rel_error',
  'step',
  'dt_s',
  'mg_residual_c',
  'mg_residual_phi',
];

export type SimEventKind = 'sand_depletion' | 'short_circuit' | 'non_finite' | 'potential_limit';

export interface SimEvent {
  kind: SimEventKind;
  step: number;
  time_s: number;
  message: string;
}

/** Fields on the host, row-major [j][i] with j = 0 at the collector. */
export interface Fields {
  nx: number;
  ny: number;
  dx_um: number;
  xi: Float32Array | Float64Array;
  c: Float32Array | Float64Array;
  phi_V: Float32Array | Float64Array;
}

export interface RunLimits {
  until_s?: number;
  charge_mAh_cm2?: number;
  maxSteps?: number;
}

export interface RunResult {
  reason: 'time' | 'charge' | 'steps' | 'sand' | 'short_circuit' | 'non_finite' | 'aborted';
  steps: number;
  time_s: number;
  wall_s: number;
  events: SimEvent[];
}

/** Attached to a Simulation; called on its schedule (Oceananigans-style writers). */
export interface Writer {
  onMetrics?(row: MetricsRow): void | Promise<void>;
  onEvent?(event: SimEvent): void | Promise<void>;
  onFinish?(result: RunResult): void | Promise<void>;
}

export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    readonly time_s: number,
    readonly hint: string,
  ) {
    super(`fields became non-finite at step ${step}, t = ${time_s.toPrecision(6)} s. ${hint}`);
  }
}

export interface SimulationInfo {
  backend: BackendName;
  adapter?: AdapterLabel;
  scenario: Scenario;
}
