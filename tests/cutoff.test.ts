// Galvanostatic voltage cutoff: when the current cannot be supplied within drive.potential_limit_V,
// the run stops (reason potential_limit) instead of running on at the clamped potential, where the
// surface concentration goes negative and the current runs away.

import { describe, expect, it } from 'vitest';
import { column, BACKENDS } from './support/scenarios.ts';
import { createSimulation } from '../src/sim/simulation.ts';

describe.each(BACKENDS)('%s: galvanostatic voltage cutoff', (backend) => {
  const s = (limit: number) =>
    column({
      // the literature front: its galvanostatic step holds the set current exactly, which the control below
      // checks to 5e-5; the thin interface repays the implicit sink's shortfall in the next step (≤ 1 % per
      // step), and its stop at the limit is tested on the sand-dendrites preset (tests/sand-dendrites.test.ts)
      phase: { model: 'literature' },
      drive: { mode: 'galvanostatic', current_density_mA_cm2: 1000, potential_limit_V: limit },
      run: { until_s: 0.05, metrics_every_steps: 10 },
    });

  it('stops with reason potential_limit when the target current needs more than the limit', async () => {
    const sim = await createSimulation(s(0.5), { backend });
    const r = await sim.run();
    const last = sim.rows[sim.rows.length - 1];
    console.log(`[${backend}] cutoff: reason ${r.reason} at step ${r.steps}, t = ${r.time_s.toPrecision(3)} s, E = ${last.applied_potential_V} V, i = ${last.current_density_mA_cm2.toPrecision(4)} mA/cm²`);
    expect(r.reason).toBe('potential_limit');
    expect(r.events.some((e) => e.kind === 'potential_limit')).toBe(true);
    expect(Math.abs(last.applied_potential_V)).toBeCloseTo(0.5, 5);
    expect(last.current_density_mA_cm2).toBeLessThan(1000);
    expect(r.time_s).toBeLessThan(0.05);
    sim.destroy();
  });

  it('control: with room below the limit the same run holds the current to the stop time', async () => {
    const sim = await createSimulation(s(1.5), { backend });
    const r = await sim.run();
    expect(r.reason).toBe('time');
    expect(sim.rows[sim.rows.length - 1].current_density_mA_cm2).toBeCloseTo(1000, 1);
    sim.destroy();
  });
});

describe.each(BACKENDS)('%s: charge target', (backend) => {
  it('a galvanostatic run with run.charge_mAh_cm2 stops with reason charge at J·t = Q, double layer on', async () => {
    const s = column({ drive: { mode: 'galvanostatic', current_density_mA_cm2: 5 }, run: { charge_mAh_cm2: 1e-4, until_s: 1e3, metrics_every_steps: 10 } });
    expect(s.kinetics.double_layer_capacitance_uF_cm2).toBeGreaterThan(0);
    const sim = await createSimulation(s, { backend });
    const r = await sim.run();
    console.log(`[${backend}] charge target 1e-4 mAh/cm²: reason ${r.reason} at t = ${r.time_s} s (Q/J = 0.072 s), Faradaic charge ${sim.charge_mAh_cm2.toPrecision(6)} mAh/cm²`);
    expect(r.reason).toBe('charge');
    expect(r.time_s).toBeCloseTo(0.072, 5);
    sim.destroy();
  });
});
