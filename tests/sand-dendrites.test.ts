// The `sand-dendrites` preset: plating above the limiting current with the charge-conserving binary
// closure (phase.model = thin_interface). Bai, Li, Brushett, Bazant, Energy Environ. Sci. 9, 3221 (2016):
// above the limiting current J* = F D c0/((1 − t₊) H) the surface Li⁺ depletes at Sand's time
// t_S = πD(Fc0)²/(4(J(1 − t₊))²) (000:L91), and growth turns from compact to tip-growing there.
// CPU backend; each test prints the figures it measured.
//
// What the model does (128 × 96 cells of 0.5 µm, H = 44 µm): at 2J* the surface c̃ reaches 0 just after
// t_S and the electrolyte cannot supply the set current at any potential (electroneutral binary salt:
// the flux into a depleted flat front is bounded, and the seed tops, 1 µm proud, add little), so the
// voltage diverges as Sand's analysis says and the run stops at the 1.5 V limit, at ≈ 1.1 t_S, with
// compact growth. The "tips" criterion (max height gain ≥ 3× mean gain at 3 t_S) is NOT met and is
// printed, not asserted. Before the kinetics read c̃ and φ̃ at the interface contour, the run went on to
// 3 t_S only because the diffuse tail of the front plated 20–30 µm out into the electrolyte, a Li cloud
// that carried the current; the "no Li ahead of the front" check below fails on that model.
import { describe, expect, it } from 'vitest';
import { resolveScenario } from '../src/model/scenario.ts';
import { FARADAY } from '../src/model/constants.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { BackendName, MetricsRow } from '../src/sim/types.ts';
import { BACKENDS } from './support/scenarios.ts';

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
  /** ξ range of the final fields */
  xiMin: number;
  xiMax: number;
  /** Li ahead of the front: h²Σξ over the rows more than 5 µm above the highest ξ ≥ ½ cell, per µm of width [µm] */
  ahead_um: number;
}

async function run(over: Record<string, Record<string, number>>, until_s: number, backend: BackendName = 'cpu'): Promise<Outcome> {
  const sim = await createSimulation(resolveScenario({ preset: 'sand-dendrites', ...over, run: { until_s, metrics_every_steps: 5 } }), { backend });
  try {
    const { reason } = await sim.run();
    const last = sim.rows.at(-1)!;
    const maxGain = last.deposit_max_height_um - sim.initialMetrics.maxHeight_um;
    const meanGain = last.deposit_mean_height_um - sim.initialMetrics.meanHeight_um;
    const { nx, ny, dx_um: h } = sim.scenario.grid as { nx: number; ny: number; dx_um: number };
    const f = await sim.readFields();
    let top = 0;
    let xiMin = Infinity;
    let xiMax = -Infinity;
    for (let k = 0; k < nx * ny; k++) {
      xiMin = Math.min(xiMin, f.xi[k]);
      xiMax = Math.max(xiMax, f.xi[k]);
      if (f.xi[k] >= 0.5) top = Math.max(top, Math.floor(k / nx));
    }
    let ahead = 0;
    for (let j = top + Math.ceil(5 / h); j < ny; j++) for (let i = 0; i < nx; i++) ahead += f.xi[j * nx + i];
    return { reason, rows: sim.rows, cMin: sim.metrics.cMin, nonFinite: sim.metrics.nonFinite, tipRatio: maxGain / meanGain, maxGain, meanGain, xiMin, xiMax, ahead_um: (ahead * h * h) / (nx * h) };
  } finally {
    sim.destroy();
  }
}

const scenario = resolveScenario({ preset: 'sand-dendrites' });
const J = scenario.drive.current_density_mA_cm2 as number;
const tS = sandTime(J);
let hiCpuRun: Promise<Outcome> | undefined;
/** the 2J* run to 3 t_S on the CPU, shared by the CPU and GPU tests */
const hiCpu = () => (hiCpuRun ??= run({}, 3 * tS));

describe('sand-dendrites preset (thin_interface, binary closure), CPU', () => {

  it('is the case it describes: J = 2J* for the 44 µm gap, t_S ≈ 0.51 s, thin interface, binary closure', () => {
    console.log(`sand-dendrites: J* = ${J_STAR.toFixed(1)} mA/cm², J = ${J} mA/cm² = ${(J / J_STAR).toFixed(4)} J*, t_S = ${tS.toFixed(4)} s`);
    expect(J / J_STAR).toBeCloseTo(2, 3);
    expect(tS).toBeCloseTo(0.5068, 3);
    expect(scenario.phase.model).toBe('thin_interface');
    expect(scenario.electrolyte.transport).toBe('binary');
    expect(scenario.run.until_s).toBeCloseTo(3 * tS, 2);
  });

  it('at 2J*: the surface depletes at Sand\'s time, the voltage diverges and the run stops at the potential limit with finite, non-negative fields and no Li ahead of the front; prints the tip ratio (below 0.3 J* at the same charge: compact, ratio ≤ 1.5)', async () => {
    const hi = await hiCpu();
    const surfMin = Math.min(...hi.rows.map((r) => r.surface_min_conc));
    const depleted = hi.rows.find((r) => r.surface_min_conc < 0.02);
    const last = hi.rows.at(-1)!;
    const setCharge = (J * last.time_s) / 3600;
    console.log(
      `2J* (${J} mA/cm²): stopped by ${hi.reason} at ${(last.time_s / tS).toFixed(3)} t_S after ${last.step} steps; field c̃ min ${hi.cMin.toExponential(2)}, ` +
        `surface c̃ min ${surfMin.toExponential(2)} (below 0.02 first at ${depleted ? (depleted.time_s / tS).toFixed(3) : '–'} t_S); ` +
        `final voltage ${last.applied_potential_V.toFixed(3)} V, current ${last.current_density_mA_cm2.toFixed(1)} mA/cm²; charge ${last.charge_mAh_cm2.toFixed(4)} of ${setCharge.toFixed(4)} mAh/cm² set; ` +
        `ξ in [${hi.xiMin.toExponential(2)}, ${hi.xiMax.toFixed(4)}], Li ahead of the front ${hi.ahead_um.toExponential(2)} µm; ` +
        `max height gain ${hi.maxGain.toFixed(3)} µm, mean gain ${hi.meanGain.toFixed(3)} µm, ratio ${hi.tipRatio.toFixed(3)} (issue asks ≥ 3 at 3 t_S: NOT met), tips ${last.tip_count}`,
    );
    expect(hi.nonFinite).toBe(0);
    expect(hi.cMin).toBeGreaterThanOrEqual(-1e-6);
    for (const r of hi.rows) {
      for (const v of Object.values(r)) if (typeof v === 'number' && !Number.isNaN(v)) expect(Number.isFinite(v)).toBe(true);
      expect(r.surface_min_conc).toBeGreaterThanOrEqual(-1e-6);
    }
    // Sand: the surface runs out of Li⁺, not before t_S (the reservoir 44 µm away delays it), and the
    // set current cannot be carried once it has: the voltage reaches the limit soon after
    expect(depleted).toBeDefined();
    expect(depleted!.time_s).toBeGreaterThan(0.9 * tS);
    expect(depleted!.time_s).toBeLessThan(1.5 * tS);
    expect(hi.reason).toBe('potential_limit');
    expect(last.time_s).toBeGreaterThan(depleted!.time_s);
    expect(last.time_s).toBeLessThan(1.5 * tS);
    // the last state is the step that reached the limit: the deposit is still a metal in [0, 1], none of it
    // out in the electrolyte, and it holds the charge that passed (within 2 % of the set current's)
    expect(hi.xiMin).toBeGreaterThanOrEqual(-1e-6);
    expect(hi.xiMax).toBeLessThanOrEqual(1 + 1e-3);
    expect(hi.ahead_um).toBeLessThan(1e-3);
    expect(last.charge_mAh_cm2 / setCharge).toBeGreaterThan(0.98);

    // compact below the limiting current: 0.3 J* for the same charge
    const charge = last.charge_mAh_cm2;
    const lo = await run({ drive: { current_density_mA_cm2: 0.3 * J_STAR }, numerics: { dt_max_s: 0.05 } }, (charge * 3600) / (0.3 * J_STAR));
    const loLast = lo.rows.at(-1)!;
    console.log(
      `0.3 J* (${(0.3 * J_STAR).toFixed(2)} mA/cm²) to ${loLast.time_s.toFixed(3)} s: ${lo.reason}, charge ${loLast.charge_mAh_cm2.toFixed(4)} mAh/cm² (2J*: ${charge.toFixed(4)}), ` +
        `surface c̃ min ${Math.min(...lo.rows.map((r) => r.surface_min_conc)).toFixed(4)}, max gain ${lo.maxGain.toFixed(3)} µm, mean gain ${lo.meanGain.toFixed(3)} µm, ratio ${lo.tipRatio.toFixed(3)}, tips ${loLast.tip_count}`,
    );
    expect(lo.nonFinite).toBe(0);
    expect(lo.reason).toBe('time');
    expect(Math.abs(loLast.charge_mAh_cm2 / charge - 1)).toBeLessThan(0.01);
    expect(lo.tipRatio).toBeLessThanOrEqual(1.5);
  }, 400_000);
});

// A long physics run: on the CPU in every tier; its GPU repeat (49 s on lavapipe) in the full tier, where the
// kernels it uses are already covered by tests/gpu-vs-cpu.test.ts's short comparisons (vitest.config.ts).
describe.runIf(BACKENDS.includes('gpu') && process.env.DENDRITE_TIER === 'full')('sand-dendrites at 2J* on the GPU', () => {
  it('the same run on the GPU: finite, c̃ ≥ −1e-6, stops at the potential limit within 2 % of the CPU run\'s time and charge', async () => {
    const [cpu, gpu] = [await hiCpu(), await run({}, 3 * tS, 'gpu')];
    const [c, g] = [cpu.rows.at(-1)!, gpu.rows.at(-1)!];
    console.log(
      `2J* on the GPU: ${gpu.reason} at ${(g.time_s / tS).toFixed(3)} t_S after ${g.step} steps (CPU ${(c.time_s / tS).toFixed(3)} t_S, ${c.step} steps); ` +
        `c̃ min ${gpu.cMin.toExponential(2)} (CPU ${cpu.cMin.toExponential(2)}); charge ${g.charge_mAh_cm2.toFixed(5)} (CPU ${c.charge_mAh_cm2.toFixed(5)}) mAh/cm²; ` +
        `max gain ${gpu.maxGain.toFixed(3)} µm (CPU ${cpu.maxGain.toFixed(3)}), ξ in [${gpu.xiMin.toExponential(2)}, ${gpu.xiMax.toFixed(4)}]`,
    );
    expect(gpu.nonFinite).toBe(0);
    expect(gpu.cMin).toBeGreaterThanOrEqual(-1e-6);
    for (const r of gpu.rows) expect(r.surface_min_conc).toBeGreaterThanOrEqual(-1e-6);
    expect(gpu.reason).toBe('potential_limit');
    expect(Math.abs(g.time_s / c.time_s - 1)).toBeLessThan(0.02);
    expect(Math.abs(g.charge_mAh_cm2 / c.charge_mAh_cm2 - 1)).toBeLessThan(0.02);
    expect(gpu.xiMax).toBeLessThanOrEqual(1 + 1e-3);
    expect(gpu.ahead_um).toBeLessThan(1e-3);
  }, 900_000);
});
