// Checkpoint / restore: a run continued from a checkpoint ends where the uninterrupted run ends.
import { describe, expect, it } from 'vitest';
import { BACKENDS, scenario } from './support/scenarios.ts';
import { createSimulation, type Simulation } from '../src/sim/simulation.ts';
import { ScenarioError, type Scenario } from '../src/model/scenario.ts';
import type { BackendName, Checkpoint, MetricsRow } from '../src/sim/types.ts';
import { stateSlot } from '../src/model/layout.ts';

const N = 20; // steps before the checkpoint, and after it
const K = 10;

function small(noise = 0): Scenario {
  return scenario({
    grid: { nx: 32, ny: 32, dx_um: 0.5 },
    drive: { mode: 'galvanostatic', current_density_mA_cm2: 5 },
    phase: { anisotropy_strength: 0.05, noise_amplitude_per_sqrt_s: noise },
    initial: { li_thickness_um: 3, nuclei_count: 2, nucleus_radius_um: 2 },
    numerics: { dt_initial_s: 2e-3 },
    run: { metrics_every_steps: K, until_s: 1e3 },
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

function rowDiff(a: MetricsRow, b: MetricsRow): number {
  let m = 0;
  for (const key of Object.keys(a) as (keyof MetricsRow)[]) {
    if (Number.isNaN(a[key]) && Number.isNaN(b[key])) continue; // e.g. no islands: no spacing CV in either run
    m = Math.max(m, Math.abs(a[key] - b[key]) / Math.max(1e-30, Math.abs(a[key])));
  }
  return m;
}

async function compare(backend: BackendName, s: Scenario, label: string): Promise<{ fields: number; rows: number; openSites: number }> {
  const a = await createSimulation(s, { backend });
  await a.run({ maxSteps: 2 * N });
  const b = await createSimulation(s, { backend });
  await b.run({ maxSteps: N });
  // a structured clone is what a worker or IndexedDB would hand back
  const cp = structuredClone(await b.checkpoint());
  b.destroy();
  const openSites = Array.from(cp.solver.nucSite).filter((v) => v > 0).length;
  const c = await createSimulation(s, { backend, restore: cp });
  expect(c.steps).toBe(N);
  await c.run({ maxSteps: 2 * N });
  const [fa, fc] = await Promise.all([a.readFields(), c.readFields()]);
  const fields = Math.max(maxAbsDiff(fa.xi, fc.xi), maxAbsDiff(fa.c, fc.c), maxAbsDiff(fa.phi_V, fc.phi_V));
  expect(c.steps).toBe(2 * N);
  expect(c.rows.length).toBe(a.rows.length);
  const rows = Math.max(...a.rows.map((r, k) => rowDiff(r, c.rows[k])));
  console.log(`[${backend}] ${label}: restored run vs uninterrupted after ${2 * N} steps: max |Δfield| ${fields.toExponential(2)}, max relative Δ over all metrics rows ${rows.toExponential(2)}`);
  a.destroy();
  c.destroy();
  return { fields, rows, openSites };
}

describe.each(BACKENDS)('checkpoint on %s', (backend) => {
  it('a run restored from a checkpoint ends as the uninterrupted run (bit for bit)', async () => {
    const { fields, rows } = await compare(backend, small(), 'no noise');
    // CPU: the same f64 operations in the same order. GPU: ξ, c̃, φ̃ and the state words are all the
    // solver carries from one step to the next (the c̃ warm start mgC.u equals c̃ after a step), so
    // the same kernels run on the same bits.
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('noise continues identically (its hash uses the restored step counter)', async () => {
    const { fields, rows } = await compare(backend, small(0.05), 'noise 0.05/√s');
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('chen2015 transport, potentiostatic (φ reference and Slotboom warm start) restores bit for bit', async () => {
    const s = small();
    s.electrolyte.transport = 'chen2015';
    s.drive.mode = 'potentiostatic';
    s.drive.overpotential_V = -0.1;
    const { fields, rows } = await compare(backend, s, 'chen2015 potentiostatic');
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('bare Cu with nuclei still filling their sites restores bit for bit (open sites are in the checkpoint)', async () => {
    const s = scenario({
      grid: { nx: 32, ny: 32, dx_um: 0.1 },
      phase: { interface_width_um: 0.1 },
      substrate: { kind: 'cu' },
      drive: { mode: 'galvanostatic', current_density_mA_cm2: 4 },
      run: { metrics_every_steps: K, until_s: 1e3 },
    });
    const { fields, rows, openSites } = await compare(backend, s, 'bare Cu, nucleation');
    expect(openSites).toBeGreaterThan(0); // the checkpoint falls while sites are open
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('a checkpoint asked for during a run is taken at a batch boundary and matches the host state', async () => {
    const s = small();
    const a = await createSimulation(s, { backend });
    let mid: Promise<Checkpoint> | undefined;
    a.addWriter({ onMetrics: (row) => void (row.step === K && (mid = a.checkpoint())) });
    await a.run({ maxSteps: 3 * K });
    const cp = await mid!;
    expect(cp.host.steps).toBe(cp.host.rows.at(-1)!.step);
    // the fields are those of the step the host had reached, not of the batch queued behind it
    const b = await createSimulation(s, { backend });
    await b.run({ maxSteps: cp.host.steps });
    const ref = await b.checkpoint();
    expect(maxAbsDiff(cp.xi, ref.xi)).toBe(0);
    expect(maxAbsDiff(cp.c, ref.c)).toBe(0);
    // the solver's scalar state too, except the stop time (b stopped on its step count)
    const words = (c: Checkpoint) => {
      if (c.solver.kind === 'cpu') return [c.solver.state.t, c.solver.state.dt, c.solver.state.step, c.solver.state.phiS];
      const w = Array.from(c.solver.state);
      w[stateSlot('tEnd')] = 0;
      return w;
    };
    expect(words(cp)).toEqual(words(ref));
    a.destroy();
    b.destroy();
  });

  it('a finished run continues to a later run.until_s after a restore', async () => {
    const s = small();
    s.run.until_s = 0.05;
    const a = await createSimulation(s, { backend });
    const r1 = await a.run();
    expect(r1.reason).toBe('time');
    const cp = await a.checkpoint();
    a.destroy();
    const later = structuredClone(s);
    later.run.until_s = 0.08;
    const c = await createSimulation(later, { backend, restore: cp });
    const r2 = await c.run();
    expect(r2.reason).toBe('time');
    expect(c.time_s).toBeGreaterThan(0.08 * (1 - 1e-6));
    expect(c.time_s).toBeLessThan(0.08 * (1 + 1e-6));
    c.destroy();
  });
});

describe('restore refuses what it cannot continue', () => {
  const other = (b: BackendName): BackendName => (b === 'cpu' ? 'gpu' : 'cpu');
  it.each(BACKENDS)('%s checkpoint: another backend, another grid or another scale throws', async (backend) => {
    const s = small();
    const sim = await createSimulation(s, { backend });
    await sim.run({ maxSteps: 1 });
    const cp = await sim.checkpoint();
    sim.destroy();
    await expect(createSimulation(s, { backend: other(backend), restore: cp })).rejects.toThrow(/taken on the .* backend and cannot be restored/);
    const wider = scenario({ ...s, grid: { ...s.grid, nx: 64 } });
    const err = await createSimulation(wider, { backend, restore: cp }).catch((e) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).key).toBe('grid.nx');
    expect((err as Error).message).toMatch(/grid\.nx = 64 is not allowed: 32, the grid of the checkpoint/);
    const warmer = scenario({ ...s, electrolyte: { ...s.electrolyte, temperature_K: 320 } });
    await expect(createSimulation(warmer, { backend, restore: cp })).rejects.toThrow(/electrolyte\.temperature_K = 320 is not allowed/);
    // a live key may differ: the restored run takes the new value
    const faster = scenario({ ...s, drive: { ...s.drive, current_density_mA_cm2: 3 } });
    const ok: Simulation = await createSimulation(faster, { backend, restore: cp });
    ok.destroy();
  });
});
