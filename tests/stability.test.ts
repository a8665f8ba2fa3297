// Mullins–Sekerka relation of the sharp-interface model (src/analysis/stability.ts, docs/mullins-sekerka.md)
// checked against things it is not built from:
// - the base state against the 1D column equations (Stefan balance, quadrature of the ohmic drop, Butler–Volmer);
// - s(k) against a finite-volume solve in y of the linearised perturbation problem for c₁(y) and φ₁(y),
//   written from the boundary conditions term by term (Taylor transfer, literal Stefan and charge balances,
//   Butler–Volmer linearised by numerical differentiation), Richardson-extrapolated over two grids;
// - the long-wave limit against −(∂J/∂H at fixed φ_s)/(F C_s) from 1D base states;
// - the diffusion-limited limit against the classical s = V k coth(kH) − (D k coth(kH) − V) d0 k².

import { describe, expect, it } from 'vitest';
import { FARADAY, GAS_CONSTANT } from '../src/model/constants.ts';
import {
  baseState,
  besselI0e,
  besselI1e,
  besselK0e,
  besselK1e,
  dispersionTerms,
  fastestMode,
  growthRate_per_s,
  longWaveRate_per_s,
  marginalWavenumber_per_m,
  type StabilityParams,
} from '../src/analysis/stability.ts';

const TYPICAL = {
  alpha: 0.5,
  T_K: 300,
  D_m2_s: 7.5e-10, // MODEL.md §3 (Chen 2015)
  c0_mol_m3: 1000,
  tplus: 0.4,
  sigma0_S_m: 1.19, // Chen 2015
  Cs_mol_m3: 7.64e4, // Chen 2015
  Omega_m3_mol: 1.3e-5,
  gamma_J_m2: 0.5,
};

function jStar(p: Omit<StabilityParams, 'J_A_m2'>): number {
  return (FARADAY * p.D_m2_s * p.c0_mol_m3) / ((1 - p.tplus) * p.H_m);
}

/** A parameter set at J = fraction·J*. */
function set(i0_A_m2: number, H_m: number, fraction: number, extra: Partial<StabilityParams> = {}): StabilityParams {
  const q = { ...TYPICAL, i0_A_m2, H_m, ...extra };
  return { ...q, J_A_m2: fraction * jStar(q) };
}

const SETS: Record<string, StabilityParams> = {
  // 1 mA/cm², 50 µm gap, half the limiting current: kinetics, ohmic drop and diffusion all matter
  A: set(10, 50e-6, 0.5),
  // slow kinetics (1e-2 mA/cm²), thin gap, 0.9 J*: c̃_s ≈ 0.1, strong ohmic coupling
  B: set(0.1, 20e-6, 0.9),
  // fast kinetics (100 mA/cm²), wide gap, 0.3 J*
  C: set(1000, 200e-6, 0.3),
};

// ---------------------------------------------------------------------------------------------------
// Independent finite-volume solve of the linearised problem for one mode k.

interface FvOptions {
  quasiStatic: boolean;
  advection?: boolean;
  N: number;
}

/** Thomas algorithm: a_j x_{j−1} + b_j x_j + c_j x_{j+1} = d_j. */
function thomas(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array): Float64Array {
  const n = b.length;
  const cp = new Float64Array(n);
  const dp = new Float64Array(n);
  cp[0] = c[0] / b[0];
  dp[0] = d[0] / b[0];
  for (let j = 1; j < n; j++) {
    const m = b[j] - a[j] * cp[j - 1];
    cp[j] = c[j] / m;
    dp[j] = (d[j] - a[j] * dp[j - 1]) / m;
  }
  const x = new Float64Array(n);
  x[n - 1] = dp[n - 1];
  for (let j = n - 2; j >= 0; j--) x[j] = dp[j] - cp[j] * x[j + 1];
  return x;
}

/**
 * For a trial s and unit displacement δ = 1, solve the bulk equations with the reservoir conditions and the
 * Stefan and charge conditions at the front; return the residual of the kinetic condition F C_s s δ = i₁.
 * Front frame y ∈ [0, H]; vertex-centred finite volumes on a grid stretched towards the front.
 */
function kineticResidual(p: StabilityParams, k: number, s: number, o: FvOptions): number {
  const b0 = baseState(p); // checked against the column equations in its own test below
  const f = FARADAY / (GAS_CONSTANT * p.T_K);
  const L = p.H_m;
  const D = p.D_m2_s;
  const cs = b0.cSurface;
  const G = (1 - cs) / L;
  const V = p.J_A_m2 / (FARADAY * p.Cs_mol_m3);
  const Vb = o.quasiStatic || o.advection === false ? 0 : V; // bulk advection (front frame)
  const sb = o.quasiStatic ? 0 : s; // bulk transient
  const Gamma = ((1 - p.tplus) * p.Cs_mol_m3) / p.c0_mol_m3;
  const cBase = (y: number) => cs + G * y;
  const dPhi0 = (y: number) => p.J_A_m2 / (p.sigma0_S_m * cBase(y)); // σ0 c̃0 φ0' = J
  const d2Phi0 = (y: number) => (-p.J_A_m2 * G) / (p.sigma0_S_m * cBase(y) ** 2);
  const delta = 1;

  // grid: spacing at the front ~ β·min(1/k, r_s)/N, geometric growth towards the reservoir
  const ell = Math.min(1 / k, cs / G, L);
  const beta = Math.log(1 + (4 * L) / ell);
  const N = o.N;
  const y = Float64Array.from({ length: N + 1 }, (_, j) => (L * Math.expm1((beta * j) / N)) / Math.expm1(beta));

  // salt: rows j = 0..N−1 (c_N = 0)
  const a = new Float64Array(N);
  const bb = new Float64Array(N);
  const cc = new Float64Array(N);
  const d = new Float64Array(N);
  for (let j = 1; j < N; j++) {
    const dp = y[j + 1] - y[j];
    const dm = y[j] - y[j - 1];
    const w = 0.5 * (dp + dm);
    a[j] = D / dm - Vb / 2;
    cc[j] = D / dp + Vb / 2;
    bb[j] = -D / dp - D / dm - (D * k * k + sb) * w;
  }
  {
    // half cell [0, y_½]: D c'(½) − D c'(0) + V(c(½) − c(0)) − (Dk² + s) w0 c0 = 0, with the Stefan
    // condition D [∂c̃/∂n]₁ = Γ sδ − [c̃_I v_n]₁ = Γ sδ − c̃_s sδ − V (G δ + c₀)
    const dp = y[1] - y[0];
    const w0 = dp / 2;
    const stefanConst = Gamma * s * delta - cs * s * delta - V * G * delta;
    const stefanC0 = -V;
    // D(c1 − c0)/dp − (stefanConst + stefanC0 c0) + Vb (c1 − c0)/2 − (Dk² + s) w0 c0 = 0
    bb[0] = -D / dp - stefanC0 - Vb / 2 - (D * k * k + sb) * w0;
    cc[0] = D / dp + Vb / 2;
    d[0] = stefanConst;
  }
  const c1 = thomas(a, bb, cc, d);
  const cAt = (j: number) => (j === N ? 0 : c1[j]);

  // potential: flux Φ = c̃0 φ₁' + c₁ φ0' (the perturbed ionic current over σ0); rows j = 0..N−1 (φ_N = 0)
  const pa = new Float64Array(N);
  const pb = new Float64Array(N);
  const pc = new Float64Array(N);
  const pd = new Float64Array(N);
  const migr = (j: number) => 0.5 * (cAt(j) * dPhi0(y[j]) + cAt(j + 1) * dPhi0(y[j + 1])); // c₁φ0' at j+½
  for (let j = 1; j < N; j++) {
    const dp = y[j + 1] - y[j];
    const dm = y[j] - y[j - 1];
    const w = 0.5 * (dp + dm);
    const sp = cBase(0.5 * (y[j] + y[j + 1])) / dp;
    const sm = cBase(0.5 * (y[j] + y[j - 1])) / dm;
    pa[j] = sm;
    pc[j] = sp;
    pb[j] = -sp - sm - k * k * w * cBase(y[j]);
    pd[j] = -(migr(j) - migr(j - 1));
  }
  {
    // half cell: Φ(½) − Φ(0) − k² w0 c̃_s φ0 = 0, Φ(0) = c̃_s φ₁'(0) + c₁(0) φ0'(0), with the charge condition
    // σ0 [c̃_I ∂φ/∂n]₁ = σ0 [(G δ + c₀) φ0'(0) + c̃_s (φ0''(0) δ + φ₁'(0))] = F C_s s δ
    const dp = y[1] - y[0];
    const w0 = dp / 2;
    const csPhiPrime = (FARADAY * p.Cs_mol_m3 * s * delta) / p.sigma0_S_m - (G * delta + c1[0]) * dPhi0(0) - cs * d2Phi0(0) * delta;
    const flux0 = csPhiPrime + c1[0] * dPhi0(0);
    const sp = cBase(0.5 * y[1]) / dp;
    pb[0] = -sp - k * k * w0 * cs;
    pc[0] = sp;
    pd[0] = -migr(0) + flux0;
  }
  const phi1 = thomas(pa, pb, pc, pd);

  // kinetics: F C_s s δ = ∂i/∂c̃ · [c̃_I]₁ + ∂i/∂η · η₁, η₁ = −[φ_l]₁ + (γΩ/F) K₁, K₁ = k² δ
  const bv = (c: number, eta: number) => p.i0_A_m2 * (c * Math.exp(-p.alpha * f * eta) - Math.exp((1 - p.alpha) * f * eta));
  const h = 1e-6;
  const dIdc = (bv(cs + 1e-3, b0.eta_V) - bv(cs - 1e-3, b0.eta_V)) / 2e-3;
  const dIdEta = (bv(cs, b0.eta_V + h) - bv(cs, b0.eta_V - h)) / (2 * h);
  const cI1 = G * delta + c1[0];
  const phiI1 = dPhi0(0) * delta + phi1[0];
  const eta1 = -phiI1 + ((p.gamma_J_m2 * p.Omega_m3_mol) / FARADAY) * k * k * delta;
  const i1 = dIdc * cI1 + dIdEta * eta1;
  return FARADAY * p.Cs_mol_m3 * s * delta - i1;
}

/** s from the finite-volume problem on N cells: affine in s when quasi-static, else a secant iteration. */
function fvRate(p: StabilityParams, k: number, o: FvOptions): number {
  const r0 = kineticResidual(p, k, 0, o);
  const r1 = kineticResidual(p, k, 1e-3, o);
  let s = (-r0 * 1e-3) / (r1 - r0);
  if (o.quasiStatic) return s;
  let sPrev = 0;
  let rPrev = r0;
  for (let it = 0; it < 50; it++) {
    const r = kineticResidual(p, k, s, o);
    const next = s - (r * (s - sPrev)) / (r - rPrev);
    if (Math.abs(next - s) < 1e-14 * Math.abs(next)) return next;
    sPrev = s;
    rPrev = r;
    s = next;
  }
  throw new Error('finite-volume secant did not converge');
}

/** Richardson extrapolation over N and 2N (second order); returns the value and the size of the correction. */
function fvRateExtrapolated(p: StabilityParams, k: number, o: Omit<FvOptions, 'N'>, N = 3000) {
  const coarse = fvRate(p, k, { ...o, N });
  const fine = fvRate(p, k, { ...o, N: 2 * N });
  return { s: fine + (fine - coarse) / 3, correction: Math.abs(fine - coarse) / 3 };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// ---------------------------------------------------------------------------------------------------

describe('Mullins–Sekerka relation (sharp-interface binary model)', () => {
  it('Bessel helpers match tabulated values (A&S table 9.8) and the Wronskian I0K1 + I1K0 = 1/x', () => {
    const table: [number, number, number, number, number][] = [
      // x, I0, I1, K0, K1 (Abramowitz & Stegun, table 9.8 / DLMF 10.25)
      [0.5, 1.0634833707413236, 0.2578943053908963, 0.9244190712276659, 1.656441120003301],
      [1, 1.2660658777520082, 0.5651591039924851, 0.42102443824070834, 0.6019072301972346],
      [3, 4.880792585865024, 3.953370217402609, 0.03473950438627925, 0.04015643112819418],
      [10, 2815.716628466254, 2670.988303701255, 1.778006231616918e-5, 1.864877345382558e-5],
    ];
    for (const [x, i0, i1, k0, k1] of table) {
      expect(rel(besselI0e(x) * Math.exp(x), i0)).toBeLessThan(3e-7);
      expect(rel(besselI1e(x) * Math.exp(x), i1)).toBeLessThan(3e-7);
      expect(rel(besselK0e(x) * Math.exp(-x), k0)).toBeLessThan(3e-7);
      expect(rel(besselK1e(x) * Math.exp(-x), k1)).toBeLessThan(3e-7);
    }
    for (const x of [1e-4, 0.1, 1.9, 2.1, 3.7, 3.8, 50, 1e4]) {
      const w = x * (besselI0e(x) * besselK1e(x) + besselI1e(x) * besselK0e(x));
      expect(Math.abs(w - 1)).toBeLessThan(1e-6);
    }
  });

  it('base state satisfies the column equations: Stefan with rejection, ohmic drop, Butler–Volmer', () => {
    for (const p of Object.values(SETS)) {
      const b = baseState(p);
      const G = (1 - b.cSurface) / p.H_m; // c̃ = 1 at the reservoir
      const V = p.J_A_m2 / (FARADAY * p.Cs_mol_m3);
      const Gamma = ((1 - p.tplus) * p.Cs_mol_m3) / p.c0_mol_m3;
      // D dc̃/dy = (Γ − c̃_s) V
      expect(rel(p.D_m2_s * G, (Gamma - b.cSurface) * V)).toBeLessThan(1e-12);
      // φ_l(front) = −∫ J/(σ0 c̃) dy, Simpson with 2000 panels
      const n = 2000;
      let sum = 0;
      for (let j = 0; j <= n; j++) {
        const yy = (p.H_m * j) / n;
        const wgt = j === 0 || j === n ? 1 : j % 2 ? 4 : 2;
        sum += wgt / (p.sigma0_S_m * (b.cSurface + G * yy));
      }
      const phiL = (-p.J_A_m2 * sum * p.H_m) / (3 * n);
      expect(rel(b.phiLSurface_V, phiL)).toBeLessThan(1e-8);
      const f = FARADAY / (GAS_CONSTANT * p.T_K);
      const eta = b.phiS_V - phiL;
      const i = p.i0_A_m2 * (b.cSurface * Math.exp(-p.alpha * f * eta) - Math.exp((1 - p.alpha) * f * eta));
      expect(rel(i, p.J_A_m2)).toBeLessThan(1e-6);
      expect(b.peclet).toBeLessThan(0.03); // the quasi-steady assumption (error O(Pe²))
    }
  });

  it('quasi-static s(k) agrees with the finite-volume solve of the linearised problem to 1e-3', () => {
    const rows: string[] = [];
    let worst = 0;
    for (const [name, p] of Object.entries(SETS)) {
      const km = marginalWavenumber_per_m(p);
      // away from the marginal mode, where relative comparisons lose meaning
      const ks = [0.3 / p.H_m, 3 / p.H_m, 0.02 * km, 0.1 * km, 0.3 * km, 0.7 * km, 2 * km];
      for (const k of ks) {
        const s = growthRate_per_s(p, k);
        const fv = fvRateExtrapolated(p, k, { quasiStatic: true });
        const e = rel(s, fv.s);
        worst = Math.max(worst, e);
        rows.push(`${name} kH=${(k * p.H_m).toPrecision(3)} s=${s.toExponential(5)} fv=${fv.s.toExponential(5)} rel=${e.toExponential(1)} (extrap. ${(fv.correction / Math.abs(fv.s)).toExponential(1)})`);
        expect(fv.correction / Math.abs(fv.s)).toBeLessThan(2e-4);
        expect(e).toBeLessThan(1e-3);
      }
    }
    console.log(`quasi-static vs finite volumes (worst ${worst.toExponential(2)}):\n${rows.join('\n')}`);
  });

  it('non-quasi-static s(k) (q from D r² + V r = D k² + s) agrees with the finite-volume solve to 1e-3', () => {
    const rows: string[] = [];
    for (const [name, p] of Object.entries(SETS)) {
      const km = marginalWavenumber_per_m(p);
      for (const k of [0.3 / p.H_m, 3 / p.H_m, 0.1 * km, 0.7 * km]) {
        for (const advection of [true, false]) {
          const s = growthRate_per_s(p, k, { quasiStatic: false, frameAdvection: advection });
          const fv = fvRateExtrapolated(p, k, { quasiStatic: false, advection });
          const sq = growthRate_per_s(p, k);
          rows.push(`${name} kH=${(k * p.H_m).toPrecision(3)} adv=${advection} s=${s.toExponential(6)} fv=${fv.s.toExponential(6)} rel=${rel(s, fv.s).toExponential(1)}; vs quasi-static ${rel(s, sq).toExponential(1)}`);
          expect(rel(s, fv.s)).toBeLessThan(1e-3);
        }
      }
    }
    console.log(`non-quasi-static vs finite volumes:\n${rows.join('\n')}`);
  });

  it('marginal wavenumber agrees with the root of the finite-volume s(k) to 1e-3', () => {
    for (const p of Object.values(SETS)) {
      const km = marginalWavenumber_per_m(p);
      let lo = 0.8 * km;
      let hi = 1.25 * km;
      const fv = (k: number) => fvRateExtrapolated(p, k, { quasiStatic: true }, 1500).s;
      expect(fv(lo)).toBeGreaterThan(0);
      expect(fv(hi)).toBeLessThan(0);
      for (let it = 0; it < 30; it++) {
        const mid = Math.sqrt(lo * hi);
        if (fv(mid) > 0) lo = mid;
        else hi = mid;
      }
      expect(rel(km, Math.sqrt(lo * hi))).toBeLessThan(1e-3);
    }
  });

  it('long waves: s(k → 0⁺) → −(∂J/∂H at fixed φ_s)/(F C_s) of the 1D column, not 0', () => {
    for (const p of Object.values(SETS)) {
      const phiS = baseState(p).phiS_V;
      // current that a column of gap H carries at the electrode potential φ_s (bisection on J)
      const current = (H: number) => {
        let lo = 0;
        let hi = jStar({ ...p, H_m: H }) * (1 - 1e-12);
        for (let it = 0; it < 200; it++) {
          const mid = 0.5 * (lo + hi);
          if (baseState({ ...p, H_m: H, J_A_m2: mid }).phiS_V > phiS) lo = mid;
          else hi = mid;
        }
        return 0.5 * (lo + hi);
      };
      const dH = 1e-4 * p.H_m;
      const column = -(current(p.H_m + dH) - current(p.H_m - dH)) / (2 * dH) / (FARADAY * p.Cs_mol_m3);
      expect(column).toBeGreaterThan(0);
      expect(rel(growthRate_per_s(p, 1e-3 / p.H_m), column)).toBeLessThan(1e-4);
      expect(rel(longWaveRate_per_s(p), column)).toBeLessThan(1e-4);
    }
  });

  it('Gibbs–Thomson makes short waves strongly stable; the fastest mode is an interior maximum', () => {
    for (const p of Object.values(SETS)) {
      const km = marginalWavenumber_per_m(p);
      const fast = fastestMode(p);
      expect(fast.interior).toBe(true);
      expect(fast.k_per_m).toBeLessThan(km);
      expect(fast.s_per_s).toBeGreaterThan(growthRate_per_s(p, fast.k_per_m * 1.02));
      expect(fast.s_per_s).toBeGreaterThan(growthRate_per_s(p, fast.k_per_m / 1.02));
      expect(fast.s_per_s).toBeGreaterThan(longWaveRate_per_s(p));
      expect(growthRate_per_s(p, 3 * km)).toBeLessThan(-5 * fast.s_per_s);
      expect(growthRate_per_s(p, 10 * km)).toBeLessThan(-50 * fast.s_per_s);
    }
  });

  it('no Gibbs–Thomson and fast kinetics: every mode grows, and i0, σ0 → ∞ gives s = V k coth(kH) (diffusion-limited)', () => {
    const p = set(1e11, 50e-6, 0.9, { gamma_J_m2: 0, sigma0_S_m: 1e11 });
    const b = baseState(p);
    for (let lk = Math.log(1e-3 / p.H_m); lk < Math.log(1e10); lk += 0.25) {
      const k = Math.exp(lk);
      const s = growthRate_per_s(p, k);
      expect(s).toBeGreaterThan(0);
      if (k < 1e8) expect(rel(s, (b.V_m_s * k) / Math.tanh(k * p.H_m))).toBeLessThan(1e-3);
    }
    expect(marginalWavenumber_per_m(p)).toBe(Infinity);
    // finite σ0 and kinetics, still without Gibbs–Thomson: positive for all k, saturating at (A G + B E/c̃_s)/(F C_s)
    const q = set(10, 50e-6, 0.9, { gamma_J_m2: 0 });
    for (let lk = Math.log(1e-3 / q.H_m); lk < Math.log(1e10); lk += 0.5) expect(growthRate_per_s(q, Math.exp(lk))).toBeGreaterThan(0);
    const sInf = fastestMode(q).s_per_s;
    expect(rel(growthRate_per_s(q, 1e12), sInf)).toBeLessThan(1e-3);
  });

  it('diffusion-limited with Gibbs–Thomson: s = V Q − (D Q − V) d0 k², Q = k coth(kH), d0 = c̃_s γΩ/(RT (Γ − c̃_s))', () => {
    const p = set(1e9, 50e-6, 0.5, { sigma0_S_m: 1e9 });
    const b = baseState(p);
    const d0 = (b.cSurface * p.gamma_J_m2 * p.Omega_m3_mol) / (GAS_CONSTANT * p.T_K * (b.Gamma - b.cSurface));
    const classic = (k: number) => {
      const Q = k / Math.tanh(k * p.H_m);
      return b.V_m_s * Q - (p.D_m2_s * Q - b.V_m_s) * d0 * k * k;
    };
    const km = marginalWavenumber_per_m(p);
    for (const k of [1 / p.H_m, 0.1 * km, 0.5 * km, 2 * km]) expect(rel(growthRate_per_s(p, k), classic(k))).toBeLessThan(1e-3);
    // MS scaling: k_m² ≈ V/(D d0), i.e. λ_m = 2π √(d0 D/V)
    expect(rel(km, Math.sqrt(b.V_m_s / (p.D_m2_s * d0)))).toBeLessThan(0.01);
  });

  it('bad input names the parameter and the value', () => {
    const p = SETS.A;
    expect(() => baseState({ ...p, J_A_m2: 1.01 * jStar(p) })).toThrow(/J_A_m2 must be below the limiting current J\* .*got 2436/);
    expect(() => baseState({ ...p, D_m2_s: -1 })).toThrow(/D_m2_s must be > 0, got -1/);
    expect(() => baseState({ ...p, alpha: 1 })).toThrow(/alpha must be in \(0, 1\), got 1/);
    expect(() => baseState({ ...p, tplus: 1 })).toThrow(/tplus/);
    expect(() => baseState({ ...p, i0_A_m2: Number.NaN })).toThrow(/i0_A_m2 must be a finite number/);
    expect(() => growthRate_per_s(p, 0)).toThrow(/k_per_m must be a finite number > 0, got 0/);
  });

  it('prints the table of docs/mullins-sekerka.md', () => {
    const lines = ['| set | i0 [mA/cm²] | H [µm] | J/J* | J [mA/cm²] | c̃_s | η [mV] | ohmic [mV] | s(λ = 50, 20, 10, 5, 2 µm) [1/s] | s(0⁺) [1/s] | λ_fastest [µm] (s) | λ_marginal [µm] |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
    for (const [name, p] of Object.entries(SETS)) {
      const b = baseState(p);
      const ss = [50, 20, 10, 5, 2].map((lam) => growthRate_per_s(p, (2 * Math.PI) / (lam * 1e-6)).toExponential(2));
      const fast = fastestMode(p);
      const km = marginalWavenumber_per_m(p);
      const t = dispersionTerms(p, fast.k_per_m);
      expect(rel(t.s_per_s, fast.s_per_s)).toBeLessThan(1e-12);
      lines.push(
        `| ${name} | ${p.i0_A_m2 / 10} | ${p.H_m * 1e6} | ${(p.J_A_m2 / b.Jstar_A_m2).toFixed(2)} | ${(p.J_A_m2 / 10).toFixed(1)} | ${b.cSurface.toFixed(3)} | ${(b.eta_V * 1e3).toFixed(1)} | ${(-b.phiLSurface_V * 1e3).toFixed(1)} | ${ss.join(', ')} | ${longWaveRate_per_s(p).toExponential(2)} | ${(fast.lambda_m * 1e6).toFixed(2)} (${fast.s_per_s.toExponential(2)}) | ${((2 * Math.PI * 1e6) / km).toFixed(3)} |`,
      );
    }
    console.log(lines.join('\n'));
  });
});
