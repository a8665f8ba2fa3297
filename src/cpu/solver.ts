// The CPU reference solver: the GPU step (src/gpu/solver.ts + shaders/) in f64, kernel for kernel,
// term for term, so every shader can be checked against it. One simulation (no batch).
//
// One time step (MODEL.md §7, IMEX):
//   anisotropy      ε²(ψ), εε'∂yξ, εε'∂xξ at cell centres (Kobayashi 1993)
//   rateTerms       the Allen–Cahn part of ∂ξ/∂t and the Butler–Volmer pieces, summed
//   drive           electrode potential: fixed (potentiostatic) or solved so Σ∂ξ/∂t hits the target current
//   phaseUpdate     ξ ← ξ + dt·(R + conserved noise) (explicit), R kept as the source of c̃ and φ
//   sinkSpread      q = (Σ R − Σ h'R) / Σ |h'R|: the Li⁺ sink h'R + q|h'R| removes what deposits (binary, hong2018)
//   transport       c̃ implicit (backward Euler), multigrid-CG; binary: salt in χ = 1 − h,
//                   (χc̃ − χⁿc̃ⁿ)/dt = ∇·(χD_l∇c̃) − γ(C_s/c0)·s·h'R; chen2015: Nernst–Planck in the
//                   Slotboom variable; hong2018: their lattice gas in χ, in u = e^{w + φ̃} (shaders/transport.wgsl)
//   finish          reservoir flux for the inventory, next dt, time
//   potential       −∇·(σ∇φ̃) = −K_φ R(φ̃), R linearised about φ̃ⁿ, multigrid-CG
//
// phase.model = thin_interface (MODEL.md §4, §7) changes three stages:
//   anisotropy      the unit normal n̂ = ∇ψ/|∇ψ| of ψ = ln(ξ/(1 − ξ)) (linear in the distance for the
//                   relaxed profile, so its differences are smooth where ξ's are not)
//   rateTerms       curvature K = −∇·n̂, the Gibbs–Thomson shift gtCap·a(θ)·K of η, and the explicit
//                   part of the relaxation: the counter term −LsK·ξ_tt (the Hessian along the
//                   interface), which removes the curvature part of LsK∇²ξ (Folch et al. 1999; Sun &
//                   Beckermann 2007), − LsW g'(ξ), the wetting fluxes and the noise
//   phaseMatrix     linearly implicit ξ step: (1/dt + J) ξⁿ⁺¹ − ∇·(LsK ∇ξⁿ⁺¹) = (1/dt + J) ξⁿ + E + R_BV,
//                   J = LsW g''(ξⁿ) − ∂R_BV/∂ξ (the local Jacobian on the diagonal), multigrid-CG
//   transport       the Li⁺ sink's cathodic branch C·c̃ is implicit (c̃ ≥ 0 without a dt bound),
//                   and transportBack moves ξ by dt·C·(c̃ⁿ⁺¹ − c̃ⁿ) so deposit and sink stay equal

import { applyLive, contactRows, createLabelWorkspace, labelMetal, type LabelResult, type LabelWorkspace } from './label.ts';
import { CpuMultigrid } from './multigrid.ts';
import { CpuMechanics } from './mechanics.ts';
import type { CpuFilmCheckpoint } from '../sim/types.ts';
import { allenCahnStiffness, kineticGrowth, thinWeight, thinWeightSlope } from './terms.ts';
import { EXP_CLAMP, sinkSpread, bernoulli, clampedExp, hInterp, hPrime, hSecond, interfaceWeight, rand01, solveElectrodePotential, wellPrime, withSeiFilm } from './terms.ts';
import { DRIVE_GALVANOSTATIC, TRANSPORT_CHEN2015, TRANSPORT_HONG2018, onePotential, type Dimless } from '../model/dimless.ts';
import { barrierFactor } from '../model/materials.ts';

/** Static per-cell geometry the solver needs (src/model/geometry.ts builds it from the scenario). */
export interface SolverGeometry {
  solid: ArrayLike<number>;
  cosTheta: ArrayLike<number>;
  kinetic: ArrayLike<number>;
  /** mosaic SEI film-resistance factor per cell (default 1) */
  seiFactor?: ArrayLike<number>;
}

/**
 * Electrode potential at t = 0 (F/RT units): the applied one (potentiostatic), or rest (0) in a
 * galvanostatic run with a double layer, which the current then charges; without one, the applied
 * value is only the first guess of the potential solve.
 */
export function initialElectrodePotential(d: Dimless): number {
  return d.drive === DRIVE_GALVANOSTATIC && d.cdl > 0 ? 0 : d.phiApplied;
}

/** Random stream of the nucleation draws (XOR-ed into the seed; the noise uses the seed itself). */
export const NUCLEATION_SALT = 0x6a09e667;
/** Cells with ξ below this count as bare surface where Li can nucleate. */
export const BARE_XI = 0.05;
/** Smallest nucleus the diffuse interface resolves: radius and cap height ≥ 2w. */
export const NUCLEUS_MIN_WIDTHS = 2;
/** Largest nucleus radius placed, in interface widths; a larger critical radius means no viable nucleus. */
export const NUCLEUS_MAX_WIDTHS = 8;

/**
 * Wall geometry of a bare surface cell: the unit normal pointing into the solid (sum of the unit
 * vectors to its solid faces; the collector is the face below row 0), the most wetting cos θ among
 * its solid faces, and the number of solid faces. The GPU's siteGeometry in shaders/nucleation.wgsl
 * is the same function.
 */
export function siteGeometry(nx: number, solid: ArrayLike<number>, cosT: ArrayLike<number>, k: number): { nX: number; nY: number; cos: number; faces: number } {
  const i = k % nx;
  const j = (k - i) / nx;
  const east = j * nx + ((i + 1) % nx);
  const west = j * nx + ((i + nx - 1) % nx);
  let nX = 0;
  let nY = 0;
  let cos = -1;
  let faces = 0;
  if (solid[east] > 0.5) { nX += 1; cos = Math.max(cos, cosT[east]); faces++; }
  if (solid[west] > 0.5) { nX -= 1; cos = Math.max(cos, cosT[west]); faces++; }
  if (j === 0) { nY -= 1; cos = Math.max(cos, cosT[k]); faces++; }
  else if (solid[k - nx] > 0.5) { nY -= 1; cos = Math.max(cos, cosT[k - nx]); faces++; }
  if (solid.length > k + nx && solid[k + nx] > 0.5) { nY += 1; cos = Math.max(cos, cosT[k + nx]); faces++; }
  const len = Math.hypot(nX, nY);
  if (len > 1e-6) { nX /= len; nY /= len; }
  else if (faces > 0) { nX = 0; nY = -1; }
  return { nX, nY, cos, faces };
}

export interface SolverState {
  dt: number;
  t: number;
  tEnd: number;
  phiS: number;
  /** electrode potential the φ field was last solved with (chen2015: η = φ̃ − phiRef + phiS) */
  phiRef: number;
  j: number;
  maxRate: number;
  stiff: number;
  fluxIn: number;
  limitHit: number;
  /** q of the binary salt sink h'R + q|h'R| of the last update (src/cpu/terms.ts sinkSpread) */
  sinkSpread: number;
  /** Li bound by SEI re-formation in the last step, as a Σ R-equivalent rate (the drive plates that much less) */
  seiRate: number;
  /** Li bound in re-formed SEI so far [µm² per unit depth], film cells cracked so far */
  seiLi: number;
  cracks: number;
  /** largest interface compression −σ_h [GPa] and the h'-weighted mean interface σ_h of the last elastic solve */
  stressMax: number;
  stressMean: number;
  /** thin_interface, galvanostatic: Li the last step plated short of its goal (Σ ξ), made up in the next step */
  debt: number;
  step: number;
  done: boolean;
}

/** What one step leaves in the history (the GPU's ring record). */
export interface StepRecord {
  dt: number;
  phiS: number;
  j: number;
  dInventory: number;
  maxRate: number;
  limitHit: number;
}

export const DT_GROWTH = 1.2;
/**
 * thin_interface: Γ·dt ≤ RELAX_STEP (Γ = LsW, the relaxation rate). The counter term is explicit and the
 * Laplacian implicit, so within a step the implicit part also acts along the interface, as a curvature
 * flow of strength LsK·dt: it damped a Mullins–Sekerka mode 10 % too fast at the accuracy limits alone
 * (Γdt ≈ 0.7) and 2.7 % at Γdt = 0.13 (docs/mullins-sekerka.md). The front moves ≤ 0.02w per step then.
 */
export const RELAX_STEP = 0.2;
/** Largest share of the drive's planned current that the implicit Li⁺ sink may take back in one step (finish). */
export const GALV_SINK_SHARE = 0.01;
/** c̃ below which the sink limit counts c̃ as this value (so depletion does not stall dt) */
export const SINK_CONC_FLOOR = 0.05;

/**
 * The Li⁺ sink γ(C_s/c0)R is explicit: keep the c̃ it removes per step below ~30 % of the local c̃
 * (dt ≤ 2·safety/stiffness), else fast capillary relaxation at sharp initial corners drives c̃
 * negative and the cathodic Butler–Volmer branch changes sign.
 */
export function sinkStiffness(d: Dimless, r: number, c: number): number {
  return (3 * d.gammaSrc * d.CsOverC0 * Math.abs(r)) / Math.max(c, SINK_CONC_FLOOR);
}

/**
 * Langevin noise in conserved (flux) form: a random flux q = w ζ on the x-face west of cell k
 * (w the mean interface weight 16ξ²(1−ξ)² of the two cells, ζ uniform on [−1, 1] from the
 * counter-based hash of the face), and noise_k = q_west − q_east. It perturbs the interface shape
 * but sums to zero along every row, so it creates no Li, passes no charge and needs no Li⁺: a
 * non-conserved Δξ = A√dt ζ at A = 0.05/√s swung a 20 mA/cm² galvanostatic run through stripping
 * and drove c̃ negative through the sink term.
 */
function faceNoise(seed: number, step: number, xi: Float64Array, kWest: number, kEast: number): number {
  const w = 0.5 * (interfaceWeight(xi[kWest]) + interfaceWeight(xi[kEast]));
  return w * (2 * rand01(seed, step, kEast) - 1) * Math.SQRT1_2;
}
const ANISO_GRAD2_MIN = 1e-8;
/** ξ is clamped to [PSI_CLAMP, 1 − PSI_CLAMP] in ψ = ln(ξ/(1 − ξ)) (thin_interface normals). */
const PSI_CLAMP = 1e-4;
/** Marks an open nucleation site in the thin-interface Gibbs–Thomson slot (its cells fill by deposition alone). */
export const SITE_MARK = 1e20;
/** c̃ below which the sink's coefficient kinC = rate/c̃ stops growing (contourConc) */
const CONTOUR_CONC_FLOOR = 1e-9;

/** ψ = ln(ξ/(1 − ξ)) on the clamped ξ: the relaxed profile makes it −n/w, linear in the distance. */
export function profilePsi(xi: number): number {
  const x = Math.min(Math.max(xi, PSI_CLAMP), 1 - PSI_CLAMP);
  return Math.log(x / (1 - x));
}

/**
 * Surface stiffness factor (γ + γ'')/γ of γ(θ) = γ0[1 + δ cos ω(θ − θ0)]: 1 − (ω² − 1)δ cos ω(θ − θ0),
 * which multiplies the Gibbs–Thomson shift (Herring). δ < 1/(ω² − 1) keeps it positive (schema bound).
 */
export function stiffnessFactor(delta: number, omega: number, psi0: number, nX: number, nY: number): number {
  if (delta <= 0 || nX * nX + nY * nY < 0.25) return 1;
  return 1 - (omega * omega - 1) * delta * Math.cos(omega * (Math.atan2(nY, nX) - psi0));
}

/** g''(ξ)/W for the double well g = Wξ²(1 − ξ)². */
export function wellSecond(xi: number): number {
  return 2 * (1 - 6 * xi + 6 * xi * xi);
}

/** h' peak value, h'(½) = 30/16 */
const H_PRIME_MAX = 1.875;

/**
 * Weight of the Butler–Volmer term: h'(ξ), or h'_max in an open nucleation site (each cell of the
 * cap deposits as the middle of an interface does until it reaches its ξ_cap).
 */
export function kineticWeight(xi: number, site: number): number {
  return site > 0 ? H_PRIME_MAX : hPrime(xi);
}

/**
 * The Li⁺ concentration the cathodic Butler–Volmer branch reads: c̃, or in hong2018, where c̃ is the
 * liquid's lattice-gas concentration c_l/c_l0, the local c_l(1 − h)/c_l0 of their MOOSE input
 * (`14.89*cl*(1-h)` in liqcrys.i), which is half of c̃ at the interface's middle.
 */
export function cathodicConc(d: Dimless, xi: number, c: number): number {
  return d.transport === TRANSPORT_HONG2018 ? (1 - hInterp(xi)) * c : c;
}

/**
 * hong2018: the liquid's Li⁺ flux M0·c_l(1 − h)²∇(w + Fφ/RT) (w = ln(c_l/(1 − c_l)) + const, the
 * lattice-gas chemical potential of their grand potential) is, in u = e^{w + φ̃} scaled to 1 at the
 * reservoir, D(1 − h)²·latticeFactor·e^{−φ̃}∇u: the Slotboom form of chen2015 with a lattice factor
 * (1 − c_l0c̃)/(1 − c_l0), lagged at c̃ⁿ: 1 at c0, 1/(1 − c_l0) as c̃ → 0, 0 at saturation.
 */
export function latticeFactor(d: Dimless, c: number): number {
  return Math.max(1 - d.siteFrac * c, 1e-3) / (1 - d.siteFrac);
}

/** χ = max((1 − h(ξ))(1 − solid), σ floor): the electrolyte fraction of a cell (binary, hong2018 salt balance). */
export function saltFraction(d: Dimless, xi: number, solid: number): number {
  return Math.max((1 - hInterp(xi)) * (1 - solid), d.sigFloor);
}

/** hong2018: c̃/u at (c̃, φ̃) (u = c̃(1 − c_l0)e^{φ̃}/(1 − c_l0c̃), see latticeFactor). */
export function slotboomChord(d: Dimless, c: number, phi: number): number {
  return latticeFactor(d, c) * clampedExp(-phi);
}

/**
 * hong2018: the tangent's slope dc̃/du = m(1 − c_l0c̃) of the lattice gas at (c̃ⁿ, φ̃), floored so the operator
 * stays positive if a cell ever passes 1/c_l0 (the scheme does not forbid it; the continuous model does).
 */
export function latticeSlope(d: Dimless, c: number, phi: number): number {
  return slotboomChord(d, c, phi) * Math.max(1 - d.siteFrac * c, 1e-3);
}

/** hong2018: c̃ⁿ⁺¹ on the tangent of the lattice gas c̃(u) at (c̃ⁿ, φ̃), see transportCoefficients. */
export function latticeTangent(d: Dimless, c: number, phi: number, u: number): number {
  const m = slotboomChord(d, c, phi);
  const slope = latticeSlope(d, c, phi);
  return c + slope * (u - c / m);
}

/**
 * hong2018: the Patankar split (kinA, kinC) of the sink S = h'R + q|h'R| (their conversion term h'∂ξ/∂t, spread
 * by the literature sink's q): kinC = S/c̃ⁿ where S > 0, else kinA = −S.
 */
export function hongSink(hp: number, r: number, q: number, c: number): [number, number] {
  const S = hp * r + q * Math.abs(hp * r);
  return S > 0 ? [0, S / Math.max(c, CONTOUR_CONC_FLOOR)] : [-S, 0];
}

/** ξ of the cap born at site m with radius R, at the point (x, y); 0 behind the wall. */
function capValue(d: Dimless, nx: number, Lx: number, solid: ArrayLike<number>, cosT: ArrayLike<number>, m: number, R: number, x: number, y: number): number {
  const { h } = d;
  const site = siteGeometry(nx, solid, cosT, m);
  const im = m % nx;
  const jm = (m - im) / nx;
  // the wall point half a cell from the site's centre along the normal (into the solid)
  const wx = (im + 0.5) * h + 0.5 * h * site.nX;
  const wy = (jm + 0.5) * h + 0.5 * h * site.nY;
  let rx = x - wx;
  rx -= Lx * Math.round(rx / Lx);
  const ry = y - wy;
  if (rx * site.nX + ry * site.nY > 0) return 0;
  const cx = rx - site.nX * R * site.cos;
  const cy = ry - site.nY * R * site.cos;
  const dist = Math.hypot(cx, cy) - R;
  return 0.5 * (1 - Math.tanh(Math.min(Math.max(dist / (2 * d.w), -20), 20)));
}

export class CpuSolver {
  readonly n: number;
  xi: Float64Array;
  c: Float64Array;
  phi: Float64Array;
  readonly e2: Float64Array;
  readonly crossA: Float64Array;
  readonly crossB: Float64Array;
  readonly rac: Float64Array;
  readonly rate: Float64Array;
  /** conserved Langevin noise of this step, as a rate (sums to zero along every row) */
  readonly noise: Float64Array;
  /** χⁿ = max(1 − h(ξⁿ), floor) and h'(ξⁿ) of the last update (binary salt balance) */
  readonly psiOld: Float64Array;
  readonly hpOld: Float64Array;
  /** ∂R/∂φ_l of the last update (binary): linearises the kinetics into the potential solve */
  readonly gain: Float64Array;
  readonly mgC: CpuMultigrid;
  readonly mgPhi: CpuMultigrid;
  /** thin_interface: the linearly implicit ξ step (u = ξⁿ⁺¹) */
  readonly mgXi: CpuMultigrid;
  /** thin_interface: Gibbs–Thomson shift of η per cell (F/RT units; SITE_MARK at an open nucleation site) */
  readonly gt: Float64Array;
  /** the Li⁺ sink's split kinC·c̃ⁿ⁺¹ − kinA (thin_interface: Butler–Volmer's; literature chen2015: Patankar's) */
  readonly kinA: Float64Array;
  readonly kinC: Float64Array;
  /** thin_interface: c̃ at the interface (ξ = ½) seen from each cell (contourConc) */
  readonly cGamma: Float64Array;
  /** thin_interface: φ̃ at the interface seen from each cell (contourSample) */
  readonly phiGamma: Float64Array;
  readonly state: SolverState;
  mgCycles: number;
  /** host skeleton (1), cos θ of surfaces, i0 factors (src/model/geometry.ts) */
  readonly solid: Float64Array;
  readonly cosT: Float64Array;
  /** the i0 factor the kinetics read: kinStatic, 0 on dead Li (labelled every step, src/cpu/label.ts) */
  readonly kin: Float64Array;
  readonly kinStatic: Float64Array;
  private readonly labelWs: LabelWorkspace;
  /** the last labelling (the step's start): dead Li and its islands */
  labels?: LabelResult;
  /** radius of the nucleus born at a cell this step (0: none) */
  readonly nucMark: Float64Array;
  /** open nucleation sites: the ξ of the critical cap each cell fills to (0: none), see nucleationPlace */
  readonly nucSite: Float64Array;
  /** nuclei born so far */
  nucleationEvents = 0;
  /** SEI film-resistance factor per cell (mosaic; 0 where the film is cracked) */
  readonly seiR: Float64Array;
  /** the mosaic factor alone (seiR = seiBase × integrity) */
  readonly seiBase: Float64Array;
  /**
   * mechanical shift of the overpotential per cell, Ω σ_h/(RT) (σ_h tension-positive): the kinetics
   * see η − Ω σ_h/F (Monroe–Newman), so compression suppresses plating (src/cpu/mechanics.ts)
   */
  readonly mech: Float64Array;
  /** the SEI film mechanics (d.mechOn), else undefined */
  readonly mechanics: CpuMechanics | undefined;

  /** the parameters; replace them with setParams (live changes) */
  d: Dimless;

  constructor(
    d: Dimless,
    init: { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number> },
    mgCycles = 2,
    geometry?: SolverGeometry,
  ) {
    this.d = d;
    const n = (this.n = d.nx * d.ny);
    this.solid = geometry ? Float64Array.from(geometry.solid) : new Float64Array(n);
    this.cosT = geometry ? Float64Array.from(geometry.cosTheta) : new Float64Array(n);
    this.kinStatic = geometry ? Float64Array.from(geometry.kinetic) : new Float64Array(n).fill(1);
    this.kin = Float64Array.from(this.kinStatic);
    this.labelWs = createLabelWorkspace(n);
    this.seiBase = geometry?.seiFactor ? Float64Array.from(geometry.seiFactor) : new Float64Array(n).fill(1);
    this.seiR = Float64Array.from(this.seiBase);
    this.mech = new Float64Array(n);
    this.mechanics = d.mechOn ? new CpuMechanics(d) : undefined;
    this.nucMark = new Float64Array(n);
    this.nucSite = new Float64Array(n);
    this.xi = Float64Array.from(init.xi);
    this.c = Float64Array.from(init.c);
    this.phi = Float64Array.from(init.phi);
    this.e2 = new Float64Array(n);
    this.crossA = new Float64Array(n);
    this.crossB = new Float64Array(n);
    this.rac = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.gain = new Float64Array(n);
    this.noise = new Float64Array(n);
    this.psiOld = new Float64Array(n);
    this.hpOld = new Float64Array(n);
    this.mgC = new CpuMultigrid({ nx: d.nx, ny: d.ny, h: d.h, krylov: true });
    this.mgPhi = new CpuMultigrid({ nx: d.nx, ny: d.ny, h: d.h, krylov: true });
    this.mgXi = new CpuMultigrid({ nx: d.nx, ny: d.ny, h: d.h, krylov: true });
    this.gt = new Float64Array(n);
    this.kinA = new Float64Array(n);
    this.kinC = new Float64Array(n);
    this.cGamma = new Float64Array(n);
    this.phiGamma = new Float64Array(n);
    this.mgCycles = mgCycles;
    this.state = { dt: d.dtInitial, t: 0, tEnd: Infinity, phiS: initialElectrodePotential(d), phiRef: initialElectrodePotential(d), j: 0, maxRate: 0, stiff: 0, fluxIn: 0, limitHit: 0, sinkSpread: 0, seiRate: 0, seiLi: 0, cracks: 0, stressMax: 0, stressMean: 0, debt: 0, step: 0, done: false };
    this.mgC.u.set(this.c); // warm start; afterwards u keeps the last solution
  }

  /**
   * New parameters from the next step on (Simulation.updateScenario). Nothing else in the solver is
   * derived from them except the grid, which cannot change.
   */
  setParams(d: Dimless): void {
    if (d.nx !== this.d.nx || d.ny !== this.d.ny || d.h !== this.d.h) throw new Error('CpuSolver.setParams: grid.nx, grid.ny and grid.dx_um cannot change');
    if (d.thin !== this.d.thin) throw new Error('CpuSolver.setParams: phase.model cannot change during a run');
    this.d = d;
  }

  /**
   * Continues from a checkpoint's solver state (the fields come through the constructor; the c̃
   * warm start mgC.u is c̃ itself after a step, as the constructor sets it).
   */
  restoreState(state: SolverState): void {
    Object.assign(this.state, state);
  }

  /**
   * Continues the SEI film from a checkpoint (src/cpu/mechanics.ts): strain, integrity, SEI Li, σ_h,
   * the mechanical shift the next step's kinetics read and the elastic solve's warm start; the film
   * resistance seiR = seiBase × integrity as filmAdvance leaves it.
   */
  restoreFilm(film: CpuFilmCheckpoint): void {
    const m = this.mechanics;
    if (!m) throw new Error('CpuSolver.restoreFilm: this solver has no SEI mechanics (sei.kind = none)');
    const n = this.n;
    const sizes = [['strain', film.strain, n], ['integrity', film.integrity, n], ['seiLi', film.seiLi, n], ['sigmaH', film.sigmaH, n], ['mechShift', film.mechShift, n], ['displacement', film.displacement, 2 * n]] as const;
    for (const [name, a, len] of sizes) if (a.length !== len) throw new Error(`CpuSolver.restoreFilm: ${name} has ${a.length} values, expected ${len}`);
    m.strain.set(film.strain);
    m.integrity.set(film.integrity);
    m.seiLi.set(film.seiLi);
    m.sigmaH.set(film.sigmaH);
    m.elastic.u.set(film.displacement);
    this.mech.set(film.mechShift);
    for (let k = 0; k < n; k++) this.seiR[k] = this.seiBase[k] * m.integrity[k];
  }

  /** The SEI film for a checkpoint (copies; every array empty without an SEI), see restoreFilm. */
  checkpointFilm(): CpuFilmCheckpoint {
    const m = this.mechanics;
    if (!m) {
      const e = () => new Float64Array(0);
      return { strain: e(), integrity: e(), seiLi: e(), sigmaH: e(), mechShift: e(), displacement: e() };
    }
    return { strain: m.strain.slice(), integrity: m.integrity.slice(), seiLi: m.seiLi.slice(), sigmaH: m.sigmaH.slice(), mechShift: this.mech.slice(), displacement: m.elastic.u.slice() };
  }

  /**
   * Sets the stop time. Without `resume`, done = t ≥ tEnd. With `resume` (a run starting or its stop
   * time changed), done and dt are decided as finish() does: done if the time left is ≤ 1e-3 dt,
   * else dt is clamped to the time left (and to dtCap). Returns done.
   */
  setStopTime(tEnd: number, resume = false, dtCap = Infinity): boolean {
    const st = this.state;
    st.tEnd = tEnd;
    if (!resume) {
      st.done = st.t >= tEnd;
      return st.done;
    }
    const remaining = tEnd - st.t;
    st.done = remaining <= 1e-3 * st.dt;
    // dtCap: a new phase of a cycling protocol starts from a short step, as a run does (the dt control
    // only sees the past, and a bare collector must carry a new current on its double layer first)
    if (!st.done) st.dt = Math.min(st.dt, remaining, dtCap);
    return st.done;
  }

  /** Potential consistent with the initial fields (R = 0), solved to convergence. */
  initialPotential(cycles = 30): void {
    this.rate.fill(0);
    this.potentialCoefficients();
    for (let k = 0; k < cycles; k++) this.mgPhi.vcycle();
    this.phi.set(this.mgPhi.u);
  }

  step(): StepRecord | undefined {
    if (this.state.done) return undefined;
    this.label();
    this.nucleationMark();
    this.nucleationPlace();
    this.anisotropy();
    const sums = this.rateTerms();
    this.drive(sums);
    if (this.d.thin) {
      this.phaseMatrix();
      for (let k = 0; k < this.mgCycles; k++) this.mgXi.vcycle();
      this.phaseCommit();
    } else {
      this.phaseUpdate();
    }
    this.sinkSpread();
    this.filmAdvance();
    this.transportCoefficients();
    for (let k = 0; k < this.mgCycles; k++) this.mgC.vcycle();
    this.transportBack();
    const record = this.finish();
    this.potentialCoefficients();
    for (let k = 0; k < this.mgCycles; k++) this.mgPhi.vcycle();
    this.phi.set(this.mgPhi.u);
    if (this.mechanics) {
      const [max, mean] = this.mechanics.solve(this.d, this.xi, this.solid, this.mech, this.d.elasticIters);
      this.state.stressMax = max;
      this.state.stressMean = mean;
    }
    return record;
  }

  // ---- kernels (names match the WGSL entry points)

  /**
   * Li islands cut off from the collector and the host take no current: their potential floats to where
   * their net exchange is zero, which for an island in uniform electrolyte is no exchange at all (src/cpu/label.ts;
   * shaders/label.wgsl on the GPU). Their i0 factor is 0 for this step.
   */
  label(): void {
    const d = this.d;
    if (!d.deadIslands) return; // metal.island_contact = out_of_plane: kin stays kinStatic
    this.labels = labelMetal(d.nx, d.ny, this.xi, this.solid, this.labelWs, contactRows(d.w, d.h), this.nucSite);
    applyLive(this.labels.labels, this.kinStatic, this.kin, this.nucSite);
  }

  /**
   * Classical heterogeneous nucleation (MODEL.md §6.2, 000:L117–127) on bare surface cells (fluid,
   * ξ < BARE_XI, with a solid face). The local supersaturation is μ = ln c̃ − η (F/RT units; μ > 0
   * ⇔ the Butler–Volmer bracket plates), the rate per µm of surface J = A·k_i0·exp(−f(θ)·B/μ²)
   * with f(θ) = (2 − 3cos θ + cos³θ)/4 of the most wetting adjacent surface, and a nucleus is born
   * with probability 1 − exp(−J·ℓ·dt) (ℓ = solid faces × h), drawn from the counter-based hash of
   * (seed ⊕ salt, step, cell). Its radius is the thermodynamic critical radius at that
   * supersaturation, R* = γV_m/(RT·μ) (Gibbs–Thomson in 2D; nanometres at tens of mV), raised to
   * the smallest cap the interface resolves (radius and height ≥ 2w); no nucleus where R* exceeds 8w.
   * (R* does not depend on i0 or the mobilities: those set how fast a nucleus grows, not its size.)
   * Uses the electrode potential of the previous step.
   */
  nucleationMark(): void {
    const d = this.d;
    const { nx, ny, h } = d;
    const st = this.state;
    this.nucMark.fill(0);
    if (d.nucA <= 0) return;
    const chen = onePotential(d);
    for (let k = 0; k < nx * ny; k++) {
      if (this.solid[k] > 0.5 || this.xi[k] >= BARE_XI || this.nucSite[k] > 0) continue;
      const site = siteGeometry(nx, this.solid, this.cosT, k);
      if (site.faces === 0) continue;
      const delta = chen ? this.phi[k] - st.phiRef : -this.phi[k];
      const eta = Math.min(Math.max(st.phiS + delta, -EXP_CLAMP), EXP_CLAMP);
      const cc = Math.max(cathodicConc(d, this.xi[k], this.c[k]), d.cFloor);
      const mu = Math.log(cc) - eta;
      if (!(mu > 0)) continue;
      const J = d.nucA * this.kin[k] * Math.exp((-barrierFactor(site.cos) * d.nucB) / (mu * mu));
      const p = 1 - Math.exp(-J * site.faces * h * st.dt);
      if (!(rand01((d.seed ^ NUCLEATION_SALT) >>> 0, st.step, k) < p)) continue;
      const rStar = d.nucR / mu;
      if (!(rStar <= NUCLEUS_MAX_WIDTHS * d.w)) continue;
      const resolved = (NUCLEUS_MIN_WIDTHS * d.w) / Math.min(1, 1 - site.cos);
      this.nucMark[k] = Math.min(Math.max(rStar, resolved), NUCLEUS_MAX_WIDTHS * d.w);
      this.nucleationEvents++;
    }
  }

  /**
   * Opens a site for each nucleus marked this step: the critical cap, a circle of radius R with the
   * wall's contact angle (centre R·cos θ beyond the wall along its normal), ξ_cap = ½[1 − tanh(d/2w)]
   * of the distance to the circle on the fluid side of the wall. The site does not insert Li: its
   * cells fill to ξ_cap through the Butler–Volmer term alone (weight h'_max, no capillary
   * terms), so the nucleus is deposited at the local overpotential with its charge, its Li⁺ and its
   * share of the potential solve, and a cell becomes ordinary interface once it reaches ξ_cap.
   */
  nucleationPlace(): void {
    const d = this.d;
    const { nx, ny, h } = d;
    const Lx = nx * h;
    const sites: number[] = [];
    for (let k = 0; k < nx * ny; k++) if (this.nucMark[k] > 0) sites.push(k);
    if (sites.length === 0) return;
    const reach = Math.ceil((NUCLEUS_MAX_WIDTHS * d.w + 3 * d.w) / h);
    for (let k = 0; k < nx * ny; k++) {
      if (this.solid[k] > 0.5) continue;
      const i = k % nx;
      const j = (k - i) / nx;
      const x = (i + 0.5) * h;
      const y = (j + 0.5) * h;
      let target = this.nucSite[k];
      for (const m of sites) {
        const im = m % nx;
        const jm = (m - im) / nx;
        let di = Math.abs(i - im);
        di = Math.min(di, nx - di);
        if (di > reach || Math.abs(j - jm) > reach) continue;
        target = Math.max(target, capValue(d, nx, Lx, this.solid, this.cosT, m, this.nucMark[m], x, y));
      }
      // the cap's faint tanh tail (below BARE_XI) opens no site: those cells stay bare surface
      if (target > this.xi[k] && target >= BARE_XI) this.nucSite[k] = target;
    }
  }

  anisotropy(): void {
    if (this.d.thin) {
      this.normals();
      return;
    }
    const { nx, ny, h, delta, omega, psi0 } = this.d;
    const xi = this.xi;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (this.solid[k] > 0.5) {
          this.e2[k] = 1;
          this.crossA[k] = 0;
          this.crossB[k] = 0;
          continue;
        }
        // solid neighbours and the collector: mirrored (the wetting flux enters in rateTerms)
        const at = (m: number) => (this.solid[m] > 0.5 ? xi[k] : xi[m]);
        const e = at(j * nx + ((i + 1) % nx));
        const w = at(j * nx + ((i + nx - 1) % nx));
        const s = j > 0 ? at(k - nx) : xi[k];
        const nn = j < ny - 1 ? at(k + nx) : 0; // reservoir: ξ = 0
        const gx = (e - w) / (2 * h);
        const gy = (nn - s) / (2 * h);
        let eps = 1;
        let epsP = 0;
        if (gx * gx + gy * gy > ANISO_GRAD2_MIN && delta > 0) {
          const arg = omega * (Math.atan2(gy, gx) - psi0);
          eps = 1 + delta * Math.cos(arg);
          epsP = -delta * omega * Math.sin(arg);
        }
        this.e2[k] = eps * eps;
        this.crossA[k] = eps * epsP * gy;
        this.crossB[k] = eps * epsP * gx;
      }
    }
  }

  /**
   * thin_interface: the unit normal n̂ = ∇ψ/|∇ψ| (into the metal) in crossA/crossB, e2 = 1. Solid
   * neighbours and the collector are mirrored, the reservoir holds ξ = 0, as in the Laplacian.
   */
  normals(): void {
    const { nx, ny, h } = this.d;
    const xi = this.xi;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        this.e2[k] = 1;
        if (this.solid[k] > 0.5) {
          this.crossA[k] = 0;
          this.crossB[k] = 0;
          continue;
        }
        const at = (m: number) => profilePsi(this.solid[m] > 0.5 ? xi[k] : xi[m]);
        const gx = (at(j * nx + ((i + 1) % nx)) - at(j * nx + ((i + nx - 1) % nx))) / (2 * h);
        const gy = ((j < ny - 1 ? at(k + nx) : profilePsi(0)) - (j > 0 ? at(k - nx) : profilePsi(xi[k]))) / (2 * h);
        const len = Math.hypot(gx, gy);
        this.crossA[k] = len > 1e-6 ? gx / len : 0;
        this.crossB[k] = len > 1e-6 ? gy / len : 0;
      }
    }
  }

  /** Returns [Σ R_ac, Σ S_a, Σ S_c] (see solveElectrodePotential). */
  rateTerms(): [number, number, number] {
    if (this.d.thin) return this.rateTermsThin();
    const d = this.d;
    const { nx, ny, h, alpha } = d;
    const { xi, c, phi, e2, crossA, crossB } = this;
    const chen = onePotential(d);
    const noiseScale = d.noiseA > 0 ? (d.noiseA * Math.sqrt(3)) / Math.sqrt(this.state.dt) : 0;
    let sAc = 0;
    let sA = 0;
    let sC = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const ie = j * nx + ((i + 1) % nx);
        const iw = j * nx + ((i + nx - 1) % nx);
        if (this.solid[k] > 0.5) {
          this.rac[k] = 0;
          this.noise[k] = 0;
          continue;
        }
        const x = xi[k];
        // Cahn wetting condition at a solid face (MODEL.md §6.2): the ghost value is
        // ξ + h·cos θ·ξ(1 − ξ)/w, the equilibrium profile's slope times cos θ, which is the natural
        // condition of the wall energy γ_SE − γ cos θ·(3ξ² − 2ξ³) (Young, 000:L121)
        const wet = (x * (1 - x) * h) / d.w;
        const face = (m: number) => (this.solid[m] > 0.5 ? e2[k] * this.cosT[m] * wet : 0.5 * (e2[k] + e2[m]) * (xi[m] - x));
        let lap = face(ie) + face(iw);
        lap += j > 0 ? face(k - nx) : e2[k] * this.cosT[k] * wet;
        lap += j < ny - 1 ? face(k + nx) : e2[k] * (0 - x);
        const bS = j > 0 ? crossB[k - nx] : crossB[k];
        const bN = j < ny - 1 ? crossB[k + nx] : 0;
        const cross = (-(crossA[ie] - crossA[iw]) + (bN - bS)) / (2 * h);
        const site = this.nucSite[k] > 0;
        // an open nucleation site fills by deposition alone (see nucleationPlace)
        let rac = site ? 0 : d.LsK * (lap / (h * h) + cross) - d.LsW * wellPrime(x);
        this.rac[k] = rac;
        this.noise[k] = noiseScale > 0 && !site ? noiseScale * (faceNoise(d.seed, this.state.step, xi, iw, k) - faceNoise(d.seed, this.state.step, xi, k, ie)) : 0;
        const delta = chen ? phi[k] - this.state.phiRef : -phi[k] - this.mech[k];
        const hp = d.Leta * this.kin[k] * kineticWeight(x, this.nucSite[k]);
        sAc += rac;
        sA += hp * clampedExp((1 - alpha) * delta);
        sC += hp * cathodicConc(d, x, c[k]) * clampedExp(-alpha * delta);
      }
    }
    return [sAc, sA, sC];
  }

  /**
   * thin_interface: curvature K = −∇·n̂ (clamped to ±1/h, the finest the grid resolves), the
   * Gibbs–Thomson shift gt = gtCap·a(θ)·K, and in rac the explicit part E of the ξ rate: the counter term
   * −LsK·ξ_tt (tangentialSecond: it removes the curvature part of LsK∇²ξ, so the relaxation moves no
   * interface), − LsW g'(ξ) and the wetting fluxes; the noise in `noise`. Returns [0, Σ S_a, Σ S_c]: the
   * relaxation passes no current, only the Butler–Volmer term does.
   */
  rateTermsThin(): [number, number, number] {
    const d = this.d;
    const { nx, ny, h, alpha } = d;
    const { xi, c, phi, crossA: nX, crossB: nY } = this;
    const chen = onePotential(d);
    const noiseScale = d.noiseA > 0 ? (d.noiseA * Math.sqrt(3)) / Math.sqrt(this.state.dt) : 0;
    let sA = 0;
    let sC = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const ie = j * nx + ((i + 1) % nx);
        const iw = j * nx + ((i + nx - 1) % nx);
        if (this.solid[k] > 0.5) {
          this.rac[k] = 0;
          this.gt[k] = 0;
          this.noise[k] = 0;
          continue;
        }
        const x = xi[k];
        const wet = (x * (1 - x) * h) / d.w;
        // the wetting fluxes of the solid faces (the fluid faces are in the implicit Laplacian)
        let wetSum = 0;
        if (this.solid[ie] > 0.5) wetSum += this.cosT[ie] * wet;
        if (this.solid[iw] > 0.5) wetSum += this.cosT[iw] * wet;
        if (j === 0) wetSum += this.cosT[k] * wet;
        else if (this.solid[k - nx] > 0.5) wetSum += this.cosT[k - nx] * wet;
        if (j < ny - 1 && this.solid[k + nx] > 0.5) wetSum += this.cosT[k + nx] * wet;
        const own = (m: number, a: Float64Array) => (this.solid[m] > 0.5 ? a[k] : a[m]);
        const divN = (own(ie, nX) - own(iw, nX) + (j < ny - 1 ? own(k + nx, nY) : nY[k]) - (j > 0 ? own(k - nx, nY) : nY[k])) / (2 * h);
        const K = Math.min(Math.max(-divN, -1 / h), 1 / h);
        const site = this.nucSite[k] > 0;
        this.gt[k] = site ? SITE_MARK : d.gtCap * stiffnessFactor(d.delta, d.omega, d.psi0, nX[k], nY[k]) * K;
        this.rac[k] = site ? 0 : (d.LsK * (wetSum - this.tangentialSecond(i, j))) / (h * h) - d.LsW * wellPrime(x);
        this.noise[k] = noiseScale > 0 && !site ? noiseScale * (faceNoise(d.seed, this.state.step, xi, iw, k) - faceNoise(d.seed, this.state.step, xi, k, ie)) : 0;
        if (site) {
          this.cGamma[k] = c[k];
          this.phiGamma[k] = phi[k];
        } else this.contourSample(i, j, k);
        const pg = this.phiGamma[k];
        const delta = (chen ? pg - this.state.phiRef : -pg - this.mech[k]) + (site ? 0 : this.gt[k]);
        // an open site only plates (thinMatrix's stripOff): while the drive strips it would count anodic
        // capacity that never dissolves, and the galvanostatic solve held the potential with no current
        const hp = site && d.jTarget < 0 ? 0 : d.Leta * this.kin[k] * thinWeight(x, this.nucSite[k]);
        const cs = this.cGamma[k];
        sA += hp * clampedExp((1 - alpha) * delta);
        sC += hp * cs * clampedExp(-alpha * delta);
      }
    }
    return [0, sA, sC];
  }

  /**
   * h²·ξ_tt = h²·t̂ᵀ(∇∇ξ)t̂, t̂ ⟂ n̂, from the same three-point differences as the 5-point Laplacian:
   * h²∇²ξ − h²ξ_tt = h²ξ_nn is then the Laplacian's component along the normal, so the relaxation
   * LsK(∇²ξ − ξ_tt) − LsW g'(ξ) holds the 1D profile without moving a curved interface (its curvature part
   * |∇ξ|∇·n̂ = ξ_tt is what the counter term removes; Folch et al. 1999, Sun & Beckermann 2007).
   * Neighbours across a solid face are mirrored, the reservoir is ξ = 0.
   */
  tangentialSecond(i: number, j: number): number {
    const { nx, ny } = this.d;
    const k = j * nx + i;
    const xi = this.xi;
    const ip = (i + 1) % nx;
    const im = (i + nx - 1) % nx;
    const at = (ii: number, jj: number) => {
      if (jj < 0) jj = 0; // collector: mirrored
      if (jj >= ny) return 0;
      const m = jj * nx + ii;
      return this.solid[m] > 0.5 ? xi[k] : xi[m];
    };
    const c0 = xi[k];
    const xx = at(ip, j) - 2 * c0 + at(im, j);
    const yy = at(i, j + 1) - 2 * c0 + at(i, j - 1);
    const xy = 0.25 * (at(ip, j + 1) - at(ip, j - 1) - at(im, j + 1) + at(im, j - 1));
    const nX = this.crossA[k];
    const nY = this.crossB[k];
    return nY * nY * xx - 2 * nX * nY * xy + nX * nX * yy;
  }

  /**
   * c̃ and φ̃ where the interface is, seen from cell k: the relaxed profile makes ψ = ln(ξ/(1 − ξ)) = −n/w, so
   * the ξ = ½ contour lies at x_k − wψ·n̂ (n̂ into the metal); c̃ and φ̃ there, bilinear over the fluid cells.
   * The Butler–Volmer rate of every cell of a diffuse interface follows these: the interface is thin
   * only while c̃ and φ̃ vary little across it, and past Sand's time c̃ rises from 0 at the front and
   * φ̃ drops steeply across the depleted layer, so local values let the diffuse tail plate ahead of the
   * front (a Li cloud that took the current and shielded it).
   */
  contourSample(i: number, j: number, k: number): void {
    const { nx, ny, h, w } = this.d;
    // distance to the contour in cells (the electrolyte side only: on the metal side the cell's Li⁺ comes
    // from the little salt inside the metal, and its own c̃ already says how much there is)
    const s = Math.max((-w * profilePsi(this.xi[k])) / h, 0);
    const px = i + s * this.crossA[k];
    const py = Math.min(Math.max(j + s * this.crossB[k], 0), ny - 1);
    const i0 = Math.floor(px);
    const j0 = Math.max(Math.min(Math.floor(py), ny - 2), 0);
    const fx = px - i0;
    const fy = py - j0;
    let sc = 0;
    let sp = 0;
    let wsum = 0;
    for (let q = 0; q < 4; q++) {
      const ii = (((i0 + (q & 1)) % nx) + nx) % nx;
      const jj = Math.min(j0 + (q >> 1), ny - 1);
      const m = jj * nx + ii;
      if (this.solid[m] > 0.5) continue;
      const wq = (q & 1 ? fx : 1 - fx) * (q >> 1 ? fy : 1 - fy);
      sc += wq * this.c[m];
      sp += wq * this.phi[m];
      wsum += wq;
    }
    this.cGamma[k] = wsum > 1e-6 ? sc / wsum : this.c[k];
    this.phiGamma[k] = wsum > 1e-6 ? sp / wsum : this.phi[k];
  }

  drive([sAc, sA, sC]: [number, number, number]): void {
    const d = this.d;
    const st = this.state;
    st.limitHit = 0;
    if (d.drive === DRIVE_GALVANOSTATIC) {
      // Σ R = j̃ Lx / h², less the current that went into SEI re-formation last step
      // thin_interface: plus what the last step plated short of its goal (the implicit sink lowered c̃ after
      // the drive had chosen the potential; finish), so the charge follows the set current
      const target = (d.jTarget * d.nx) / d.h - st.seiRate + st.debt / st.dt;
      const cap = (d.cdl * d.nx) / (d.h * st.dt); // double layer: Σ R-equivalent per unit φ̃ change
      const { phi, limit } = solveElectrodePotential(sAc, sA, sC, target, d.alpha, d.phiMax, st.phiS, cap);
      st.phiS = phi;
      st.limitHit = limit ? 1 : 0;
    } else {
      st.phiS = d.phiApplied;
    }
  }

  /** SEI film strain, fracture and repair (src/cpu/mechanics.ts); the SEI Li rate for the next drive. */
  filmAdvance(): void {
    const m = this.mechanics;
    // no film without an SEI (seiFrac = 0: the mechanics run for a growth strain alone)
    if (!m || this.d.seiFrac <= 0) return;
    const d = this.d;
    const st = this.state;
    const cracks = m.filmAdvance(d, this.xi, this.rate, this.solid, st.dt);
    st.seiRate = m.seiLiStep / (st.dt * d.h * d.h);
    st.seiLi += m.seiLiStep;
    st.cracks += cracks;
    for (let k = 0; k < this.n; k++) this.seiR[k] = this.seiBase[k] * m.integrity[k];
  }

  phaseUpdate(): void {
    const d = this.d;
    const { nx, ny, h, alpha } = d;
    const { xi, c, phi } = this;
    const chen = onePotential(d);
    const st = this.state;
    let sum = 0;
    let sumH = 0;
    let sumAbsH = 0;
    let maxRate = 0;
    let stiff = 0;
    for (let k = 0; k < nx * ny; k++) {
      const x = xi[k];
      if (this.solid[k] > 0.5) {
        // host skeleton: never Li, no reaction, no salt beyond the floor
        this.rate[k] = 0;
        this.gain[k] = 0;
        this.psiOld[k] = d.sigFloor;
        this.hpOld[k] = 0;
        this.kinA[k] = 0;
        this.kinC[k] = 0;
        continue;
      }
      const delta = chen ? phi[k] - st.phiRef : -phi[k] - this.mech[k];
      const eta = Math.min(Math.max(st.phiS + delta, -EXP_CLAMP), EXP_CLAMP);
      const ea = Math.exp((1 - alpha) * eta);
      const ec = cathodicConc(d, x, c[k]) * Math.exp(-alpha * eta);
      const bracket = ea - ec;
      const Lk = d.Leta * this.kin[k];
      const hw = kineticWeight(x, this.nucSite[k]);
      // an open site has no Li to dissolve: it only plates
      const stripOff = this.nucSite[k] > 0 && bracket > 0;
      const r = this.rac[k] - (stripOff ? 0 : Lk * hw * bracket);
      this.rate[k] = r;
      this.gain[k] = chen || stripOff ? 0 : Lk * hw * ((1 - alpha) * ea + alpha * ec);
      xi[k] = x + st.dt * (r + this.noise[k]);
      if (d.transport === TRANSPORT_CHEN2015) {
        // chen2015's sink takes γ(C_s/c0)R: where R > 0 it is taken as (R/c̃ⁿ)·c̃ⁿ⁺¹ in the c̃ solve
        // (Patankar), so c̃ stays ≥ 0 at any dt; transportBack moves ξ to what the salt gave
        this.kinC[k] = r > 0 ? r / Math.max(c[k], CONTOUR_CONC_FLOOR) : 0;
        this.kinA[k] = r > 0 ? 0 : -r;
      }
      // a site cell that reached its cap is ordinary interface from now on
      if (this.nucSite[k] > 0 && xi[k] >= this.nucSite[k]) this.nucSite[k] = 0;
      sum += r;
      sumH += hw * r;
      sumAbsH += Math.abs(hw * r);
      this.psiOld[k] = Math.max(1 - hInterp(x), d.sigFloor);
      this.hpOld[k] = hw;
      maxRate = Math.max(maxRate, Math.abs(r + this.noise[k]));
      // hong2018: the cathodic branch reads c̃(1 − h(ξ)), so ∂R/∂ξ gains Lη h'·h'c̃e^{−αη} (explicit ξ update)
      const hongSlope = d.transport === TRANSPORT_HONG2018 ? Lk * hw * hPrime(x) * c[k] * Math.exp(-alpha * eta) : 0;
      stiff = Math.max(stiff, allenCahnStiffness(d.LsK, d.LsW, this.e2[k], h) + Lk * Math.abs(hSecond(x) * bracket) + hongSlope, chen ? 0 : sinkStiffness(d, r, c[k]));
    }
    st.j = (sum * h) / nx;
    this.sums = [sum, sumH, sumAbsH];
    st.maxRate = maxRate;
    st.stiff = stiff;
  }

  private sums: [number, number, number] = [0, 0, 0];
  /** thin_interface: Σ of the move transportBack gave the plating rate (the implicit sink's c̃ⁿ⁺¹) */
  private moved = 0;

  /**
   * thin_interface: the linearly implicit ξ step as bd ξⁿ⁺¹ − ∇·(LsK∇ξⁿ⁺¹) = f for mgXi. The plating rate
   * R = Lη k h'(ξ)[c̃ e^{−αη} − e^{(1−α)η}] (η with the Gibbs–Thomson shift) is split as kinC·c̃ − kinA
   * for the implicit Li⁺ sink; J = LsW g''(ξ) − ∂R/∂ξ goes on the diagonal, so the front speed does not
   * depend on dt (a constant stabilisation would slow it by 1/(1 + S dt), MODEL.md §7). Faces touching
   * the host, an open nucleation site or the collector carry no Laplacian flux (the wetting flux is in
   * E); the reservoir face holds ξ = 0.
   */
  phaseMatrix(): void {
    const d = this.d;
    const { nx, ny, alpha } = d;
    const { xi, c } = this;
    const chen = onePotential(d);
    const st = this.state;
    const mg = this.mgXi;
    const dt = st.dt;
    const open = (k: number) => this.solid[k] <= 0.5 && !(this.nucSite[k] > 0);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const x = xi[k];
        const iw = j * nx + ((i + nx - 1) % nx);
        mg.ax[k] = open(k) && open(iw) ? d.LsK : 0;
        mg.ay[k] = j > 0 && open(k) && open(k - nx) ? d.LsK : 0;
        mg.u[k] = x;
        this.psiOld[k] = this.solid[k] > 0.5 ? d.sigFloor : Math.max(1 - hInterp(x), d.sigFloor);
        this.hpOld[k] = 0;
        if (this.solid[k] > 0.5) {
          this.rate[k] = 0;
          this.gain[k] = 0;
          this.kinA[k] = 0;
          this.kinC[k] = 0;
          mg.bd[k] = 1 / dt;
          mg.f[k] = x / dt;
          continue;
        }
        const site = this.nucSite[k] > 0;
        const pg = this.phiGamma[k];
        const delta = (chen ? pg - st.phiRef : -pg - this.mech[k]) + (site ? 0 : this.gt[k]);
        const eta = Math.min(Math.max(st.phiS + delta, -EXP_CLAMP), EXP_CLAMP);
        const ea = Math.exp((1 - alpha) * eta);
        const ec = Math.exp(-alpha * eta);
        const Lk = d.Leta * this.kin[k];
        const hw = thinWeight(x, this.nucSite[k]);
        // an open site has no Li to dissolve: it only plates
        const cs = this.cGamma[k];
        const stripOff = site && ea - cs * ec > 0;
        const A = stripOff ? 0 : Lk * hw * ea;
        // the rate follows the interface's c̃ (cs); the sink stays linear in the cell's own c̃, implicit
        const C = stripOff ? 0 : (Lk * hw * ec * cs) / Math.max(c[k], CONTOUR_CONC_FLOOR);
        const r = C * c[k] - A;
        this.kinA[k] = A;
        this.kinC[k] = C;
        this.rate[k] = r;
        this.gain[k] = chen || stripOff ? 0 : Lk * hw * ((1 - alpha) * ea + alpha * cs * ec);
        // the kinetic Jacobian only where it damps: where the weight grows with ξ and Li plates it is a
        // growth rate (a trace of ξ ahead of a depleted front, at a large overpotential), which an implicit
        // linearisation overshoots; that part stays explicit and bounds dt (phaseCommit)
        const J = site ? 0 : d.LsW * wellSecond(x) + Math.max(Lk * thinWeightSlope(x) * (ea - cs * ec), 0);
        mg.bd[k] = 1 / dt + J;
        mg.f[k] = (1 / dt + J) * x + this.rac[k] + this.noise[k] + r;
      }
    }
    for (let i = 0; i < nx; i++) {
      const k = (ny - 1) * nx + i;
      mg.ay[ny * nx + i] = open(k) ? d.LsK : 0; // reservoir: ξ = 0
    }
    mg.coarsenCoefficients();
  }

  /**
   * thin_interface: ξ ← mgXi.u; sites that reached their cap become ordinary interface; the per-step
   * figures for the dt control: max |R| (interface displacement), and the Gibbs–Thomson stiffness: the
   * shift is explicit, and the fastest capillary mode (|k| ≤ 1/h for the central-difference
   * curvature) decays at 6w·∂R/∂η·gtCap·a_max/h².
   */
  phaseCommit(): void {
    const d = this.d;
    const { nx, ny, h } = d;
    const st = this.state;
    const u = this.mgXi.u;
    const aMax = 1 + Math.max(0, d.omega * d.omega - 1) * d.delta;
    let sum = 0;
    let maxRate = 0;
    let stiff = 0;
    let relax = 0;
    let weight = 0;
    for (let k = 0; k < nx * ny; k++) {
      if (this.solid[k] > 0.5) {
        this.xi[k] = 0; // host cells are never Li (the solve may leave round-off there)
        continue;
      }
      // what the relaxation deposited on top of the Butler–Volmer rate (see sinkSpread)
      relax += u[k] - this.xi[k] - st.dt * this.rate[k];
      weight += thinWeight(u[k], 0);
      this.xi[k] = u[k];
      if (this.nucSite[k] > 0 && u[k] >= this.nucSite[k]) this.nucSite[k] = 0;
      const r = this.rate[k];
      sum += r;
      maxRate = Math.max(maxRate, Math.abs(r));
      stiff = Math.max(stiff, (6 * d.w * this.gain[k] * d.gtCap * aMax) / (h * h), kineticGrowth(u[k], r));
    }
    st.j = (sum * h) / nx;
    this.sums = [sum, relax, weight];
    st.maxRate = maxRate;
    st.stiff = stiff;
  }

  /**
   * literature: q of the binary salt sink h'R + q|h'R|. thin_interface: the net Li the relaxation
   * deposited this step per unit of the weight 6ξ(1 − ξ), which transportBack takes back: on the discrete
   * profile the relaxation's sum is not exactly zero (−0.7 % of the deposit at h = 0.83w), and the Li that
   * plates must be the charge that passed.
   */
  sinkSpread(): void {
    const [a, b, c] = this.sums;
    this.state.sinkSpread = this.d.thin ? (c > 0 ? b / c : 0) : sinkSpread(a, b, c);
  }

  transportCoefficients(): void {
    const d = this.d;
    const { nx, ny } = d;
    const mg = this.mgC;
    const { c, phi, xi, rate } = this;
    const chen = onePotential(d);
    const dt = this.state.dt;
    const psi = (k: number) => saltFraction(d, xi[k], this.solid[k]);
    // binary: salt in the electrolyte fraction χ (see shaders/transport.wgsl); chen2015: D_eff,
    // with a host cell taken as solid metal
    const hong = d.transport === TRANSPORT_HONG2018;
    const D = (k: number) => {
      if (hong) return d.Dl * psi(k) * psi(k) * latticeFactor(d, c[k]);
      if (!chen) return psi(k) * d.Dl;
      const hh = Math.max(hInterp(xi[k]), this.solid[k]);
      return d.Dl * (1 - hh) + d.Ds * hh;
    };
    // Slotboom variable u = c̃ e^{φ̃} turns Nernst–Planck drift into a symmetric operator with
    // Scharfetter–Gummel face weights; binary transport has no drift and u = c̃.
    // thin_interface, binary: the arithmetic mean of χ D across a face between two non-host cells (the
    // smoothed-boundary form): the harmonic mean puts a transport resistance ∫dn/χ across the metal side
    // of the interface, where half of the 6ξ(1 − ξ)-weighted reaction sits, and starved it of Li⁺
    // (surface c̃ 15 % low at 50 mA/cm² after 10 s); host faces keep the harmonic mean (impermeable walls)
    const face = (ka: number, kb: number) => {
      if (d.thin && !chen && this.solid[ka] <= 0.5 && this.solid[kb] <= 0.5) return 0.5 * (D(ka) + D(kb));
      const harm = (2 * D(ka) * D(kb)) / (D(ka) + D(kb));
      return chen ? harm * clampedExp(-phi[ka]) * bernoulli(phi[kb] - phi[ka]) : harm;
    };
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        mg.ax[k] = face(j * nx + ((i + nx - 1) % nx), k);
        mg.ay[k] = j > 0 ? face(k - nx, k) : 0; // collector: no ion flux
        if (hong) {
          // c̃ⁿ⁺¹ = c̃ⁿ + c̃'(u − uⁿ), Newton's tangent of the lattice gas c̃(u) at uⁿ (c̃' = m(1 − c_l0c̃ⁿ), m = c̃ⁿ/uⁿ):
          // the salt balance is linear in u and conserved, and the capacity vanishes as c_l → 1, so a nearly full
          // cell passes Li⁺ on (the chord c̃ = m·u let cells overfill past 1/c_l0 and freeze, odd-even in c̃)
          const m = slotboomChord(d, c[k], phi[k]);
          const slope = latticeSlope(d, c[k], phi[k]);
          const rest = c[k] - slope * (c[k] / m); // c̃ⁿ − c̃'uⁿ = c_l0 c̃ⁿ² (unless the slope's floor acts)
          const g = d.gammaSrc * d.CsOverC0;
          mg.u[k] = c[k] / m;
          // their conversion term: the sink γ(C_s/c0)S, S = h'R + q|h'R| (q: it sums to Σ R, as binary's),
          // taken where S > 0 as (S/c̃ⁿ)·c̃ⁿ⁺¹ (Patankar; transportBack moves ξ by the shortfall). On the tangent
          // f can be negative where a thin liquid fraction plates fast, so c̃ ≥ 0 is not guaranteed by
          // construction (it held in every run measured); the chord m·u instead kept f ≥ 0 there but put the
          // charge at −0.2 V 2.5 % off the converged step (tests/verification.test.ts)
          const [kinA, kinC] = hongSink(this.hpOld[k], rate[k], this.state.sinkSpread, c[k]);
          this.kinA[k] = kinA;
          this.kinC[k] = kinC;
          mg.bd[k] = (psi(k) * slope) / dt + g * kinC * slope;
          mg.f[k] = (this.psiOld[k] * c[k] - psi(k) * rest) / dt + g * (kinA - kinC * rest);
        } else if (chen) {
          mg.u[k] = c[k] * clampedExp(phi[k]); // warm start in the Slotboom variable
          // the sink γ(C_s/c0)(kinC·c̃ⁿ⁺¹ − kinA), implicit in the Slotboom variable: kinC·c̃ = kinC·e^{−φ̃}·u
          // (thin_interface: the Butler–Volmer split of phaseMatrix; literature: phaseUpdate's Patankar split)
          mg.bd[k] = clampedExp(-phi[k]) / dt + d.gammaSrc * d.CsOverC0 * this.kinC[k] * clampedExp(-phi[k]);
          mg.f[k] = c[k] / dt + d.gammaSrc * d.CsOverC0 * this.kinA[k];
        } else {
          mg.bd[k] = psi(k) / dt;
          // the plating sink, and the Li⁺ the re-forming SEI bound in this cell this step (filmAdvance)
          const sei = this.mechanics ? this.mechanics.seiStep[k] / (d.h * d.h * dt) : 0;
          if (d.thin) {
            // the sink γ(C_s/c0)(kinC·c̃ⁿ⁺¹ − kinA) where the Li plates, its cathodic branch implicit
            mg.bd[k] += d.gammaSrc * d.CsOverC0 * this.kinC[k];
            mg.f[k] = (this.psiOld[k] * c[k]) / dt + d.gammaSrc * d.CsOverC0 * (this.kinA[k] - sei);
          } else {
            mg.f[k] = (this.psiOld[k] * c[k]) / dt - d.gammaSrc * d.CsOverC0 * (this.hpOld[k] * rate[k] + this.state.sinkSpread * Math.abs(this.hpOld[k] * rate[k]) + sei);
          }
        }
      }
    }
    // Reservoir face (half a cell away): c̃ = 1, φ̃ = 0, so u = 1 there.
    for (let i = 0; i < nx; i++) {
      const k = (ny - 1) * nx + i;
      const top = chen ? D(k) * clampedExp(-phi[k]) * bernoulli(0 - phi[k]) : D(k);
      mg.ay[ny * nx + i] = top;
      mg.f[k] += (2 * top * 1) / (d.h * d.h);
    }
    mg.coarsenCoefficients();
  }

  /**
   * c̃ ← the solve. thin_interface: the phase step plated kinC·c̃ⁿ − kinA, the sink removed
   * kinC·c̃ⁿ⁺¹ − kinA: ξ and the potential's source move by kinC·(c̃ⁿ⁺¹ − c̃ⁿ), so that the Li that
   * plates is the Li⁺ that left the salt, cell by cell. Literature chen2015: phaseUpdate plated R, the
   * sink removed kinC·c̃ⁿ⁺¹ − kinA, and ξ moves by the difference.
   */
  transportBack(): void {
    const thin = this.d.thin;
    const chen = onePotential(this.d);
    const u = this.mgC.u;
    const dt = this.state.dt;
    let moved = 0;
    for (let k = 0; k < this.n; k++) {
      const hong = this.d.transport === TRANSPORT_HONG2018;
      let next = hong ? latticeTangent(this.d, this.c[k], this.phi[k], u[k]) : chen ? u[k] * clampedExp(-this.phi[k]) : u[k];
      if (thin) {
        const dr = this.kinC[k] * (next - this.c[k]);
        moved += dr;
        this.xi[k] += dt * dr - this.state.sinkSpread * thinWeight(this.xi[k], 0);
        this.rate[k] += dr;
      } else if (this.d.transport === TRANSPORT_CHEN2015) {
        // phaseUpdate plated R, the sink removed kinC·c̃ⁿ⁺¹ − kinA
        const dr = this.kinC[k] * next - this.kinA[k] - this.rate[k];
        moved += dr;
        this.xi[k] += dt * dr;
        this.rate[k] += dr;
      } else if (hong) {
        // the sink planned S and removed kinC·c̃ⁿ⁺¹ − kinA: ξ gives back the shortfall, and c̃ keeps the salt
        // χc̃ⁿ⁺¹ the solve left as that move changes χ (Li inventory)
        const planned = this.kinC[k] > 0 ? this.kinC[k] * Math.max(this.c[k], CONTOUR_CONC_FLOOR) : -this.kinA[k];
        const dr = this.kinC[k] * next - this.kinA[k] - planned;
        moved += dr;
        const chi = saltFraction(this.d, this.xi[k], this.solid[k]);
        this.xi[k] += dt * dr;
        next *= chi / saltFraction(this.d, this.xi[k], this.solid[k]);
        this.rate[k] += dr;
      }
      this.c[k] = next;
    }
    this.moved = moved;
  }

  finish(): StepRecord {
    const d = this.d;
    const { nx, ny } = d;
    const st = this.state;
    const mg = this.mgC;
    let flux = 0;
    for (let i = 0; i < nx; i++) flux += 2 * mg.ay[ny * nx + i] * (1 - mg.u[(ny - 1) * nx + i]);
    st.fluxIn = flux;
    // the Faradaic rate as plated (thin_interface: after the implicit sink), and its shortfall for the next drive
    const planned = st.j;
    const sinkShare = Math.abs(this.moved) / Math.max(Math.abs(st.j * nx) / d.h, 1e-30);
    st.j += (this.moved * d.h) / nx;
    st.debt = d.thin && d.drive === DRIVE_GALVANOSTATIC ? -this.moved * st.dt : 0;
    this.moved = 0;
    // in through the reservoir: diffusion, plus the migrated share t₊ of the current that plates Li and forms SEI
    const dInventory = st.dt * (flux + d.tplus * d.CsOverC0 * (st.j * nx * d.h + st.seiRate * d.h * d.h));
    const record: StepRecord = { dt: st.dt, phiS: st.phiS, j: st.j, dInventory, maxRate: st.maxRate, limitHit: st.limitHit };
    st.t += st.dt;
    st.step += 1;
    let next = Math.min(d.dtMax, DT_GROWTH * st.dt, st.maxRate > 0 ? d.dxiMax / st.maxRate : Infinity, (2 * d.safety) / st.stiff);
    if (d.thin) next = Math.min(next, RELAX_STEP / d.LsW);
    // cycling: the electrode potential moves ≤ phiStep per step (phiRef is the last step's; PHI_STEP in terms.ts)
    const dPhi = Math.abs(st.phiS - st.phiRef);
    if (d.phiStep > 0 && d.drive === DRIVE_GALVANOSTATIC && dPhi > 0) next = Math.min(next, (st.dt * d.phiStep) / dPhi);
    // galvanostatic control: the drive sets the potential from c̃ⁿ and the implicit sink then plates less
    // where c̃ falls within the step; that share grows with dt, so dt keeps it at GALV_SINK_SHARE. Not at rest
    // (no set current): relative to the double layer's trickle the share is meaningless, and dt shrank without end
    if (d.thin && d.drive === DRIVE_GALVANOSTATIC && d.jTarget !== 0 && planned !== 0 && sinkShare > GALV_SINK_SHARE) next = Math.min(next, (st.dt * GALV_SINK_SHARE) / sinkShare);
    const remaining = st.tEnd - st.t;
    // at the potential limit the target current cannot be supplied: the step that reached it is the
    // last (further steps at the clamped potential plated the metal's trace salt, ξ → 350)
    if (remaining <= 1e-3 * next || st.limitHit) st.done = true;
    // thin_interface: no short last step, which would repay the last step's charge debt at a multiple of the current
    else if (d.thin && remaining > next && remaining < 2 * next) next = remaining / 2;
    else next = Math.min(next, remaining);
    st.dt = next;
    return record;
  }

  potentialCoefficients(): void {
    const d = this.d;
    const { nx, ny, h } = d;
    const mg = this.mgPhi;
    const { c, xi, rate } = this;
    const chen = onePotential(d);
    const sigma = (k: number) => {
      const hh = hInterp(xi[k]);
      if (chen) {
        const hs = Math.max(hh, this.solid[k]); // host: an electronic conductor like the metal
        return d.sigS * hs + (1 - hs);
      }
      return withSeiFilm(Math.max((1 - hh) * (1 - this.solid[k]), d.sigFloor) * Math.max(c[k], d.cFloor), xi[k], d.seiRho, this.seiR[k]);
    };
    const harm = (a: number, b: number) => (2 * a * b) / (a + b);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const s = sigma(k);
        mg.ax[k] = harm(sigma(j * nx + ((i + nx - 1) % nx)), s);
        mg.ay[k] = j > 0 ? harm(sigma(k - nx), s) : chen ? s : 0;
        // −∇·(σ∇φ̃) = −K_φ R(φ̃), with R linearised about the φ̃ it was computed with,
        // R ≈ Rⁿ + G (φ̃ − φ̃ⁿ): an explicit lag of this algebraic loop diverges once the ohmic
        // drop across the interface exceeds ~RT/(αF) (seen approaching Sand's time).
        // chen2015 holds the collector at the electrode potential.
        const g = this.gain[k];
        mg.bd[k] = d.Kphi * g;
        mg.f[k] = -d.Kphi * (rate[k] - g * this.phi[k]) + (j === 0 && chen ? (2 * s * this.state.phiS) / (h * h) : 0);
        mg.u[k] = this.phi[k];
      }
    }
    this.state.phiRef = this.state.phiS;
    for (let i = 0; i < nx; i++) mg.ay[ny * nx + i] = sigma((ny - 1) * nx + i); // reservoir: φ̃ = 0
    mg.coarsenCoefficients();
  }
}
