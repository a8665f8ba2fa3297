// An ensemble on one GPU (createGpuBatch): members that share a grid advance in the same dispatches, each
// with its own parameters, clock, drive and stop, and each evolves bit-identically to the same run alone.
// A member that stops early or goes non-finite is masked; the others are unaffected.

import { describe, expect, it } from 'vitest';
import { presetScenario, applyOverrides, type Scenario } from '../src/model/scenario.ts';
import { createGpuBatch, createSimulation, gpuBatchKey, maxBatchMembers, type Simulation } from '../src/sim/simulation.ts';
import { NonFiniteError, type MetricsRow } from '../src/sim/types.ts';
import { HAS_GPU } from './support/env.ts';

const base = presetScenario('first-dendrites');
const member = (sets: string[]): Scenario => applyOverrides(base, ['grid.nx=32', 'grid.ny=32', 'run.metrics_every_steps=10', ...sets]);
// different potentials, salt, seeds, and stop times: each member stops on its own clock
const MEMBERS = [
  member(['drive.overpotential_V=-0.3', 'run.until_s=0.3']),
  member(['drive.overpotential_V=-0.8', 'run.until_s=0.8', 'run.seed=7']),
  member(['drive.overpotential_V=-0.5', 'electrolyte.concentration_mol_L=0.5', 'run.until_s=0.5']),
];

async function finish(sim: Simulation): Promise<{ rows: MetricsRow[]; xi: ArrayLike<number>; c: ArrayLike<number>; reason: string; steps: number }> {
  const r = await sim.run();
  const f = await sim.readFields();
  return { rows: sim.rows.map((x) => ({ ...x })), xi: Array.from(f.xi), c: Array.from(f.c), reason: r.reason, steps: r.steps };
}

describe('batch keys and sizes', () => {
  it('members share a key only when grid, formulation, multigrid cycles and metrics batch agree', () => {
    expect(gpuBatchKey(MEMBERS[0])).toBe(gpuBatchKey(MEMBERS[1]));
    expect(gpuBatchKey(member(['grid.nx=64']))).not.toBe(gpuBatchKey(MEMBERS[0]));
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
    const alone: Awaited<ReturnType<typeof finish>>[] = [];
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
    });
    // they really differ: different stops, and more charge at the more negative potential
    expect(new Set(together.map((t) => t.rows.at(-1)!.time_s)).size).toBe(3);
    expect(together[1].rows.at(-1)!.charge_mAh_cm2).toBeGreaterThan(together[0].rows.at(-1)!.charge_mAh_cm2);
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
    const g = (good as PromiseFulfilledResult<Awaited<ReturnType<typeof finish>>>).value;
    expect(g.rows).toEqual(expected.rows);
    expect(g.xi).toEqual(expected.xi);
    batch.forEach((s) => s.destroy());
  });
});
