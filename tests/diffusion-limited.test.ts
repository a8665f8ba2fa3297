// The `diffusion-limited-dendrites` preset (slow tier): a Li film held at −0.8 V, more than the binary salt
// can supply. Once the surface has depleted, the current is the limiting current of the gap between the
// front and the reservoir, J*(H) = F D c0/((1 − t₊) H) (000:L99), and growth is diffusion-limited: the
// front is Mullins–Sekerka unstable at every wavelength capillarity allows and breaks into fingers.
// Below the limiting current (galvanostatic 0.3 J*) the same film grows compact to the same charge.
// CPU backend (the kernels are compared with the GPU in tests/gpu-vs-cpu.test.ts); each run prints its figures.
import { describe, expect, it } from 'vitest';
import { resolveScenario, num } from '../src/model/scenario.ts';
import { FARADAY } from '../src/model/constants.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

const PRESET = 'diffusion-limited-dendrites';

async function run(over: Record<string, Record<string, number | string>>) {
  const sim = await createSimulation(resolveScenario({ preset: PRESET, ...over }), { backend: 'cpu' });
  try {
    const { reason } = await sim.run();
    const last = sim.rows.at(-1)!;
    const maxGain = last.deposit_max_height_um - sim.initialMetrics.maxHeight_um;
    const meanGain = last.deposit_mean_height_um - sim.initialMetrics.meanHeight_um;
    return { reason, rows: sim.rows as MetricsRow[], cMin: sim.metrics.cMin, nonFinite: sim.metrics.nonFinite, maxGain, meanGain, tipRatio: maxGain / meanGain, scenario: sim.scenario };
  } finally {
    sim.destroy();
  }
}

describe(`${PRESET} preset (thin_interface, binary closure), CPU`, () => {
  it('past depletion the current is the limiting current of the shrinking gap and the front breaks into fingers; at 0.3 J* the same charge plates compact', async () => {
    const hi = await run({});
    const s = hi.scenario;
    const D = num(s, 'electrolyte.diffusivity_m2_s');
    const c0 = num(s, 'electrolyte.concentration_mol_L') * 1000;
    const tp = num(s, 'electrolyte.transference_number');
    const top_um = num(s, 'grid.ny') * num(s, 'grid.dx_um');
    /** limiting current [mA/cm²] between a planar front at height y [µm] and the reservoir */
    const jStar = (y_um: number) => (FARADAY * D * c0) / ((1 - tp) * (top_um - y_um) * 1e-6) / 10;
    const last = hi.rows.at(-1)!;
    const later = hi.rows.filter((r) => r.time_s >= 5);
    const ratios = later.map((r) => r.current_density_mA_cm2 / jStar(r.deposit_mean_height_um));
    console.log(
      `${PRESET}: ${hi.reason} at ${last.time_s.toFixed(1)} s after ${last.step} steps; c̃ min ${hi.cMin.toExponential(2)}; surface c̃ min after 5 s ≤ ${Math.max(...later.map((r) => r.surface_min_conc)).toFixed(4)}; ` +
        `current / J*(mean height) after 5 s ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)}; max gain ${hi.maxGain.toFixed(2)} µm, mean gain ${hi.meanGain.toFixed(2)} µm, ratio ${hi.tipRatio.toFixed(3)}, ` +
        `tips ${last.tip_count}, porosity ${last.deposit_porosity.toFixed(3)}, fractal dimension ${last.interface_fractal_dimension.toFixed(3)}, charge ${last.charge_mAh_cm2.toFixed(4)} mAh/cm²`,
    );
    expect(hi.reason).toBe('time');
    expect(hi.nonFinite).toBe(0);
    expect(hi.cMin).toBeGreaterThanOrEqual(-1e-6);
    // diffusion-limited: the surface stays depleted and the current is at least the planar limiting current
    // of the gap that is left (fingers reaching out draw more)
    for (const r of later) expect(r.surface_min_conc).toBeLessThan(0.05);
    for (const q of ratios) expect(q).toBeGreaterThan(0.95);
    // fingers: the highest point gains more than 1.5× the mean, with porosity behind it
    expect(hi.tipRatio).toBeGreaterThan(1.5);
    expect(last.tip_count).toBeGreaterThanOrEqual(3);
    expect(last.deposit_porosity).toBeGreaterThan(0.3);

    // the same charge below the limiting current of the initial gap: compact
    const J = 0.3 * jStar(num(s, 'initial.li_thickness_um'));
    const until = (last.charge_mAh_cm2 * 3600) / J;
    const lo = await run({ drive: { mode: 'galvanostatic', current_density_mA_cm2: J }, run: { until_s: until } });
    const loLast = lo.rows.at(-1)!;
    console.log(
      `0.3 J* (${J.toFixed(1)} mA/cm²) to ${until.toFixed(0)} s: ${lo.reason} after ${loLast.step} steps, charge ${loLast.charge_mAh_cm2.toFixed(4)} mAh/cm², surface c̃ min ${Math.min(...lo.rows.map((r) => r.surface_min_conc)).toFixed(3)}, ` +
        `max gain ${lo.maxGain.toFixed(2)} µm, mean gain ${lo.meanGain.toFixed(2)} µm, ratio ${lo.tipRatio.toFixed(3)}, tips ${loLast.tip_count}, porosity ${loLast.deposit_porosity.toFixed(3)}`,
    );
    expect(lo.nonFinite).toBe(0);
    expect(Math.abs(loLast.charge_mAh_cm2 / last.charge_mAh_cm2 - 1)).toBeLessThan(0.01);
    expect(lo.tipRatio).toBeLessThan(1.2);
  }, 1_800_000);
});
