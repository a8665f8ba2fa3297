// The contract between the Simulation (src/sim), its backends (src/gpu, src/cpu) and its users
// (CLI, app, tests). Units are in the names; everything else in src/ is dimensionless.

import type { AdapterLabel } from '../gpu/device.ts';
import type { Scenario } from '../model/scenario.ts';
import type { SolverState } from '../cpu/solver.ts';
import type { DepositMetrics } from '../analysis/metrics.ts';
import type { DipState } from '../analysis/nucleationDip.ts';

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
  /** nucleation overpotential, dip minus plateau [mV] (src/analysis/nucleationDip.ts); NaN until the dip settles */
  nucleation_overpotential_mV: number;
  /** nuclei born so far (heterogeneous nucleation, MODEL.md §6.2) */
  nucleation_events: number;
  /** Li islands (ξ ≥ ½, 4-connected) in contact with the collector or a host surface */
  nuclei_count: number;
  /** coefficient of variation of the gaps between Li islands along the collector (uniformity; NaN below 2 islands) */
  nucleus_spacing_cv: number;
  /** fraction of the collector surface covered by Li */
  collector_coverage: number;
  /** current density on the Li/electrolyte interface: geometric current × Lx / interface length [mA/cm²] */
  local_current_density_mA_cm2: number;
  /** Li fraction of the host layer's pore space (NaN without a host) */
  pore_filling: number;
  /** Li bound in re-formed SEI so far, as charge [mAh/cm²] (0 without an SEI; src/cpu/mechanics.ts) */
  sei_li_mAh_cm2: number;
  /** Coulombic efficiency estimate: plated Li / (plated Li + SEI Li) so far */
  coulombic_efficiency: number;
  /** SEI film cells cracked so far */
  sei_crack_events: number;
  /** largest compression −σ_h at the Li interface (h'(ξ) > 0.1) of the last elastic solve [MPa] */
  interface_stress_max_MPa: number;
  /** h'-weighted mean hydrostatic stress at the Li interface [MPa] (tension positive) */
  interface_stress_mean_MPa: number;
  /** deposit morphology (src/analysis/morphology.ts): tips, local maxima of the column heights with prominence ≥ max(2w, 2h) */
  tip_count: number;
  /** 1 − Li area above the initial surface / (Lx·(max height − initial height)); 0 below one cell of growth */
  deposit_porosity: number;
  /** length of the ξ = ½ contour / Lx (1 for a flat film) */
  interface_length_per_width: number;
  /** box-counting dimension of the Li/electrolyte interface (1 for a flat film; 0: none, or too small a grid) */
  interface_fractal_dimension: number;
  /** cell voltage: applied_potential_V less the Li counter electrode's overpotential (cell.*; equal to it for an ideal reference) [V] */
  cell_voltage_V: number;
  /** cycle of the cycling protocol, 1-based (0: drive.mode is not cycling) */
  cycle: number;
  /** Li in islands cut off from the collector and host (dead Li), as charge [mAh/cm²] (src/cpu/label.ts) */
  dead_li_mAh_cm2: number;
  /** islands of dead Li */
  dead_li_islands: number;
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
  'nucleation_overpotential_mV',
  'nucleation_events',
  'nuclei_count',
  'nucleus_spacing_cv',
  'collector_coverage',
  'local_current_density_mA_cm2',
  'pore_filling',
  'sei_li_mAh_cm2',
  'coulombic_efficiency',
  'sei_crack_events',
  'interface_stress_max_MPa',
  'interface_stress_mean_MPa',
  'tip_count',
  'deposit_porosity',
  'interface_length_per_width',
  'interface_fractal_dimension',
  'cell_voltage_V',
  'cycle',
  'dead_li_mAh_cm2',
  'dead_li_islands',
];

/** Simulation.nucleation: the nucleation stage (null: not reached). */
export interface NucleationSummary {
  /** dip minus plateau [mV] */
  overpotential_mV: number | null;
  /** the most negative applied potential of the nucleation stage [mV] */
  dip_potential_mV: number | null;
  dip_time_s: number | null;
  /** the highest applied potential since the dip [mV] */
  plateau_potential_mV: number | null;
  /** nuclei existed and the potential recovered from the dip (src/analysis/nucleationDip.ts) */
  dip_settled: boolean;
  /** nuclei born */
  events: number;
}

/**
 * Columns that are undefined (NaN in metrics.csv, null in summary.json) in some states, and when.
 * Every other column is always a finite number.
 */
export const METRIC_UNDEFINED_WHEN: Partial<Record<keyof MetricsRow, string>> = {
  nucleation_overpotential_mV: 'no settled nucleation dip: no nuclei yet (always on a Li foil), or the potential has not recovered',
  nucleus_spacing_cv: 'fewer than two Li islands on the collector',
  local_current_density_mA_cm2: 'no Li/electrolyte interface yet',
  pore_filling: 'no host (host.kind = none)',
  coulombic_efficiency: 'nothing plated yet',
};

export type SimEventKind = 'sand_depletion' | 'short_circuit' | 'non_finite' | 'potential_limit' | 'host_overflow' | 'stop_rule' | 'strip_cutoff' | 'cycle_end';

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
  /**
   * rule: a stop rule attached with Simulation.addStopRule returned true; cycles: the cycling protocol ran
   * all its cycles; polarisation_limit: a cycle's |cell voltage| exceeded cycling.polarisation_limit_V
   */
  reason: 'time' | 'charge' | 'steps' | 'sand' | 'short_circuit' | 'potential_limit' | 'rule' | 'non_finite' | 'aborted' | 'cycles' | 'polarisation_limit';
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
  /** a cycle of the cycling protocol completed (cycles.csv) */
  onCycle?(record: CycleRecord, sim: import('./simulation.ts').Simulation): void | Promise<void>;
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

/** The solver's scalar state in a GPU checkpoint. */
export interface GpuSolverCheckpoint {
  kind: 'gpu';
  /**
   * The raw words of the `state` buffer for batch member 0, STATE_FIELDS order (src/model/layout.ts):
   * dt, clock tHi/tLo, tEnd, phiS, phiRef, j, maxRate, stiff, fluxIn, limitHit, sinkSpread, seiRate, seiLi, cracks, stressMax, stressMean (f32 bits)
   * and the step counter and done flag (u32).
   */
  state: Uint32Array;
  /** open nucleation sites: the cap ξ each cell still fills to (0: none), row-major */
  nucSite: Float32Array;
  /** the SEI film and its mechanics (shaders/mechanics.wgsl) */
  film: GpuFilmCheckpoint;
}

/**
 * The SEI film of a GPU checkpoint, batch member 0, row-major. Every array is empty when the run has no
 * SEI (sei.kind = none: no film, nothing to carry). The film-resistance factor the potential kernels
 * read (`sei` = mosaic × integrity) is not carried: the restore rebuilds it from the integrity.
 */
export interface GpuFilmCheckpoint {
  /**
   * The `film` buffer as the kernels left it, 4·nx·ny f32: per cell (film strain ε_f, integrity d
   * (1 whole, 0 cracked), the strain's scratch lane, Li bound in re-formed SEI [µm²]), interleaved.
   */
  cells: Float32Array;
  /** nx·ny: the mechanical shift Ωσ_h/(RT) of the last elastic solve (lane w of the kernels' `geo`), read by the next step's kinetics */
  mechShift: Float32Array;
  /** 2·nx·ny: the elastic displacement, the u_x plane then the u_y plane [µm]: the warm start of the next elastic solve */
  displacement: Float32Array;
}

/** The solver's scalar state in a CPU checkpoint. */
export interface CpuSolverCheckpoint {
  kind: 'cpu';
  state: SolverState;
  /** the solver ran on the f32-rounded parameters (CreateOptions.f32Params) */
  f32Params: boolean;
  /** open nucleation sites: the cap ξ each cell still fills to (0: none), row-major */
  nucSite: Float64Array;
  /** the SEI film and its mechanics (src/cpu/mechanics.ts) */
  film: CpuFilmCheckpoint;
}

/**
 * The SEI film of a CPU checkpoint (the CpuMechanics arrays of the same names), row-major, nx·ny values
 * each unless said otherwise. Every array is empty when the run has no SEI (sei.kind = none). The
 * film-resistance factor the kinetics read (CpuSolver.seiR = mosaic × integrity) is not carried: the
 * restore rebuilds it from the integrity.
 */
export interface CpuFilmCheckpoint {
  /** film strain ε_f */
  strain: Float64Array;
  /** film integrity d: 1 whole, 0 cracked, re-forming in between */
  integrity: Float64Array;
  /** Li bound in re-formed SEI per cell [µm² of Li metal] */
  seiLi: Float64Array;
  /** the Li's hydrostatic stress of the last elastic solve [GPa], capped at the yield strength */
  sigmaH: Float64Array;
  /** the mechanical shift Ωσ_h/(RT) of the last elastic solve (CpuSolver.mech), read by the next step's kinetics */
  mechShift: Float64Array;
  /** 2·nx·ny: the elastic displacement, the u_x plane then the u_y plane [µm]: the warm start of the next elastic solve */
  displacement: Float64Array;
}

/** The Simulation's host accumulators (f64). */
export interface HostCheckpoint {
  time_s: number;
  steps: number;
  /** charge passed, as µm of Li at the scenario's site density */
  charge_um: number;
  inventoryIn: number;
  inventory0: number;
  sandSeen: boolean;
  limitSeen: boolean;
  rows: MetricsRow[];
  events: SimEvent[];
  /** Simulation.initialMetrics of the original run, and Simulation.metrics at the checkpoint */
  initialMetrics: DepositMetrics;
  metrics: DepositMetrics;
  /** nuclei born before the checkpoint, and the most negative applied potential so far [V] */
  nucleationEvents: number;
  /** the nucleation dip tracker (src/analysis/nucleationDip.ts) */
  dip: DipState;
  overflowSeen: boolean;
  /** the cycling protocol's phase and per-cycle accumulators (drive.mode = cycling; absent otherwise) */
  cycling?: CyclingState;
}

/** One row of cycles.csv: a completed cycle of the cycling protocol (src/sim/cycles.ts). Column order is CYCLE_COLUMNS. */
export interface CycleRecord {
  cycle: number;
  plate_current_mA_cm2: number;
  strip_current_mA_cm2: number;
  plated_mAh_cm2: number;
  stripped_mAh_cm2: number;
  coulombic_efficiency: number;
  /** dead Li at the end of the cycle's strip, all cycles so far */
  dead_li_mAh_cm2: number;
  /** dead Li formed in this cycle, and its share of this cycle's plated charge [%] */
  dead_li_new_mAh_cm2: number;
  dead_li_pct_of_plated: number;
  dead_li_islands: number;
  /** Li bound by SEI re-formation during the cycle */
  sei_li_mAh_cm2: number;
  /** Li left on the electrode and not dead after the strip: connected metal and thin remnants (Li‖Cu: what the cutoff left) */
  residual_li_mAh_cm2: number;
  /** time-weighted mean and last cell voltage of the plating and stripping half-cycles [V] */
  plate_mean_V: number;
  plate_end_V: number;
  strip_mean_V: number;
  strip_end_V: number;
  /** time-weighted mean of |cell voltage| over both half-cycles (the polarisation 002's tables report) [V] */
  mean_polarisation_V: number;
  /** the larger |cell voltage| at the end of the two half-cycles [V] */
  end_polarisation_V: number;
  /** largest |cell voltage| during the cycle [V] */
  max_polarisation_V: number;
  short_circuit: boolean;
  end_time_s: number;
}

/** The cycling protocol's host state (Simulation; checkpointed). */
export interface CyclingState {
  /** 0-based cycle and index of the phase in cyclePhases(scenario, cycle) (src/model/cycling.ts) */
  cycle: number;
  phase: number;
  phaseStart_s: number;
  /** stripped or plated so far in the cycle, as µm of dense Li */
  plated_um: number;
  stripped_um: number;
  /** Σ|V|·dt and Σ dt per half-cycle, the last V, and the largest |V| in the cycle */
  plateVdt: number;
  plateDt: number;
  plateEnd_V: number;
  stripVdt: number;
  stripDt: number;
  stripEnd_V: number;
  maxAbs_V: number;
  /** SEI Li and dead Li at the start of the cycle [mAh/cm²] */
  seiStart_mAh: number;
  deadStart_mAh: number;
  /** all plated so far [µm] (run.charge_mAh_cm2 bounds it) */
  platedTotal_um: number;
  /** Li in the initial fields [µm over the collector width] */
  initialLi_um: number;
  records: CycleRecord[];
}

/**
 * Everything needed to continue a Simulation (Simulation.checkpoint(), then
 * createSimulation(scenario, { backend, restore })). A plain, structured-cloneable object: it can be
 * posted to a worker or stored in IndexedDB as it is (not JSON: typed arrays, and tEnd may be Infinity).
 */
export interface Checkpoint {
  /** 2 since the SEI film (solver.film) is carried; version 1 is refused */
  version: 2;
  backend: BackendName;
  /** the scenario the simulation ran with when the checkpoint was taken */
  scenario: Scenario;
  nx: number;
  ny: number;
  /**
   * The solver's own fields, row-major [j][i], in its dimensionless form and precision: ξ, c̃ = c/c0,
   * φ̃ = φ·F/(RT). Float32Array on the GPU backend, Float64Array on the CPU backend.
   */
  xi: Float32Array | Float64Array;
  c: Float32Array | Float64Array;
  phi: Float32Array | Float64Array;
  solver: GpuSolverCheckpoint | CpuSolverCheckpoint;
  host: HostCheckpoint;
}

/** One cell read by Simulation.probe. */
export interface ProbeResult {
  i: number;
  j: number;
  /** phase field (1 = Li) */
  xi: number;
  /** c̃ = c/c0 */
  c: number;
  /** electrolyte potential (binary) or potential (chen2015) [V] */
  phi_V: number;
}

/** The SEI film's buffers for the SEI layers (a scenario with sei.kind ≠ none, whose mechanics run). */
export interface SeiSource {
  /** per cell vec4 (film strain ε_f, integrity d, scratch, SEI Li bound [µm²]): GpuSolver.film */
  film: GPUBuffer;
  /** per cell vec4, lane w = the mechanical shift Ωσ_h/RT (F/RT units): GpuSolver.geo, the kernels' live copy */
  mech: GPUBuffer;
  /**
   * MPa of hydrostatic stress per unit of the shift: the kernels write shift = mechScale·σ_h[GPa]
   * (mechShift in shaders/mechanics.wgsl, solve() in src/cpu/mechanics.ts), with
   * mechScale = mechanicalShift(1e9 Pa, T) = Ω·1e9/(RT) (src/model/dimless.ts, src/model/constants.ts),
   * so σ_h [MPa] = 1000·shift/mechScale = shift·RT/Ω·1e-6 (190.7 MPa per unit at 298.15 K).
   */
  stress_MPa_per_shift: number;
  /** interface width w [µm], for the film-cell test (onFilm in src/cpu/mechanics.ts) */
  interfaceWidth_um: number;
}

/** The GPU buffers of a running simulation, for rendering (Simulation.gpuView()). */
export interface GpuFieldView {
  device: GPUDevice;
  nx: number;
  ny: number;
  /** cell size [µm] */
  dx_um: number;
  /** f32 fields, cell (i, j) at j·nx + i: ξ, c̃ = c/c0, φ̃ = φ·F/(RT) */
  xi: GPUBuffer;
  c: GPUBuffer;
  phi: GPUBuffer;
  /** potential multigrid finest-level face conductances, see Simulation.gpuView */
  sigmaX: GPUBuffer;
  sigmaY: GPUBuffer;
  /** per cell vec4 (solid, cos θ of the surface, i0 factor, seeded): host solids and seeds (src/model/geometry.ts) */
  geo: GPUBuffer;
  /**
   * per cell vec4, the kernels' live copy of geo: lane z is the i0 factor this step's kinetics use, 0 on dead Li
   * (islands cut off from the collector and host, shaders/label.wgsl; with metal.island_contact = out_of_plane it
   * equals geo's), lane w the mechanical shift
   */
  kinetics: GPUBuffer;
  /** c0 [mol/L] */
  c0_mol_L: number;
  /** RT/F [V] (φ = φ̃ · thermalVoltage_V) */
  thermalVoltage_V: number;
  /** σ_l0·(RT/F)/h in mA/cm²: current density per unit of σ̃·Δφ̃ across one cell (see Simulation.gpuView) */
  currentScale_mA_cm2: number;
  /** the SEI film's buffers when the scenario has a film whose mechanics run (sei.kind ≠ none); else absent */
  sei?: SeiSource;
}
