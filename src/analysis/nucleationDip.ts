// The nucleation overpotential of a galvanostatic voltage trace: dip minus plateau (MODEL.md §6.2).
//
// On a collector without Li the electrode potential falls until nuclei form (the double layer carries
// the current meanwhile), then recovers as they grow: the "nucleation dip" followed by the "growth
// plateau" of Li‖Cu plating curves. The nucleation overpotential is the depth of the dip below the
// plateau, η_n = φ_plateau − φ_dip > 0 (000:L117–127 for the barrier it measures; 002 Table 2's mV
// figures are cycling polarisation, not η_n, 002:L175–182).
//
// Streaming rule, fed with every step's applied potential:
// - until the dip is settled, φ_dip is the running minimum and φ_plateau the highest potential since
//   that minimum;
// - the dip settles at the first step at which nuclei exist and the potential has recovered from the
//   minimum by at least SETTLE_FRACTION of the dip's depth below the starting potential (a recovery,
//   not a wobble);
// - after that φ_dip stays; φ_plateau is the highest potential since the dip. Later excursions (Li⁺
//   depletion, coalescence) therefore cannot replace the nucleation dip with another minimum.
// η_n is reported only once the dip has settled (NaN before, and on a trace without nuclei).

/** recovery, as a fraction of the dip's depth below the first potential, that settles the dip */
export const SETTLE_FRACTION = 0.2;

export interface DipState {
  /** first potential fed [V] */
  start_V: number;
  /** the dip: most negative potential of the nucleation stage [V] */
  dip_V: number;
  /** when the dip was reached [s] */
  dipTime_s: number;
  /** highest potential since the dip [V] */
  plateau_V: number;
  /** the dip is settled (nuclei exist and the potential recovered) */
  settled: boolean;
}

export function newDipState(): DipState {
  return { start_V: NaN, dip_V: Infinity, dipTime_s: NaN, plateau_V: -Infinity, settled: false };
}

/** Feeds one step: its applied potential [V], the time at its end [s], and whether nuclei exist. */
export function feedDip(s: DipState, phi_V: number, time_s: number, nucleated: boolean): void {
  if (!Number.isFinite(phi_V)) return;
  if (Number.isNaN(s.start_V)) s.start_V = phi_V;
  if (!s.settled && phi_V < s.dip_V) {
    s.dip_V = phi_V;
    s.dipTime_s = time_s;
    s.plateau_V = phi_V;
    return;
  }
  s.plateau_V = Math.max(s.plateau_V, phi_V);
  if (!s.settled && nucleated) {
    const depth = s.start_V - s.dip_V;
    if (depth > 0 && s.plateau_V - s.dip_V >= SETTLE_FRACTION * depth) s.settled = true;
  }
}

/**
 * η_n = φ_plateau − φ_dip [mV] once the dip has settled; NaN before (no nuclei yet, or no recovery).
 * On a Li foil nothing nucleates, so it stays NaN: a start-up overshoot of the potential (double
 * layer, concentration polarisation) is not a nucleation dip.
 */
export function nucleationOverpotential_mV(s: DipState): number {
  return s.settled ? (s.plateau_V - s.dip_V) * 1000 : NaN;
}
