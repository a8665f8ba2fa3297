// Linear stability (Mullins–Sekerka) of a planar galvanostatic Li plating front in the sharp-interface
// model that the `binary` phase field reduces to (MODEL.md §2, §4, §5, §8). The derivation, its
// assumptions and their sizes are in docs/mullins-sekerka.md; the equation numbers (MS-n) below point there.
// Pure functions, SI in and out; tests/stability.test.ts checks them against an independent finite-
// difference solve of the linearised problem.

import { FARADAY, GAS_CONSTANT } from '../model/constants.ts';

/** Sharp-interface parameters, SI. `H_m` is the gap between the front and the reservoir (c = c0, φ_l = 0). */
export interface StabilityParams {
  /** exchange current density at c0 [A/m²] (1 mA/cm² = 10 A/m²) */
  i0_A_m2: number;
  /** cathodic transfer coefficient α, in (0, 1) */
  alpha: number;
  T_K: number;
  /** ambipolar salt diffusivity [m²/s] */
  D_m2_s: number;
  /** reservoir salt concentration [mol/m³] */
  c0_mol_m3: number;
  /** Li⁺ transference number, in [0, 1) */
  tplus: number;
  /** electrolyte conductivity at c0 [S/m]; σ = σ0 c/c0 */
  sigma0_S_m: number;
  /** Li site density [mol/m³] */
  Cs_mol_m3: number;
  /** Li molar volume [m³/mol] (Gibbs–Thomson) */
  Omega_m3_mol: number;
  /** Li/electrolyte interface energy [J/m²]; 0 switches Gibbs–Thomson off */
  gamma_J_m2: number;
  /** front-to-reservoir gap [m] */
  H_m: number;
  /** plating current density [A/m²], 0 < J < J* */
  J_A_m2: number;
}

/** Quasi-steady planar base state (MS-3 to MS-6). Potentials relative to the reservoir electrolyte. */
export interface BaseState {
  /** F/(RT) [1/V] */
  f_per_V: number;
  /** limiting current F D c0 / ((1 − t₊) H) [A/m²] */
  Jstar_A_m2: number;
  /** front velocity J/(F C_s) [m/s] */
  V_m_s: number;
  /** Péclet number V H / D */
  peclet: number;
  /** Γ = (1 − t₊) C_s / c0: salt removed per deposited site, in units of c0 */
  Gamma: number;
  /** c/c0 at the front */
  cSurface: number;
  /** dc̃/dy in the electrolyte [1/m] */
  G_per_m: number;
  /** J/σ0 [V/m]: the field is E/c̃(y) */
  E_V_m: number;
  /** electrolyte potential at the front [V] (negative: the ohmic drop) */
  phiLSurface_V: number;
  /** activation overpotential φ_s − φ_l at the front [V] (negative: plating) */
  eta_V: number;
  /** electrode potential φ_s against the reservoir electrolyte [V] */
  phiS_V: number;
  /** ∂i/∂c̃ at the base state [A/m²] */
  dIdC_A_m2: number;
  /** −∂i/∂η at the base state [A/(m² V)] */
  dIdNegEta_A_m2_V: number;
  /** Gibbs–Thomson coefficient γΩ/F [V m] */
  gibbsThomson_V_m: number;
}

export interface GrowthOptions {
  /**
   * true (default): Laplace fields, s ≪ D k² (MS-14). false: the perturbed salt field obeys
   * D(c'' − k²c) + V c' = s c in the front's frame (MS-16), solved for s by fixed-point iteration.
   */
  quasiStatic?: boolean;
  /** with quasiStatic false: keep the V c' term of the front's frame (default true); false gives q = √(k² + s/D) */
  frameAdvection?: boolean;
}

const KEYS: (keyof StabilityParams)[] = [
  'i0_A_m2', 'alpha', 'T_K', 'D_m2_s', 'c0_mol_m3', 'tplus', 'sigma0_S_m',
  'Cs_mol_m3', 'Omega_m3_mol', 'gamma_J_m2', 'H_m', 'J_A_m2',
];

function validate(p: StabilityParams): void {
  for (const key of KEYS) {
    const v = p[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`stability: ${key} must be a finite number, got ${v}`);
  }
  for (const key of ['i0_A_m2', 'T_K', 'D_m2_s', 'c0_mol_m3', 'sigma0_S_m', 'Cs_mol_m3', 'Omega_m3_mol', 'H_m', 'J_A_m2'] as const) {
    if (!(p[key] > 0)) throw new Error(`stability: ${key} must be > 0, got ${p[key]}`);
  }
  if (!(p.alpha > 0 && p.alpha < 1)) throw new Error(`stability: alpha must be in (0, 1), got ${p.alpha}`);
  if (!(p.tplus >= 0 && p.tplus < 1)) throw new Error(`stability: tplus must be in [0, 1) (t₊ = 1 has no depletion), got ${p.tplus}`);
  if (!(p.gamma_J_m2 >= 0)) throw new Error(`stability: gamma_J_m2 must be ≥ 0, got ${p.gamma_J_m2}`);
  const Gamma = ((1 - p.tplus) * p.Cs_mol_m3) / p.c0_mol_m3;
  // The Stefan condition (MS-2) assumes each deposited site removes more salt than the swept electrolyte held.
  if (!(Gamma > 1)) throw new Error(`stability: (1 − tplus)·Cs_mol_m3/c0_mol_m3 must be > 1 (dilute salt against the metal), got ${Gamma}`);
  const Jstar = (FARADAY * p.D_m2_s * p.c0_mol_m3) / ((1 - p.tplus) * p.H_m);
  if (!(p.J_A_m2 < Jstar)) {
    throw new Error(`stability: J_A_m2 must be below the limiting current J* = F D c0/((1 − t₊) H) = ${Jstar.toPrecision(6)} A/m² at H_m = ${p.H_m}, got ${p.J_A_m2}`);
  }
}

/** Butler–Volmer, cathodic positive: i = i0 [c̃ e^{−αfη} − e^{(1−α)fη}] (MS-1). */
function butlerVolmer(p: StabilityParams, f: number, c: number, eta: number): number {
  return p.i0_A_m2 * (c * Math.exp(-p.alpha * f * eta) - Math.exp((1 - p.alpha) * f * eta));
}

/** Overpotential that carries J at surface concentration c (i(η) is decreasing: bracket, then bisect). */
function solveEta(p: StabilityParams, f: number, c: number): number {
  const etaEq = Math.log(c) / f; // i = 0 (Nernst)
  let lo = etaEq - 1 / f;
  while (butlerVolmer(p, f, c, lo) < p.J_A_m2) {
    lo = etaEq - 2 * (etaEq - lo);
    if (etaEq - lo > 50) throw new Error(`stability: no overpotential within 50 V carries J_A_m2 = ${p.J_A_m2} at i0_A_m2 = ${p.i0_A_m2}`);
  }
  let hi = etaEq;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (butlerVolmer(p, f, c, mid) > p.J_A_m2) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Planar base state. The profile is the lab-frame quasi-steady one: c̃ linear, pinned to 1 at the
 * reservoir; it drifts only through the gap, and its error is O(Pe²) (Pe = VH/D ≤ (J/J*)·c0/((1 − t₊)C_s),
 * ≈ 1e-2 for the typical set). The Stefan condition with rejection (MS-2) gives
 * c̃_s = (1 − J/J*)/(1 − Pe) (MS-4).
 */
export function baseState(p: StabilityParams): BaseState {
  validate(p);
  const f = FARADAY / (GAS_CONSTANT * p.T_K);
  const Jstar = (FARADAY * p.D_m2_s * p.c0_mol_m3) / ((1 - p.tplus) * p.H_m);
  const V = p.J_A_m2 / (FARADAY * p.Cs_mol_m3);
  const peclet = (V * p.H_m) / p.D_m2_s;
  const Gamma = ((1 - p.tplus) * p.Cs_mol_m3) / p.c0_mol_m3;
  const cs = (1 - p.J_A_m2 / Jstar) / (1 - peclet);
  const G = (1 - cs) / p.H_m;
  const E = p.J_A_m2 / p.sigma0_S_m;
  // σ0 c̃ φ' = J with c̃ linear: φ_l(y) = (E/G) ln c̃(y) (MS-5)
  const phiL = (E / G) * Math.log(cs);
  const eta = solveEta(p, f, cs);
  const ea = Math.exp(-p.alpha * f * eta);
  const eb = Math.exp((1 - p.alpha) * f * eta);
  return {
    f_per_V: f,
    Jstar_A_m2: Jstar,
    V_m_s: V,
    peclet,
    Gamma,
    cSurface: cs,
    G_per_m: G,
    E_V_m: E,
    phiLSurface_V: phiL,
    eta_V: eta,
    phiS_V: eta + phiL,
    dIdC_A_m2: p.i0_A_m2 * ea,
    dIdNegEta_A_m2_V: p.i0_A_m2 * f * (p.alpha * cs * ea + (1 - p.alpha) * eb),
    gibbsThomson_V_m: (p.gamma_J_m2 * p.Omega_m3_mol) / FARADAY,
  };
}

// ---------------------------------------------------------------------------------------------------
// Exponentially scaled modified Bessel functions I0e = e^{−x}I0, I1e = e^{−x}I1, K0e = e^{x}K0,
// K1e = e^{x}K1 (polynomial approximations of Abramowitz & Stegun 9.8.1–9.8.8, relative error < 2.2e-7).
// They solve the perturbed potential's homogeneous equation (c̃0 φ')' = k² c̃0 φ with c̃0 linear in y.

function poly(t: number, c: readonly number[]): number {
  let s = 0;
  for (let i = c.length - 1; i >= 0; i--) s = s * t + c[i];
  return s;
}

export function besselI0e(x: number): number {
  if (x <= 3.75) {
    const t = (x / 3.75) ** 2;
    return Math.exp(-x) * poly(t, [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813]);
  }
  const t = 3.75 / x;
  return poly(t, [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377]) / Math.sqrt(x);
}

export function besselI1e(x: number): number {
  if (x <= 3.75) {
    const t = (x / 3.75) ** 2;
    return Math.exp(-x) * x * poly(t, [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411]);
  }
  const t = 3.75 / x;
  return poly(t, [0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967, -0.02895312, 0.01787654, -0.00420059]) / Math.sqrt(x);
}

export function besselK0e(x: number): number {
  if (x <= 2) {
    const t = (x * x) / 4;
    const k0 = -Math.log(x / 2) * besselI0e(x) * Math.exp(x) + poly(t, [-0.57721566, 0.4227842, 0.23069756, 0.0348859, 0.00262698, 0.0001075, 0.0000074]);
    return Math.exp(x) * k0;
  }
  const t = 2 / x;
  return poly(t, [1.25331414, -0.07832358, 0.02189568, -0.01062446, 0.00587872, -0.0025154, 0.00053208]) / Math.sqrt(x);
}

export function besselK1e(x: number): number {
  if (x <= 2) {
    const t = (x * x) / 4;
    const xk1 = x * Math.log(x / 2) * besselI1e(x) * Math.exp(x) + poly(t, [1, 0.15443144, -0.67278579, -0.18156897, -0.01919402, -0.00110404, -0.00004686]);
    return (Math.exp(x) * xk1) / x;
  }
  const t = 2 / x;
  return poly(t, [1.25331414, 0.23498619, -0.0365562, 0.01504268, -0.00780353, 0.00325614, -0.00068245]) / Math.sqrt(x);
}

// ---------------------------------------------------------------------------------------------------

/**
 * Homogeneous potential mode h(y), zero at the reservoir, normalised to h(0) = 1, with r = c̃0(y)/G:
 * h ∝ K0(kr)I0(kR) − I0(kr)K0(kR), R = 1/G (MS-9). Written with scaled functions so kL ≫ 1 cannot overflow.
 */
function potentialMode(base: BaseState, H: number, k: number) {
  const G = base.G_per_m;
  const R = 1 / G;
  const rs = base.cSurface / G;
  const I0R = besselI0e(k * R);
  const K0R = besselK0e(k * R);
  const value = (r: number) => besselK0e(k * r) * I0R - besselI0e(k * r) * K0R * Math.exp(-2 * k * (R - r));
  const h0 = value(rs);
  // Q_φ = −h'(0)/h(0) (MS-10)
  const Qphi = (k * (besselK1e(k * rs) * I0R + besselI1e(k * rs) * K0R * Math.exp(-2 * k * H))) / h0;
  const hHat = (y: number) => (Math.exp(-k * y) * value(rs + y)) / h0;
  return { Qphi, hHat };
}

/** Exponents of the salt mode, D r² + V r − (D k² + s) = 0 (front frame), and the normalised mode ĉ(y). */
function saltMode(base: BaseState, p: StabilityParams, k: number, s: number, advection: boolean) {
  const D = p.D_m2_s;
  const V = advection ? base.V_m_s : 0;
  const disc = V * V + 4 * D * (D * k * k + s);
  if (!(disc > 0)) throw new Error(`stability: s = ${s} 1/s is below −Dk² at k = ${k} 1/m: the salt mode is oscillatory, outside this relation`);
  const root = Math.sqrt(disc);
  const rp = (-V + root) / (2 * D);
  const rm = (-V - root) / (2 * D);
  const L = p.H_m;
  const e = Math.exp(-(rp - rm) * L);
  // ĉ(0) = 1, ĉ(L) = 0 (MS-17)
  const Qc = (-rm + rp * e) / (1 - e);
  const cHat = (y: number) => (Math.exp(rm * y) * (1 - Math.exp((rp - rm) * (y - L)))) / (1 - e);
  const cHatPrime = (y: number) => (Math.exp(rm * y) * (rm - rp * Math.exp((rp - rm) * (y - L)))) / (1 - e);
  return { Qc, cHat, cHatPrime };
}

/** Gauss–Legendre, 10 points on [a, b]. */
const GL_X = [0.1488743389816312, 0.4333953941292472, 0.6794095682990244, 0.8650633666889845, 0.9739065285171717];
const GL_W = [0.2955242247147529, 0.2692667193099963, 0.219086362515982, 0.1494513491505806, 0.0666713443086881];
function gauss10(fn: (x: number) => number, a: number, b: number): number {
  const m = 0.5 * (a + b);
  const r = 0.5 * (b - a);
  let sum = 0;
  for (let i = 0; i < 5; i++) sum += GL_W[i] * (fn(m - r * GL_X[i]) + fn(m + r * GL_X[i]));
  return sum * r;
}

/**
 * ρ: the slope at the front of the potential correction forced by c₁'' − k²c₁ = (s c₁ − V c₁')/D ≠ 0
 * (MS-18), per unit c₁(0): ρ = (E/(G D c̃_s)) ∫₀^H ĥ (s ĉ − V ĉ') dy. Zero in the quasi-static relation.
 */
function potentialCorrection(base: BaseState, p: StabilityParams, k: number, s: number, advection: boolean, hHat: (y: number) => number, salt: ReturnType<typeof saltMode>): number {
  const V = advection ? base.V_m_s : 0;
  const integrand = (y: number) => hHat(y) * (s * salt.cHat(y) - V * salt.cHatPrime(y));
  // Both modes decay from the front on ~1/k and ~r_s; geometric panels cover that and the far field.
  const L = p.H_m;
  const scale = Math.min(L, 1 / k, base.cSurface / base.G_per_m) / 64;
  let a = 0;
  let b = Math.min(scale, L);
  let sum = 0;
  while (a < L) {
    sum += gauss10(integrand, a, b);
    a = b;
    b = Math.min(2 * b, L);
  }
  return (base.E_V_m / (base.G_per_m * p.D_m2_s * base.cSurface)) * sum;
}

/** Terms of s = N/Den (MS-14/MS-15) at mode k, with the salt and potential coefficients at trial s. */
function dispersion(p: StabilityParams, base: BaseState, k: number, sTrial: number, quasiStatic: boolean, advection: boolean) {
  const { G_per_m: G, E_V_m: E, cSurface: cs, V_m_s: V, Gamma, dIdC_A_m2: A, dIdNegEta_A_m2_V: B } = base;
  const D = p.D_m2_s;
  const FCs = FARADAY * p.Cs_mol_m3;
  const { Qphi, hHat } = potentialMode(base, p.H_m, k);
  let Qc: number;
  let rho = 0;
  if (quasiStatic) {
    Qc = k / Math.tanh(k * p.H_m);
  } else {
    const salt = saltMode(base, p, k, sTrial, advection);
    Qc = salt.Qc;
    rho = potentialCorrection(base, p, k, sTrial, advection, hHat, salt);
  }
  const denomC = D * Qc - V;
  const a0 = (V * G) / denomC; // c₁(0) = a0 + a1 s per unit displacement (Stefan, MS-11)
  const a1 = -(Gamma - cs) / denomC;
  const Lambda = (E / (G * cs)) * (1 - Qc / Qphi) + rho / Qphi; // φ₁(0) = Λ c₁(0) − R s (charge, MS-12)
  const R = FCs / (p.sigma0_S_m * cs * Qphi);
  const drive = A * G + (B * E) / cs + (A + B * Lambda) * a0;
  const capillary = B * base.gibbsThomson_V_m * k * k;
  const denominator = FCs - (A + B * Lambda) * a1 + B * R;
  return { drive, capillary, denominator, Qc, Qphi, Lambda, R, rho };
}

/** Terms of the relation at k (quasi-static unless told), for the documentation and diagnostics. */
export function dispersionTerms(p: StabilityParams, k_per_m: number, opts: GrowthOptions = {}) {
  const base = baseState(p);
  checkK(k_per_m);
  const s = growthRate_per_s(p, k_per_m, opts);
  return { base, s_per_s: s, ...dispersion(p, base, k_per_m, s, opts.quasiStatic ?? true, opts.frameAdvection ?? true) };
}

function checkK(k: number): void {
  if (!(k > 0 && Number.isFinite(k))) throw new Error(`stability: k_per_m must be a finite number > 0, got ${k}`);
}

/**
 * Growth rate s [1/s] of the front mode ζ = ε e^{ikx + st} at wavenumber k [1/m], galvanostatic (the mode
 * has zero mean, so φ_s is not perturbed; the same relation holds potentiostatically for k ≠ 0).
 * Quasi-static (default): s = (N − B γΩk²/F)/Den, closed form (MS-14). Otherwise MS-16 to MS-18, iterated from it.
 */
export function growthRate_per_s(p: StabilityParams, k_per_m: number, opts: GrowthOptions = {}): number {
  const base = baseState(p);
  checkK(k_per_m);
  const quasiStatic = opts.quasiStatic ?? true;
  const advection = opts.frameAdvection ?? true;
  let s = rate(p, base, k_per_m, 0, true, advection);
  if (quasiStatic) return s;
  // The corrections are O(s/(Dk²)) and O(V/(Dk)) ≪ 1, so the fixed point contracts fast.
  for (let it = 0; it < 100; it++) {
    const next = rate(p, base, k_per_m, s, false, advection);
    if (Math.abs(next - s) <= 1e-13 * Math.max(Math.abs(next), 1e-300)) return next;
    s = next;
  }
  throw new Error(`stability: the non-quasi-static relation did not converge at k_per_m = ${k_per_m}`);
}

function rate(p: StabilityParams, base: BaseState, k: number, sTrial: number, quasiStatic: boolean, advection: boolean): number {
  const d = dispersion(p, base, k, sTrial, quasiStatic, advection);
  return (d.drive - d.capillary) / d.denominator;
}

/**
 * k → 0⁺ limit of the relation: every column of the front behaves as a 1D cell whose gap is shortened by
 * the displacement, at fixed φ_s (MS-19). It is not 0: s(0) = 0 holds only for the k = 0 mode itself,
 * whose φ_s the galvanostat re-adjusts.
 */
export function longWaveRate_per_s(p: StabilityParams): number {
  const base = baseState(p);
  const { G_per_m: G, E_V_m: E, cSurface: cs, V_m_s: V, Gamma, dIdC_A_m2: A, dIdNegEta_A_m2_V: B } = base;
  const FCs = FARADAY * p.Cs_mol_m3;
  const Qc = 1 / p.H_m;
  const Qphi = G / (cs * Math.log(1 / cs));
  const denomC = p.D_m2_s * Qc - V;
  const Lambda = (E / (G * cs)) * (1 - Qc / Qphi);
  const R = FCs / (p.sigma0_S_m * cs * Qphi);
  const drive = A * G + (B * E) / cs + ((A + B * Lambda) * V * G) / denomC;
  return drive / (FCs + ((A + B * Lambda) * (Gamma - cs)) / denomC + B * R);
}

/**
 * Marginal wavenumber k_m [1/m]: s(k_m) = 0, s > 0 below. s(0⁺) > 0 always (a shorter gap carries more
 * current), and only Gibbs–Thomson makes s negative, so with gamma_J_m2 = 0 this is Infinity.
 */
export function marginalWavenumber_per_m(p: StabilityParams, opts: GrowthOptions = {}): number {
  baseState(p);
  if (p.gamma_J_m2 === 0) return Infinity;
  const s = (k: number) => growthRate_per_s(p, k, opts);
  let lo = 1 / p.H_m;
  if (s(lo) <= 0) {
    while (s(lo) <= 0) {
      lo /= 2;
      if (lo * p.H_m < 1e-6) throw new Error('stability: no unstable long wave found');
    }
  }
  let hi = 2 * lo;
  while (s(hi) > 0) {
    lo = hi;
    hi *= 2;
    if (hi > 1e15) throw new Error('stability: s(k) stays positive up to k = 1e15 1/m');
  }
  for (let it = 0; it < 200 && hi / lo - 1 > 1e-13; it++) {
    const mid = Math.sqrt(lo * hi);
    if (s(mid) > 0) lo = mid;
    else hi = mid;
  }
  return Math.sqrt(lo * hi);
}

export interface FastestMode {
  k_per_m: number;
  lambda_m: number;
  s_per_s: number;
  /** false: s(k) is largest as k → 0⁺ (then k_per_m = 0, s_per_s = longWaveRate_per_s) or, without Gibbs–Thomson, as k → ∞ */
  interior: boolean;
}

/** The fastest-growing mode on (0, k_m): a log-spaced scan, then golden section on log k. */
export function fastestMode(p: StabilityParams, opts: GrowthOptions = {}): FastestMode {
  const km = marginalWavenumber_per_m(p, opts);
  if (!Number.isFinite(km)) {
    // No Gibbs–Thomson: s rises to the kinetic limit (A G + B E/c̃_s)/(F C_s) as k → ∞ (MS-20).
    const b = baseState(p);
    const sInf = (b.dIdC_A_m2 * b.G_per_m + (b.dIdNegEta_A_m2_V * b.E_V_m) / b.cSurface) / (FARADAY * p.Cs_mol_m3);
    return { k_per_m: Infinity, lambda_m: 0, s_per_s: sInf, interior: false };
  }
  const s = (lk: number) => growthRate_per_s(p, Math.exp(lk), opts);
  const lo = Math.log(km * 1e-6);
  const hi = Math.log(km);
  const n = 240;
  let best = 0;
  let bestS = -Infinity;
  for (let i = 0; i <= n; i++) {
    const v = s(lo + ((hi - lo) * i) / n);
    if (v > bestS) {
      bestS = v;
      best = i;
    }
  }
  const s0 = longWaveRate_per_s(p);
  if (best === 0 && s0 >= bestS) return { k_per_m: 0, lambda_m: Infinity, s_per_s: s0, interior: false };
  let a = lo + ((hi - lo) * Math.max(best - 1, 0)) / n;
  let b = lo + ((hi - lo) * Math.min(best + 1, n)) / n;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = b - g * (b - a);
  let x2 = a + g * (b - a);
  let f1 = s(x1);
  let f2 = s(x2);
  for (let it = 0; it < 200 && b - a > 1e-10; it++) {
    if (f1 > f2) {
      b = x2;
      x2 = x1;
      f2 = f1;
      x1 = b - g * (b - a);
      f1 = s(x1);
    } else {
      a = x1;
      x1 = x2;
      f1 = f2;
      x2 = a + g * (b - a);
      f2 = s(x2);
    }
  }
  const k = Math.exp(0.5 * (a + b));
  return { k_per_m: k, lambda_m: (2 * Math.PI) / k, s_per_s: growthRate_per_s(p, k, opts), interior: true };
}
