// Plane-strain elasticity (src/cpu/elastic.ts, src/gpu/elastic.ts): the Eshelby inclusion against
// the analytic solution (CPU f64 and GPU f32), GPU ≡ CPU on a high-contrast random batch, convergence
// with a 1e4 modulus contrast, and the sign of the eigenstress. Measured figures are printed.
//
// Convergence factor = ‖r_k‖/‖r_{k−1}‖ per outer iteration (geometric mean over the run, and the last).
//
// ESHELBY REFERENCE. The textbook solution is for an infinite matrix. Here the walls are clamped and x
// is periodic, so ∫ div u = 0: the inclusion's expansion must be taken up by compressing the matrix,
// and Li is nearly incompressible (ν = 0.42): the interior stress is 17 % above the infinite-domain
// value and σ_rr(2R) 70 % above (measured, 128², R = 12 cells). The test therefore compares with the
// same plane-strain problem in a clamped disc of the domain's area (Rb = L/√π): inside u = A r,
// outside u = B r + C/r with u(Rb) = 0; for Rb → ∞ it is the textbook solution (checked below).
// It matches the interior to < 1 %. At 2R (mean over the cells of the annulus 1.8R–2.2R that straddle
// the x or y axis, both sides, against the model at the same cell centres, i.e. weighted by its 1/r²
// profile) the error is set by how many cells resolve the inclusion, not by the domain: σrr is off by
// 3.1 % (x) / 5.0 % (y) at 128² and 3.4 / 4.1 % at 256² with R = 12 cells, 3.8 / 4.0 % at 512² with
// R = 12, 13.4 / 13.6 % at 256² with R = 6, and 0.81 / 1.49 % at 512² with R = 24: about second
// order in h/R. σrr − σθθ, free of the term λ tr ε (λ = 5.25 μ in nearly incompressible Li), is less
// sensitive: 2.2 / 4.3 % at 128² and 0.16 / 0.89 % at 512², R = 24. So 512² with R = 24 cells is the acceptance case: every
// quantity within 3 %, on the CPU and the GPU; 128² and 256² with R = 12 keep their measured 5–6 %
// and 3–5 % bounds at 2R as the resolution record.

import { beforeAll, describe, expect, test } from 'vitest';
import { CpuElastic, lameFromYoung, type StressFields } from '../src/cpu/elastic.ts';
import { GpuElastic } from '../src/gpu/elastic.ts';
import { getGpu, type GpuContext } from '../src/gpu/device.ts';
import { HAS_GPU } from './support/env.ts';

const NX = 128;
const H = 0.1; // µm
const R = 12; // cells
const EPS = 0.01;
const LI = lameFromYoung(4.9, 0.42);
const TOL = 0.03;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** smooth random field in [−1, 1]-ish: a few low Fourier modes, periodic in x */
function smoothField(nx: number, ny: number, seed: number): Float64Array {
  const rand = rng(seed);
  const modes = Array.from({ length: 6 }, () => ({ kx: 1 + Math.floor(3 * rand()), ky: 0.5 + 3 * rand(), p: 6.3 * rand(), q: 6.3 * rand(), a: rand() }));
  const out = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let v = 0;
      for (const m of modes) v += m.a * Math.sin((2 * Math.PI * m.kx * i) / nx + m.p) * Math.cos((Math.PI * m.ky * j) / ny + m.q);
      out[j * nx + i] = v / 2;
    }
  }
  return out;
}

interface Inputs {
  lam: Float64Array;
  mu: Float64Array;
  exx: Float64Array;
  eyy: Float64Array;
  exy: Float64Array;
}

/** Li matrix, centred disc of radius R cells with ε*_xx = ε*_yy = ε*·½(1 − tanh((r−R)/h)) */
function eshelbyInputs(L: number, R: number): Inputs {
  const n = L * L;
  const e = new Float64Array(n);
  for (let j = 0; j < L; j++) {
    for (let i = 0; i < L; i++) {
      const r = Math.hypot(i + 0.5 - L / 2, j + 0.5 - L / 2);
      e[j * L + i] = EPS * 0.5 * (1 - Math.tanh(r - R));
    }
  }
  return { lam: new Float64Array(n).fill(LI.lam), mu: new Float64Array(n).fill(LI.mu), exx: e, eyy: e.slice(), exy: new Float64Array(n) };
}

/** plane-strain dilatational inclusion (radius R) in a clamped disc of radius Rb (Infinity: Eshelby) */
function discModel(lam: number, mu: number, eps: number, R: number, Rb: number) {
  // continuity at R: A R² = B R² + C; u(Rb) = 0: C = −B Rb²; traction at R:
  // 2(λ+μ)(A − ε*) = 2(λ+μ)B − 2μC/R². Infinite matrix: B = 0, C = A R².
  const finite = Number.isFinite(Rb);
  const beta = finite ? (R * R) / (R * R - Rb * Rb) : 0; // B = βA
  const back = finite ? (beta * mu * Rb * Rb) / (R * R) : -mu; // −μC/(A R²)
  const A = ((lam + mu) * eps) / (lam + mu - beta * (lam + mu) - back);
  const B = beta * A;
  const C = finite ? -B * Rb * Rb : A * R * R;
  const sIn = 2 * (lam + mu) * (A - eps);
  return {
    sIn,
    shIn: ((4 * (lam + mu) + 2 * lam) * (A - eps)) / 3,
    srr: (r: number) => 2 * (lam + mu) * B - (2 * mu * C) / (r * r),
    stt: (r: number) => 2 * (lam + mu) * B + (2 * mu * C) / (r * r),
    shOut: ((4 * (lam + mu) + 2 * lam) * B) / 3,
  };
}

interface EshelbyResult {
  sxx: number;
  syy: number;
  sh: number;
  rrX: number;
  rrY: number;
  /** σrr − σθθ on the same cells: free of the confinement pressure */
  dX: number;
  dY: number;
  farSh: number;
}

/** means over the cell sets described in the header: numerical, and the disc model on the same cells */
function eshelbyMeasure(s: StressFields<ArrayLike<number>>, L: number, R: number): { num: EshelbyResult; model: EshelbyResult } {
  const m = discModel(LI.lam, LI.mu, EPS, R, L / Math.sqrt(Math.PI));
  const keys = ['sxx', 'syy', 'sh', 'rrX', 'rrY', 'dX', 'dY', 'farSh'] as const;
  const zero = () => Object.fromEntries(keys.map((k) => [k, 0])) as unknown as EshelbyResult;
  const num = zero();
  const mod = zero();
  const cnt = zero();
  const add = (k: keyof EshelbyResult, v: number, model: number) => {
    num[k] += v;
    mod[k] += model;
    cnt[k]++;
  };
  for (let j = 0; j < L; j++) {
    for (let i = 0; i < L; i++) {
      const k = j * L + i;
      const x = i + 0.5 - L / 2;
      const y = j + 0.5 - L / 2;
      const r = Math.hypot(x, y);
      if (r < R / 2) {
        add('sxx', s.sxx[k], m.sIn);
        add('syy', s.syy[k], m.sIn);
        add('sh', s.sh[k], m.shIn);
      }
      if (r >= 1.8 * R && r <= 2.2 * R && (Math.abs(y) < 1 || Math.abs(x) < 1)) {
        const c = x / r;
        const sn = y / r;
        const rr = s.sxx[k] * c * c + s.syy[k] * sn * sn + 2 * s.sxy[k] * c * sn;
        const tt = s.sxx[k] * sn * sn + s.syy[k] * c * c - 2 * s.sxy[k] * c * sn;
        const onX = Math.abs(y) < 1;
        add(onX ? 'rrX' : 'rrY', rr, m.srr(r));
        add(onX ? 'dX' : 'dY', rr - tt, m.srr(r) - m.stt(r));
      }
      if (r >= 3 * R && r <= 4 * R) add('farSh', s.sh[k], m.shOut);
    }
  }
  for (const k of keys) {
    num[k] /= cnt[k];
    mod[k] /= cnt[k];
  }
  return { num, model: mod };
}

/**
 * Interior to TOL; at 2R, σrr − σθθ (free of the confinement pressure) to tolDev and σrr to tolRR:
 * the clamped walls and periodic images (at ~4R … 8R) perturb the 1/r² field by a few % (see the header).
 */
function checkEshelby(label: string, s: StressFields<ArrayLike<number>>, L: number, R: number, tolDev: number, tolRR: number): void {
  const { num, model } = eshelbyMeasure(s, L, R);
  const inf = discModel(LI.lam, LI.mu, EPS, R, Infinity);
  const err = (k: keyof EshelbyResult) => num[k] / model[k] - 1;
  const pc = (k: keyof EshelbyResult) => `${(100 * err(k)).toFixed(2)} %`;
  console.log(
    `${label} Eshelby ${L}², R = ${R} cells, vs clamped disc: interior σxx ${pc('sxx')}, σyy ${pc('syy')}, σh ${pc('sh')}; ` +
      `annulus 1.8R–2.2R on the axes: σrr x ${pc('rrX')}, y ${pc('rrY')}, σrr−σθθ x ${pc('dX')}, y ${pc('dY')}; ` +
      `interior σxx = ${num.sxx.toFixed(5)} GPa (infinite matrix ${inf.sIn.toFixed(5)}: ratio ${(num.sxx / inf.sIn).toFixed(3)}); ` +
      `far σh (3R–4R) = ${num.farSh.toExponential(3)} GPa = ${(num.farSh / num.sh).toFixed(4)} σh,in (disc model ${model.farSh.toExponential(3)})`,
  );
  // a wrong sign of the eigenstress would make the interior tensile
  expect(num.sxx).toBeLessThan(0);
  expect(num.sh).toBeLessThan(0);
  for (const k of ['sxx', 'syy', 'sh'] as const) expect(Math.abs(err(k)), k).toBeLessThan(TOL);
  for (const k of ['dX', 'dY'] as const) expect(Math.abs(err(k)), k).toBeLessThan(tolDev);
  for (const k of ['rrX', 'rrY'] as const) expect(Math.abs(err(k)), k).toBeLessThan(tolRR);
  // far field: the infinite matrix has σh = 0 outside; what remains is the confinement pressure
  expect(Math.abs(num.farSh - model.farSh)).toBeLessThan(0.01 * Math.abs(num.sh));
}

function geoMean(f: number[]): number {
  return Math.exp(f.reduce((a, x) => a + Math.log(x), 0) / f.length);
}

/** iterate one at a time until ‖r‖ falls by `drop` (or maxIt); returns the per-iteration factors */
function solveCpu(el: CpuElastic, drop: number, maxIt: number): number[] {
  const r0 = el.residualNorms()[0];
  let prev = r0;
  const f: number[] = [];
  while (f.length < maxIt) {
    el.iterate(1);
    const r = el.residualNorms()[0];
    f.push(r / prev);
    prev = r;
    if (r < drop * r0) break;
  }
  return f;
}

function setAll(el: CpuElastic | GpuElastic, p: Inputs): void {
  el.setModuli(p.lam, p.mu);
  el.setEigenstrain(p.exx, p.eyy, p.exy);
}

describe('CPU elasticity (f64)', () => {
  test('the disc model reduces to Eshelby for an infinite matrix', () => {
    const inf = discModel(LI.lam, LI.mu, EPS, R, Infinity);
    const { lam, mu } = LI;
    expect(inf.sIn).toBeCloseTo((-2 * mu * (lam + mu) * EPS) / (lam + 2 * mu), 12);
    expect(inf.shIn).toBeCloseTo((-2 * mu * (3 * lam + 2 * mu) * EPS) / (3 * (lam + 2 * mu)), 12);
    expect(inf.srr(2 * R)).toBeCloseTo(inf.sIn / 4, 12);
    expect(inf.stt(2 * R)).toBeCloseTo(-inf.sIn / 4, 12);
    expect(inf.shOut).toBe(0);
  });

  // 128² as specified and 256² (same R): the error at 2R does not fall with the domain; 512² with
  // R = 24 cells: every quantity within 3 % (the acceptance case, see the header)
  test.each([
    [NX, R, 0.05, 0.06],
    [2 * NX, R, 0.03, 0.05],
    [4 * NX, 2 * R, TOL, TOL],
  ])('Eshelby inclusion, %i², R = %i cells (residual down 1e-6)', (L, Rc, tolDev, tolRR) => {
    const el = new CpuElastic({ nx: L, ny: L, h: H });
    setAll(el, eshelbyInputs(L, Rc));
    const t0 = performance.now();
    const f = solveCpu(el, 1e-6, 200);
    console.log(
      `CPU Eshelby ${L}²: ${f.length} iterations in ${(performance.now() - t0).toFixed(0)} ms, ω = ${el.omega.toFixed(4)} ` +
        `(m = ${el.m.toFixed(4)}, theory factor ${((1 - el.m) / (1 + el.m)).toFixed(3)}), factor mean ${geoMean(f).toFixed(3)}, ` +
        `last ${f[f.length - 1].toFixed(3)}; per iteration ${f.map((x) => x.toFixed(3)).join(' ')}`,
    );
    expect(f.length).toBeLessThan(200);
    checkEshelby('CPU', el.stress(), L, Rc, tolDev, tolRR);
  });

  test('uniform eigenstrain: u stays 0, σ = −C:ε* (negative for ε* > 0)', () => {
    const n = 16 * 12;
    const el = new CpuElastic({ nx: 16, ny: 12, h: H });
    const f = (v: number) => new Float64Array(n).fill(v);
    el.setModuli(f(LI.lam), f(LI.mu));
    el.setEigenstrain(f(EPS), f(0.5 * EPS), f(0.2 * EPS));
    expect(el.residualNorms()[0]).toBeLessThan(1e-12);
    el.iterate(3);
    expect(Math.max(...el.u.map(Math.abs))).toBeLessThan(1e-14);
    const s = el.stress();
    expect(s.sxx[37]).toBeCloseTo(-((LI.lam + 2 * LI.mu) * EPS + LI.lam * 0.5 * EPS), 12);
    expect(s.sxy[37]).toBeCloseTo(-2 * LI.mu * 0.2 * EPS, 12);
    expect(s.sxx[37]).toBeLessThan(0);
  });

  test('1e4 contrast (150 GPa disc in 0.015 GPa Li): factor < 1, relative residual 1e-6', () => {
    const n = NX * NX;
    const S = lameFromYoung(150, 0.3);
    const M = lameFromYoung(0.015, 0.42);
    const p: Inputs = { lam: new Float64Array(n), mu: new Float64Array(n), exx: new Float64Array(n), eyy: new Float64Array(n), exy: new Float64Array(n) };
    for (let j = 0; j < NX; j++) {
      for (let i = 0; i < NX; i++) {
        // off-centre disc swelling anisotropically (lithiated particle); the load is carried by the disc
        const xi = 0.5 * (1 - Math.tanh(Math.hypot(i + 0.5 - 50, j + 0.5 - 70) - R));
        const k = j * NX + i;
        p.lam[k] = M.lam + (S.lam - M.lam) * xi;
        p.mu[k] = M.mu + (S.mu - M.mu) * xi;
        p.exx[k] = EPS * xi;
        p.eyy[k] = 0.4 * EPS * xi;
        p.exy[k] = 0.3 * EPS * xi;
      }
    }
    const el = new CpuElastic({ nx: NX, ny: NX, h: H });
    setAll(el, p);
    const f = solveCpu(el, 1e-6, 300);
    const last = f.slice(-10);
    console.log(
      `CPU contrast 1e4: ${f.length} iterations to 1e-6, ω = ${el.omega.toFixed(4)} (m = ${el.m.toFixed(4)}, θ = ${el.theta.toFixed(3)}), ` +
        `factor mean ${geoMean(f).toFixed(3)}, max of the last 10 ${Math.max(...last).toFixed(3)}`,
    );
    expect(f.length).toBeLessThan(300);
    expect(Math.max(...last)).toBeLessThan(1);
    // why θ: the homogeneous-material choice ω = 2/(1+m) diverges on this problem
    const bad = new CpuElastic({ nx: NX, ny: NX, h: H, omega: 2 / (1 + el.m) });
    setAll(bad, p);
    const fb = solveCpu(bad, 0, 8);
    console.log(`  with ω = 2/(1+m) = ${bad.omega.toFixed(4)}: factors ${fb.map((x) => x.toFixed(3)).join(' ')}`);
    expect(fb[fb.length - 1]).toBeGreaterThan(1);
  });
});

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

/** max |a − b| / max |b| over [lo, hi) */
function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, lo = 0, hi = b.length): number {
  let d = 0;
  let m = 0;
  for (let k = lo; k < hi; k++) {
    d = Math.max(d, Math.abs(a[k] - b[k]));
    m = Math.max(m, Math.abs(b[k]));
  }
  return d / m;
}

describe.skipIf(!HAS_GPU)('GPU elasticity (f32)', () => {
  test('a WebGPU adapter is available', () => {
    expect(gpuError, `getGpu() failed: ${String(gpuError)}`).toBeUndefined();
  });

  test.each([
    [NX, R, 0.05, 0.06],
    [4 * NX, 2 * R, TOL, TOL],
  ])('Eshelby inclusion %i², R = %i cells, as on the CPU: residual down to the f32 floor', async (L, Rc, tolDev, tolRR) => {
    const { device } = gpu!;
    device.pushErrorScope('validation');
    const el = new GpuElastic(device, { nx: L, ny: L, h: H });
    setAll(el, eshelbyInputs(L, Rc));
    const r0 = (await el.residualNorms())[0];
    const norms = [r0];
    const t0 = performance.now();
    // stop at 1e-6 or when 5 iterations gain less than a factor 2 (the f32 floor)
    while (norms.length <= 150) {
      await el.run(1);
      norms.push((await el.residualNorms())[0]);
      const k = norms.length - 1;
      if (norms[k] < 1e-6 * r0 || (k >= 5 && norms[k] > 0.5 * norms[k - 5])) break;
    }
    const its = norms.length - 1;
    const f = norms.slice(1, Math.min(its, 20) + 1).map((r, k) => r / norms[k]);
    const floor = Math.min(...norms) / r0;
    console.log(
      `GPU Eshelby ${L}²: ${its} iterations in ${(performance.now() - t0).toFixed(0)} ms, floor ‖r‖/‖r0‖ = ${floor.toExponential(2)}, ` +
        `factor mean (iterations 1–${f.length}) ${geoMean(f).toFixed(3)}`,
    );
    expect(floor).toBeLessThan(1e-4);
    checkEshelby('GPU', await el.readStress(), L, Rc, tolDev, tolRR);
    expect(await device.popErrorScope()).toBeNull();
    el.destroy();
  });

  test('GPU ≡ CPU: high-contrast random batch (nm = 2), same iterations from zero', async () => {
    const { device } = gpu!;
    const nx = 64;
    const ny = 48;
    const n = nx * ny;
    const nm = 2;
    const p: Inputs = { lam: new Float64Array(nm * n), mu: new Float64Array(nm * n), exx: new Float64Array(nm * n), eyy: new Float64Array(nm * n), exy: new Float64Array(nm * n) };
    const wave = smoothField(nx, ny, 3);
    const nuF = smoothField(nx, ny, 4);
    const logE = smoothField(nx, ny, 5);
    const ex = [smoothField(nx, ny, 6), smoothField(nx, ny, 7), smoothField(nx, ny, 8)];
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const nu = 0.0 + 0.9 * Math.max(-0.49, Math.min(0.49, nuF[k])); // in (−0.44, 0.44)
        // member 0: layers soft 1e-3 GPa / Li / stiff 150 GPa with wavy interfaces one cell wide
        const y = j + 3 * wave[k];
        const stiff = 0.5 * (1 - Math.tanh(Math.abs(y - 0.35 * ny) - 5));
        const soft = 0.5 * (1 - Math.tanh(Math.abs(y - 0.7 * ny) - 4));
        const E0 = 4.9 * (1 - stiff - soft) + 150 * stiff + 1e-3 * soft;
        // member 1: log-random modulus 0.01 … 100 GPa
        const E1 = Math.pow(10, 4 * logE[k]);
        for (const [b, E] of [[0, E0], [1, E1]] as const) {
          const l = lameFromYoung(E, b === 0 ? nu : -nu);
          const c = b * n + k;
          p.lam[c] = l.lam;
          p.mu[c] = l.mu;
          p.exx[c] = 0.01 * ex[(b + 0) % 3][k];
          p.eyy[c] = 0.01 * ex[(b + 1) % 3][k];
          p.exy[c] = 0.005 * ex[(b + 2) % 3][k];
        }
      }
    }
    // f32-representable inputs for both
    for (const a of Object.values(p)) a.set(Float32Array.from(a));
    const iters = 20;
    const cpu = new CpuElastic({ nx, ny, h: H, nm });
    setAll(cpu, p);
    const c0 = cpu.residualNorms();
    cpu.iterate(iters);
    const c1 = cpu.residualNorms();
    device.pushErrorScope('validation');
    const g = new GpuElastic(device, { nx, ny, h: H, nm });
    // the coupling path: λ, μ land in the buffers as a kernel would write them, the coefficients are
    // refreshed by the encoded kernel in the same pass as the iterations, ω comes from the caller
    device.queue.writeBuffer(g.lam, 0, Float32Array.from(p.lam));
    device.queue.writeBuffer(g.mu, 0, Float32Array.from(p.mu));
    g.setEigenstrain(p.exx, p.eyy, p.exy);
    g.setOmega(cpu.omega);
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    g.encodeRefreshCoefficients(pass);
    g.encodeIterate(pass, iters);
    pass.end();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    const dt = performance.now() - t0;
    const gu = await g.readDisplacement();
    const gs = await g.readStress();
    const gr = await g.residualNorms();
    expect(await device.popErrorScope()).toBeNull();
    const cs = cpu.stress();
    for (let b = 0; b < nm; b++) {
      const du = relDiff(gu, cpu.u, 2 * b * n, (2 * b + 2) * n);
      const ds = (['sxx', 'syy', 'sxy', 'szz', 'sh', 'svm'] as const).map((k) => relDiff(gs[k], cs[k], b * n, (b + 1) * n));
      console.log(
        `GPU vs CPU member ${b} after ${iters} iterations (ω = ${cpu.omega.toFixed(3)}, CPU ‖r‖/‖r0‖ = ${(c1[b] / c0[b]).toExponential(2)}, ` +
          `GPU ${(gr[b] / c0[b]).toExponential(2)}): max|Δu|/max|u| = ${du.toExponential(2)}, stresses ${ds.map((x) => x.toExponential(2)).join(' ')} (${dt.toFixed(0)} ms GPU)`,
      );
      expect(du).toBeLessThan(1e-4);
      for (const d of ds) expect(d).toBeLessThan(1e-4);
      expect(c1[b]).toBeLessThan(c0[b]);
    }
    g.destroy();
  });
});
