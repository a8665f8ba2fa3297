// The contact-angle wetting condition (MODEL.md §6.2, §8): a sessile Li nucleus on a solid wall
// relaxes to the wall's contact angle θ. The drive holds zero net current (galvanostatic at
// 0 mA/cm²), so capillary shrinkage is balanced by uniform plating: the deposit keeps its area and
// takes the equilibrium shape, a circular cap meeting the wall at θ (Young, 000:L121).
import { describe, expect, it } from 'vitest';
import { BACKENDS, scenario } from './support/scenarios.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { toDimless } from '../src/model/dimless.ts';
import { buildGeometry, packGeometry } from '../src/model/geometry.ts';
import { initialFields } from '../src/sim/initial.ts';
import { stateSlot } from '../src/model/layout.ts';
import { num } from '../src/model/scenario.ts';

/**
 * Shape of the deposit: its Li area Σ ξ h², and the contact angle of the circle fitted (Kåsa's
 * algebraic least squares) to the ξ = ½ contour, the topmost crossing of every column that has one:
 * with the wall at y = 0 and the centre at height y_c, cos θ = −y_c / R.
 */
function capShape(xi: ArrayLike<number>, nx: number, ny: number, h: number): { area: number; angle: number } {
  let area = 0;
  for (let k = 0; k < nx * ny; k++) area += Math.min(Math.max(xi[k], 0), 1) * h * h;
  const pts: [number, number][] = [];
  for (let i = 0; i < nx; i++) {
    for (let j = ny - 2; j >= 0; j--) {
      const a = xi[j * nx + i];
      const b = xi[(j + 1) * nx + i];
      if (a >= 0.5 && b < 0.5) {
        pts.push([(i + 0.5) * h, (j + 0.5) * h + (h * (a - 0.5)) / (a - b)]);
        break;
      }
    }
  }
  // x² + y² + D x + E y + F = 0 in least squares: normal equations of [x y 1]·[D E F] = −(x² + y²)
  const M = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  const v = [0, 0, 0];
  for (const [x, y] of pts) {
    const row = [x, y, 1];
    const rhs = -(x * x + y * y);
    for (let r = 0; r < 3; r++) {
      v[r] += row[r] * rhs;
      for (let c = 0; c < 3; c++) M[r][c] += row[r] * row[c];
    }
  }
  const [D, E, F] = solve3(M, v);
  const yc = -E / 2;
  const R = Math.sqrt((D * D + E * E) / 4 - F);
  return { area, angle: (Math.acos(Math.min(Math.max(-yc / R, -1), 1)) * 180) / Math.PI };
}

function solve3(M: number[][], v: number[]): number[] {
  const a = M.map((r, k) => [...r, v[k]]);
  for (let c = 0; c < 3; c++) {
    let p = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
    [a[c], a[p]] = [a[p], a[c]];
    for (let r = 0; r < 3; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let q = c; q < 4; q++) a[r][q] -= f * a[c][q];
    }
  }
  return [a[0][3] / a[0][0], a[1][3] / a[1][1], a[2][3] / a[2][2]];
}

const sessile = (theta: number) =>
  scenario({
    grid: { nx: 80, ny: 28, dx_um: 0.5 },
    substrate: { kind: 'cu' },
    surface: { contact_angle_deg: theta },
    drive: { mode: 'galvanostatic', current_density_mA_cm2: 0 },
    nucleation: { rate_prefactor_per_um_s: 0 },
    // the literature front: its capillarity relaxes the cap to θ in seconds. On the thin interface the cap
    // keeps its shape at zero current (90.06° after 40 s for θ = 30°): Gibbs–Thomson moves a 4 µm cap by
    // exchange at ~1e-7 µm/s, so the angle there is set while Li plates at the contact line (not tested here)
    phase: { model: 'literature', anisotropy_strength: 0, noise_amplitude_per_sqrt_s: 0 },
    initial: { nuclei_count: 1, nucleus_radius_um: 4 },
    run: { until_s: 40, metrics_every_steps: 200 },
  });

const THETAS = [30, 90, 140];

function check(backend: string, theta: number, before: { area: number; angle: number }, after: { area: number; angle: number }): void {
  console.log(`[wetting] ${backend} θ = ${theta}°: start ${before.angle.toFixed(1)}°, after 40 s ${after.angle.toFixed(2)}° (area ${before.area.toFixed(2)} → ${after.area.toFixed(2)} µm²)`);
  expect(Math.abs(after.angle - theta)).toBeLessThanOrEqual(5);
  // the drive held zero net current: the area is kept
  expect(Math.abs(after.area / before.area - 1)).toBeLessThan(0.03);
}

describe('contact angle', () => {
  for (const theta of THETAS) {
    it(`a sessile nucleus relaxes to θ = ${theta}° within ±5° (cpu)`, async () => {
      const sim = await createSimulation(sessile(theta), { backend: 'cpu' });
      const before = capShape((await sim.readFields()).xi, 80, 28, 0.5);
      await sim.run();
      check('cpu', theta, before, capShape((await sim.readFields()).xi, 80, 28, 0.5));
    }, 300_000);
  }

  // The three angles as one GPU batch (three members with their own geometry, clock and dt): the
  // same kernels as a single run (tests/gpu-vs-cpu.test.ts, "batched layout"), a third of the time
  // on a software adapter, where per-dispatch overhead dominates.
  it.skipIf(!BACKENDS.includes('gpu'))(`a sessile nucleus relaxes to θ = ${THETAS.join('°, ')}° within ±5° (gpu, one batch of three)`, async () => {
    const { getGpu } = await import('../src/gpu/device.ts');
    const { GpuSolver } = await import('../src/gpu/solver.ts');
    const gpu = await getGpu();
    const cases = THETAS.map((theta) => {
      const s = sessile(theta);
      const d = toDimless(s);
      const g = buildGeometry(s);
      const f = initialFields(s, d, g);
      return { s, d, g, init: { xi: Float32Array.from(f.xi), c: Float32Array.from(f.c), phi: Float32Array.from(f.phi) } };
    });
    const K = 200;
    const solver = await GpuSolver.create(gpu.device, {
      batch: cases.map((c) => c.d),
      init: cases.map((c) => c.init),
      geometry: cases.map((c) => packGeometry(c.g)),
      ringCapacity: K,
      mgCycles: num(cases[0].s, 'numerics.mg_cycles'),
    });
    try {
      solver.setStopTime(40);
      for (let first = true; ; first = false) {
        const r = await solver.submitBatch(K, first);
        if (r.state.every((m) => m.u32[stateSlot('done')] !== 0)) break;
      }
      const xi = await solver.readBuffer(solver.xi);
      THETAS.forEach((theta, b) => {
        const before = capShape(cases[b].init.xi, 80, 28, 0.5);
        check('gpu', theta, before, capShape(xi.subarray(b * solver.cells, (b + 1) * solver.cells), 80, 28, 0.5));
      });
    } finally {
      solver.destroy();
    }
  }, 600_000);
});
