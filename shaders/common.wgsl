// Pointwise terms shared by the kernels; src/cpu/terms.ts has the same functions in f64.

const EXP_CLAMP: f32 = 60.0;
const ANISO_GRAD2_MIN: f32 = 1e-8;
const DT_GROWTH: f32 = 1.2;
const RELAX_STEP: f32 = 0.2;
// largest share of the planned current the implicit Li⁺ sink may take back in one step (GALV_SINK_SHARE)
const GALV_SINK_SHARE: f32 = 0.01;
const SINK_CONC_FLOOR: f32 = 0.05;

fn hInterp(xi: f32) -> f32 {
  let x = clamp(xi, 0.0, 1.0);
  return x * x * x * (x * (6.0 * x - 15.0) + 10.0);
}
// 1 − h(ξ), as h(1 − ξ) on the metal side (h is odd about ½), where 1 − h cancels in f32
fn liquidH(xi: f32) -> f32 {
  if (xi < 0.5) { return 1.0 - hInterp(xi); }
  return hInterp(1.0 - xi);
}
fn hPrime(xi: f32) -> f32 {
  let x = clamp(xi, 0.0, 1.0);
  let q = x * (1.0 - x);
  return 30.0 * q * q;
}
fn hSecond(xi: f32) -> f32 {
  let x = clamp(xi, 0.0, 1.0);
  return 60.0 * x * (1.0 - x) * (1.0 - 2.0 * x);
}
fn wellPrime(xi: f32) -> f32 {
  return 2.0 * xi * (1.0 - xi) * (1.0 - 2.0 * xi);
}
fn interfaceWeight(xi: f32) -> f32 {
  let x = clamp(xi, 0.0, 1.0);
  let q = 4.0 * x * (1.0 - x);
  return q * q;
}
// SEI film band s(ξ) = m ξ(1 − ξ)^m, ∫ s dn = w (seiBand in src/cpu/terms.ts)
const SEI_BAND_POWER: f32 = 20.0;
fn seiBand(xi: f32) -> f32 {
  let x = clamp(xi, 0.0, 1.0);
  let y2 = (1.0 - x) * (1.0 - x);
  let y4 = y2 * y2;
  let y16 = (y4 * y4) * (y4 * y4);
  return SEI_BAND_POWER * x * (y16 * y4); // (1 − ξ)^20 by squaring: pow(0, y) is undefined in WGSL
}
fn withSeiFilm(sigma: f32, xi: f32, seiRho: f32, factor: f32) -> f32 {
  if (seiRho <= 0.0) { return sigma; }
  return 1.0 / (1.0 / sigma + seiRho * factor * seiBand(xi));
}
// q = (Σ R − Σ wR) / Σ |wR|: the salt sink w R + q |w R| sums to Σ R (sinkSpread in src/cpu/terms.ts)
fn sinkSpreadOf(sumR: f32, sumWR: f32, sumAbsWR: f32) -> f32 {
  if (!(sumAbsWR > 1e-6 * abs(sumR))) { return 0.0; }
  return (sumR - sumWR) / sumAbsWR;
}
// One potential field over both phases (chen2015, hong2018), not the binary closure's electrolyte
// potential (onePotential in src/model/dimless.ts).
fn onePotential(P: Params) -> bool {
  return P.transport != TRANSPORT_BINARY;
}

// The Li⁺ concentration the cathodic Butler–Volmer branch reads: c̃, or hong2018's local c_l(1 − h)/c_l0
// (cathodicConc in src/cpu/solver.ts).
fn cathodicConc(P: Params, xi: f32, c: f32) -> f32 {
  if (P.transport == TRANSPORT_HONG2018) { return liquidH(xi) * c; }
  return c;
}

// hong2018: the lattice factor (1 − c_l0 c̃)/(1 − c_l0) of the Slotboom face weights, lagged at c̃ⁿ, and
// the chord c̃/u = factor·e^{−φ̃} of the salt balance (latticeFactor, slotboomChord in src/cpu/solver.ts).
fn latticeFactor(P: Params, c: f32) -> f32 {
  return max(1.0 - P.siteFrac * c, 1e-3) / (1.0 - P.siteFrac);
}

// c̃ below which the sink's coefficient kinC = rate/c̃ stops growing (CONTOUR_CONC_FLOOR in src/cpu/solver.ts)
const CONTOUR_CONC_FLOOR: f32 = 1e-9;

// hong2018: the Patankar split (kinA, kinC) of the sink S = h'R + q|h'R| (hongSink in src/cpu/solver.ts)
fn hongSink(hp: f32, r: f32, q: f32, c: f32) -> vec2f {
  let S = hp * r + q * abs(hp * r);
  if (S > 0.0) { return vec2f(0.0, S / max(c, CONTOUR_CONC_FLOOR)); }
  return vec2f(-S, 0.0);
}

fn clampedExp(x: f32) -> f32 {
  return exp(clamp(x, -EXP_CLAMP, EXP_CLAMP));
}
fn pcgHash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}
fn rand01(seed: u32, step: u32, cell: u32) -> f32 {
  let hsh = pcgHash(seed ^ pcgHash(step ^ pcgHash(cell)));
  return f32(hsh >> 8u) * (1.0 / 16777216.0);
}
fn bernoulli(x: f32) -> f32 {
  if (abs(x) < 1e-2) {
    return 1.0 - x / 2.0 + x * x / 12.0;
  }
  return x / (exp(x) - 1.0);
}

// 8×8 workgroups per simulation, and the index of workgroup wg among them (per-workgroup partial sums)
fn groupsPerSim(nx: u32, ny: u32) -> u32 {
  return ((nx + 7u) / 8u) * ((ny + 7u) / 8u);
}
fn groupIndex(wg: vec3u, nx: u32) -> u32 {
  return wg.y * ((nx + 7u) / 8u) + wg.x;
}

// Cell (i, j) of batch member b in an nx × ny field; x is periodic.
fn cellAt(b: u32, i: u32, j: u32, nx: u32, ny: u32) -> u32 {
  return (b * ny + j) * nx + i;
}
fn westOf(i: u32, nx: u32) -> u32 {
  return select(i - 1u, nx - 1u, i == 0u);
}
fn eastOf(i: u32, nx: u32) -> u32 {
  return select(i + 1u, 0u, i + 1u == nx);
}

// ---- thin_interface (src/cpu/solver.ts has the same functions in f64)
// marks an open nucleation site in the Gibbs–Thomson slot (cellw.x): its cells fill by deposition alone
const SITE_MARK: f32 = 1e20;
const PSI_CLAMP: f32 = 1e-4;
// ψ = ln(ξ/(1 − ξ)) on the clamped ξ: linear in the distance on the relaxed profile (profilePsi)
fn profilePsi(xi: f32) -> f32 {
  let x = clamp(xi, PSI_CLAMP, 1.0 - PSI_CLAMP);
  return log(x / (1.0 - x));
}
// (γ + γ'')/γ of γ(θ) = γ0[1 + δ cos ω(θ − θ0)] (stiffnessFactor)
fn stiffnessFactor(delta: f32, omega: f32, psi0: f32, nX: f32, nY: f32) -> f32 {
  if (delta <= 0.0 || nX * nX + nY * nY < 0.25) { return 1.0; }
  return 1.0 - (omega * omega - 1.0) * delta * cos(omega * (atan2(nY, nX) - psi0));
}
fn wellSecond(xi: f32) -> f32 {
  return 2.0 * (1.0 - 6.0 * xi + 6.0 * xi * xi);
}
// Butler–Volmer weight 6ξ²(1 − ξ)/(ξ + ξ_tail) ≈ 6w|∇ξ| (thinWeight); 3/2 in an open nucleation site
const THIN_TAIL_XI: f32 = 1e-2;
const THIN_CUT_XI: f32 = 1e-3;
fn thinWeight(xi: f32, site: bool) -> f32 {
  if (site) { return 1.5; }
  let x = clamp(xi, 0.0, 1.0);
  if (x < THIN_CUT_XI || x > 1.0 - THIN_CUT_XI) { return 0.0; }
  return 6.0 * x * x * (1.0 - x) / (x + THIN_TAIL_XI);
}
fn thinWeightSlope(xi: f32) -> f32 {
  if (!(xi >= THIN_CUT_XI && xi <= 1.0 - THIN_CUT_XI)) { return 0.0; }
  let t = xi + THIN_TAIL_XI;
  return 6.0 * ((2.0 * xi - 3.0 * xi * xi) * t - xi * xi * (1.0 - xi)) / (t * t);
}
// −∂R/∂ξ = (p'/p)·R where it is destabilising, 0 elsewhere (kineticGrowth)
fn kineticGrowth(xi: f32, rate: f32) -> f32 {
  let p = thinWeight(xi, false);
  if (p <= 1e-30) { return 0.0; }
  return max(thinWeightSlope(xi) / p * rate, 0.0);
}
