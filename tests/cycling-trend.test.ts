// Li‖Cu on bare Cu at 0.5 and 3 mA/cm² to the same capacity, on the CPU backend. The
// Coulombic-efficiency loss of the first cycle must be the Li left on the collector, dead (cut off, no
// current) or still connected; the trend between the currents is printed, not asserted: the issue asks for it
// to be reported as the model gives it (docs/explanation/cycling.md has the figures).

import { describe, expect, it } from 'vitest';
import { presetScenario, resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';

const small = (I: number) =>
  resolveScenario({
    ...presetScenario('li-cu-bare'),
    grid: { nx: 64, ny: 64, dx_um: 0.25 },
    cycling: { ...presetScenario('li-cu-bare').cycling, plate_current_mA_cm2: I, strip_current_mA_cm2: I, plate_capacity_mAh_cm2: 0.3, cycles: 1 },
  });

describe('Li‖Cu on bare Cu (64 × 64 cells of 0.25 µm, 0.3 mAh/cm², one cycle)', () => {
  const results: Record<string, { ce: number; deadPct: number }> = {};
  it.each([0.5, 3])('at %s mA/cm²: the CE loss is the Li left behind, dead or connected', async (I) => {
    const sim = await createSimulation(small(I), { backend: 'cpu' });
    const r = await sim.run();
    expect(r.reason).toBe('cycles');
    const c = sim.cycles[0];
    const lost = c.plated_mAh_cm2 - c.stripped_mAh_cm2;
    console.log(`[Li‖Cu ${I} mA/cm²] CE ${(100 * c.coulombic_efficiency).toFixed(2)} %, dead Li ${c.dead_li_mAh_cm2.toFixed(4)} mAh/cm² (${c.dead_li_pct_of_plated.toFixed(2)} % of plated) in ${c.dead_li_islands} islands, residual ${c.residual_li_mAh_cm2.toFixed(4)}, strip end ${c.strip_end_V.toFixed(3)} V`);
    expect(c.strip_end_V).toBeGreaterThan(0.99);
    // to 1 % of the plated charge: Li below the labelling's 1e-3 cut, or in a haze attached to no metal, is in neither
    expect(Math.abs(lost - c.dead_li_mAh_cm2 - c.residual_li_mAh_cm2)).toBeLessThan(1e-2 * c.plated_mAh_cm2);
    results[String(I)] = { ce: c.coulombic_efficiency, deadPct: c.dead_li_pct_of_plated };
    sim.destroy();
  });
  it('prints the trend', () => {
    const [lo, hi] = [results['0.5'], results['3']];
    if (!lo || !hi) return;
    console.log(`[Li‖Cu trend] 0.5 → 3 mA/cm²: CE ${(100 * lo.ce).toFixed(2)} → ${(100 * hi.ce).toFixed(2)} %, dead Li ${lo.deadPct.toFixed(2)} → ${hi.deadPct.toFixed(2)} % of plated`);
  });
});
