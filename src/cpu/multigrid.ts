// CPU reference geometric multigrid (Float64Array) for a batch of independent problems
//   A u = bd u − ∇·(a ∇u) = f   on a cell-centred nx × ny grid, x periodic, y bounded.
// Layout: cell (b, j, i) at (b*ny + j)*nx + i; ax[b,j,i] = face west of cell i (periodic);
// ay[(b*(ny+1) + j)*nx + i] = face south of row j (j = 0 bottom boundary, j = ny top boundary).
// A boundary face with a nonzero coefficient is homogeneous Dirichlet half a cell from the centre
// (weight 2), a zero one is Neumann.
//
// The GPU solver (src/gpu/multigrid.ts + shaders/multigrid.wgsl) performs the same steps in the same
// order in f32; this file is its reference.
//
// ALGORITHM
//   levels        mgLevelShapes: coarsen a direction whose size is even and ≥ 4 (semi-coarsening when
//                 only one qualifies); stop at ≤ 64 cells or when neither qualifies.
//   coefficients  face averaging (AMReX average_down_faces): coarse ax/ay = mean of the fine faces
//                 lying on the coarse face, coarse bd = mean of the children.
//   smoother      red–black Gauss–Seidel, colour (i + j) % 2. With odd nx the periodic wrap would
//                 couple cells of one colour, so the last column is taken out and relaxed in two
//                 extra colours (j even, j odd): see smootherColours. In krylov mode post-smoothing
//                 runs the colours in reverse order (the cycle is then a symmetric operator).
//   transfers     restriction = mean of the children of the residual; prolongation = bilinear
//                 (9/16, 3/16, 3/16, 1/16; 3/4, 1/4 along a semi-coarsened direction) with ghost
//                 rules periodic in x, −u across a Dirichlet face, +u across a Neumann face.
//                 In krylov mode the prolongation is piecewise constant (= 4 × restrictionᵀ, or 2 ×
//                 along one direction) so that the preconditioner is symmetric.
//   coarsest      exact solve by a banded Cholesky factorisation (bandwidth nx) computed in
//                 coarsenCoefficients; or, if coarsestSweeps > 0 (or the band would be too large),
//                 that many RB-GS sweeps, alternating forward / reverse colour order.
//   cycle         V-cycle; levels with ≤ wCycleCells cells are visited twice per visit of their
//                 parent (a W-cycle on the cheap coarse levels).
//   krylov        each vcycle() is one iteration of MG-preconditioned conjugate gradients in the
//                 flexible (FCG(1)) form, which equals PCG for a fixed SPD preconditioner but stays a
//                 valid energy-decreasing step if u or f were changed between calls:
//                   r = f − A u;  z = M r (one cycle from z = 0);  β = (z·q)/(p·q)_prev (0 after a reset)
//                   p = z − β p;  q = A p;  α = (r·p)/(p·q);  u += α p
//                 The search direction is reset by coarsenCoefficients() (the operator changed).
//
// WHY THE EXACT COARSEST SOLVE AND THE KRYLOV MODE (what was tried; f64, this code; factor = residual
// reduction per cycle, geometric mean over cycles 2–6 from a random guess, "late" = cycles 7–12;
// jump problems as in tests/multigrid.test.ts: bottom layer + floating disc + irregular blob, or
// thin needles + a detached fragment, σ jump 1e4 / 1e7 across a tanh interface one cell wide):
//   • spec V(2,2), coarsest = 4·max(nx,ny)+20 RB-GS sweeps: Poisson late 0.34 (the 8×8 coarsest is
//     not converged by 52 sweeps); jumps late 0.99 (the constant mode of a floating metal island is
//     never corrected by GS on the coarsest level). Hence the exact banded-Cholesky coarsest solve.
//   • V(2,2) with the exact coarsest solve: Poisson / diffusion 0.05 at 64² … 512² (adopted as the
//     default mode); but jumps 2–6: 0.08–0.44, late 0.2–0.85 (0.70 for the blob at 256²), and the
//     V-cycle diverges (late 1.23) on needles 1e7 at 128²: the rediscretised coarse levels cannot represent
//     thin layers, necks and needles. Tried on top of it, none reaching 0.15 everywhere:
//     flux-weighted (operator-dependent) prolongation (late 0.15 / 0.32 / 0.66 at 64 / 128 / 256);
//     bilinear-transpose restriction (diverges); energy-minimising scaling of each coarse correction
//     (erratic, 0.3–2.6); V(4,4) (0.10 / 0.29 / 0.62); full W-cycle (needles 0.05, but the
//     blob+island geometry still 0.06 / 0.16 / 0.26).
//   • PCG with the spec (non-symmetric) V-cycle: 2–6 ≤ 0.16 but loses orthogonality (single cycles up
//     to 1.2); flexible CG with a GS coarsest: diverges (GS sweeps are not symmetric).
//   • PCG with a symmetric V(2,2) (piecewise-constant P, mean R, reversed post-smoothing, exact
//     coarsest): ≤ 0.12 except one case at 0.16. Plus W on the levels ≤ 4096 cells: adopted as krylov
//     mode; tests measure 0.03–0.09 (CPU and GPU) on every jump case, 64² … 512², 400², 8 × 1024.
// Known weakness: the semi-coarsened 8 × 1024 column has anisotropic coarse levels (hy = 2, 4 hx),
// where point GS smooths poorly: plain V(2,2) 0.12 over cycles 2–6 but ≈ 0.3 later (krylov ≈ 0.03).
// Line relaxation would fix it and was not implemented.

export interface MgOptions {
  nx: number;
  ny: number;
  nb?: number;
  h: number;
  preSmooth?: number;
  postSmooth?: number;
  /** 0 (default when the band fits): exact banded Cholesky solve on the coarsest level; n > 0: n RB-GS sweeps. */
  coarsestSweeps?: number;
  /** Each vcycle()/encodeVCycle() is one MG-preconditioned (flexible) CG iteration. Default false. */
  krylov?: boolean;
  /** Coarse levels with at most this many cells are cycled twice (W). Default: krylov ? 4096 : 0. */
  wCycleCells?: number;
  /** Default: 'bilinear', or 'constant' in krylov mode (symmetric preconditioner). */
  prolongation?: 'bilinear' | 'constant';
}

export interface MgLevelShape {
  nx: number;
  ny: number;
  hx: number;
  hy: number;
}

/** Level hierarchy shared by the CPU and GPU solvers (level 0 = finest). */
export function mgLevelShapes(nx: number, ny: number, h: number): MgLevelShape[] {
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx >= 1 && ny >= 1)) {
    throw new Error(`multigrid: bad grid ${nx} x ${ny}`);
  }
  if (!(h > 0)) throw new Error(`multigrid: bad h ${h}`);
  const levels: MgLevelShape[] = [{ nx, ny, hx: h, hy: h }];
  for (;;) {
    const L = levels[levels.length - 1];
    if (L.nx * L.ny <= 64) break;
    const cx = L.nx % 2 === 0 && L.nx >= 4;
    const cy = L.ny % 2 === 0 && L.ny >= 4;
    if (!cx && !cy) break;
    levels.push({
      nx: cx ? L.nx / 2 : L.nx,
      ny: cy ? L.ny / 2 : L.ny,
      hx: cx ? 2 * L.hx : L.hx,
      hy: cy ? 2 * L.hy : L.hy,
    });
  }
  return levels;
}

/** Largest banded Cholesky factor (floats per batch member) the coarsest solve will store. */
export const MAX_BAND_FLOATS = 1 << 20;

/** Band width of the coarsest-level Cholesky factor (row-major, x fastest, periodic in x). */
export function coarsestBandwidth(shape: MgLevelShape): number {
  return shape.nx;
}

/** Resolved solver settings shared by the CPU and GPU implementations. */
export interface MgSettings {
  nb: number;
  preSmooth: number;
  postSmooth: number;
  /** 0 = exact banded Cholesky */
  coarsestSweeps: number;
  krylov: boolean;
  wCycleCells: number;
  constantProlongation: boolean;
}

export function resolveMgSettings(opts: MgOptions, levels: MgLevelShape[]): MgSettings {
  const nb = opts.nb ?? 1;
  if (!(Number.isInteger(nb) && nb >= 1)) throw new Error(`multigrid: bad nb ${nb}`);
  const c = levels[levels.length - 1];
  const bandFits = c.nx * c.ny * (coarsestBandwidth(c) + 1) <= MAX_BAND_FLOATS;
  let coarsestSweeps = opts.coarsestSweeps ?? 0;
  if (coarsestSweeps === 0 && !bandFits) coarsestSweeps = 4 * Math.max(c.nx, c.ny) + 20;
  const krylov = opts.krylov ?? false;
  const s: MgSettings = {
    nb,
    preSmooth: opts.preSmooth ?? 2,
    postSmooth: opts.postSmooth ?? 2,
    coarsestSweeps,
    krylov,
    wCycleCells: opts.wCycleCells ?? (krylov ? 4096 : 0),
    constantProlongation: (opts.prolongation ?? (krylov ? 'constant' : 'bilinear')) === 'constant',
  };
  for (const k of ['preSmooth', 'postSmooth', 'coarsestSweeps', 'wCycleCells'] as const) {
    if (!(Number.isInteger(s[k]) && s[k] >= 0)) throw new Error(`multigrid: bad ${k} ${s[k]}`);
  }
  return s;
}

/**
 * The order in which levels are visited: a list of [level, twice] for each coarse visit is
 * implied by cycleVisitsTwice(level) — the recursion is the same on CPU and GPU.
 */
export function cycleVisitsTwice(levels: MgLevelShape[], settings: MgSettings, coarse: number): boolean {
  const C = levels[coarse];
  return coarse < levels.length - 1 && C.nx * C.ny <= settings.wCycleCells;
}

/**
 * Number of colours of the red–black smoother on a level: 2 for even nx; for odd (periodic) nx the
 * wrap would couple cells of the same colour, so the last column i = nx−1 is taken out of the
 * red/black colouring and relaxed afterwards in two extra colours (j even, then j odd).
 * Colour of cell (i, j): i < nx−1 or nx even → (i + j) % 2; else 2 + j % 2.
 */
export function smootherColours(nx: number): number {
  return nx % 2 === 0 ? 2 : 4;
}

interface Coefs {
  nx: number;
  ny: number;
  hx: number;
  hy: number;
  ax: Float64Array;
  ay: Float64Array;
  bd: Float64Array;
}

interface Level extends Coefs {
  u: Float64Array;
  f: Float64Array;
  r: Float64Array;
}

export class CpuMultigrid {
  readonly levels: MgLevelShape[];
  readonly settings: MgSettings;
  readonly nb: number;
  readonly ax: Float64Array;
  readonly ay: Float64Array;
  readonly bd: Float64Array;
  readonly u: Float64Array;
  readonly f: Float64Array;
  private readonly lv: Level[];
  private readonly chol: Float64Array | null;
  // krylov state (fine level)
  private readonly p: Float64Array | null;
  private readonly q: Float64Array | null;
  private readonly pq: Float64Array;

  constructor(opts: MgOptions) {
    this.levels = mgLevelShapes(opts.nx, opts.ny, opts.h);
    this.settings = resolveMgSettings(opts, this.levels);
    const nb = (this.nb = this.settings.nb);
    this.lv = this.levels.map((s) => {
      const n = nb * s.nx * s.ny;
      return {
        ...s,
        ax: new Float64Array(n),
        ay: new Float64Array(nb * (s.ny + 1) * s.nx),
        bd: new Float64Array(n),
        u: new Float64Array(n),
        f: new Float64Array(n),
        r: new Float64Array(n),
      };
    });
    const L0 = this.lv[0];
    this.ax = L0.ax;
    this.ay = L0.ay;
    this.bd = L0.bd;
    const n0 = nb * L0.nx * L0.ny;
    if (this.settings.krylov) {
      // the hierarchy's level 0 works on (z, r); the caller's u, f are separate
      this.u = new Float64Array(n0);
      this.f = new Float64Array(n0);
      this.p = new Float64Array(n0);
      this.q = new Float64Array(n0);
    } else {
      this.u = L0.u;
      this.f = L0.f;
      this.p = this.q = null;
    }
    this.pq = new Float64Array(nb);
    const C = this.lv[this.lv.length - 1];
    this.chol = this.settings.coarsestSweeps === 0 ? new Float64Array(nb * C.nx * C.ny * (coarsestBandwidth(C) + 1)) : null;
  }

  /** Face-average the fine coefficients down the hierarchy and refactor the coarsest level (call after changing ax/ay/bd). */
  coarsenCoefficients(): void {
    for (let l = 1; l < this.lv.length; l++) coarsenLevel(this.lv[l - 1], this.lv[l], this.nb);
    if (this.chol) {
      const C = this.lv[this.lv.length - 1];
      for (let b = 0; b < this.nb; b++) bandCholesky(C, b, this.chol);
    }
    this.pq.fill(0); // krylov: the operator changed, forget the search direction
  }

  /** One cycle on the fine level, warm-started from `u` (krylov mode: one preconditioned CG iteration). */
  vcycle(): void {
    if (!this.settings.krylov) {
      this.cycle(0);
      return;
    }
    const L0 = this.lv[0];
    const nb = this.nb;
    const n = L0.nx * L0.ny;
    const p = this.p!;
    const q = this.q!;
    // r = f − A u ; z = 0
    applyA(L0, nb, this.u, L0.f);
    for (let k = 0; k < L0.f.length; k++) L0.f[k] = this.f[k] - L0.f[k];
    L0.u.fill(0);
    this.cycle(0); // z = M r
    const z = L0.u;
    const r = L0.f;
    for (let b = 0; b < nb; b++) {
      let zq = 0;
      for (let k = b * n; k < (b + 1) * n; k++) zq += z[k] * q[k];
      const beta = this.pq[b] > 0 ? zq / this.pq[b] : 0;
      for (let k = b * n; k < (b + 1) * n; k++) p[k] = z[k] - beta * p[k];
    }
    applyA(L0, nb, p, q);
    for (let b = 0; b < nb; b++) {
      let pq = 0;
      let rp = 0;
      for (let k = b * n; k < (b + 1) * n; k++) {
        pq += p[k] * q[k];
        rp += r[k] * p[k];
      }
      const alpha = pq > 0 ? rp / pq : 0;
      this.pq[b] = pq;
      for (let k = b * n; k < (b + 1) * n; k++) this.u[k] += alpha * p[k];
    }
  }

  /** Per batch member ‖f − A u‖₂ on the fine level. */
  residualNorms(): Float64Array {
    const L = this.lv[0];
    const t = new Float64Array(this.u.length);
    applyA(L, this.nb, this.u, t);
    const out = new Float64Array(this.nb);
    const n = L.nx * L.ny;
    for (let b = 0; b < this.nb; b++) {
      let s = 0;
      for (let k = b * n; k < (b + 1) * n; k++) {
        const d = this.f[k] - t[k];
        s += d * d;
      }
      out[b] = Math.sqrt(s);
    }
    return out;
  }

  /** out = A u on the fine level (u, out of length nb*nx*ny). */
  applyOperator(u: Float64Array, out: Float64Array): void {
    applyA(this.lv[0], this.nb, u, out);
  }

  // ---------------------------------------------------------------------------------------------

  private cycle(l: number): void {
    const L = this.lv[l];
    const s = this.settings;
    if (l === this.lv.length - 1) {
      if (this.chol) {
        for (let b = 0; b < this.nb; b++) bandSolve(L, b, this.chol);
      } else {
        for (let k = 0; k < s.coarsestSweeps; k++) smooth(L, this.nb, k % 2 === 1);
      }
      return;
    }
    for (let k = 0; k < s.preSmooth; k++) smooth(L, this.nb, false);
    applyA(L, this.nb, L.u, L.r);
    for (let k = 0; k < L.r.length; k++) L.r[k] = L.f[k] - L.r[k];
    const C = this.lv[l + 1];
    restrictResidual(L, C, this.nb); // also zeroes C.u
    this.cycle(l + 1);
    if (cycleVisitsTwice(this.levels, s, l + 1)) this.cycle(l + 1);
    prolongAdd(C, L, this.nb, s.constantProlongation);
    for (let k = 0; k < s.postSmooth; k++) smooth(L, this.nb, s.krylov);
  }
}

function coarsenLevel(F: Coefs, C: Coefs, nb: number): void {
  const sx = F.nx / C.nx; // 1 or 2
  const sy = F.ny / C.ny;
  for (let b = 0; b < nb; b++) {
    for (let J = 0; J < C.ny; J++) {
      for (let I = 0; I < C.nx; I++) {
        // the west face of coarse cell I is fine face sx*I, rows sy*J … sy*J+sy−1
        let s = 0;
        for (let q = 0; q < sy; q++) s += F.ax[(b * F.ny + sy * J + q) * F.nx + sx * I];
        C.ax[(b * C.ny + J) * C.nx + I] = s / sy;
        let t = 0;
        for (let q = 0; q < sy; q++) for (let p = 0; p < sx; p++) t += F.bd[(b * F.ny + sy * J + q) * F.nx + sx * I + p];
        C.bd[(b * C.ny + J) * C.nx + I] = t / (sx * sy);
      }
    }
    for (let J = 0; J <= C.ny; J++) {
      for (let I = 0; I < C.nx; I++) {
        let s = 0;
        for (let p = 0; p < sx; p++) s += F.ay[(b * (F.ny + 1) + sy * J) * F.nx + sx * I + p];
        C.ay[(b * (C.ny + 1) + J) * C.nx + I] = s / sx;
      }
    }
  }
}

/** C.f = mean of the children of F.r; C.u = 0. */
function restrictResidual(F: Level, C: Level, nb: number): void {
  const sx = F.nx / C.nx;
  const sy = F.ny / C.ny;
  const w = 1 / (sx * sy);
  for (let b = 0; b < nb; b++) {
    for (let J = 0; J < C.ny; J++) {
      for (let I = 0; I < C.nx; I++) {
        let s = 0;
        for (let q = 0; q < sy; q++) for (let p = 0; p < sx; p++) s += F.r[(b * F.ny + sy * J + q) * F.nx + sx * I + p];
        const k = (b * C.ny + J) * C.nx + I;
        C.f[k] = s * w;
        C.u[k] = 0;
      }
    }
  }
}

/** Coarse value with ghost rules: periodic in x; a ghost row across a boundary face is −u (Dirichlet) or +u (Neumann). */
function coarseValue(C: Level, b: number, I: number, J: number): number {
  const Iw = I < 0 ? I + C.nx : I >= C.nx ? I - C.nx : I;
  if (J < 0) {
    const v = C.u[b * C.ny * C.nx + Iw];
    return C.ay[b * (C.ny + 1) * C.nx + Iw] !== 0 ? -v : v;
  }
  if (J >= C.ny) {
    const v = C.u[(b * C.ny + C.ny - 1) * C.nx + Iw];
    return C.ay[(b * (C.ny + 1) + C.ny) * C.nx + Iw] !== 0 ? -v : v;
  }
  return C.u[(b * C.ny + J) * C.nx + Iw];
}

/** F.u += P C.u */
function prolongAdd(C: Level, F: Level, nb: number, constant: boolean): void {
  const sx = F.nx / C.nx;
  const sy = F.ny / C.ny;
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < F.ny; j++) {
      for (let i = 0; i < F.nx; i++) {
        // nearest coarse centre (weight 3/4 per coarsened direction) and the next one (1/4)
        const I0 = sx === 2 ? i >> 1 : i;
        const J0 = sy === 2 ? j >> 1 : j;
        let v: number;
        if (constant) {
          v = C.u[(b * C.ny + J0) * C.nx + I0];
        } else {
          const I1 = sx === 2 ? (i & 1 ? I0 + 1 : I0 - 1) : I0;
          const J1 = sy === 2 ? (j & 1 ? J0 + 1 : J0 - 1) : J0;
          const wx = sx === 2 ? 0.25 : 0;
          const wy = sy === 2 ? 0.25 : 0;
          const c00 = coarseValue(C, b, I0, J0);
          const c10 = wx ? coarseValue(C, b, I1, J0) : 0;
          const c01 = wy ? coarseValue(C, b, I0, J1) : 0;
          const c11 = wx && wy ? coarseValue(C, b, I1, J1) : 0;
          v = (1 - wx) * (1 - wy) * c00 + wx * (1 - wy) * c10 + (1 - wx) * wy * c01 + wx * wy * c11;
        }
        F.u[(b * F.ny + j) * F.nx + i] += v;
      }
    }
  }
}

function applyA(L: Coefs, nb: number, u: Float64Array, out: Float64Array): void {
  const { nx, ny } = L;
  const ihx2 = 1 / (L.hx * L.hx);
  const ihy2 = 1 / (L.hy * L.hy);
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < ny; j++) {
      const row = (b * ny + j) * nx;
      const rowS = (b * (ny + 1) + j) * nx;
      const wS = j === 0 ? 2 : 1;
      const wN = j === ny - 1 ? 2 : 1;
      for (let i = 0; i < nx; i++) {
        const k = row + i;
        const iw = i === 0 ? nx - 1 : i - 1;
        const ie = i === nx - 1 ? 0 : i + 1;
        const uc = u[k];
        const uS = j > 0 ? u[k - nx] : 0;
        const uN = j < ny - 1 ? u[k + nx] : 0;
        out[k] =
          L.bd[k] * uc +
          (L.ax[k] * (uc - u[row + iw]) + L.ax[row + ie] * (uc - u[row + ie])) * ihx2 +
          (wS * L.ay[rowS + i] * (uc - uS) + wN * L.ay[rowS + nx + i] * (uc - uN)) * ihy2;
      }
    }
  }
}

/** One RB-GS sweep: all colours in order, or in reverse order. */
function smooth(L: Level, nb: number, reverse: boolean): void {
  const nc = smootherColours(L.nx);
  for (let k = 0; k < nc; k++) relaxColour(L, nb, reverse ? nc - 1 - k : k);
}

/** Gauss–Seidel update of every cell of colour c (see smootherColours). */
function relaxColour(L: Level, nb: number, c: number): void {
  const { nx, ny, u, f, ax, ay, bd } = L;
  const ihx2 = 1 / (L.hx * L.hx);
  const ihy2 = 1 / (L.hy * L.hy);
  const odd = nx % 2 === 1;
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < ny; j++) {
      let i0: number;
      let i1: number;
      let step: number;
      if (c < 2) {
        i0 = (c + j) & 1;
        i1 = odd ? nx - 1 : nx; // exclusive
        step = 2;
      } else {
        if ((j & 1) !== c - 2) continue;
        i0 = nx - 1;
        i1 = nx;
        step = 1;
      }
      const row = (b * ny + j) * nx;
      const rowS = (b * (ny + 1) + j) * nx;
      const wS = j === 0 ? 2 : 1;
      const wN = j === ny - 1 ? 2 : 1;
      for (let i = i0; i < i1; i += step) {
        const k = row + i;
        const iw = i === 0 ? nx - 1 : i - 1;
        const ie = i === nx - 1 ? 0 : i + 1;
        // with nx = 1 the x terms cancel in A: leave them out of the update too
        const aW = nx > 1 ? ax[k] * ihx2 : 0;
        const aE = nx > 1 ? ax[row + ie] * ihx2 : 0;
        const aS = wS * ay[rowS + i] * ihy2;
        const aN = wN * ay[rowS + nx + i] * ihy2;
        const diag = bd[k] + aW + aE + aS + aN;
        if (!(diag > 0)) continue;
        const uS = j > 0 ? u[k - nx] : 0;
        const uN = j < ny - 1 ? u[k + nx] : 0;
        u[k] = (f[k] + aW * u[row + iw] + aE * u[row + ie] + aS * uS + aN * uN) / diag;
      }
    }
  }
}

// ---- coarsest level: banded Cholesky -----------------------------------------------------------
// Unknowns in row-major order k = j*nx + i; every coupling lies within distance nx (the periodic
// wrap of a row is at distance nx−1), so A and its Cholesky factor L fit a band of width bw = nx.
// Storage per batch member: entry (k, k−d), 0 ≤ d ≤ bw, at k*(bw+1) + d.

/** Assemble and factor the coarsest-level matrix of batch member b into chol (lower band). */
function bandCholesky(C: Coefs, b: number, chol: Float64Array): void {
  const { nx, ny } = C;
  const n = nx * ny;
  const bw = nx;
  const w = bw + 1;
  const base = b * n * w;
  const ihx2 = 1 / (C.hx * C.hx);
  const ihy2 = 1 / (C.hy * C.hy);
  chol.fill(0, base, base + n * w);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      const c = (b * ny + j) * nx;
      const s = (b * (ny + 1) + j) * nx;
      const wS = j === 0 ? 2 : 1;
      const wN = j === ny - 1 ? 2 : 1;
      const aW = nx > 1 ? C.ax[c + i] * ihx2 : 0;
      const aE = nx > 1 ? C.ax[c + (i + 1) % nx] * ihx2 : 0;
      chol[base + k * w] = C.bd[c + i] + aW + aE + (wS * C.ay[s + i] + wN * C.ay[s + nx + i]) * ihy2;
      if (i > 0) chol[base + k * w + 1] -= aW; // west neighbour k−1
      if (i === nx - 1 && nx > 1) chol[base + k * w + (nx - 1)] -= aE; // east neighbour (wraps to i = 0)
      if (j > 0) chol[base + k * w + nx] -= C.ay[s + i] * ihy2; // south neighbour
    }
  }
  // right-looking factorisation, A = L Lᵀ
  for (let k = 0; k < n; k++) {
    let piv = chol[base + k * w];
    if (!(piv > 0)) piv = 1e30; // singular (pure Neumann, bd = 0) or lost to rounding: drop this direction
    const lkk = Math.sqrt(piv);
    chol[base + k * w] = lkk;
    const iEnd = Math.min(n - 1, k + bw);
    for (let i = k + 1; i <= iEnd; i++) chol[base + i * w + (i - k)] /= lkk;
    for (let i = k + 1; i <= iEnd; i++) {
      const lik = chol[base + i * w + (i - k)];
      if (lik === 0) continue;
      for (let m = k + 1; m <= i; m++) chol[base + i * w + (i - m)] -= lik * chol[base + m * w + (m - k)];
    }
  }
}

/** u = A⁻¹ f on the coarsest level for batch member b. */
function bandSolve(C: Level, b: number, chol: Float64Array): void {
  const n = C.nx * C.ny;
  const bw = C.nx;
  const w = bw + 1;
  const base = b * n * w;
  const x = C.u.subarray(b * n, (b + 1) * n);
  x.set(C.f.subarray(b * n, (b + 1) * n));
  for (let k = 0; k < n; k++) {
    x[k] /= chol[base + k * w];
    const xk = x[k];
    const iEnd = Math.min(n - 1, k + bw);
    for (let i = k + 1; i <= iEnd; i++) x[i] -= chol[base + i * w + (i - k)] * xk;
  }
  for (let k = n - 1; k >= 0; k--) {
    x[k] /= chol[base + k * w];
    const xk = x[k];
    const iBeg = Math.max(0, k - bw);
    for (let i = iBeg; i < k; i++) x[i] -= chol[base + k * w + (k - i)] * xk;
  }
}
