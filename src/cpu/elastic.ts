// CPU reference (Float64Array) plane-strain linear elasticity with per-cell moduli λ, μ and an in-plane
// eigenstrain, for a batch of nm independent problems on the multigrid's cell-centred nx × ny grid
// (x periodic, y bounded by clamped walls). The GPU solver (src/gpu/elastic.ts + shaders/elastic.wgsl)
// performs the same steps in the same order in f32; this file is its reference.
//
// UNITS  h in µm, λ, μ in GPa, ε* dimensionless, u in µm, σ in GPa (the residual is in GPa/µm).
// LAYOUT cell (b, j, i) at (b*ny + j)*nx + i. Displacement u has 2·nm planes of nx·ny in the
//        multigrid's batch layout: plane 2b = u_x of member b, plane 2b+1 = u_y (so that the
//        multigrid correction is added element by element).
//
// CONSTITUTIVE LAW (plane strain, ε_zz = 0, ε*_zz = 0), per cell with that cell's λ, μ:
//   σ_xx = (λ+2μ)(ε_xx−ε*_xx) + λ(ε_yy−ε*_yy),  σ_yy = λ(ε_xx−ε*_xx) + (λ+2μ)(ε_yy−ε*_yy),
//   σ_xy = 2μ(ε_xy−ε*_xy),  σ_zz = λ(ε_xx−ε*_xx + ε_yy−ε*_yy).
//   Written as σ = C:ε − σ*, with the eigenstress σ* = C:ε* computed per cell.
//
// DISCRETISATION (finite volume). Integrating div σ = 0 over cell (i, j) of side h and dividing by h²:
//   r_x = [(Sxx_E − Sxx_W) + (Sxy_N − Sxy_S)] / h,   r_y = [(Sxy_E − Sxy_W) + (Syy_N − Syy_S)] / h,
// where S are the tractions at the face centres. An x face between cells i and i+1 (periodic) uses
// λ_f, μ_f, σ*_f = arithmetic means of the two cells; the normal derivatives are compact,
// ∂x u = (u[i+1] − u[i]) / h, the tangential ones are the mean of the two cells' central differences,
// ∂y u = (u[i,j+1] − u[i,j−1] + u[i+1,j+1] − u[i+1,j−1]) / (4h), with the ghost value −u[i,j] beyond a
// clamped wall (u = 0 on the face, half a cell from the centre, as the multigrid's Dirichlet faces):
//   Sxx = (λ_f+2μ_f) ∂x u_x + λ_f ∂y u_y − σ*xx_f,   Sxy = μ_f (∂x u_y + ∂y u_x) − σ*xy_f.
// A y face between rows j and j+1 is the same with x ↔ y (∂x tangential: periodic central differences
// averaged over the two rows): Syy = (λ_f+2μ_f) ∂y u_y + λ_f ∂x u_x − σ*yy_f, Sxy = μ_f(∂y u_x + ∂x u_y) − σ*xy_f.
// Wall faces (south of row 0, north of row ny−1): u = 0 on the face, so ∂y u = ±u[cell] / (h/2)
// (+ at the bottom, − at the top: derivatives are along +y) and the tangential ∂x u = 0 (u ≡ 0 along
// the face); λ, μ, σ* are the adjacent cell's. Cell stresses (stress()) use central differences with
// the same ghost rule: ∂y u at row 0 = (u[1] + u[0]) / (2h).
//
// SOLVER: multigrid-preconditioned Richardson iteration on the segregated operator. The preconditioner
// is M = "c V-cycles from zero" of the scalar multigrid for A v = −∇·(K ∇v), K = λ+2μ (bd = 0, face
// coefficients = mean K of the two cells, wall faces = the adjacent cell's K: a clamped Dirichlet face),
// run with nb = 2·nm (u_x and u_y of each member share the coefficients), in its non-krylov mode so
// that M is a fixed linear operator. One outer iteration:
//   r = div σ(u);  mg.f = r;  mg.u = 0;  c V-cycles;  u += ω · mg.u.
// Sign: the elastic operator −div C:∇ is positive, like A, so div σ(u + δ) = 0 needs δ ≈ A⁻¹ r.
// For homogeneous moduli the spectrum of M·(−div C:∇) lies in [m, 1], m = μ/(λ+2μ) (integrate
// 2μ ε:ε by parts: a(u,u) = (λ+μ)‖div u‖² + μ‖∇u‖²), whence ω = 2/(1+m) and the factor (1−m)/(1+m)
// (Li, ν = 0.42: m = 0.138, ω = 1.76, factor 0.76; measured 0.68–0.74).
// With variable moduli the by-parts identity fails (it needs constant λ, μ), and so does the bound 1:
// pointwise λ(tr ∇u)² + 2μ|sym ∇u|² ≤ max(2λ+2μ, 2μ)|∇u|², and a stiff inclusion in a soft matrix
// reaches it (its own dilatation, the matrix absorbing the displacement at no cost). With ω = 2/(1+m)
// a 150 GPa (ν = 0.3) disc in 0.015 GPa Li diverges at 1.55 per iteration (measured), hence
// DEFAULT ω = 2/(m + θ), θ = 1 for uniform moduli, else θ = max over cells of max(2λ+2μ, 2μ)/(λ+2μ)
// (1.43 for that disc: ω = 1.27, factor ≈ 0.85). The lower end is not m either: a floating stiff
// inclusion's rigid translation / rotation costs only the soft matrix's energy (eigenvalue ~ contrast⁻¹).
// A symmetric load (eigenstrain in a centred disc) does not excite those modes; an off-centre eigenstrain
// outside the inclusion does and stalls at 0.9998 per iteration (measured, 1e4 contrast): this
// segregated Richardson iteration needs a Krylov accelerator for such cases (not implemented).

import { CpuMultigrid } from './multigrid.ts';

export interface ElasticOptions {
  nx: number;
  ny: number;
  h: number;
  /** batch members (default 1) */
  nm?: number;
  /** V-cycles per outer iteration (default 1) */
  cycles?: number;
  /** overrides the default ω = 2/(m + θ) of defaultOmega */
  omega?: number;
}

export interface StressFields<T> {
  sxx: T;
  syy: T;
  sxy: T;
  szz: T;
  /** hydrostatic (σxx + σyy + σzz)/3 */
  sh: T;
  /** von Mises from the 3D deviator */
  svm: T;
}

/**
 * Bounds of the preconditioned spectrum and the default relaxation factor (shared by CPU and GPU):
 * m = min over cells of μ/(λ+2μ); theta = 1 for uniform moduli, else the pointwise bound
 * max over cells of max(2λ+2μ, 2μ)/(λ+2μ) (see the header); omega = 2/(m + theta).
 */
export function defaultOmega(lam: ArrayLike<number>, mu: ArrayLike<number>): { m: number; theta: number; omega: number } {
  let m = Infinity;
  let theta = 1;
  let uniform = true;
  for (let k = 0; k < lam.length; k++) {
    const K = lam[k] + 2 * mu[k];
    if (!(K > 0 && mu[k] > 0)) throw new Error(`elastic: bad moduli at cell ${k}: λ=${lam[k]}, μ=${mu[k]}`);
    m = Math.min(m, mu[k] / K);
    theta = Math.max(theta, Math.max(2 * lam[k] + 2 * mu[k], 2 * mu[k]) / K);
    const tol = 1e-6 * (Math.abs(lam[0]) + mu[0]);
    if (Math.abs(lam[k] - lam[0]) > tol || Math.abs(mu[k] - mu[0]) > tol) uniform = false;
  }
  if (uniform) theta = 1;
  return { m, theta, omega: 2 / (m + theta) };
}

/** Lamé parameters from Young's modulus and Poisson's ratio. */
export function lameFromYoung(E: number, nu: number): { lam: number; mu: number } {
  return { lam: (E * nu) / ((1 + nu) * (1 - 2 * nu)), mu: E / (2 * (1 + nu)) };
}

/** Von Mises stress from the four stress components (plane strain: σxz = σyz = 0). */
export function vonMises(sxx: number, syy: number, szz: number, sxy: number): number {
  const a = sxx - syy;
  const b = syy - szz;
  const c = szz - sxx;
  return Math.sqrt(0.5 * (a * a + b * b + c * c) + 3 * sxy * sxy);
}

export class CpuElastic {
  readonly nx: number;
  readonly ny: number;
  readonly nm: number;
  readonly h: number;
  readonly cycles: number;
  readonly mg: CpuMultigrid;
  readonly lam: Float64Array;
  readonly mu: Float64Array;
  readonly exx: Float64Array;
  readonly eyy: Float64Array;
  readonly exy: Float64Array;
  /** 2·nm planes: u_x of member b at plane 2b, u_y at 2b+1 */
  readonly u: Float64Array;
  /** min μ/(λ+2μ) of the current moduli */
  m = NaN;
  /** upper spectral bound used for the default ω (see defaultOmega) */
  theta = NaN;
  /** ω in use: the override if given, else 2/(m + θ) */
  omega = NaN;
  private readonly omegaOverride: number | undefined;
  private readonly r: Float64Array;

  constructor(opts: ElasticOptions) {
    const { nx, ny, h } = opts;
    this.nx = nx;
    this.ny = ny;
    this.h = h;
    this.nm = opts.nm ?? 1;
    this.cycles = opts.cycles ?? 1;
    if (!(Number.isInteger(this.nm) && this.nm >= 1)) throw new Error(`elastic: bad nm ${this.nm}`);
    if (!(Number.isInteger(this.cycles) && this.cycles >= 1)) throw new Error(`elastic: bad cycles ${this.cycles}`);
    this.omegaOverride = opts.omega;
    this.mg = new CpuMultigrid({ nx, ny, h, nb: 2 * this.nm });
    const N = this.nm * nx * ny;
    this.lam = new Float64Array(N);
    this.mu = new Float64Array(N);
    this.exx = new Float64Array(N);
    this.eyy = new Float64Array(N);
    this.exy = new Float64Array(N);
    this.u = new Float64Array(2 * N);
    this.r = new Float64Array(2 * N);
  }

  /** Per-cell moduli (nm·nx·ny each): fills the multigrid's face coefficients, coarsens, sets ω. */
  setModuli(lam: ArrayLike<number>, mu: ArrayLike<number>): void {
    this.lam.set(lam);
    this.mu.set(mu);
    const { m, theta, omega } = defaultOmega(this.lam, this.mu);
    this.m = m;
    this.theta = theta;
    this.omega = this.omegaOverride ?? omega;
    const { nx, ny, mg } = this;
    const n = nx * ny;
    const K = (b: number, j: number, i: number) => this.lam[b * n + j * nx + i] + 2 * this.mu[b * n + j * nx + i];
    mg.bd.fill(0);
    for (let b = 0; b < this.nm; b++) {
      for (let c = 0; c < 2; c++) {
        const mb = 2 * b + c;
        for (let j = 0; j < ny; j++) {
          for (let i = 0; i < nx; i++) {
            const iw = i === 0 ? nx - 1 : i - 1;
            mg.ax[mb * n + j * nx + i] = 0.5 * (K(b, j, iw) + K(b, j, i));
          }
        }
        for (let j = 0; j <= ny; j++) {
          for (let i = 0; i < nx; i++) {
            // wall faces: the adjacent cell's K (nonzero, hence a Dirichlet face for the multigrid)
            const v = j === 0 ? K(b, 0, i) : j === ny ? K(b, ny - 1, i) : 0.5 * (K(b, j - 1, i) + K(b, j, i));
            mg.ay[(mb * (ny + 1) + j) * nx + i] = v;
          }
        }
      }
    }
    mg.coarsenCoefficients();
  }

  setEigenstrain(exx: ArrayLike<number>, eyy: ArrayLike<number>, exy: ArrayLike<number>): void {
    this.exx.set(exx);
    this.eyy.set(eyy);
    this.exy.set(exy);
  }

  /** out (2·nm·nx·ny, u's layout) = div σ(u), the force balance */
  residual(out: Float64Array): void {
    const { nx, ny } = this;
    const n = nx * ny;
    const ih = 1 / this.h;
    for (let b = 0; b < this.nm; b++) {
      const ox = 2 * b * n;
      const oy = ox + n;
      const cb = b * n;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const iw = i === 0 ? nx - 1 : i - 1;
          const E = this.xFace(cb, ox, oy, j, i);
          const W = this.xFace(cb, ox, oy, j, iw);
          const N = this.yFace(cb, ox, oy, j, i);
          const S = this.yFace(cb, ox, oy, j - 1, i);
          const k = j * nx + i;
          out[ox + k] = (E[0] - W[0] + (N[1] - S[1])) * ih;
          out[oy + k] = (E[1] - W[1] + (N[0] - S[0])) * ih;
        }
      }
    }
  }

  /** n outer iterations (see the header) */
  iterate(n: number): void {
    const mg = this.mg;
    for (let it = 0; it < n; it++) {
      this.residual(mg.f);
      mg.u.fill(0);
      for (let c = 0; c < this.cycles; c++) mg.vcycle();
      const w = this.omega;
      for (let k = 0; k < this.u.length; k++) this.u[k] += w * mg.u[k];
    }
  }

  /** per member ‖r‖₂ over both components (GPa/µm) */
  residualNorms(): Float64Array {
    this.residual(this.r);
    const n = this.nx * this.ny;
    const out = new Float64Array(this.nm);
    for (let b = 0; b < this.nm; b++) {
      let s = 0;
      for (let k = 2 * b * n; k < (2 * b + 2) * n; k++) s += this.r[k] * this.r[k];
      out[b] = Math.sqrt(s);
    }
    return out;
  }

  /** per-cell stresses (GPa), nm·nx·ny each */
  stress(): StressFields<Float64Array> {
    const { nx, ny, u } = this;
    const n = nx * ny;
    const N = this.nm * n;
    const s: StressFields<Float64Array> = {
      sxx: new Float64Array(N),
      syy: new Float64Array(N),
      sxy: new Float64Array(N),
      szz: new Float64Array(N),
      sh: new Float64Array(N),
      svm: new Float64Array(N),
    };
    const i2h = 1 / (2 * this.h);
    for (let b = 0; b < this.nm; b++) {
      const ox = 2 * b * n;
      const oy = ox + n;
      for (let j = 0; j < ny; j++) {
        for (let i = 0; i < nx; i++) {
          const k = j * nx + i;
          const iw = j * nx + (i === 0 ? nx - 1 : i - 1);
          const ie = j * nx + (i === nx - 1 ? 0 : i + 1);
          const dxux = (u[ox + ie] - u[ox + iw]) * i2h;
          const dxuy = (u[oy + ie] - u[oy + iw]) * i2h;
          const dyux = (this.uN(ox, j, i) - this.uS(ox, j, i)) * i2h;
          const dyuy = (this.uN(oy, j, i) - this.uS(oy, j, i)) * i2h;
          const c = b * n + k;
          const L = this.lam[c];
          const M = this.mu[c];
          const exx = dxux - this.exx[c];
          const eyy = dyuy - this.eyy[c];
          const exy = 0.5 * (dyux + dxuy) - this.exy[c];
          const sxx = (L + 2 * M) * exx + L * eyy;
          const syy = L * exx + (L + 2 * M) * eyy;
          const szz = L * (exx + eyy);
          const sxy = 2 * M * exy;
          s.sxx[c] = sxx;
          s.syy[c] = syy;
          s.sxy[c] = sxy;
          s.szz[c] = szz;
          s.sh[c] = (sxx + syy + szz) / 3;
          s.svm[c] = vonMises(sxx, syy, szz, sxy);
        }
      }
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------

  /** u of plane offset o at row j+1, or the clamped-wall ghost −u[j] */
  private uN(o: number, j: number, i: number): number {
    return j < this.ny - 1 ? this.u[o + (j + 1) * this.nx + i] : -this.u[o + j * this.nx + i];
  }

  private uS(o: number, j: number, i: number): number {
    return j > 0 ? this.u[o + (j - 1) * this.nx + i] : -this.u[o + j * this.nx + i];
  }

  /** eigenstress σ* = C:ε* of cell c (member offset included) */
  private sstar(c: number): [number, number, number] {
    const L = this.lam[c];
    const M = this.mu[c];
    const exx = this.exx[c];
    const eyy = this.eyy[c];
    return [(L + 2 * M) * exx + L * eyy, L * exx + (L + 2 * M) * eyy, 2 * M * this.exy[c]];
  }

  /** [Sxx, Sxy] on the face between cells i and i+1 (periodic) of row j */
  private xFace(cb: number, ox: number, oy: number, j: number, i: number): [number, number] {
    const { nx, u } = this;
    const ie = i === nx - 1 ? 0 : i + 1;
    const c0 = cb + j * nx + i;
    const c1 = cb + j * nx + ie;
    const lf = 0.5 * (this.lam[c0] + this.lam[c1]);
    const mf = 0.5 * (this.mu[c0] + this.mu[c1]);
    const s0 = this.sstar(c0);
    const s1 = this.sstar(c1);
    const ih = 1 / this.h;
    const dxux = (u[ox + j * nx + ie] - u[ox + j * nx + i]) * ih;
    const dxuy = (u[oy + j * nx + ie] - u[oy + j * nx + i]) * ih;
    const i4h = 0.25 * ih;
    const dyux = (this.uN(ox, j, i) - this.uS(ox, j, i) + this.uN(ox, j, ie) - this.uS(ox, j, ie)) * i4h;
    const dyuy = (this.uN(oy, j, i) - this.uS(oy, j, i) + this.uN(oy, j, ie) - this.uS(oy, j, ie)) * i4h;
    return [
      (lf + 2 * mf) * dxux + lf * dyuy - 0.5 * (s0[0] + s1[0]),
      mf * (dxuy + dyux) - 0.5 * (s0[2] + s1[2]),
    ];
  }

  /** [Syy, Sxy] on the face between rows j and j+1 (j = −1: bottom wall, j = ny−1: top wall) */
  private yFace(cb: number, ox: number, oy: number, j: number, i: number): [number, number] {
    const { nx, ny, u } = this;
    const ih = 1 / this.h;
    if (j < 0 || j >= ny - 1) {
      // clamped wall: u = 0 on the face half a cell away; derivatives along +y; tangential ∂x u = 0
      const jc = j < 0 ? 0 : ny - 1;
      const sgn = j < 0 ? 2 : -2;
      const c = cb + jc * nx + i;
      const L = this.lam[c];
      const M = this.mu[c];
      const s = this.sstar(c);
      const dyux = sgn * u[ox + jc * nx + i] * ih;
      const dyuy = sgn * u[oy + jc * nx + i] * ih;
      return [(L + 2 * M) * dyuy - s[1], M * dyux - s[2]];
    }
    const iw = i === 0 ? nx - 1 : i - 1;
    const ie = i === nx - 1 ? 0 : i + 1;
    const c0 = cb + j * nx + i;
    const c1 = c0 + nx;
    const lf = 0.5 * (this.lam[c0] + this.lam[c1]);
    const mf = 0.5 * (this.mu[c0] + this.mu[c1]);
    const s0 = this.sstar(c0);
    const s1 = this.sstar(c1);
    const r0 = j * nx;
    const r1 = r0 + nx;
    const dyux = (u[ox + r1 + i] - u[ox + r0 + i]) * ih;
    const dyuy = (u[oy + r1 + i] - u[oy + r0 + i]) * ih;
    const i4h = 0.25 * ih;
    const dxux = (u[ox + r0 + ie] - u[ox + r0 + iw] + u[ox + r1 + ie] - u[ox + r1 + iw]) * i4h;
    const dxuy = (u[oy + r0 + ie] - u[oy + r0 + iw] + u[oy + r1 + ie] - u[oy + r1 + iw]) * i4h;
    return [
      (lf + 2 * mf) * dyuy + lf * dxux - 0.5 * (s0[1] + s1[1]),
      mf * (dyux + dxuy) - 0.5 * (s0[2] + s1[2]),
    ];
  }
}
