// An ensemble on one GPU (createGpuBatch): members that share a grid advance in the same dispatches, each
// with its own parameters, clock, drive and stop, and each evolves bit-identically to the same run alone.
// A member that stops early or goes non-finite is masked; the others are unaffected.

import { describe, expect, it } from 'vitest';
import { presetScenario, applyOverrides, type Scenario } from '../src/model/scenario.ts';
import { createGpuBatch, createSimulation, gpuBatchKey, maxBatchMembers, type Simulation } from '../src/sim/simulation.ts';
import { NonFiniteError, type MetricsRow } from '../src/sim/types.ts';
import { HAS_GPU } from './support/env.ts';

const base = presetScenario('first-dendrites');
const member = (sets: string[]): Scenario => applyOverrides(base, ['grid.nx=16', 'grid.ny=32', 'run.metrics_every_steps=10', ...sets]);
// different potentials, salt, seeds, and stop times: each member stops on its own clock
const MEMBERS = [
  member(['drive.overpotential_V=-0.3', 'run.until_s=0.3']),
  member(['drive.overpotential_V=-0.8', 'run.until_s=0.8', 'run.seed=7']),
  member(['drive.overpotential_V=-0.5', 'electrolyte.concentration_mol_L=0.5', 'run.until_s=0.5']),
];

type Outcome = { rows: MetricsRow[]; xi: number[]; c: number[]; phi: number[]; reason: string; steps: number };

async function outcome(sim: Simulation, reason: string): Promise<Outcome> {
  const f = await sim.readFields();
  return { rows: sim.rows.map((x) => ({ ...x })), xi: Array.from(f.xi), c: Array.from(f.c), phi: Array.from(f.phi_V), reason, steps: sim.steps };
}

async function finish(sim: Simulation): Promise<Outcome> {
  const r = await sim.run();
  return outcome(sim, r.reason);
}

/** Two runs of one simulation: to t1, then (after a pause in which a batch's other members go on) to t2. */
async function inTwo(sim: Simulation, t1: number, t2: number): Promise<Outcome> {
  await sim.run({ until_s: t1 });
  await new Promise((r) => setTimeout(r, 50));
  const r = await sim.run({ until_s: t2 });
  return outcome(sim, r.reason);
}

describe('batch keys and sizes', () => {
  it('members share a key only when grid, formulation, multigrid cycles and metrics batch agree', () => {
    expect(gpuBatchKey(MEMBERS[0])).toBe(gpuBatchKey(MEMBERS[1]));
    expect(gpuBatchKey(member(['grid.nx=32']))).not.toBe(gpuBatchKey(MEMBERS[0]));
    expect(gpuBatchKey(member(['numerics.mg_cycles=3']))).not.toBe(gpuBatchKey(MEMBERS[0]));
    expect(gpuBatchKey(presetScenario('native-sei'))).toBeUndefined(); // SEI mechanics: alone
  });
  it('the batch size follows the adapter limits', () => {
    const limits = { maxStorageBufferBindingSize: 128 << 20, maxBufferSize: 256 << 20, maxComputeWorkgroupsPerDimension: 65535 };
    expect(maxBatchMembers(limits, 128 * 128)).toBe(512); // 128 MiB / (16 B · 16384 cells)
    expect(maxBatchMembers(limits, 4096 * 4096)).toBe(1);
    expect(maxBatchMembers({ ...limits, maxComputeWorkgroupsPerDimension: 8 }, 16)).toBe(8);
  });
});

describe.skipIf(!HAS_GPU)('an ensemble on one GPU', () => {
  it('each member of a batch evolves bit-identically to the same run alone, with its own parameters and stop time', async () => {
    const alone: Outcome[] = [];
    for (const s of MEMBERS) {
      const sim = await createSimulation(s, { backend: 'gpu' });
      alone.push(await finish(sim));
      sim.destroy();
    }
    const batch = await createGpuBatch(MEMBERS);
    const together = await Promise.all(batch.map(finish));
    batch.forEach((s) => s.destroy());
    together.forEach((t, b) => {
      expect(t.reason).toBe('time');
      expect(t.steps, `member ${b}`).toBe(alone[b].steps);
      expect(t.rows, `member ${b}`).toEqual(alone[b].rows);
      expect(t.xi).toEqual(alone[b].xi);
      expect(t.c).toEqual(alone[b].c);
      // φ too: a finished member's φ is kept aside while the others' rounds go on relaxing the shared buffer
      expect(t.phi).toEqual(alone[b].phi);
    });
    // they really differ: different stops, and more charge at the more negative potential
    expect(new Set(together.map((t) => t.rows.at(-1)!.time_s)).size).toBe(3);
    expect(together[1].rows.at(-1)!.charge_mAh_cm2).toBeGreaterThan(together[0].rows.at(-1)!.charge_mAh_cm2);
  });

  it('a member run in two parts, parked between them while the other goes on, equals the same two parts alone; a stop rule stops a member as alone', async () => {
    const solo = await createSimulation(MEMBERS[0], { backend: 'gpu' });
    const expected = await inTwo(solo, 0.1, 0.3);
    solo.destroy();
    const ruled = (sim: Simulation) => sim.addStopRule('max height ≥ 3 µm', (_s, row) => row.deposit_max_height_um >= 3);
    const soloRule = await createSimulation(MEMBERS[1], { backend: 'gpu' });
    ruled(soloRule);
    const expectedRule = await finish(soloRule);
    soloRule.destroy();
    expect(expectedRule.reason).toBe('rule');
    const batch = await createGpuBatch([MEMBERS[0], MEMBERS[1]]);
    ruled(batch[1]);
    const [two, rule] = await Promise.all([inTwo(batch[0], 0.1, 0.3), finish(batch[1])]);
    batch.forEach((s) => s.destroy());
    expect(two.rows).toEqual(expected.rows);
    expect(two.xi).toEqual(expected.xi);
    expect(two.c).toEqual(expected.c);
    expect(two.phi).toEqual(expected.phi);
    expect(rule.reason).toBe('rule');
    expect(rule.rows).toEqual(expectedRule.rows);
    expect(rule.phi).toEqual(expectedRule.phi);
  });

  it('a member that goes non-finite is masked and stops alone; the others finish as if alone', async () => {
    const ref = await createSimulation(MEMBERS[2], { backend: 'gpu' });
    const expected = await finish(ref);
    ref.destroy();
    const batch = await createGpuBatch([MEMBERS[0], MEMBERS[2]]);
    // poison member 0's concentration: its next batch ends non-finite
    const solver = (batch[0] as unknown as { backend: { solver: { device: GPUDevice; c: GPUBuffer; cells: number } } }).backend.solver;
    solver.device.queue.writeBuffer(solver.c, 4 * 5, new Float32Array([NaN]));
    const [bad, good] = await Promise.allSettled(batch.map(finish));
    expect(bad.status).toBe('rejected');
    expect((bad as PromiseRejectedResult).reason).toBeInstanceOf(NonFiniteError);
    expect(good.status).toBe('fulfilled');
    const g = (good as PromiseFulfilledResult<Outcome>).value;
    expect(g.rows).toEqual(expected.rows);
    expect(g.xi).toEqual(expected.xi);
    batch.forEach((s) => s.destroy());
  });
});
