// The pointwise terms of the model, in f64. shaders/common.wgsl has the same functions in f32,
// line for line; tests/gpu-vs-cpu.test.ts compares the kernels that use them.

/** Interpolation h(ξ) = ξ³(6ξ² − 15ξ + 10) on the clamped ξ (MODEL.md §2). */
export function hInterp(xi: number): number {
  const x = Math.min(Math.max(xi, 0), 1);
  return x * x * x * (x * (6 * x - 15) + 10);
}
/** h'(ξ) = 30ξ²(1 − ξ)², zero outside [0, 1] so kinetics act only in the interface. */
export function hPrime(xi: number): number {
  const x = Math.min(Math.max(xi, 0), 1);
  const q = x * (1 - x);
  return 30 * q * q;
}
/** h''(ξ) = 60ξ(1 − ξ)(1 − 2ξ) (for the explicit stability estimate). */
export function hSecond(xi: number): number {
  const x = Math.min(Math.max(xi, 0), 1);
  return 60 * x * (1 - x) * (1 - 2 * x);
}
/** g'(ξ)/W for the double well g = Wξ²(1 − ξ)². */
export function wellPrime(xi: number): number {
  return 2 * xi * (1 - xi) * (1 - 2 * xi);
}
/**
 * thin_interface weight of the Butler–Volmer term: 6ξ(1 − ξ) = 6w|∇ξ| on the relaxed profile, the
 * advective form v_n|∇ξ| of Sun & Beckermann (2007). Unlike h'(ξ) it integrates across the interface to
 * exactly the front speed's 6w, so the relaxation carries no deposition and the Faradaic current is the
 * Butler–Volmer term alone (with h' the relaxation supplied 1/6 of the front's motion). Its tail is
 * linear in ξ: in the bulk electrolyte, where φ_l has fallen by the ohmic drop and the overpotential is
 * hundreds of mV larger than at the interface, a linear tail makes any trace of ξ grow exponentially (a
 * Li film appeared 700 µm up a galvanostatic column at 50 mA/cm²). The factor ξ/(ξ + ξ_tail) makes the
 * tail quadratic below ξ_tail = 0.01, which also keeps a depleted front from plating in its diffuse tail
 * (with 1e-4 a 2J* front carried the current there and never showed Sand's spike); the weight it removes
 * is in discreteKineticFactor. An open nucleation site takes the peak value 3/2.
 */
export const THIN_TAIL_XI = 1e-2;
/**
 * Stiffness of the explicit literature Allen–Cahn step (shaders/phase.wgsl writes the same sum): the
 * Laplacian's 8LsK·ε²/h² and the double well's 2LsW. dt ≤ 2·safety/stiffness.
 */
export function allenCahnStiffness(LsK: number, LsW: number, e2: number, h: number): number {
  return (8 * LsK * e2) / (h * h) + 2 * LsW;
}

/**
 * Below ξ = THIN_CUT_XI (and above 1 − THIN_CUT_XI) the weight is 0: far from any interface ξ is
 * round-off of the implicit solve (~1e-6), and at the overpotential past Sand's time (1 V: e^{αfη} ≈ 2e8)
 * even a quadratic tail grew it into a Li cloud in the electrolyte, which then carried the current; deep in
 * the metal the same overpotential plated the trace salt there past ξ = 1.
 */
export const THIN_CUT_XI = 1e-3;
export function thinWeight(xi: number, site: number): number {
  if (site > 0) return 1.5;
  const x = Math.min(Math.max(xi, 0), 1);
  if (x < THIN_CUT_XI || x > 1 - THIN_CUT_XI) return 0;
  return (6 * x * x * (1 - x)) / (x + THIN_TAIL_XI);
}
/** ∂thinWeight/∂ξ, 0 outside [THIN_CUT_XI, 1]. */
export function thinWeightSlope(xi: number): number {
  if (!(xi >= THIN_CUT_XI && xi <= 1 - THIN_CUT_XI)) return 0;
  const t = xi + THIN_TAIL_XI;
  return (6 * ((2 * xi - 3 * xi * xi) * t - xi * xi * (1 - xi))) / (t * t);
}

/**
 * The explicit growth rate −∂R/∂ξ = (p'(ξ)/p(ξ))·R of the Butler–Volmer term R = p(ξ)·Lη·B where it is
 * destabilising (p' > 0 and plating, or p' < 0 and stripping), 0 elsewhere: phaseMatrix keeps it off the
 * diagonal, so dt must resolve it.
 */
export function kineticGrowth(xi: number, rate: number): number {
  const p = thinWeight(xi, 0);
  return p > 1e-30 ? Math.max((thinWeightSlope(xi) / p) * rate, 0) : 0;
}

/** 16ξ²(1 − ξ)² ∈ [0, 1]: confines the Langevin noise to the interface. */
export function interfaceWeight(xi: number): number {
  const x = Math.min(Math.max(xi, 0), 1);
  const q = 4 * x * (1 - x);
  return q * q;
}

/**
 * Cycling (drive.mode = cycling): the largest change of the galvanostatic electrode potential per step (F/RT
 * units: 5 mV at 300 K). At every reversal the double layer swings a bare collector from the strip cutoff
 * (1 V) down to the nucleation threshold; crossed in one millisecond step, the threshold opened nucleation
 * sites over the whole collector, which filled as a haze and never stripped. Not in other drives, whose
 * start from rest is a smaller swing and whose figures (the nucleation dip) were measured without it.
 */
export const PHI_STEP = 0.2;

/** Exponents of the Butler–Volmer terms are clamped here (F/RT units, ≈ ±1.55 V) to stay finite in f32. */
export const EXP_CLAMP = 60;
/**
 * Where the SEI film sits in the diffuse interface: s(ξ) = m ξ(1 − ξ)^m with m = SEI_BAND_POWER.
 * For the equilibrium profile ξ = ½[1 − tanh(n/2w)], dξ/dn = −ξ(1 − ξ)/w, so ∫ s dn = w ∫₀¹ m(1 − ξ)^(m−1) dξ = w
 * exactly; s peaks at ξ = 1/(m + 1) ≈ 0.05, on the electrolyte side of the reaction zone h'(ξ) (which
 * holds 99 % of its weight at ξ > 0.05), so the Li⁺ current crosses the film before it reacts: the
 * film resistance is in series with the kinetics (MODEL.md §6.3).
 */
export const SEI_BAND_POWER = 20;
export function seiBand(xi: number): number {
  const x = Math.min(Math.max(xi, 0), 1);
  return SEI_BAND_POWER * x * (1 - x) ** SEI_BAND_POWER;
}

/** Electrolyte conductivity in series with the SEI film's resistivity seiRho·factor·s(ξ). */
export function withSeiFilm(sigma: number, xi: number, seiRho: number, factor: number): number {
  return seiRho > 0 ? 1 / (1 / sigma + seiRho * factor * seiBand(xi)) : sigma;
}

export function clampedExp(x: number): number {
  return Math.exp(Math.min(Math.max(x, -EXP_CLAMP), EXP_CLAMP));
}

/** PCG hash (O'Neill; the RXS-M-XS output of Jarzynski & Olano 2020), bit-identical to WGSL u32 arithmetic. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> (((state >>> 28) + 4) >>> 0)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}
/** Counter-based uniform in [0, 1): a hash of (seed, step, cell), identical on CPU and GPU. */
export function rand01(seed: number, step: number, cell: number): number {
  const hsh = pcgHash((seed ^ pcgHash((step ^ pcgHash(cell)) >>> 0)) >>> 0);
  return (hsh >>> 8) * (1 / 16777216);
}

/**
 * Electrode potential that makes the total plating rate equal the target, given the
 * decomposition Σ R = S_ac − e^{(1−α)φ} S_a + e^{−αφ} S_c (MODEL.md §5, galvanostatic). The sum is
 * monotone decreasing in φ, so bracketed Newton converges; outside the bracket the potential
 * sits at the limit and `limit` is reported (e.g. at Sand's time, when supply cannot follow).
 */
export function solveElectrodePotential(
  sAc: number,
  sA: number,
  sC: number,
  target: number,
  alpha: number,
  phiMax: number,
  phiPrev: number,
  cap = 0,
): { phi: number; limit: boolean } {
  // the double layer carries −cap·(φ − φ_prev) (cap = C_dl as a Σ R-equivalent per unit φ̃ over dt):
  // charging it cathodically (φ falling) is current that plates nothing
  const G = (p: number) => sAc - Math.exp((1 - alpha) * p) * sA + Math.exp(-alpha * p) * sC - cap * (p - phiPrev) - target;
  if (G(-phiMax) < 0) return { phi: -phiMax, limit: true };
  if (G(phiMax) > 0) return { phi: phiMax, limit: true };
  let lo = -phiMax;
  let hi = phiMax;
  let p = Math.min(Math.max(phiPrev, lo), hi);
  for (let k = 0; k < 60; k++) {
    const g = G(p);
    if (g > 0) lo = p;
    else hi = p;
    const dg = -(1 - alpha) * Math.exp((1 - alpha) * p) * sA - alpha * Math.exp(-alpha * p) * sC - cap;
    let next = p - g / dg;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (Math.abs(next - p) < 1e-7) {
      p = next;
      break;
    }
    p = next;
  }
  return { phi: p, limit: false };
}

/** Bernoulli-type Scharfetter–Gummel weight Δ/(e^{φj} − e^{φi}) written as e^{−φi}·B(φj − φi), B(x) = x/(eˣ − 1). */
export function bernoulli(x: number): number {
  if (Math.abs(x) < 1e-2) return 1 - x / 2 + (x * x) / 12;
  return x / Math.expm1(x);
}

/**
 * The binary salt sink of cell k is w_k R_k + q |w_k R_k| (w the interface weight h'): it sits where Li
 * plates, and q = (Σ R − Σ wR) / Σ |wR| makes it sum to the deposition Σ R exactly, whatever the signs.
 * (A rescaling Σ R / Σ wR blows up when plating and dissolving cells cancel in Σ wR, as around a
 * shrinking nucleus; clamped, it lost 2.7 % of the Li under a uniform resistive SEI, where Li plates
 * mostly at the film's outer edge and Σ R / Σ wR ≈ 4.6.) q = 0 where Σ |wR| is negligible.
 */
export function sinkSpread(sumR: number, sumWR: number, sumAbsWR: number): number {
  if (!(sumAbsWR > 1e-6 * Math.abs(sumR))) return 0;
  return (sumR - sumWR) / sumAbsWR;
}

