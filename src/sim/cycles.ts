// Per-cycle accounting of the cycling protocol: what cycles.csv and summary.json report
// (Coulombic efficiency, dead Li, SEI Li, polarisation). The Simulation feeds it step by step.

import type { CycleRecord, CyclingState } from './types.ts';

export const CYCLE_COLUMNS: readonly (keyof CycleRecord)[] = [
  'cycle',
  'plate_current_mA_cm2',
  'strip_current_mA_cm2',
  'plated_mAh_cm2',
  'stripped_mAh_cm2',
  'coulombic_efficiency',
  'dead_li_mAh_cm2',
  'dead_li_new_mAh_cm2',
  'dead_li_pct_of_plated',
  'dead_li_islands',
  'sei_li_mAh_cm2',
  'residual_li_mAh_cm2',
  'plate_mean_V',
  'plate_end_V',
  'strip_mean_V',
  'strip_end_V',
  'mean_polarisation_V',
  'end_polarisation_V',
  'max_polarisation_V',
  'short_circuit',
  'end_time_s',
];

export function newCyclingState(time_s: number, sei_mAh: number, dead_mAh: number, initialLi_um: number): CyclingState {
  return {
    cycle: 0,
    phase: 0,
    phaseStart_s: time_s,
    plated_um: 0,
    stripped_um: 0,
    plateVdt: 0,
    plateDt: 0,
    plateEnd_V: NaN,
    stripVdt: 0,
    stripDt: 0,
    stripEnd_V: NaN,
    maxAbs_V: 0,
    seiStart_mAh: sei_mAh,
    deadStart_mAh: dead_mAh,
    platedTotal_um: 0,
    initialLi_um,
    records: [],
  };
}

/** One step of a phase: `j_um_s` the Faradaic plating rate, `V` the cell voltage at the step. */
export function feedCycleStep(st: CyclingState, phase: 'plate' | 'strip' | 'rest', j_um_s: number, dt_s: number, V: number): void {
  if (j_um_s > 0) {
    st.plated_um += j_um_s * dt_s;
    st.platedTotal_um += j_um_s * dt_s;
  } else st.stripped_um -= j_um_s * dt_s;
  if (phase === 'plate') {
    st.plateVdt += Math.abs(V) * dt_s;
    st.plateDt += dt_s;
    st.plateEnd_V = V;
  } else if (phase === 'strip') {
    st.stripVdt += Math.abs(V) * dt_s;
    st.stripDt += dt_s;
    st.stripEnd_V = V;
  }
  if (phase !== 'rest') st.maxAbs_V = Math.max(st.maxAbs_V, Math.abs(V));
}

export interface CycleEnd {
  /** µm of dense Li → mAh/cm² */
  um_to_mAh: number;
  plate_mA_cm2: number;
  strip_mA_cm2: number;
  sei_mAh: number;
  dead_mAh: number;
  dead_islands: number;
  /** Li still connected to the collector [mAh/cm²] */
  live_mAh: number;
  short_circuit: boolean;
  time_s: number;
}

/** Closes the cycle: appends its record and resets the per-cycle accumulators for the next. */
export function closeCycle(st: CyclingState, e: CycleEnd): CycleRecord {
  const plated = st.plated_um * e.um_to_mAh;
  const stripped = st.stripped_um * e.um_to_mAh;
  const deadNew = e.dead_mAh - st.deadStart_mAh;
  const plateMean = st.plateDt > 0 ? st.plateVdt / st.plateDt : NaN;
  const stripMean = st.stripDt > 0 ? st.stripVdt / st.stripDt : NaN;
  const dtAll = st.plateDt + st.stripDt;
  const rec: CycleRecord = {
    cycle: st.cycle + 1,
    plate_current_mA_cm2: e.plate_mA_cm2,
    strip_current_mA_cm2: e.strip_mA_cm2,
    plated_mAh_cm2: plated,
    stripped_mAh_cm2: stripped,
    coulombic_efficiency: plated > 0 ? stripped / plated : NaN,
    dead_li_mAh_cm2: e.dead_mAh,
    dead_li_new_mAh_cm2: deadNew,
    dead_li_pct_of_plated: plated > 0 ? (100 * deadNew) / plated : NaN,
    dead_li_islands: e.dead_islands,
    sei_li_mAh_cm2: e.sei_mAh - st.seiStart_mAh,
    residual_li_mAh_cm2: e.live_mAh,
    plate_mean_V: st.plateDt > 0 ? Math.sign(st.plateEnd_V) * plateMean : NaN,
    plate_end_V: st.plateEnd_V,
    strip_mean_V: st.stripDt > 0 ? Math.sign(st.stripEnd_V) * stripMean : NaN,
    strip_end_V: st.stripEnd_V,
    mean_polarisation_V: dtAll > 0 ? (st.plateVdt + st.stripVdt) / dtAll : NaN,
    end_polarisation_V: Math.max(Math.abs(st.plateEnd_V), Math.abs(st.stripEnd_V)),
    max_polarisation_V: st.maxAbs_V,
    short_circuit: e.short_circuit,
    end_time_s: e.time_s,
  };
  st.records.push(rec);
  Object.assign(st, newCyclingState(e.time_s, e.sei_mAh, e.dead_mAh, st.initialLi_um), { cycle: st.cycle + 1, platedTotal_um: st.platedTotal_um, records: st.records });
  return rec;
}
