// Checkpoint / restore: a run continued from a checkpoint ends where the uninterrupted run ends.
import { describe, expect, it } from 'vitest';
import { BACKENDS, LITERATURE_FRONT, column, scenario } from './support/scenarios.ts';
import { createSimulation, type Simulation } from '../src/sim/simulation.ts';
import { resolveScenario, ScenarioError, type Scenario } from '../src/model/scenario.ts';
import { NonFiniteError, type BackendName, type Checkpoint, type MetricsRow } from '../src/sim/types.ts';
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

/**
 * A brittle native-carbonate film (the brittle case of tests/mechanics.test.ts: uniform, 10 GPa,
 * G_c = 0.2 J/m², τ = 5 s, Li foil with four seed bumps, 3 mA/cm²) on 64²: it stretches from the
 * first steps and cracks from step ≈ 45 on (90 cracked cells at step 50, 278 at 60, 545 at 80). A fixture:
 * the literature-mode Allen–Cahn front the preset used before it moved to the thin interface (Lσ = 1e-8),
 * which cracks the film within the steps restored here; thin_interface restores are tested below.
 */
function brittleSei(): Scenario {
  return resolveScenario({
    preset: 'native-sei',
    phase: LITERATURE_FRONT,
    grid: { nx: 64, ny: 64, dx_um: 0.5 },
    initial: { nuclei_count: 4, nucleus_radius_um: 1.5 },
    sei: { kind: 'custom', heterogeneity: 0, modulus_GPa: 10, fracture_energy_J_m2: 0.2, heal_time_s: 5 },
    run: { metrics_every_steps: K },
  });
}

/** The SEI film of a checkpoint per quantity, on either backend (the GPU keeps it interleaved, 4 lanes per cell). */
function filmOf(cp: Checkpoint): Record<'strain' | 'integrity' | 'seiLi' | 'mechShift' | 'displacement', ArrayLike<number>> {
  if (cp.solver.kind === 'cpu') {
    const c = cp.solver.film;
    return { strain: c.strain, integrity: c.integrity, seiLi: c.seiLi, mechShift: c.mechShift, displacement: c.displacement };
  }
  const g = cp.solver.film;
  const lane = (l: number) => Float32Array.from({ length: g.cells.length / 4 }, (_, k) => g.cells[4 * k + l]);
  return { strain: lane(0), integrity: lane(1), seiLi: lane(3), mechShift: g.mechShift, displacement: g.displacement };
}

function rowDiff(a: MetricsRow, b: MetricsRow): number {
  let m = 0;
  for (const key of Object.keys(a) as (keyof MetricsRow)[]) {
    if (Number.isNaN(a[key]) && Number.isNaN(b[key])) continue; // e.g. no islands: no spacing CV in either run
    m = Math.max(m, Math.abs(a[key] - b[key]) / Math.max(1e-30, Math.abs(a[key])));
  }
  return m;
}

interface Compared {
  fields: number;
  rows: number;
  openSites: number;
  /** max |Δ| per film quantity between the two runs' final checkpoints (0 for empty films) */
  film: Record<string, number>;
  /** the checkpoint the restored run started from, and the uninterrupted run's end */
  cp: Checkpoint;
  a: { rows: MetricsRow[]; end: Checkpoint };
}

async function compare(backend: BackendName, s: Scenario, label: string, n = N, m = N): Promise<Compared> {
  const a = await createSimulation(s, { backend });
  await a.run({ maxSteps: n + m });
  const b = await createSimulation(s, { backend });
  await b.run({ maxSteps: n });
  // a structured clone is what a worker or IndexedDB would hand back
  const cp = structuredClone(await b.checkpoint());
  b.destroy();
  const openSites = Array.from(cp.solver.nucSite).filter((v) => v > 0).length;
  const c = await createSimulation(s, { backend, restore: cp });
  expect(c.steps).toBe(n);
  await c.run({ maxSteps: n + m });
  const [fa, fc] = await Promise.all([a.readFields(), c.readFields()]);
  const fields = Math.max(maxAbsDiff(fa.xi, fc.xi), maxAbsDiff(fa.c, fc.c), maxAbsDiff(fa.phi_V, fc.phi_V));
  expect(c.steps).toBe(n + m);
  expect(c.rows.length).toBe(a.rows.length);
  const rows = Math.max(...a.rows.map((r, k) => rowDiff(r, c.rows[k])));
  const [ea, ec] = [await a.checkpoint(), await c.checkpoint()];
  const [filmA, filmC] = [filmOf(ea), filmOf(ec)];
  const film = Object.fromEntries(Object.keys(filmA).map((q) => [q, maxAbsDiff(filmA[q as keyof typeof filmA], filmC[q as keyof typeof filmC])]));
  console.log(`[${backend}] ${label}: restored run vs uninterrupted after ${n + m} steps: max |Δfield| ${fields.toExponential(2)}, max relative Δ over all metrics rows ${rows.toExponential(2)}, film max |Δ| ${JSON.stringify(film)}`);
  a.destroy();
  c.destroy();
  return { fields, rows, openSites, film, cp, a: { rows: a.rows, end: ea } };
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

  it('thin_interface restores bit for bit (the implicit ξ step warm-starts from ξ; the charge debt is a state word)', async () => {
    const s = small(0.05);
    s.phase.model = 'thin_interface';
    const { fields, rows } = await compare(backend, s, 'thin_interface, noise 0.05/√s');
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

  it('an SEI run restores bit for bit: film strain, integrity, SEI Li, mechanical shift, elastic warm start, SEI Li and crack columns', async () => {
    // checkpoint at step 60 (278 cells cracked so far, film re-forming), 20 steps more with new cracks
    const { fields, rows, film, cp, a } = await compare(backend, brittleSei(), 'brittle native SEI', 60, 20);
    const at = filmOf(cp);
    const cracksAt = cp.host.rows.at(-1)!.sei_crack_events;
    const last = a.rows.at(-1)!;
    const end = filmOf(a.end);
    const maxOf = (v: ArrayLike<number>) => Array.from(v).reduce((x, y) => Math.max(x, y), -Infinity);
    const minOf = (v: ArrayLike<number>) => Array.from(v).reduce((x, y) => Math.min(x, y), Infinity);
    console.log(`[${backend}] SEI checkpoint at step ${cp.host.steps}: ${cracksAt} cracks, max strain ${maxOf(at.strain).toExponential(3)}, min integrity ${minOf(at.integrity).toFixed(3)}, SEI Li ${cp.host.rows.at(-1)!.sei_li_mAh_cm2.toExponential(4)} mAh/cm²; end: ${last.sei_crack_events} cracks, SEI Li ${last.sei_li_mAh_cm2.toExponential(4)} mAh/cm²`);
    // the checkpoint falls in the middle of the film's life: stretched, cracked, re-forming, bound Li
    expect(cracksAt).toBeGreaterThan(100);
    expect(maxOf(at.strain)).toBeGreaterThan(1e-3);
    expect(minOf(at.integrity)).toBeLessThan(0.5);
    expect(maxOf(at.seiLi)).toBeGreaterThan(0);
    expect(maxOf(Array.from(at.displacement, Math.abs))).toBeGreaterThan(0);
    expect(maxOf(Array.from(at.mechShift, Math.abs))).toBeGreaterThan(0);
    // and the film goes on cracking and binding Li after it
    expect(last.sei_crack_events).toBeGreaterThan(cracksAt + 100);
    expect(last.sei_li_mAh_cm2).toBeGreaterThan(2 * cp.host.rows.at(-1)!.sei_li_mAh_cm2);
    expect(maxOf(end.strain)).toBeGreaterThan(1e-3);
    // CPU: the same f64 operations on the same numbers. GPU: the film buffer, the shift (geo.w), the
    // displacement and sei = seiBase × integrity (a correctly rounded f32 product, rebuilt on the host)
    // are all the mechanics carries from one step to the next, so the same kernels run on the same bits.
    expect(film).toEqual({ strain: 0, integrity: 0, seiLi: 0, mechShift: 0, displacement: 0 });
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('a garnet run without an SEI restores bit for bit: the growth strain\'s shift and elastic warm start travel in the film slot', async () => {
    // the garnet preset on 64²: the mechanics run for the growth strain alone (sei.kind = none)
    const s = resolveScenario({ preset: 'garnet', grid: { nx: 64, ny: 64, dx_um: 0.5 } });
    const { fields, rows, film, cp } = await compare(backend, s, 'garnet growth strain', 20, 20);
    const at = filmOf(cp);
    const maxAbs = (v: ArrayLike<number>) => Array.from(v).reduce((x, y) => Math.max(x, Math.abs(y)), 0);
    expect(maxAbs(at.mechShift)).toBeGreaterThan(0);
    expect(maxAbs(at.displacement)).toBeGreaterThan(0);
    expect(film).toEqual({ strain: 0, integrity: 0, seiLi: 0, mechShift: 0, displacement: 0 });
    expect(fields).toBe(0);
    expect(rows).toBe(0);
  });

  it('how the steps are split between run() calls does not change them: 24 garnet steps in one run equal 20 + 4 in two', async () => {
    // The garnet preset's batches are 20 steps, so one run of 24 queues its second batch before the
    // first has been read back. That batch once solved the initial potential again (the backend's
    // first-batch flag was cleared only after the first batch resolved): φ then differed by 1.5e-9 V at
    // step 24 from the same steps run as 20 + 4 (metrics rows by 4.6e-3), and restores could differ.
    const s = resolveScenario({ preset: 'garnet', grid: { nx: 64, ny: 64, dx_um: 0.5 } });
    const a = await createSimulation(s, { backend });
    await a.run({ maxSteps: 24 });
    const b = await createSimulation(s, { backend });
    await b.run({ maxSteps: 20 });
    await b.run({ maxSteps: 24 });
    const [fa, fb] = await Promise.all([a.readFields(), b.readFields()]);
    const phi = maxAbsDiff(fa.phi_V, fb.phi_V);
    const rows = Math.max(...a.rows.map((r, k) => rowDiff(r, b.rows[k])));
    console.log(`[${backend}] garnet, 24 steps in one run vs 20 + 4: max |Δφ| ${phi.toExponential(2)} V, max |Δξ| ${maxAbsDiff(fa.xi, fb.xi).toExponential(2)}, metrics rows ${rows.toExponential(2)}`);
    expect(phi).toBe(0);
    expect(maxAbsDiff(fa.xi, fb.xi)).toBe(0);
    expect(maxAbsDiff(fa.c, fb.c)).toBe(0);
    expect(b.rows.length).toBe(a.rows.length);
    expect(rows).toBe(0);
    a.destroy();
    b.destroy();
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

  it.each(BACKENDS)('%s checkpoint: another version, a state of another layout or a film of the wrong size is named', async (backend) => {
    const plain = small();
    const sim = await createSimulation(plain, { backend });
    await sim.run({ maxSteps: 1 });
    const cp = await sim.checkpoint();
    sim.destroy();
    expect(cp.version).toBe(2);
    // version 1 did not carry the SEI film
    const v1 = { ...cp, version: 1 } as unknown as Checkpoint;
    await expect(createSimulation(plain, { backend, restore: v1 })).rejects.toThrow(/checkpoint version 1 is not supported \(this build reads version 2/);
    // the state words of a build before the five SEI words (seiRate … stressMean)
    const old = structuredClone(cp);
    if (old.solver.kind === 'gpu') {
      const w = cp.solver.state as Uint32Array;
      old.solver.state = Uint32Array.from([...w.slice(0, stateSlot('seiRate')), ...w.slice(stateSlot('step'))]);
      await expect(createSimulation(plain, { backend, restore: old })).rejects.toThrow(/solver\.state must be a Uint32Array of the GPU state: \d+ words, in the order dt, tHi, .*seiRate, seiLi, cracks, stressMax, stressMean, debt, step, done .*got Uint32Array of \d+/);
    } else {
      const st = old.solver.state as unknown as Record<string, unknown>;
      for (const k of ['seiRate', 'seiLi', 'cracks', 'stressMax', 'stressMean']) delete st[k];
      await expect(createSimulation(plain, { backend, restore: old })).rejects.toThrow(/solver\.state lacks seiRate, seiLi, cracks, stressMax, stressMean/);
    }
    // no SEI: the film arrays are empty, and must be
    const nofilm = filmOf(cp);
    for (const v of Object.values(nofilm)) expect(v.length).toBe(0);
    const stray = structuredClone(cp);
    stray.solver.film.mechShift = cp.solver.kind === 'gpu' ? new Float32Array(32 * 32) : new Float64Array(32 * 32);
    await expect(createSimulation(plain, { backend, restore: stray })).rejects.toThrow(/solver\.film\.mechShift \(the mechanical shift per cell\) must be a Float(32|64)Array of empty \(0 values\): the run solves no mechanics/);
    // with an SEI: every film array at its size
    const sei = resolveScenario({ preset: 'native-sei', grid: { nx: 16, ny: 16, dx_um: 0.5 }, run: { metrics_every_steps: K } });
    const s2 = await createSimulation(sei, { backend });
    await s2.run({ maxSteps: 1 });
    const cp2 = await s2.checkpoint();
    s2.destroy();
    const short = structuredClone(cp2);
    if (short.solver.kind === 'gpu') short.solver.film.cells = short.solver.film.cells.slice(0, 256);
    else short.solver.film.integrity = short.solver.film.integrity.slice(0, 255);
    const name = backend === 'gpu' ? 'cells' : 'integrity';
    const size = backend === 'gpu' ? '4·16·16 = 1024' : '16·16 = 256';
    await expect(createSimulation(sei, { backend, restore: short })).rejects.toThrow(new RegExp(`solver\\.film\\.${name} \\(.*\\) must be a Float(32|64)Array of ${size} values \\(got Float(32|64)Array of 25[56]\\)`));
    const ok = await createSimulation(sei, { backend, restore: cp2 });
    ok.destroy();
  });
});

describe('a checkpoint of an older build', () => {
  it('lacks a live key added since: it resumes with the run\'s value; lacks a restart key: refused by name', async () => {
    const s = small();
    const sim = await createSimulation(s, { backend: 'cpu' });
    await sim.run({ maxSteps: 2 });
    const cp = await sim.checkpoint();
    sim.destroy();
    // electrolyte.site_fraction, a live key, came with the hong2018 closure
    const older = structuredClone(cp);
    delete (older.scenario.electrolyte as Record<string, unknown>).site_fraction;
    const again = await createSimulation(s, { backend: 'cpu', restore: older });
    const at = again.steps;
    await again.run({ maxSteps: 2 });
    expect(again.steps).toBeGreaterThan(at);
    again.destroy();
    // a restart key (metal.island_contact came with dead-Li labelling): how the older build ran without it is unknown
    const oldest = structuredClone(cp);
    delete (oldest.scenario.metal as Record<string, unknown>).island_contact;
    await expect(createSimulation(s, { backend: 'cpu', restore: oldest })).rejects.toThrow(/metal\.island_contact = "?none"? is not allowed: resumable only from a checkpoint that records it: this one was written before the key existed/);
  });
});

describe.each(BACKENDS)('fields that go non-finite (%s)', (backend) => {
  it('stop the run with NonFiniteError and a non_finite event, and no non-finite metrics row reaches the writers', async () => {
    // a restored state with one NaN in the electrolyte: the next batch's fields are non-finite
    const s = column({ phase: { model: 'thin_interface' }, drive: { mode: 'galvanostatic', current_density_mA_cm2: 1 }, run: { metrics_every_steps: 1 } });
    const a = await createSimulation(s, { backend });
    await a.run({ maxSteps: 3 });
    const cp = await a.checkpoint();
    a.destroy();
    cp.c[cp.nx * (cp.ny - 4) + 2] = NaN;
    const b = await createSimulation(s, { backend, restore: cp });
    const written: MetricsRow[] = [];
    b.addWriter({ onMetrics: (row) => void written.push(row) });
    const err = await b.run({ maxSteps: 10 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    b.destroy();
    console.log(`[${backend}] NaN restored: ${err instanceof Error ? err.message : 'no error'}; events ${b.events.map((e) => e.kind).join(', ')}; ${written.length} rows written`);
    expect(err).toBeInstanceOf(NonFiniteError);
    expect(b.events.some((e) => e.kind === 'non_finite')).toBe(true);
    for (const row of written) for (const [key, v] of Object.entries(row)) if (typeof v === 'number' && !Number.isNaN(v)) expect(Number.isFinite(v), key).toBe(true);
    for (const row of written) expect(Number.isNaN(row.surface_min_conc) || Number.isNaN(row.applied_potential_V) || Number.isNaN(row.current_density_mA_cm2)).toBe(false);
  });
});
