// The cycling protocol (drive.mode = cycling) and the cell around the working electrode (cell.*):
// pure functions of the scenario, used by the Simulation's phase machine and by toDimless.
// docs/explanation/cycling.md gives the protocol and what the cell voltage is made of.

import { arrhenius } from './dimless.ts';
import { inverseThermalVoltage } from './constants.ts';
import { num, text, type Scenario } from './scenario.ts';

export type CyclePhaseKind = 'plate' | 'rest_after_plate' | 'strip' | 'rest_after_strip';

/** One half-cycle or rest of the protocol. */
export interface CyclePhase {
  kind: CyclePhaseKind;
  /** 0-based cycle */
  cycle: number;
  /** set current density [mA/cm²]: positive plates the working electrode, negative strips it, 0 rests */
  current_mA_cm2: number;
  /** how long it lasts at that current [s]; Infinity: until the strip cutoff */
  duration_s: number;
  /** strip to this potential vs Li [V] (the galvanostatic potential limit during the phase); undefined: none */
  cutoff_V?: number;
}

/**
 * Plate and strip current densities of cycle `c` (0-based) [mA/cm²]: constant, or raised by
 * cycling.current_step_mA_cm2 every cycling.cycles_per_step cycles (the critical-current-density protocol).
 */
export function cycleCurrents(s: Scenario, c: number): { plate: number; strip: number } {
  const raise = num(s, 'cycling.current_step_mA_cm2') * Math.floor(c / num(s, 'cycling.cycles_per_step'));
  return { plate: num(s, 'cycling.plate_current_mA_cm2') + raise, strip: num(s, 'cycling.strip_current_mA_cm2') + raise };
}

/** The phases of cycle `c`, in order (rests only when cycling.rest_s > 0). */
export function cyclePhases(s: Scenario, c: number): CyclePhase[] {
  const { plate, strip } = cycleCurrents(s, c);
  const rest = num(s, 'cycling.rest_s');
  const plateQ = num(s, 'cycling.plate_capacity_mAh_cm2');
  const stripQ = num(s, 'cycling.strip_capacity_mAh_cm2');
  const cutoff = num(s, 'cycling.strip_cutoff_V');
  const out: CyclePhase[] = [{ kind: 'plate', cycle: c, current_mA_cm2: plate, duration_s: (plateQ * 3600) / plate }];
  if (rest > 0) out.push({ kind: 'rest_after_plate', cycle: c, current_mA_cm2: 0, duration_s: rest });
  out.push(
    stripQ > 0
      ? { kind: 'strip', cycle: c, current_mA_cm2: -strip, duration_s: (stripQ * 3600) / strip }
      : { kind: 'strip', cycle: c, current_mA_cm2: -strip, duration_s: Infinity, cutoff_V: cutoff },
  );
  if (rest > 0) out.push({ kind: 'rest_after_strip', cycle: c, current_mA_cm2: 0, duration_s: rest });
  return out;
}

/** The largest current density the protocol sets [mA/cm²] (the drive speed behind the numerical relaxation rate). */
export function largestCycleCurrent(s: Scenario): number {
  const { plate, strip } = cycleCurrents(s, num(s, 'cycling.cycles') - 1);
  return Math.max(plate, strip);
}

/**
 * Overpotential of the Li counter electrode [V] when the working electrode draws `current_mA_cm2`
 * (positive = the working electrode plates, so the counter electrode strips): the root of
 * i/i0 = e^{(1−α)fη} − e^{−αfη} (Butler–Volmer at the reservoir's c̃ = 1, the same α and Arrhenius factor as
 * the working electrode). 0 for an ideal reference (cell.counter_exchange_current_mA_cm2 = 0).
 */
export function counterOverpotential_V(s: Scenario, current_mA_cm2: number): number {
  const i0 =
    num(s, 'cell.counter_exchange_current_mA_cm2') *
    arrhenius(num(s, 'kinetics.activation_energy_kJ_mol'), num(s, 'electrolyte.temperature_K'), num(s, 'electrolyte.reference_temperature_K'));
  if (!(i0 > 0) || current_mA_cm2 === 0) return 0;
  const a = num(s, 'kinetics.transfer_coefficient');
  const f = inverseThermalVoltage(num(s, 'electrolyte.temperature_K'));
  const target = current_mA_cm2 / i0;
  const g = (x: number) => Math.exp((1 - a) * x) - Math.exp(-a * x) - target; // x = fη, increasing
  let lo = -1;
  let hi = 1;
  while (g(lo) > 0) lo *= 2;
  while (g(hi) < 0) hi *= 2;
  for (let k = 0; k < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); k++) {
    const mid = 0.5 * (lo + hi);
    if (g(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (0.5 * (lo + hi)) / f;
}

export function isCycling(s: Scenario): boolean {
  return text(s, 'drive.mode') === 'cycling';
}
