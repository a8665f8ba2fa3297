// The run readout: time to the stop the scenario sets, from the measured rates. Pure, unit-tested in
// tests/app-units.test.ts.

export interface EtaInput {
  time_s: number;
  until_s: number;
  charge_mAh_cm2: number;
  /** 0: no charge stop */
  stopCharge_mAh_cm2: number;
  /** simulated seconds per wall second, and charge per wall second, over the last few seconds */
  simPerWall: number;
  chargePerWall: number;
}

/** Wall seconds to the first stop (time or charge) at the current rates; NaN when no rate is known. */
export function etaToStop(x: EtaInput): number {
  const eta: number[] = [];
  if (x.simPerWall > 0) eta.push(Math.max(0, x.until_s - x.time_s) / x.simPerWall);
  if (x.stopCharge_mAh_cm2 > 0 && x.chargePerWall > 0) eta.push(Math.max(0, x.stopCharge_mAh_cm2 - x.charge_mAh_cm2) / x.chargePerWall);
  return eta.length ? Math.min(...eta) : NaN;
}

/** '42 s', '3 min 05 s', '2 h 10 min', '> 1 week', or '–'. */
export function formatEta(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '–';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    return `${m} min ${String(Math.round(s - 60 * m)).padStart(2, '0')} s`;
  }
  if (s < 7 * 86400) {
    const h = Math.floor(s / 3600);
    return `${h} h ${String(Math.round((s - 3600 * h) / 60)).padStart(2, '0')} min`;
  }
  return '> 1 week';
}
