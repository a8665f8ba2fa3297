// Unit and meaning of every metrics.csv column, for docs/reference/metrics.md
// (`npx tsx scripts/scenario-keys-table.ts --metrics`; tests/docs.test.ts checks the page holds it).
// A Record over keyof MetricsRow: a new column without an entry here is a type error.
// Units: '–' only for pure numbers (ratios, fractions, dimensions); 'count' for tallies; scaled quantities
// name their scale (c0).

import type { MetricsRow } from './types.ts';

export interface MetricDoc {
  /** physical unit, the scale of a scaled quantity (c0), 'count', or '–' for a pure number */
  unit: string;
  /** what the column holds and how it is computed */
  meaning: string;
}

export const METRIC_DOCS: Record<keyof MetricsRow, MetricDoc> = {
  time_s: { unit: 's', meaning: 'simulated time' },
  current_density_mA_cm2: {
    unit: 'mA/cm²',
    meaning: 'plating current density (positive = plating), averaged over the steps since the previous row',
  },
  applied_potential_V: {
    unit: 'V',
    meaning: 'electrode potential φ_s vs a Li reference in the reservoir, at the last step (negative while plating)',
  },
  charge_mAh_cm2: { unit: 'mAh/cm²', meaning: 'areal charge passed since the start' },
  deposit_mean_height_um: {
    unit: 'µm',
    meaning: 'mean over columns of the height of the topmost ξ = 0.5 crossing above the collector',
  },
  deposit_max_height_um: { unit: 'µm', meaning: 'the largest of those heights' },
  roughness_um: { unit: 'µm', meaning: 'RMS of the column heights about their mean' },
  surface_min_conc: {
    unit: 'c0',
    meaning: "lowest c̃ = c/c0 at the interface (ξ = 0.5) over the columns; Sand's time is taken at 0.01",
  },
  li_inventory_rel_error: {
    unit: '–',
    meaning: '(Li in the electrolyte and the metal + Li bound in the SEI − initial Li − inflow through the reservoir) / initial Li',
  },
  step: { unit: 'count', meaning: 'steps taken' },
  dt_s: { unit: 's', meaning: 'the last time step' },
  mg_residual_c: {
    unit: 'c0/s',
    meaning:
      'L2 norm of the residual of the last backward-Euler c̃ solve divided by the cell count nx·ny (not an RMS, which would divide by √(nx·ny)), in the solver units (c̃ = c/c0, time in s, lengths in µm): a convergence check, not a physical quantity',
  },
  mg_residual_phi: {
    unit: 'solver units',
    meaning: 'L2 norm of the residual of the last potential solve divided by the cell count nx·ny, in the solver units (potential in RT/F, lengths in µm): a convergence check',
  },
  nucleation_overpotential_mV: {
    unit: 'mV',
    meaning: 'nucleation dip minus growth plateau of the voltage trace (src/analysis/nucleationDip.ts; the rule is in docs/reference/cli.md)',
  },
  nucleation_events: { unit: 'count', meaning: 'nuclei born so far (heterogeneous nucleation, MODEL.md §6.2)' },
  nuclei_count: { unit: 'count', meaning: 'Li islands (ξ ≥ ½, 4-connected) touching the collector or a host surface' },
  nucleus_spacing_cv: {
    unit: '–',
    meaning: 'std/mean of the gaps between Li islands along the collector (x periodic; uniformity)',
  },
  collector_coverage: { unit: '–', meaning: "fraction of the collector's electrolyte cells with ξ ≥ ½" },
  local_current_density_mA_cm2: {
    unit: 'mA/cm²',
    meaning:
      "current × domain width ÷ Li/electrolyte interface length: the mean current density on the deposit's surface (the geometric one on a flat film)",
  },
  pore_filling: { unit: '–', meaning: "Li fraction of the host layer's pore space (Σ ξ over its electrolyte cells ÷ their number)" },
  sei_li_mAh_cm2: {
    unit: 'mAh/cm²',
    meaning: 'Li bound in re-formed SEI film so far (healed stretch and re-closed cracks), as areal charge; 0 without an SEI',
  },
  coulombic_efficiency: {
    unit: '–',
    meaning: 'estimate: charge_mAh_cm2 ÷ (charge_mAh_cm2 + sei_li_mAh_cm2), plated Li over plated + SEI-bound Li so far; 1 without an SEI',
  },
  sei_crack_events: {
    unit: 'count',
    meaning: 'film cracks so far: an intact film cell (integrity > ½) counts each time its channel-crack energy release rate reaches sei.fracture_energy_J_m2; 0 without an SEI',
  },
  interface_stress_max_MPa: {
    unit: 'MPa',
    meaning:
      "largest compression −σ_h at the Li interface (cells with h'(ξ) > 0.1) in the last elastic solve; 0 when the run solves no mechanics (no SEI and no electrolyte.growth_strain)",
  },
  interface_stress_mean_MPa: {
    unit: 'MPa',
    meaning: "h'(ξ)-weighted mean hydrostatic stress σ_h at the Li interface in the last elastic solve (tension positive); 0 without mechanics",
  },
  tip_count: {
    unit: 'count',
    meaning:
      'tips: local maxima of the column heights (x periodic) with a topographic prominence of at least max(2 × phase.interface_width_um, 2 cells)',
  },
  deposit_porosity: {
    unit: '–',
    meaning:
      '1 − Li area above the initial surface ÷ (Lx × (max height − initial height)); the initial surface is the mean interface height of the initial fields, the Li area is bounded by the interpolated ξ = 0.5 crossings of each column; 0 until the deposit stands a cell above it',
  },
  interface_length_per_width: {
    unit: '–',
    meaning: 'length of the ξ = 0.5 contour (marching squares between cell centres) ÷ Lx; 1 for a flat film',
  },
  interface_fractal_dimension: {
    unit: '–',
    meaning:
      'box-counting dimension of the Li/electrolyte interface (Li cells with an electrolyte neighbour): slope of ln N(s) vs ln 1/s over box sides of powers of two from max(2 cells, interface width) to Lx/4, N the fewest boxes over grid shifts of ¼ box; 1 for a flat film, 1.26 for a Koch curve; 0 with no interface or fewer than three box sides',
  },
  cell_voltage_V: {
    unit: 'V',
    meaning: 'cell voltage: applied_potential_V less the Li counter electrode\'s Butler–Volmer overpotential at the set current (cell.counter_exchange_current_mA_cm2; equal to applied_potential_V for an ideal reference)',
  },
  cycle: { unit: 'count', meaning: 'cycle of the cycling protocol, from 1 (0 when drive.mode is not cycling)' },
  dead_li_mAh_cm2: {
    unit: 'mAh/cm²',
    meaning: 'dead Li: metal (ξ ≥ ½) in islands not 4-connected to the collector or a host, with their diffuse interface, as charge (src/cpu/label.ts); it takes no current',
  },
  dead_li_islands: { unit: 'count', meaning: 'islands of dead Li' },
};
