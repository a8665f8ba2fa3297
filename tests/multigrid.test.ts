// Multigrid: convergence factors (CPU f64 and GPU f32), GPU ≡ CPU step for step, batch independence,
// and a manufactured-solution check of the discretisation. Measured factors are printed for quoting.
//
// Convergence factor = geometric mean of ‖r_k‖/‖r_{k−1}‖ over cycles 2–6, from a random initial guess.
// CPU: f = A·u* with u* a smooth random field. GPU: f = 0 (the error is then u itself): in f32 a
// nonzero f puts a floor at ~1e-7·‖A‖‖u‖ under the residual, which 6 cycles at 0.05 reach; with
// f = 0 the residual is −A·e and shrinks without floor, and the error propagation is the same.

import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CpuMultigrid, mgLevelShapes, type MgOptions } from '../src/cpu/multigrid.ts';
import { GpuMultigrid } from '../src/gpu/multigrid.ts';
import { readGpuBuffer } from '../src/gpu/solver.ts';
import { getGpu, type GpuContext } from '../src/gpu/device.ts';
import { HAS_GPU } from './support/env.ts';

const MAX_FACTOR = 0.15;

// ---- problems ---------------------------------------------------------------------------------

type Kind = 'poisson' | 'diffusion' | 'jump' | 'needles';

interface Problem {
  kind: Kind;
  /** conductivity ratio metal/electrolyte for 'jump' and 'needles' */
  jump?: number;
}

interface CoefArrays {
  ax: Float64Array;
  ay: Float64Array;
  bd: Float64Array;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Cell-centred coefficient field of a problem (the "diffusivity" / "conductivity"). */
function cellField(p: Problem, nx: number, ny: number, h: number): Float64Array {
  const Lx = nx * h;
  const Ly = ny * h;
  const Lm = Math.min(Lx, Ly);
  const s = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const x = (i + 0.5) * h;
      const y = (j + 0.5) * h;
      let v = 1;
      if (p.kind === 'diffusion') {
        v = 1 + 0.5 * Math.sin((2 * Math.PI * x) / Lx) * Math.cos((3 * Math.PI * y) / Ly);
      } else if (p.kind === 'jump' || p.kind === 'needles') {
        const layer = y - 0.1 * Ly;
        let d: number;
        if (p.kind === 'jump') {
          // floating disc, and an irregular 5-lobed blob touching the bottom layer
          const disc = Math.hypot(x - 0.3 * Lx, y - 0.55 * Ly) - 0.13 * Lm;
          const bx = x - 0.7 * Lx;
          const by = y - 0.22 * Ly;
          const blob = Math.hypot(bx, by) - 0.12 * Lm * (1 + 0.3 * Math.cos(5 * Math.atan2(by, bx)));
          d = Math.min(layer, disc, blob);
        } else {
          // three thin tilted needles growing from the layer and a detached flat fragment
          const needle = (x0: number, top: number, w: number, tilt: number) => {
            const dx = Math.abs(x - (x0 * Lx + tilt * y)) - w / 2;
            const dy = y - top * Ly;
            return dy > 0 ? Math.hypot(Math.max(dx, 0), dy) + Math.min(Math.max(dx, dy), 0) : dx;
          };
          const frag = Math.hypot((x - 0.45 * Lx) / 2, y - 0.8 * Ly) - 0.01 * Lm;
          d = Math.min(layer, needle(0.2, 0.5, 0.015 * Lm, 0.1), needle(0.55, 0.7, 0.02 * Lm, -0.2), needle(0.8, 0.35, 0.01 * Lm, 0), frag);
        }
        const xi = 0.5 * (1 - Math.tanh(d / h)); // interface about one cell wide, not grid-aligned
        v = 1 + (p.jump! - 1) * xi;
      }
      s[j * nx + i] = v;
    }
  }
  return s;
}

/** Fill batch member b: harmonic face means, Dirichlet top, Neumann bottom; bd = 0 or 1/dt. */
function fillProblem(c: CoefArrays, nx: number, ny: number, h: number, b: number, p: Problem): void {
  const s = cellField(p, nx, ny, h);
  const hm = (a: number, q: number) => (a + q > 0 ? (2 * a * q) / (a + q) : 0);
  // implicit diffusion: D·dt/h² = 30 for D = 1
  const bd = p.kind === 'diffusion' ? 1 / (30 * h * h) : 0;
  const o = b * nx * ny;
  const oy = b * (ny + 1) * nx;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      c.ax[o + j * nx + i] = hm(s[j * nx + i], s[j * nx + ((i + nx - 1) % nx)]);
      c.bd[o + j * nx + i] = bd;
    }
  }
  for (let i = 0; i < nx; i++) {
    c.ay[oy + i] = 0; // Neumann bottom
    c.ay[oy + ny * nx + i] = s[(ny - 1) * nx + i]; // Dirichlet top
    for (let j = 1; j < ny; j++) c.ay[oy + j * nx + i] = hm(s[j * nx + i], s[(j - 1) * nx + i]);
  }
}

/** A smooth random field (a few low Fourier modes compatible with the boundaries). */
function smoothField(nx: number, ny: number, nb: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(nb * nx * ny);
  for (let b = 0; b < nb; b++) {
    const modes = Array.from({ length: 6 }, () => [1 + Math.floor(r() * 3), Math.floor(r() * 3), r() * 2 * Math.PI, r() - 0.5]);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        let v = 0;
        for (const [kx, ky, ph, a] of modes) v += a * Math.cos((2 * Math.PI * kx * (i + 0.5)) / nx + ph) * Math.cos((Math.PI * (ky + 0.5) * (j + 0.5)) / ny);
        out[(b * ny + j) * nx + i] = v;
      }
    }
  }
  return out;
}

function randomField(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = 2 * r() - 1;
  return out;
}

const gmean = (norms: number[], from = 1, to = 6) => Math.pow(norms[to] / norms[from], 1 / (to - from));
const fmt = (v: number) => v.toFixed(3);

/** Mean factor of the later cycles 7 … 12, stopping where f64 round-off (1e-12·‖r₀‖) is reached; NaN if it is reached before. */
function lateFactor(norms: number[]): number {
  let m = Math.min(12, norms.length - 1);
  while (m > 6 && norms[m] < 1e-12 * norms[0]) m--;
  return m > 6 ? gmean(norms, 6, m) : NaN;
}
const fmtLate = (v: number) => (Number.isNaN(v) ? 'round-off reached' : fmt(v));

/** CPU run: f = A u*, random u0; returns ‖r_k‖, k = 0 … cycles. */
function cpuFactors(opts: MgOptions, p: Problem, cycles = 6): { norms: number[]; per: number[]; gm: number } {
  const mg = new CpuMultigrid(opts);
  const { nx, ny } = opts;
  fillProblem(mg, nx, ny, opts.h, 0, p);
  mg.coarsenCoefficients();
  mg.applyOperator(smoothField(nx, ny, 1, 7), mg.f);
  mg.u.set(randomField(nx * ny, 11));
  const norms = [mg.residualNorms()[0]];
  for (let k = 0; k < cycles; k++) {
    mg.vcycle();
    norms.push(mg.residualNorms()[0]);
  }
  const per = norms.slice(1).map((v, k) => v / norms[k]);
  return { norms, per, gm: gmean(norms) };
}

function label(p: Problem): string {
  return p.jump ? `${p.kind} ${p.jump.toExponential(0)}` : p.kind;
}

// ---- 1, 2: CPU convergence ---------------------------------------------------------------------

describe('CPU multigrid convergence (f64)', () => {
  const sizes = [64, 128, 256, 512];
  const smooth: Problem[] = [{ kind: 'poisson' }, { kind: 'diffusion' }];
  const jumps: Problem[] = [
    { kind: 'jump', jump: 1e4 },
    { kind: 'jump', jump: 1e7 },
    { kind: 'needles', jump: 1e4 },
    { kind: 'needles', jump: 1e7 },
  ];

  test('plain V(2,2): Poisson and implicit diffusion, factor ≤ 0.15 at 64² … 512²', () => {
    for (const p of smooth) {
      for (const n of sizes) {
        const r = cpuFactors({ nx: n, ny: n, h: 1 / n }, p);
        console.log(`CPU V(2,2)   ${label(p).padEnd(13)} ${n}²: factor ${fmt(r.gm)}  per cycle ${r.per.map(fmt).join(' ')}`);
        expect(r.gm).toBeLessThanOrEqual(MAX_FACTOR);
      }
    }
  });

  test('krylov mode (MG-preconditioned CG): conductivity jumps 1e4 and 1e7, factor ≤ 0.15 at 64² … 512²', () => {
    for (const p of jumps) {
      for (const n of sizes) {
        const r = cpuFactors({ nx: n, ny: n, h: 1 / n, krylov: true }, p);
        console.log(`CPU krylov   ${label(p).padEnd(13)} ${n}²: factor ${fmt(r.gm)}  per cycle ${r.per.map(fmt).join(' ')}`);
        expect(r.gm).toBeLessThanOrEqual(MAX_FACTOR);
      }
    }
    // krylov mode on the smooth problems too (one solver configuration for everything)
    for (const p of smooth) {
      const r = cpuFactors({ nx: 256, ny: 256, h: 1 / 256, krylov: true }, p);
      console.log(`CPU krylov   ${label(p).padEnd(13)} 256²: factor ${fmt(r.gm)}`);
      expect(r.gm).toBeLessThanOrEqual(MAX_FACTOR);
    }
  });

  test('for the record: plain V(2,2) on the jump problems (no assertion, see src/cpu/multigrid.ts)', () => {
    for (const p of jumps) {
      const line: string[] = [];
      for (const n of [64, 128, 256]) {
        const r = cpuFactors({ nx: n, ny: n, h: 1 / n }, p, 12);
        line.push(`${n}²: 2–6 ${fmt(r.gm)}, 7–12 ${fmtLate(lateFactor(r.norms))}`);
        expect(Number.isFinite(r.norms[12])).toBe(true);
      }
      console.log(`CPU V(2,2)   ${label(p).padEnd(13)} ${line.join(' | ')}`);
    }
  });

  test('8 × 1024 semi-coarsened column and 400 × 400 (odd 25 × 25 coarsest) converge', () => {
    expect(mgLevelShapes(8, 1024, 1).map((l) => `${l.nx}x${l.ny}`)).toEqual(['8x1024', '4x512', '2x256', '2x128', '2x64', '2x32']);
    expect(mgLevelShapes(400, 400, 1).at(-1)).toMatchObject({ nx: 25, ny: 25, hx: 16, hy: 16 });
    const cases: [number, number, Problem, boolean][] = [
      [8, 1024, { kind: 'poisson' }, false],
      [8, 1024, { kind: 'diffusion' }, false],
      [8, 1024, { kind: 'poisson' }, true],
      [8, 1024, { kind: 'jump', jump: 1e4 }, true],
      [400, 400, { kind: 'poisson' }, false],
      [400, 400, { kind: 'diffusion' }, false],
      [400, 400, { kind: 'jump', jump: 1e4 }, true],
      [400, 400, { kind: 'jump', jump: 1e7 }, true],
    ];
    for (const [nx, ny, p, krylov] of cases) {
      const r = cpuFactors({ nx, ny, h: 1 / Math.max(nx, ny), krylov }, p, 12);
      const late = lateFactor(r.norms);
      console.log(
        `CPU ${krylov ? 'krylov' : 'V(2,2)'} ${label(p).padEnd(13)} ${nx}×${ny}: factor ${fmt(r.gm)} (cycles 7–12: ${fmtLate(late)})`,
      );
      expect(r.gm).toBeLessThanOrEqual(MAX_FACTOR);
      // The plain V-cycle on the column slows down in later cycles: below 2 × 256 its levels are
      // anisotropic (hy = 2, 4 hx with nx = 2) and point GS smooths them poorly. Measured: 0.12 over
      // cycles 2–6 but 0.30 over cycles 7–12 for Poisson (krylov mode: ≈ 0.04). Honest bound: 0.35.
      if (!Number.isNaN(late)) expect(late).toBeLessThanOrEqual(krylov || nx !== 8 ? MAX_FACTOR : 0.35);
    }
  });

  test('a grid of ≤ 64 cells is one level, solved exactly by the banded Cholesky coarsest solve', () => {
    for (const [nx, ny] of [[8, 8], [7, 9], [1, 40], [2, 30]]) {
      const mg = new CpuMultigrid({ nx, ny, h: 0.1 });
      expect(mg.levels.length).toBe(1);
      fillProblem(mg, nx, ny, 0.1, 0, { kind: 'jump', jump: 1e4 });
      mg.coarsenCoefficients();
      mg.f.set(randomField(nx * ny, 3));
      const r0 = mg.residualNorms()[0];
      mg.vcycle();
      expect(mg.residualNorms()[0] / r0).toBeLessThan(1e-10);
    }
  });

  test('the operator is symmetric (needed by the krylov mode)', () => {
    const nx = 12;
    const ny = 10;
    const mg = new CpuMultigrid({ nx, ny, nb: 2, h: 0.3 });
    fillProblem(mg, nx, ny, 0.3, 0, { kind: 'diffusion' });
    fillProblem(mg, nx, ny, 0.3, 1, { kind: 'jump', jump: 100 });
    const a = randomField(2 * nx * ny, 1);
    const b = randomField(2 * nx * ny, 2);
    const Aa = new Float64Array(a.length);
    const Ab = new Float64Array(a.length);
    mg.applyOperator(a, Aa);
    mg.applyOperator(b, Ab);
    let s1 = 0;
    let s2 = 0;
    for (let k = 0; k < a.length; k++) {
      s1 += b[k] * Aa[k];
      s2 += a[k] * Ab[k];
    }
    expect(Math.abs(s1 - s2)).toBeLessThan(1e-12 * Math.abs(s1));
  });
});

// ---- 4: manufactured solution ------------------------------------------------------------------

describe('discretisation of −∇·(a∇u) + b u', () => {
  test('second-order convergence of the discrete solution (64×32 → 128×64 → 256×128)', () => {
    // Lx = 2, Ly = 1; u = cos(πx)·cos(πy/2): periodic in x, u_y = 0 at y = 0 (Neumann), u = 0 at y = 1
    const a = (x: number, y: number) => 1 + 0.5 * Math.sin(Math.PI * x) * Math.sin(Math.PI * y) + 0.3 * y;
    const ax_ = (x: number, y: number) => 0.5 * Math.PI * Math.cos(Math.PI * x) * Math.sin(Math.PI * y);
    const ay_ = (x: number, y: number) => 0.5 * Math.PI * Math.sin(Math.PI * x) * Math.cos(Math.PI * y) + 0.3;
    const bfun = (x: number, y: number) => 2 + Math.cos(Math.PI * x) * y;
    const k = Math.PI / 2;
    const ue = (x: number, y: number) => Math.cos(Math.PI * x) * Math.cos(k * y);
    const rhs = (x: number, y: number) => {
      const ux = -Math.PI * Math.sin(Math.PI * x) * Math.cos(k * y);
      const uy = -k * Math.cos(Math.PI * x) * Math.sin(k * y);
      const lap = -(Math.PI * Math.PI + k * k) * ue(x, y);
      return -(ax_(x, y) * ux + ay_(x, y) * uy + a(x, y) * lap) + bfun(x, y) * ue(x, y);
    };
    const errors: number[] = [];
    for (const ny of [32, 64, 128]) {
      const nx = 2 * ny;
      const h = 1 / ny;
      const mg = new CpuMultigrid({ nx, ny, h });
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const x = (i + 0.5) * h;
          const y = (j + 0.5) * h;
          mg.ax[j * nx + i] = a(i * h, y);
          mg.bd[j * nx + i] = bfun(x, y);
          mg.f[j * nx + i] = rhs(x, y);
        }
      }
      for (let j = 0; j <= ny; j++) for (let i = 0; i < nx; i++) mg.ay[j * nx + i] = j === 0 ? 0 : a((i + 0.5) * h, j * h);
      mg.coarsenCoefficients();
      const r0 = mg.residualNorms()[0];
      for (let c = 0; c < 30 && mg.residualNorms()[0] > 1e-13 * r0; c++) mg.vcycle();
      expect(mg.residualNorms()[0]).toBeLessThan(1e-11 * r0);
      let err = 0;
      for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) err = Math.max(err, Math.abs(mg.u[j * nx + i] - ue((i + 0.5) * h, (j + 0.5) * h)));
      errors.push(err);
    }
    const orders = errors.slice(1).map((e, i) => Math.log2(errors[i] / e));
    console.log(`manufactured solution: max error ${errors.map((e) => e.toExponential(2)).join(' → ')}, order ${orders.map((o) => o.toFixed(2)).join(', ')}`);
    for (const o of orders) expect(o).toBeGreaterThan(1.8);
  });
});

// ---- 3: GPU ------------------------------------------------------------------------------------

let gpu: GpuContext | undefined;
let gpuError: unknown;

beforeAll(async () => {
  if (!HAS_GPU) return;
  try {
    gpu = await getGpu();
  } catch (e) {
    gpuError = e;
  }
});

const readBuffer = readGpuBuffer;

interface GpuRun {
  u: Float32Array;
  /** norms[k*nb + b] = ‖r‖ of member b after k cycles */
  norms: Float32Array;
}

/** Upload the CPU solver's (f32-rounded) data, run `cycles` cycles in one pass, read u and the norms. */
async function runGpu(opts: MgOptions, cpu: CpuMultigrid, cycles: number): Promise<GpuRun> {
  const { device } = gpu!;
  const nb = opts.nb ?? 1;
  device.pushErrorScope('validation');
  const mg = new GpuMultigrid(device, opts);
  for (const [g, c] of [[mg.ax, cpu.ax], [mg.ay, cpu.ay], [mg.bd, cpu.bd], [mg.u, cpu.u], [mg.f, cpu.f]] as const) {
    device.queue.writeBuffer(g, 0, Float32Array.from(c));
  }
  const out = device.createBuffer({ size: 4 * nb * (cycles + 1), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  mg.encodeCoarsenCoefficients(pass);
  mg.encodeResidualNorms(pass, out, 0);
  for (let k = 1; k <= cycles; k++) {
    mg.encodeVCycle(pass);
    mg.encodeResidualNorms(pass, out, k * nb);
  }
  pass.end();
  device.queue.submit([enc.finish()]);
  const norms = await readBuffer(device, out, nb * (cycles + 1));
  const u = await readBuffer(device, mg.u, nb * opts.nx * opts.ny);
  expect(await device.popErrorScope()).toBeNull();
  mg.destroy();
  out.destroy();
  return { u, norms };
}

/** A CPU solver holding the problems (one per batch member) with f32-representable data. */
function setupCpu(opts: MgOptions, problems: Problem[], zeroF = false): CpuMultigrid {
  const cpu = new CpuMultigrid(opts);
  const { nx, ny } = opts;
  problems.forEach((p, b) => fillProblem(cpu, nx, ny, opts.h, b, p));
  for (const arr of [cpu.ax, cpu.ay, cpu.bd]) arr.set(Float32Array.from(arr));
  if (!zeroF) {
    cpu.applyOperator(smoothField(nx, ny, problems.length, 5), cpu.f);
    cpu.f.set(Float32Array.from(cpu.f));
  }
  cpu.u.set(Float32Array.from(randomField(cpu.u.length, 9)));
  cpu.coarsenCoefficients();
  return cpu;
}

/** max |u_gpu − u_cpu| / max |u_cpu| for batch member b */
function relDiff(gpuU: Float32Array, cpuU: Float64Array, n: number, b: number): number {
  let d = 0;
  let m = 0;
  for (let k = b * n; k < (b + 1) * n; k++) {
    d = Math.max(d, Math.abs(gpuU[k] - cpuU[k]));
    m = Math.max(m, Math.abs(cpuU[k]));
  }
  return d / m;
}

describe.skipIf(!HAS_GPU)('GPU multigrid (f32) against the CPU reference', () => {
  afterAll(() => {
    if (gpu) console.log(`GPU adapter: ${gpu.label.vendor} ${gpu.label.architecture} ${gpu.label.description} (fallback: ${gpu.label.isFallback})`);
  });

  test('a WebGPU adapter is available', () => {
    expect(gpuError, `getGpu() failed: ${String(gpuError)}`).toBeUndefined();
  });

  // Stated tolerances for max|u_gpu − u_cpu| / max|u_cpu| after the same cycles from the same
  // f32-rounded data, i.e. f32 round-off only. Smooth problems, V(2,2): 1e-5 (measured ≈ 2e-7).
  // Krylov mode takes its step lengths from f32 dot products: 1e-4 (measured 1e-5 on 8×256). With a
  // 1e4 conductivity contrast the f32 operator itself is perturbed by ~1e-7·1e4: 5e-3 (measured
  // 3e-5 V(2,2), 1.2e-4 krylov). The residual norms must also agree within 2 % at every cycle.
  const cases: [string, MgOptions, Problem[], number, number][] = [
    ['64² Poisson, V(2,2)', { nx: 64, ny: 64, h: 1 / 64 }, [{ kind: 'poisson' }], 3, 1e-5],
    ['64² diffusion, V(2,2)', { nx: 64, ny: 64, h: 1 / 64 }, [{ kind: 'diffusion' }], 3, 1e-5],
    ['64² jump 1e4, krylov', { nx: 64, ny: 64, h: 1 / 64, krylov: true }, [{ kind: 'jump', jump: 1e4 }], 3, 5e-3],
    ['64² jump 1e4, V(2,2)', { nx: 64, ny: 64, h: 1 / 64 }, [{ kind: 'jump', jump: 1e4 }], 3, 5e-3],
    // odd nx on smoothed levels (4 colours), y-only semi-coarsening, odd 25×5 coarsest by Cholesky and by GS sweeps
    ['50×40 diffusion, V(2,2)', { nx: 50, ny: 40, h: 1 / 50 }, [{ kind: 'diffusion' }], 3, 1e-5],
    ['50×40 diffusion, GS coarsest', { nx: 50, ny: 40, h: 1 / 50, coarsestSweeps: 40 }, [{ kind: 'diffusion' }], 3, 1e-5],
    ['8×256 Poisson, krylov', { nx: 8, ny: 256, h: 1 / 256, krylov: true }, [{ kind: 'poisson' }], 3, 1e-4],
  ];
  for (const [name, opts, problems, cycles, tol] of cases) {
    test(`fields agree: ${name}`, async () => {
      if (!gpu) return expect.fail('no GPU');
      const cpu = setupCpu(opts, problems);
      const g = await runGpu(opts, cpu, cycles);
      const cpuNorms = [cpu.residualNorms()[0]];
      for (let k = 0; k < cycles; k++) {
        cpu.vcycle();
        cpuNorms.push(cpu.residualNorms()[0]);
      }
      const d = relDiff(g.u, cpu.u, opts.nx * opts.ny, 0);
      console.log(`GPU≡CPU ${name}: max|Δu|/max|u| = ${d.toExponential(2)} after ${cycles} cycles; ‖r‖ gpu ${Array.from(g.norms, (v) => v.toExponential(3)).join(' ')} cpu ${cpuNorms.map((v) => v.toExponential(3)).join(' ')}`);
      expect(d).toBeLessThanOrEqual(tol);
      for (let k = 0; k <= cycles; k++) expect(Math.abs(g.norms[k] - cpuNorms[k])).toBeLessThanOrEqual(0.02 * cpuNorms[k] + 1e-6 * cpuNorms[0]);
    });
  }

  for (const krylov of [false, true]) {
    test(`batch of 3 different problems at 32² is 3 independent solves (${krylov ? 'krylov' : 'V(2,2)'})`, async () => {
      if (!gpu) return expect.fail('no GPU');
      const problems: Problem[] = [{ kind: 'jump', jump: 1e4 }, { kind: 'poisson' }, { kind: 'diffusion' }];
      const opts: MgOptions = { nx: 32, ny: 32, nb: 3, h: 1 / 32, krylov };
      const cycles = 3;
      const batch = setupCpu(opts, problems);
      const g = await runGpu(opts, batch, cycles);
      const n = 32 * 32;
      for (let b = 0; b < 3; b++) {
        // the same member alone, on the CPU
        const single = new CpuMultigrid({ ...opts, nb: 1 });
        single.ax.set(batch.ax.subarray(b * n, (b + 1) * n));
        single.ay.set(batch.ay.subarray(b * 33 * 32, (b + 1) * 33 * 32));
        single.bd.set(batch.bd.subarray(b * n, (b + 1) * n));
        single.f.set(batch.f.subarray(b * n, (b + 1) * n));
        single.u.set(batch.u.subarray(b * n, (b + 1) * n));
        single.coarsenCoefficients();
        for (let k = 0; k < cycles; k++) single.vcycle();
        const d = relDiff(g.u.subarray(b * n, (b + 1) * n), single.u, n, 0);
        console.log(`GPU batch ${krylov ? 'krylov' : 'V(2,2)'} member ${b} (${label(problems[b])}): max|Δu|/max|u| vs a lone CPU solve = ${d.toExponential(2)}`);
        expect(d).toBeLessThanOrEqual(b === 0 ? 5e-3 : 1e-5);
      }
    });
  }

  const gpuSizes = [64, 128, 256, 512];
  for (const n of gpuSizes) {
    test(`convergence factor ≤ 0.15 on ${n}² for the 1e4 and 1e7 jumps (krylov) and Poisson (V(2,2))`, async () => {
      if (!gpu) return expect.fail('no GPU');
      const runs: [Problem, boolean][] = [
        [{ kind: 'jump', jump: 1e4 }, true],
        [{ kind: 'jump', jump: 1e7 }, true],
        [{ kind: 'poisson' }, false],
      ];
      for (const [p, krylov] of runs) {
        const opts: MgOptions = { nx: n, ny: n, h: 1 / n, krylov };
        const cpu = setupCpu(opts, [p], true);
        const g = await runGpu(opts, cpu, 6);
        const norms = Array.from(g.norms);
        const per = norms.slice(1).map((v, k) => v / norms[k]);
        const gm = gmean(norms);
        console.log(`GPU ${krylov ? 'krylov' : 'V(2,2)'} ${label(p).padEnd(13)} ${n}²: factor ${fmt(gm)}  per cycle ${per.map(fmt).join(' ')}`);
        expect(gm).toBeLessThanOrEqual(MAX_FACTOR);
      }
    });
  }
});
