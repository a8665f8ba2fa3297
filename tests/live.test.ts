// Live parameter changes (Simulation.updateScenario), and what the app reads from a running
// simulation: probe() and, on the GPU, gpuView()'s face conductances.
import { describe, expect, it } from 'vitest';
import { BACKENDS, column } from './support/scenarios.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { LIVE_KEYS, RESTART_KEYS, changedKeys, restartKeys } from '../src/sim/live.ts';
import { SCENARIO_KEYS } from '../src/model/schema.ts';
import { ScenarioError, type Scenario } from '../src/model/scenario.ts';
import { inverseThermalVoltage } from '../src/model/constants.ts';
import type { MetricsRow } from '../src/sim/types.ts';
import { readGpuBuffer } from '../src/gpu/solver.ts';

const K = 10;
const f = inverseThermalVoltage(300);
const butlerVolmer_mA_cm2 = (eta_V: number, i0 = 1, alpha = 0.5) => i0 * (Math.exp((1 - alpha) * f * eta_V) - Math.exp(-alpha * f * eta_V));

function edit(s: Scenario, section: string, key: string, value: number | string | boolean): Scenario {
  const next = structuredClone(s);
  next[section][key] = value;
  return next;
}

const maxCurrentError = (rows: MetricsRow[], target: number) => Math.max(...rows.map((r) => Math.abs(r.current_density_mA_cm2 / target - 1)));

describe('which keys are live (src/sim/live.ts)', () => {
  it('every scenario key is either live or needs a restart, and restartKeys reports only the latter', () => {
    for (const { key } of SCENARIO_KEYS) expect(LIVE_KEYS.includes(key) !== RESTART_KEYS.has(key), key).toBe(true);
    for (const key of RESTART_KEYS.keys()) expect(SCENARIO_KEYS.some((k) => k.key === key), key).toBe(true);
    const a = column();
    let b = edit(a, 'drive', 'current_density_mA_cm2', 3);
    b = edit(b, 'electrolyte', 'temperature_K', 320);
    b = edit(b, 'grid', 'nx', 16);
    expect(changedKeys(a, b)).toEqual(['grid.nx', 'drive.current_density_mA_cm2', 'electrolyte.temperature_K']);
    expect(restartKeys(a, b)).toEqual(['grid.nx', 'electrolyte.temperature_K']);
    expect(restartKeys(a, edit(a, 'numerics', 'mg_cycles', 4))).toEqual([]);
    // geometry is built once per run: a seed or host change must not be taken live and ignored
    expect(restartKeys(a, edit(a, 'seeding', 'material', 'au'))).toEqual(['seeding.material']);
    expect(restartKeys(a, edit(a, 'host', 'kind', 'fibres'))).toEqual(['host.kind']);
    expect(restartKeys(a, edit(a, 'surface', 'contact_angle_deg', 60))).toEqual(['surface.contact_angle_deg']);
  });
});

describe.each(BACKENDS)('live changes on %s', (backend) => {
  it('galvanostatic 1 → 3 mA/cm² between runs and during a run: the following rows hold 3 mA/cm²', async () => {
    // no double layer: with one, a current step reaches the Faradaic current after C_dl·Δη/Δi (physics
    // the live plumbing tested here does not need)
    // no stop time within the 110 steps (the thin interface's steps reach the default run.until_s before)
    const s = column({ drive: { mode: 'galvanostatic', current_density_mA_cm2: 1 }, kinetics: { double_layer_capacitance_uF_cm2: 0 }, run: { metrics_every_steps: K, until_s: 1e6 } });
    const sim = await createSimulation(s, { backend });
    await sim.run({ maxSteps: 3 * K });
    sim.updateScenario(edit(s, 'drive', 'current_density_mA_cm2', 3));
    await sim.run({ maxSteps: 6 * K });
    const before = maxCurrentError(sim.rows.slice(0, 3), 1);
    const after = maxCurrentError(sim.rows.slice(3), 3);
    // during a run: the change reaches the solver with the next submitted batch; one batch is
    // already queued behind the row being reported, so the row after next is the first at 5 mA/cm²
    sim.addWriter({ onMetrics: (row) => void (row.step === 7 * K && sim.updateScenario(edit(s, 'drive', 'current_density_mA_cm2', 5))) });
    await sim.run({ maxSteps: 11 * K });
    const live = maxCurrentError(sim.rows.filter((r) => r.step > 8 * K), 5);
    console.log(`[${backend}] live current: relative error ${before.toExponential(2)} at 1 mA/cm², ${after.toExponential(2)} after the change to 3, ${live.toExponential(2)} after a change to 5 during the run`);
    for (const e of [before, after, live]) expect(e).toBeLessThan(1e-3);
    expect(sim.scenario.drive.current_density_mA_cm2).toBe(5);
    sim.destroy();
  });

  it('potentiostatic overpotential change: applied at the next step, the current follows Butler–Volmer', async () => {
    const s = column({
      drive: { mode: 'potentiostatic', overpotential_V: -0.02 },
      electrolyte: { conductivity_S_m: 1000, diffusivity_m2_s: 1e-6 },
      run: { metrics_every_steps: K },
    });
    const sim = await createSimulation(s, { backend });
    await sim.run({ until_s: 0.5 });
    const at20 = sim.rows.at(-1)!;
    const n = sim.rows.length;
    sim.updateScenario(edit(s, 'drive', 'overpotential_V', -0.06));
    await sim.run({ until_s: 1 });
    const next = sim.rows.slice(n);
    for (const r of next) expect(r.applied_potential_V).toBeCloseTo(-0.06, 6);
    const at60 = next.at(-1)!;
    const err20 = at20.current_density_mA_cm2 / -butlerVolmer_mA_cm2(-0.02) - 1;
    const err60 = at60.current_density_mA_cm2 / -butlerVolmer_mA_cm2(-0.06) - 1;
    console.log(`[${backend}] live overpotential: ${at20.current_density_mA_cm2.toFixed(4)} mA/cm² at −20 mV (BV ${(err20 * 100).toFixed(2)} %), ${at60.current_density_mA_cm2.toFixed(4)} at −60 mV (${(err60 * 100).toFixed(2)} %)`);
    expect(Math.abs(err20)).toBeLessThan(0.02);
    expect(Math.abs(err60)).toBeLessThan(0.02);
    sim.destroy();
  });

  it('drive mode switches both ways; run.until_s changed during a run moves the stop', async () => {
    const s = column({ drive: { mode: 'potentiostatic', overpotential_V: -0.03, current_density_mA_cm2: 2 }, kinetics: { double_layer_capacitance_uF_cm2: 0 }, run: { metrics_every_steps: K } });
    const sim = await createSimulation(s, { backend });
    await sim.run({ maxSteps: 2 * K });
    const galv = edit(s, 'drive', 'mode', 'galvanostatic');
    sim.updateScenario(galv);
    await sim.run({ maxSteps: 4 * K });
    expect(maxCurrentError(sim.rows.slice(2), 2)).toBeLessThan(1e-3);
    sim.updateScenario(edit(galv, 'drive', 'mode', 'potentiostatic'));
    await sim.run({ maxSteps: 5 * K });
    expect(sim.rows.at(-1)!.applied_potential_V).toBeCloseTo(-0.03, 6);
    // the stop time is read again when the scenario changes during a run: later, then earlier
    let current = s;
    let target = 0;
    let changed = false;
    const change = (until: number) => {
      changed = true;
      target = until;
      sim.updateScenario((current = edit(current, 'run', 'until_s', until)));
    };
    sim.addWriter({ onMetrics: (row) => void (!changed && change(target > 0 ? target : row.time_s + 0.1)) });
    for (const span of [0.3, 1]) {
      const t0 = sim.time_s;
      changed = false;
      target = span === 0.3 ? t0 + 0.4 : 0;
      sim.updateScenario((current = edit(current, 'run', 'until_s', t0 + span)));
      const r = await sim.run();
      expect(changed).toBe(true);
      expect(r.reason).toBe('time');
      console.log(`[${backend}] run.until_s ${t0 + span} changed during the run to ${target}: stopped at ${sim.time_s}`);
      expect(Math.abs(sim.time_s / target - 1)).toBeLessThan(1e-6);
    }
    sim.destroy();
  });

  it('a key that sets a scale or the grid throws a ScenarioError naming it, and changes nothing', async () => {
    const s = column({ kinetics: { double_layer_capacitance_uF_cm2: 0 }, run: { metrics_every_steps: K } });
    const sim = await createSimulation(s, { backend });
    await sim.run({ maxSteps: K });
    const wider = edit(s, 'grid', 'nx', 16);
    wider.drive.current_density_mA_cm2 = 4;
    let err: unknown;
    try {
      sim.updateScenario(wider);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).key).toBe('grid.nx');
    expect((err as Error).message).toMatch(/^grid\.nx = 16 is not allowed: 8 while the simulation runs; another value needs a restart, because it sets the grid/);
    expect(() => sim.updateScenario(edit(s, 'electrolyte', 'concentration_mol_L', 2))).toThrow(/electrolyte\.concentration_mol_L = 2 is not allowed: .*concentration scale c0/);
    expect(sim.scenario.drive.current_density_mA_cm2).toBe(1);
    await sim.run({ maxSteps: 2 * K });
    expect(maxCurrentError(sim.rows, 1)).toBeLessThan(1e-3);
    sim.destroy();
  });

  it('probe(i, j) reads one cell as readFields does; gpuView is undefined on the CPU', async () => {
    const s = column({ grid: { nx: 16, ny: 32, dx_um: 0.5 }, drive: { current_density_mA_cm2: 5 }, initial: { li_thickness_um: 4 }, run: { metrics_every_steps: K } });
    const sim = await createSimulation(s, { backend });
    await sim.run({ maxSteps: 2 * K });
    const fields = await sim.readFields();
    const cells: [number, number][] = [[0, 0], [3, 7], [15, 31], [5, 8]];
    for (const [i, j] of cells) {
      const p = await sim.probe(i, j);
      const k = j * 16 + i;
      expect([p.i, p.j]).toEqual([i, j]);
      expect(p.xi).toBe(fields.xi[k]);
      expect(p.c).toBe(fields.c[k]);
      expect(p.phi_V).toBe(fields.phi_V[k]);
    }
    if (backend === 'gpu') {
      // at most one probe in flight: a second call returns the first one's promise
      const a = sim.probe(1, 1);
      const b = sim.probe(2, 2);
      expect(b).toBe(a);
      expect((await b).i).toBe(1);
      expect((await sim.probe(2, 2)).i).toBe(2);
    } else {
      expect(sim.gpuView()).toBeUndefined();
    }
    await expect(sim.probe(16, 0)).rejects.toThrow(RangeError);
    sim.destroy();
  });
});

describe.skipIf(!BACKENDS.includes('gpu'))('gpuView on the GPU', () => {
  it('sigmaX/sigmaY are σ/σ_l0 on the west/south faces; −i_y at the reservoir face is the plating current', async () => {
    // the literature front: the reference below is its face conductance, the harmonic mean of
    // max(1 − h(ξ), floor)·max(c̃, floor) (on the thin interface the faces differ from it by 6.9e-2 here),
    // and its φ̃ transient is what the comment below describes
    const s = column({ phase: { model: 'literature' }, grid: { nx: 16, ny: 32, dx_um: 0.5 }, drive: { current_density_mA_cm2: 5 }, initial: { li_thickness_um: 4, nuclei_count: 1, nucleus_radius_um: 2 }, run: { metrics_every_steps: K } });
    const sim = await createSimulation(s, { backend: 'gpu' });
    const view0 = sim.gpuView()!;
    // after the start-up transient of the nucleus: the φ̃ solve's source is R linearised about φ̃ⁿ,
    // R + G(φ̃ − φ̃ⁿ), so while φ̃ still moves the reservoir current differs from Σ R (1 % at step 30,
    // 0.06 % at step 100 here, whatever the number of multigrid cycles)
    await sim.run({ maxSteps: 10 * K });
    const view = sim.gpuView()!;
    expect(view.sigmaX).toBe(view0.sigmaX);
    const { nx, ny } = view;
    const read = (buf: GPUBuffer, floats: number) => readGpuBuffer(view.device, buf, floats);
    const [xi, c, phi, ax, ay] = await Promise.all([read(view.xi, nx * ny), read(view.c, nx * ny), read(view.phi, nx * ny), read(view.sigmaX, nx * ny), read(view.sigmaY, nx * (ny + 1))]);
    // σ̃ = max(1 − h(ξ), sigma_floor)·max(c̃, conc_floor) (binary), harmonic mean at the face
    const h = (x: number) => {
      const y = Math.min(Math.max(x, 0), 1);
      return y * y * y * (y * (6 * y - 15) + 10);
    };
    const sig = (k: number) => Math.max(1 - h(xi[k]), 1e-2) * Math.max(c[k], 1e-3);
    const harm = (a: number, b: number) => (2 * a * b) / (a + b);
    let worst = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const west = j * nx + ((i + nx - 1) % nx);
        worst = Math.max(worst, Math.abs(ax[k] - harm(sig(west), sig(k))) / sig(k));
        if (j > 0) worst = Math.max(worst, Math.abs(ay[k] - harm(sig(k - nx), sig(k))) / sig(k));
        else expect(ay[k]).toBe(0); // collector: no ionic flux (binary)
      }
    }
    for (let i = 0; i < nx; i++) worst = Math.max(worst, Math.abs(ay[ny * nx + i] - sig((ny - 1) * nx + i)) / sig((ny - 1) * nx + i));
    // current through the reservoir face: i_y = −S·2·σ̃·(0 − φ̃_top), plating current = −mean i_y
    let iy = 0;
    for (let i = 0; i < nx; i++) iy += -view.currentScale_mA_cm2 * 2 * ay[ny * nx + i] * (0 - phi[(ny - 1) * nx + i]);
    const plating = -iy / nx;
    const expected = sim.rows.at(-1)!.current_density_mA_cm2;
    console.log(`[gpu] gpuView: face conductances match σ̃ to ${worst.toExponential(2)}; reservoir-face current ${plating.toFixed(4)} mA/cm² vs plating ${expected.toFixed(4)} (${((plating / expected - 1) * 100).toFixed(3)} %), S = ${view.currentScale_mA_cm2.toFixed(1)} mA/cm²`);
    expect(worst).toBeLessThan(1e-4); // f32 on the GPU
    expect(Math.abs(plating / expected - 1)).toBeLessThan(0.005);
    expect(view.currentScale_mA_cm2).toBeCloseTo((1.19 / (f * 0.5e-6)) / 10, 6);
    sim.destroy();
  });
});
