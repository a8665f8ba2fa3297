// SEI film mechanics (MODEL.md §6.3), CPU reference (f64) of shaders/mechanics.wgsl: same kernels,
// same order, same formulas.
//
// FILM STRAIN  The SEI is a film riding on the Li surface. Li plates under it, so where the surface
//   grows in area the film is stretched: a film element's areal strain grows at the surface dilation
//   rate v_n κ (v_n the normal speed of the Li surface, κ = ∇·n its curvature, n the outward normal):
//   a growing convex tip stretches its film, a flat front advancing evenly does not. The strain ε_f is
//   a field carried with the interface (upwind advection at v_n n in the interface band) and relaxes
//   as new, stress-free SEI forms on the stretched area at 1/τ_heal (sei.heal_time_s). The film
//   carries no compression (a compressed film wrinkles or thickens): ε_f ≥ 0.
// FRACTURE AND REPAIR  A film under strain ε stores the channel-crack energy release rate
//   G = Z E' t ε² (Z = 1.976, E' = E/(1−ν²), CHANNEL_CRACK_Z): where G reaches sei.fracture_energy_J_m2
//   (ε ≥ ε_c) the film cracks: its integrity d drops to 0 and its strain is released. A cracked film
//   has no resistance (fresh Li exposed: a hot spot, 001:L71, L85) and no stiffness; it re-forms at
//   1/τ_heal. Re-formed film (healed strain and healed cracks) binds Li: t·c_Li,SEI per film area,
//   counted per cell (seiLi) and subtracted from the plating current (drive), so that
//   metal + SEI Li = charge passed.
// ELASTICITY  Plane strain (src/cpu/elastic.ts) of a Voigt mixture per cell: Li h(ξ), the film
//   f_S = (t/w)·s(ξ)·d (s the film band of src/cpu/terms.ts, ∫ s dn = w, so ∫ f_S dn = t), the
//   electrolyte the rest (its modulus floored), host/collector cells Cu. The stretched film wants to be
//   shorter: an eigenstrain −ε_f t⊗t (t the interface tangent), scaled to the mixture cell so that
//   the film's in-plane eigen-tension is E'_S ε_f f_S (ε*_cell = −ε_f f_S E'_S / E'_cell). On a curved
//   surface the film tension T = E'_S t ε_f presses on the Li with T κ (Laplace, ΔP = γ/R, 000:L115),
//   which the solve resolves, with the electrolyte's stiffness around it.
// GROWTH STRAIN  Plated Li takes room the electrolyte must give up: an eigenstrain ε_g along the plating
//   direction y in the Li (electrolyte.growth_strain: 1 for a dense solid, 0 for a liquid, which flows;
//   MODEL.md §6.3, as in Hong & Viswanathan's hybrid-electrolyte phase field). A part that depends on y
//   alone is stress-free with the top free to move (ε_yy = ε̄(y), ε_xx = 0 is compatible), so it is
//   taken up by the stack. A mixture cell carries ε_g h E'_Li/E'_cell (the Li's share of its
//   stiffness), less m(y), the (λ+2μ)-weighted mean of that over its row: a row of one material (a flat
//   front) then carries none, so nothing is left for the clamped top. Against a liquid the Li cells of
//   a row keep the same eigenstrain (m ≈ ε_g) and nothing is stressed; a protrusion into a stiff
//   electrolyte (m ≈ 0 in its rows) presses on it, and it presses back on the tip (Monroe–Newman).
//   σ_h counts this eigenstrain (growthAtCell).
// COUPLING  The Li's hydrostatic stress at its surface, capped at the yield strength (000:L150), shifts the
//   kinetics: they see η − Ω σ_h/F (Monroe–Newman), `mech` = Ω σ_h/(RT) per cell, so compression at a
//   tip suppresses plating there. In a cell of Li (ξ ≥ LI_SIDE_XI) σ_h = K (tr ε − ε*_growth) of its own
//   matrix (K = λ + 2μ/3, without the film's misfit; Li plating stress-free). An interface cell reads
//   the Li's σ_h on its Li side instead (liSideStress): the mixture's own trace there also counts the
//   film's Poisson thinning under its held in-plane eigenstrain, −1 to −2 MPa under a flat film
//   stretched 5 % (20 nm, 10 GPa), on which a sharp film presses nothing; the Laplace term T κ it should
//   carry is ±0.2 MPa on a 2 µm protrusion (tests/mechanics.test.ts). The Li side is the point along
//   −n where the equilibrium profile reaches ξ = LI_SIDE_XI, half a cell further in (liSidePoint).
// ORDER per step: filmAdvance after the phase update (it needs this step's ∂ξ/∂t and dt), then the
//   material, the elastic iterations (warm-started) and the shift at the end of the step; the next
//   step's kinetics read the shift.

import { CpuElastic, defaultOmega } from './elastic.ts';
import { hInterp, hPrime, seiBand } from './terms.ts';
import type { Dimless } from '../model/dimless.ts';

/**
 * A cell carries film (strain transport, stretching, fracture) where it lies on an interface profile:
 * 0.002 < ξ < 0.998 and |∇ξ| at least this fraction of the equilibrium slope ξ(1 − ξ)/w there. This
 * leaves out the faint ξ halos that strong overpotentials raise in the electrolyte (there ∂ξ/∂t/|∇ξ|
 * is not an interface speed).
 */
export const FILM_PROFILE_FRACTION = 0.5;
/** |κ| is capped at 1/w: the diffuse interface resolves no sharper curvature. */
export function onFilm(xi: number, mag: number, w: number): boolean {
  return xi > 0.002 && xi < 0.998 && mag >= (FILM_PROFILE_FRACTION * xi * (1 - xi)) / w;
}
/**
 * An interface cell reads σ_h on its Li side, where the equilibrium profile reaches LI_SIDE_XI: the
 * cells there are Li's in stiffness to 0.1 % against a 4.9 GPa Li and 4 % against a 150 GPa garnet
 * (h(0.95) = 0.9988), and the film band (s(ξ), peak at ξ = 1/21) has died out.
 */
export const LI_SIDE_XI = 0.95;

/**
 * The point whose σ_h interface cell (i, j) reads (see COUPLING), in cell-centre index coordinates
 * (cell (i, j) is at (i, j)): along −n (into the Li) at the distance 2w[atanh(1 − 2ξ) + atanh(1 − 2
 * LI_SIDE_XI)] where the equilibrium profile reaches LI_SIDE_XI, and half a cell further, so that the
 * bilinear stencil around it lies on the Li side. Undefined outside the band 0.002 < ξ < LI_SIDE_XI
 * and where ∇ξ = 0: such a cell reads its own σ_h.
 */
export function liSidePoint(xi: ArrayLike<number>, nx: number, ny: number, h: number, w: number, i: number, j: number): { px: number; py: number } | undefined {
  const x = xi[j * nx + i];
  if (!(x > 0.002 && x < LI_SIDE_XI)) return undefined;
  const g = filmGeometry(xi, nx, ny, h, i, j);
  if (g.mag <= 0) return undefined;
  const dist = 2 * w * (Math.atanh(1 - 2 * x) - Math.atanh(1 - 2 * LI_SIDE_XI)) + 0.5 * h;
  return { px: i - (g.nx * dist) / h, py: Math.min(Math.max(j - (g.ny * dist) / h, 0), ny - 1) };
}

/**
 * The Li's σ_h as non-solid cell (i, j) reads it, from `own` (each cell's own σ_h): its own outside the
 * band; in the band, bilinear in `own` at liSidePoint (x periodic; solid cells left out and the
 * weights renormalised). Bilinear, not the nearest cell: the read-out is continuous in the fields, so
 * a rounding difference cannot flip it from one cell to the next.
 */
export function liSideStress(own: ArrayLike<number>, xi: ArrayLike<number>, solid: ArrayLike<number>, nx: number, ny: number, h: number, w: number, i: number, j: number): number {
  const k = j * nx + i;
  const p = liSidePoint(xi, nx, ny, h, w, i, j);
  if (!p) return own[k];
  const fx = Math.floor(p.px);
  const fy = Math.min(Math.floor(p.py), ny - 2);
  const tx = p.px - fx;
  const ty = p.py - fy;
  let acc = 0;
  let wsum = 0;
  for (let c = 0; c < 4; c++) {
    const di = c & 1;
    const dj = c >> 1;
    const q = (fy + dj) * nx + ((((fx + di) % nx) + nx) % nx);
    const wgt = (di ? tx : 1 - tx) * (dj ? ty : 1 - ty);
    if (solid[q] <= 0.5 && wgt > 0) {
      acc += wgt * own[q];
      wsum += wgt;
    }
  }
  return wsum > 0 ? acc / wsum : own[k];
}

/** The film's transport speed is capped at this many cells per step (upwind stability). */
export const FILM_CFL = 0.5;

/** Plane-strain modulus 4μ(λ+μ)/(λ+2μ) = E/(1−ν²). */
export const planeModulus = (lam: number, mu: number): number => (4 * mu * (lam + mu)) / (lam + 2 * mu);

/** ω for the elastic iteration from the pure phases (a Voigt mixture lies between them): same on both backends. */
export function mechanicsOmega(ds: readonly Dimless[]): number {
  let omega = Infinity;
  for (const d of ds) {
    if (!d.mechOn) continue;
    omega = Math.min(omega, defaultOmega([d.liLam, d.seiLam, d.elLam, d.hostLam], [d.liMu, d.seiMu, d.elMu, d.hostMu]).omega);
  }
  return omega;
}

/** Moduli [λ, μ] and the film fraction f_S of one cell (see the header). */
export function cellModuli(d: Dimless, xi: number, solid: number, integrity: number): [number, number, number] {
  if (solid > 0.5) return [d.hostLam, d.hostMu, 0];
  const hL = hInterp(xi);
  const fS = Math.min(d.seiFrac * seiBand(xi) * integrity, 1 - hL);
  const fE = Math.max(1 - hL - fS, 0);
  return [hL * d.liLam + fS * d.seiLam + fE * d.elLam, hL * d.liMu + fS * d.seiMu + fE * d.elMu, fS];
}

export class CpuMechanics {
  readonly elastic: CpuElastic;
  /** film strain ε_f, integrity d, Li bound in re-formed SEI [µm² of Li metal] per cell */
  readonly strain: Float64Array;
  readonly integrity: Float64Array;
  readonly seiLi: Float64Array;
  /** per cell: the SEI Li bound in the last filmAdvance [µm² of dense Li]; the transport takes it from the salt */
  readonly seiStep: Float64Array;
  /** Li's hydrostatic stress [GPa], capped at the yield strength, as the kinetics read it (interface cells: on their Li side) */
  readonly sigmaH: Float64Array;
  /** σ_h of each cell's own matrix [GPa] (the COUPLING header), before the interface read-out */
  private readonly ownSigma: Float64Array;
  /** SEI Li bound in the last filmAdvance [µm² per unit depth] */
  seiLiStep = 0;
  private readonly next: Float64Array;
  private readonly lam: Float64Array;
  private readonly mu: Float64Array;
  private readonly ex: Float64Array;
  private readonly ey: Float64Array;
  private readonly exy: Float64Array;
  /** growth eigenstrain ε*_yy per cell (see the header) */
  readonly growth: Float64Array;

  /**
   * The growth eigenstrain the cell's central ∂y u_y answers to: the mean of its two y faces'
   * (λ+2μ)-weighted eigenstrains (a wall face: the cell's own). A front that depends on y alone is
   * then stress-free in σ_h as in the face tractions the solve balances; the cell's own ε*_yy would
   * leave K·(its second difference) across the diffuse interface, hundreds of MPa.
   */
  private growthAtCell(k: number, j: number, ny: number, nx: number): number {
    const g = this.growth;
    if (g[k] === 0 && (j === 0 || g[k - nx] === 0) && (j === ny - 1 || g[k + nx] === 0)) return 0;
    const [L, M] = [this.lam, this.mu];
    const south = j > 0 ? faceGrowth(L[k - nx], M[k - nx], g[k - nx], L[k], M[k], g[k]) : g[k];
    const north = j < ny - 1 ? faceGrowth(L[k], M[k], g[k], L[k + nx], M[k + nx], g[k + nx]) : g[k];
    return 0.5 * (south + north);
  }

  constructor(d: Dimless, omega = mechanicsOmega([d])) {
    const n = d.nx * d.ny;
    this.elastic = new CpuElastic({ nx: d.nx, ny: d.ny, h: d.h, omega });
    this.strain = new Float64Array(n);
    this.integrity = new Float64Array(n).fill(1);
    this.seiLi = new Float64Array(n);
    this.seiStep = new Float64Array(n);
    this.sigmaH = new Float64Array(n);
    this.ownSigma = new Float64Array(n);
    this.next = new Float64Array(n);
    this.lam = new Float64Array(n);
    this.mu = new Float64Array(n);
    this.ex = new Float64Array(n);
    this.ey = new Float64Array(n);
    this.exy = new Float64Array(n);
    this.growth = new Float64Array(n);
  }

  /**
   * Film strain transport, stretching, healing, fracture and the SEI Li of one step (kernel
   * filmAdvance + filmCommit). `rate` is this step's ∂ξ/∂t (without noise), dt its time step.
   */
  filmAdvance(d: Dimless, xi: ArrayLike<number>, rate: ArrayLike<number>, solid: ArrayLike<number>, dt: number): number {
    let cracks = 0;
    const { nx, ny, h } = d;
    const e = this.strain;
    const heal = dt * d.healRate;
    let bound = 0;
    this.seiStep.fill(0);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        this.next[k] = e[k];
        if (solid[k] > 0.5) continue;
        const g = filmGeometry(xi, nx, ny, h, i, j);
        if (!onFilm(xi[k], g.mag, d.w)) continue;
        const kappa = Math.min(Math.max(g.kappa, -1 / d.w), 1 / d.w);
        const vmax = (FILM_CFL * h) / dt;
        const vn = Math.min(Math.max(rate[k] / g.mag, -vmax), vmax);
        const vx = vn * g.nx;
        const vy = vn * g.ny;
        const iw = j * nx + (i === 0 ? nx - 1 : i - 1);
        const ie = j * nx + (i === nx - 1 ? 0 : i + 1);
        const ks = j > 0 ? k - nx : k;
        const kn = j < ny - 1 ? k + nx : k;
        const dex = vx > 0 ? (e[k] - e[iw]) / h : (e[ie] - e[k]) / h;
        const dey = vy > 0 ? (e[k] - e[ks]) / h : (e[kn] - e[k]) / h;
        const stretched = Math.max(e[k] - dt * (vx * dex + vy * dey) + dt * vn * kappa, 0);
        const relaxed = stretched / (1 + heal);
        const d0 = this.integrity[k];
        let dNew = (d0 + heal) / (1 + heal);
        let eNew = relaxed;
        if (relaxed >= d.crackStrain && dNew > 0.5) {
          dNew = 0;
          eNew = 0;
          cracks++;
        }
        // new film: the relaxed stretch and the re-closed crack, over the film length in this cell (|∇ξ| h²)
        const li = (stretched - relaxed + Math.max(dNew - d0, 0)) * g.mag * h * h * d.seiLiPerLength;
        this.seiLi[k] += li;
        this.seiStep[k] = li;
        bound += li;
        this.integrity[k] = dNew;
        this.next[k] = eNew;
      }
    }
    e.set(this.next);
    this.seiLiStep = bound;
    return cracks;
  }

  /**
   * Moduli and film eigenstrain (kernel mechMaterials), the elastic iterations, and the shift (kernel
   * mechShift). Returns the largest interface compression −σ_h and the h'-weighted mean interface σ_h
   * [GPa] over the cells with h'(ξ) > 0.1 (kernel mechSum).
   */
  solve(d: Dimless, xi: ArrayLike<number>, solid: ArrayLike<number>, mech: Float64Array, iterations: number): [number, number] {
    let max = 0;
    let sum = 0;
    let wsum = 0;
    const { nx, ny, h } = d;
    const Es = planeModulus(d.seiLam, d.seiMu);
    const growth = this.growth;
    for (let j = 0; j < ny; j++) {
      const m = growthMean(d, xi, solid, this.integrity, j);
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const [lam, mu, fS] = cellModuli(d, xi[k], solid[k], this.integrity[k]);
        this.lam[k] = lam;
        this.mu[k] = mu;
        growth[k] = growthEigen(d, xi[k], solid[k], lam, mu, m);
        this.ex[k] = 0;
        this.ey[k] = growth[k];
        this.exy[k] = 0;
        if (fS <= 0 || this.strain[k] <= 0) continue;
        const g = filmGeometry(xi, nx, ny, h, i, j);
        if (!onFilm(xi[k], g.mag, d.w)) continue;
        const s = (-this.strain[k] * fS * Es) / planeModulus(lam, mu);
        // tangent (−n_y, n_x): ε* = s t⊗t
        this.ex[k] = s * g.ny * g.ny;
        this.ey[k] += s * g.nx * g.nx;
        this.exy[k] = -s * g.nx * g.ny;
      }
    }
    const el = this.elastic;
    el.setModuli(this.lam, this.mu);
    el.setEigenstrain(this.ex, this.ey, this.exy);
    el.iterate(iterations);
    const n = nx * ny;
    const u = el.u;
    const own = this.ownSigma;
    // σ_h of each cell's own matrix (WGSL: ownStress, which mechShift evaluates for the cells it reads)
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (solid[k] > 0.5) {
          own[k] = 0;
          continue;
        }
        const ie = j * nx + (i === nx - 1 ? 0 : i + 1);
        const iw = j * nx + (i === 0 ? nx - 1 : i - 1);
        // clamped walls: ghost −u beyond them (src/cpu/elastic.ts)
        const uyN = j < ny - 1 ? u[n + k + nx] : -u[n + k];
        const uyS = j > 0 ? u[n + k - nx] : -u[n + k];
        const tr = (u[ie] - u[iw] + uyN - uyS) / (2 * h);
        own[k] = Math.min(Math.max((this.lam[k] + (2 / 3) * this.mu[k]) * (tr - this.growthAtCell(k, j, ny, nx)), -d.yieldGPa), d.yieldGPa);
      }
    }
    // kernel mechShift: the read-out (liSideStress: interface cells on their Li side) and the shift
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (solid[k] > 0.5) {
          this.sigmaH[k] = 0;
          mech[k] = 0;
          continue;
        }
        const sh = liSideStress(own, xi, solid, nx, ny, h, d.w, i, j);
        this.sigmaH[k] = sh;
        mech[k] = d.mechScale * sh;
        const hp = hPrime(xi[k]);
        if (hp > 0.1) {
          max = Math.max(max, -sh);
          sum += hp * sh;
          wsum += hp;
        }
      }
    }
    return [max, wsum > 0 ? sum / wsum : 0];
  }
}

/** (λ + 2μ) ε*_yy and λ + 2μ of a y face: the elastic solve's face eigenstress and modulus (src/cpu/elastic.ts) */
function faceGrowth(lamA: number, muA: number, eA: number, lamB: number, muB: number, eB: number): number {
  const mA = lamA + 2 * muA;
  const mB = lamB + 2 * muB;
  return (mA * eA + mB * eB) / (mA + mB);
}

/** The Li's share h E'_Li/E'_cell of a cell's stiffness (0 in the host): its growth eigenstrain before the row's part is taken off. */
function liShare(d: Dimless, xi: number, solid: number, lam: number, mu: number): number {
  return solid > 0.5 ? 0 : (hInterp(xi) * planeModulus(d.liLam, d.liMu)) / planeModulus(lam, mu);
}

/**
 * The part of row j's growth eigenstrain the stack takes up: the (λ+2μ)-weighted row mean of
 * ε_g·liShare, summed i = 0 … nx−1 as on the GPU (growthMean). A row of one material then carries
 * none, so a flat front leaves no misfit for the clamped top; 0 without a growth strain.
 */
export function growthMean(d: Dimless, xi: ArrayLike<number>, solid: ArrayLike<number>, integrity: ArrayLike<number>, j: number): number {
  if (d.growthStrain <= 0) return 0;
  let s = 0;
  let w = 0;
  for (let i = 0; i < d.nx; i++) {
    const k = j * d.nx + i;
    const [lam, mu] = cellModuli(d, xi[k], solid[k], integrity[k]);
    s += (lam + 2 * mu) * liShare(d, xi[k], solid[k], lam, mu);
    w += lam + 2 * mu;
  }
  return (d.growthStrain * s) / w;
}

/** Growth eigenstrain ε*_yy = ε_g·liShare − m of a cell of moduli (λ, μ) in a row whose part m the stack takes (see the header). */
export function growthEigen(d: Dimless, xi: number, solid: number, lam: number, mu: number, m: number): number {
  if (d.growthStrain <= 0) return 0;
  return d.growthStrain * liShare(d, xi, solid, lam, mu) - m;
}

/**
 * Interface geometry at cell (i, j): |∇ξ| (central differences, x periodic, walls mirrored), the
 * outward normal of the Li n = −∇ξ/|∇ξ|, and its curvature κ = ∇·n from face normals (positive on a
 * convex Li bump).
 */
export function filmGeometry(xi: ArrayLike<number>, nx: number, ny: number, h: number, i: number, j: number): { mag: number; nx: number; ny: number; kappa: number } {
  const at = (jj: number, ii: number) => xi[Math.min(Math.max(jj, 0), ny - 1) * nx + ((ii + nx) % nx)];
  const gx = (at(j, i + 1) - at(j, i - 1)) / (2 * h);
  const gy = (at(j + 1, i) - at(j - 1, i)) / (2 * h);
  const mag = Math.hypot(gx, gy);
  // face normals ∇ξ/|∇ξ| on the four faces; κ = −div
  const fx = (di: number) => {
    const ax = (at(j, i + di + 1) - at(j, i + di)) / h;
    const ay = (at(j + 1, i + di) + at(j + 1, i + di + 1) - at(j - 1, i + di) - at(j - 1, i + di + 1)) / (4 * h);
    return ax / Math.sqrt(ax * ax + ay * ay + 1e-12);
  };
  const fy = (dj: number) => {
    const ay = (at(j + dj + 1, i) - at(j + dj, i)) / h;
    const ax = (at(j + dj, i + 1) + at(j + dj + 1, i + 1) - at(j + dj, i - 1) - at(j + dj + 1, i - 1)) / (4 * h);
    return ay / Math.sqrt(ax * ax + ay * ay + 1e-12);
  };
  const kappa = -(fx(0) - fx(-1) + fy(0) - fy(-1)) / h;
  return mag > 0 ? { mag, nx: -gx / mag, ny: -gy / mag, kappa } : { mag: 0, nx: 0, ny: 0, kappa: 0 };
}
