// The `sand-dendrites` preset: plating above the limiting current with the charge-conserving binary
// closure (phase.model = thin_interface). Bai, Li, Brushett, Bazant, Energy Environ. Sci. 9, 3221 (2016):
// above the limiting current J* = F D c0/((1 − t₊) H) the surface Li⁺ depletes at Sand's time
// t_S = πD(Fc0)²/(4(J(1 − t₊))²) (000:L91), and growth turns from compact to tip-growing there.
// CPU backend; each test prints the figures it measured.
//
// What the model does (measured here, 128 × 96 cells of 0.5 µm, H = 44 µm): at 2J* the surface c̃
// falls to ≈ 0.008 near 1.2 t_S, the voltage peaks near −1.03 V and recovers, and the run reaches 3 t_S
// (with the default dt control, ≈ 12 ms steps, it stops at the 1.5 V limit at ≈ 1.46 t_S instead; the
// preset bounds dt at 5 ms ≈ 1 % of t_S, and 1 or 2 ms steps give the same figures). The growth stays
// compact: the highest point gains ≈ 1.1× the mean height gain, no tips. The "tips" criterion
// (max height gain ≥ 3× mean gain at 3 t_S) is NOT met, so it is printed, not asserted.
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../src/model/scenario.ts';
import { FARADAY } from '../src/model/constants.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

/** The preset's physical numbers: gap H from the film to the reservoir, 1 M, D, t₊. */
const H_M = (96 * 0.5 - 4) * 1e-6;
const D = 7.5e-10;
const C0 = 1000;
const TP = 0.4;
/** Limiting current [mA/cm²] and Sand's time [s] at J [mA/cm²]. */
const J_STAR = (FARADAY * D * C0) / ((1 - TP) * H_M) / 10;
const sandTime = (J_mA_cm2: number) => (Math.PI * D * (FARADAY * C0) ** 2) / (4 * (J_mA_cm2 * 10 * (1 - TP)) ** 2);

interface Outcome {
  reason: string;
  rows: MetricsRow[];
  cMin: number;
  nonFinite: number;
  /** (max height − initial max height) / (mean height − initial mean height) */
  tipRatio: number;
  maxGain: number;
  meanGain: number;
}

async function run(over: Record<string, Record<string, number>>, until_s: number): Promise<Outcome> {
  const sim = await createSimulation(resolveScenario({ preset: 'sand-dendrites', ...over, run: { until_s, metrics_every_steps: 5 } }), { backend: 'cpu' });
  try {
    const { reason } = await sim.run();
    const last = sim.rows.at(-1)!;
    const maxGain = last.deposit_max_height_um - sim.initialMetrics.maxHeight_um;
    const meanGain = last.deposit_mean_height_um - sim.initialMetrics.meanHeight_um;
    return { reason, rows: sim.rows, cMin: sim.metrics.cMin, nonFinite: sim.metrics.nonFinite, tipRatio: maxGain / meanGain, maxGain, meanGain };
  } finally {
    sim.destroy();
  }
}

describe('sand-dendrites preset (thin_interface, binary closure), CPU', () => {
  const scenario = resolveScenario({ preset: 'sand-dendrites' });
  const J = scenario.drive.current_density_mA_cm2 as number;
  const tS = sandTime(J);

  it('is the case it describes: J = 2J* for the 44 µm gap, t_S ≈ 0.51 s, thin interface, binary closure', () => {
    console.log(`sand-dendrites: J* = ${J_STAR.toFixed(1)} mA/cm², J = ${J} mA/cm² = ${(J / J_STAR).toFixed(4)} J*, t_S = ${tS.toFixed(4)} s`);
    expect(J / J_STAR).toBeCloseTo(2, 3);
    expect(tS).toBeCloseTo(0.5068, 3);
    expect(scenario.phase.model).toBe('thin_interface');
    expect(scenario.electrolyte.transport).toBe('binary');
    expect(scenario.run.until_s).toBeCloseTo(3 * tS, 2);
  });

  it('at 2J* to 3 t_S: stays finite, c̃ ≥ −1e-6 everywhere, the surface depletes after Sand\'s time; prints the tip ratio (below 0.3 J* at the same charge: compact, ratio ≤ 1.5)', async () => {
    const hi = await run({}, 3 * tS);
    const surfMin = Math.min(...hi.rows.map((r) => r.surface_min_conc));
    const depleted = hi.rows.find((r) => r.surface_min_conc < 0.02);
    const peak = hi.rows.reduce((a, r) => (Math.abs(r.applied_potential_V) > Math.abs(a.applied_potential_V) ? r : a));
    const last = hi.rows.at(-1)!;
    console.log(
      `2J* (${J} mA/cm²): stopped by ${hi.reason} at ${(last.time_s / tS).toFixed(3)} t_S after ${last.step} steps; field c̃ min ${hi.cMin.toExponential(2)}, ` +
        `surface c̃ min ${surfMin.toExponential(2)} (below 0.02 first at ${depleted ? (depleted.time_s / tS).toFixed(3) : '–'} t_S); ` +
        `peak voltage ${peak.applied_potential_V.toFixed(3)} V at ${(peak.time_s / tS).toFixed(3)} t_S, final ${last.applied_potential_V.toFixed(3)} V; ` +
        `max height gain ${hi.maxGain.toFixed(3)} µm, mean gain ${hi.meanGain.toFixed(3)} µm, ratio ${hi.tipRatio.toFixed(3)} (issue asks ≥ 3: ${hi.tipRatio >= 3 ? 'met' : 'NOT met'}), tips ${last.tip_count}, charge ${last.charge_mAh_cm2.toFixed(4)} mAh/cm²`,
    );
    expect(hi.nonFinite).toBe(0);
    expect(hi.cMin).toBeGreaterThanOrEqual(-1e-6);
    for (const r of hi.rows) {
      for (const v of Object.values(r)) if (typeof v === 'number' && !Number.isNaN(v)) expect(Number.isFinite(v)).toBe(true);
      expect(r.surface_min_conc).toBeGreaterThanOrEqual(-1e-6);
    }
    expect(hi.reason).toBe('time');
    expect(last.time_s).toBeGreaterThanOrEqual(3 * tS * (1 - 1e-6));
    // Sand: the surface runs out of Li⁺, not before t_S (the reservoir 44 µm away delays it)
    expect(depleted).toBeDefined();
    expect(depleted!.time_s).toBeGreaterThan(0.9 * tS);
    expect(depleted!.time_s).toBeLessThan(2 * tS);

    // compact below the limiting current: 0.3 J* for the same charge (2J* · 3 t_S → 20 t_S at 0.3 J*)
    const charge = last.charge_mAh_cm2;
    const lo = await run({ drive: { current_density_mA_cm2: 0.3 * J_STAR }, numerics: { dt_max_s: 0.05 } }, (3 * tS * 2) / 0.3);
    const loLast = lo.rows.at(-1)!;
    console.log(
      `0.3 J* (${(0.3 * J_STAR).toFixed(2)} mA/cm²) to ${loLast.time_s.toFixed(3)} s: ${lo.reason}, charge ${loLast.charge_mAh_cm2.toFixed(4)} mAh/cm² (2J*: ${charge.toFixed(4)}), ` +
        `surface c̃ min ${Math.min(...lo.rows.map((r) => r.surface_min_conc)).toFixed(4)}, max gain ${lo.maxGain.toFixed(3)} µm, mean gain ${lo.meanGain.toFixed(3)} µm, ratio ${lo.tipRatio.toFixed(3)}, tips ${loLast.tip_count}`,
    );
    expect(lo.nonFinite).toBe(0);
    expect(Math.abs(loLast.charge_mAh_cm2 / charge - 1)).toBeLessThan(0.01);
    expect(lo.tipRatio).toBeLessThanOrEqual(1.5);
  }, 400_000);
});
