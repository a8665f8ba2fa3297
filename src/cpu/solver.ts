// The CPU reference solver: the GPU step (src/gpu/solver.ts + shaders/) in f64, kernel for kernel,
// term for term, so every shader can be checked against it. One simulation (no batch).
//
// One time step (MODEL.md §7, IMEX):
//   anisotropy      ε²(ψ), εε'∂yξ, εε'∂xξ at cell centres (Kobayashi 1993)
//   rateTerms       the Allen–Cahn part of ∂ξ/∂t and the Butler–Volmer pieces, summed
//   drive           electrode potential: fixed (potentiostatic) or solved so Σ∂ξ/∂t hits the target current
//   phaseUpdate     ξ ← ξ + dt·(R + conserved noise) (explicit), R kept as the source of c̃ and φ
//   sinkScale       Σ R / Σ h'R, so the interface-weighted Li⁺ sink removes what deposits (binary)
//   transport       c̃ implicit (backward Euler), multigrid-CG; binary: salt in χ = 1 − h,
//                   (χc̃ − χⁿc̃ⁿ)/dt = ∇·(χD_l∇c̃) − γ(C_s/c0)·s·h'R; chen2015: Nernst–Planck in the
//                   Slotboom variable (shaders/transport.wgsl)
//   finish          reservoir flux for the inventory, next dt, time
//   potential       −∇·(σ∇φ̃) = −K_φ R(φ̃), R linearised about φ̃ⁿ, multigrid-CG

import { CpuMultigrid } from './multigrid.ts';
import { EXP_CLAMP, sinkRatio, bernoulli, clampedExp, hInterp, hPrime, hSecond, interfaceWeight, rand01, solveElectrodePotential, wellPrime } from './terms.ts';
import { DRIVE_GALVANOSTATIC, TRANSPORT_CHEN2015, type Dimless } from '../model/dimless.ts';

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
  /** Σ R / Σ h'R of the last update (binary salt sink) */
  sinkScale: number;
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
  readonly state: SolverState;
  mgCycles: number;

  /** the parameters; replace them with setParams (live changes) */
  d: Dimless;

  constructor(
    d: Dimless,
    init: { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number> },
    mgCycles = 2,
  ) {
    this.d = d;
    const n = (this.n = d.nx * d.ny);
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
    this.mgCycles = mgCycles;
    this.state = { dt: d.dtInitial, t: 0, tEnd: Infinity, phiS: d.phiApplied, phiRef: d.phiApplied, j: 0, maxRate: 0, stiff: 0, fluxIn: 0, limitHit: 0, sinkScale: 1, step: 0, done: false };
    this.mgC.u.set(this.c); // warm start; afterwards u keeps the last solution
  }

  /**
   * New parameters from the next step on (Simulation.updateScenario). Nothing else in the solver is
   * derived from them except the grid, which cannot change.
   */
  setParams(d: Dimless): void {
    if (d.nx !== this.d.nx || d.ny !== this.d.ny || d.h !== this.d.h) throw new Error('CpuSolver.setParams: grid.nx, grid.ny and grid.dx_um cannot change');
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
   * Sets the stop time. Without `resume`, done = t ≥ tEnd. With `resume` (a run starting or its stop
   * time changed), done and dt are decided as finish() does: done if the time left is ≤ 1e-3 dt,
   * else dt is clamped to the time left. Returns done.
   */
  setStopTime(tEnd: number, resume = false): boolean {
    const st = this.state;
    st.tEnd = tEnd;
    if (!resume) {
      st.done = st.t >= tEnd;
      return st.done;
    }
    const remaining = tEnd - st.t;
    st.done = remaining <= 1e-3 * st.dt;
    if (!st.done) st.dt = Math.min(st.dt, remaining);
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
    this.anisotropy();
    const sums = this.rateTerms();
    this.drive(sums);
    this.phaseUpdate();
    this.sinkScale();
    this.transportCoefficients();
    for (let k = 0; k < this.mgCycles; k++) this.mgC.vcycle();
    this.transportBack();
    const record = this.finish();
    this.potentialCoefficients();
    for (let k = 0; k < this.mgCycles; k++) this.mgPhi.vcycle();
    this.phi.set(this.mgPhi.u);
    return record;
  }

  // ---- kernels (names match the WGSL entry points)

  anisotropy(): void {
    const { nx, ny, h, delta, omega, psi0 } = this.d;
    const xi = this.xi;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const e = xi[j * nx + ((i + 1) % nx)];
        const w = xi[j * nx + ((i + nx - 1) % nx)];
        const s = j > 0 ? xi[k - nx] : xi[k]; // collector: mirror (zero flux)
        const nn = j < ny - 1 ? xi[k + nx] : 0; // reservoir: ξ = 0
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

  /** Returns [Σ R_ac, Σ S_a, Σ S_c] (see solveElectrodePotential). */
  rateTerms(): [number, number, number] {
    const d = this.d;
    const { nx, ny, h, alpha } = d;
    const { xi, c, phi, e2, crossA, crossB } = this;
    const chen = d.transport === TRANSPORT_CHEN2015;
    const noiseScale = d.noiseA > 0 ? (d.noiseA * Math.sqrt(3)) / Math.sqrt(this.state.dt) : 0;
    let sAc = 0;
    let sA = 0;
    let sC = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const ie = j * nx + ((i + 1) % nx);
        const iw = j * nx + ((i + nx - 1) % nx);
        const x = xi[k];
        let lap = 0.5 * (e2[k] + e2[ie]) * (xi[ie] - x) + 0.5 * (e2[k] + e2[iw]) * (xi[iw] - x);
        if (j > 0) lap += 0.5 * (e2[k] + e2[k - nx]) * (xi[k - nx] - x);
        lap += j < ny - 1 ? 0.5 * (e2[k] + e2[k + nx]) * (xi[k + nx] - x) : e2[k] * (0 - x);
        const bS = j > 0 ? crossB[k - nx] : crossB[k];
        const bN = j < ny - 1 ? crossB[k + nx] : 0;
        const cross = (-(crossA[ie] - crossA[iw]) + (bN - bS)) / (2 * h);
        let rac = d.LsK * (lap / (h * h) + cross) - d.LsW * wellPrime(x);
        this.rac[k] = rac;
        this.noise[k] = noiseScale > 0 ? noiseScale * (faceNoise(d.seed, this.state.step, xi, iw, k) - faceNoise(d.seed, this.state.step, xi, k, ie)) : 0;
        const delta = chen ? phi[k] - this.state.phiRef : -phi[k];
        const hp = d.Leta * hPrime(x);
        sAc += rac;
        sA += hp * clampedExp((1 - alpha) * delta);
        sC += hp * c[k] * clampedExp(-alpha * delta);
      }
    }
    return [sAc, sA, sC];
  }

  drive([sAc, sA, sC]: [number, number, number]): void {
    const d = this.d;
    const st = this.state;
    st.limitHit = 0;
    if (d.drive === DRIVE_GALVANOSTATIC) {
      const target = (d.jTarget * d.nx) / d.h; // Σ R = j̃ Lx / h²
      const { phi, limit } = solveElectrodePotential(sAc, sA, sC, target, d.alpha, d.phiMax, st.phiS);
      st.phiS = phi;
      st.limitHit = limit ? 1 : 0;
    } else {
      st.phiS = d.phiApplied;
    }
  }

  phaseUpdate(): void {
    const d = this.d;
    const { nx, ny, h, alpha } = d;
    const { xi, c, phi } = this;
    const chen = d.transport === TRANSPORT_CHEN2015;
    const st = this.state;
    let sum = 0;
    let sumH = 0;
    let maxRate = 0;
    let stiff = 0;
    for (let k = 0; k < nx * ny; k++) {
      const x = xi[k];
      const delta = chen ? phi[k] - st.phiRef : -phi[k];
      const eta = Math.min(Math.max(st.phiS + delta, -EXP_CLAMP), EXP_CLAMP);
      const ea = Math.exp((1 - alpha) * eta);
      const ec = c[k] * Math.exp(-alpha * eta);
      const bracket = ea - ec;
      const r = this.rac[k] - d.Leta * hPrime(x) * bracket;
      this.rate[k] = r;
      this.gain[k] = chen ? 0 : d.Leta * hPrime(x) * ((1 - alpha) * ea + alpha * ec);
      xi[k] = x + st.dt * (r + this.noise[k]);
      sum += r;
      sumH += hPrime(x) * r;
      this.psiOld[k] = Math.max(1 - hInterp(x), d.sigFloor);
      this.hpOld[k] = hPrime(x);
      maxRate = Math.max(maxRate, Math.abs(r + this.noise[k]));
      stiff = Math.max(stiff, (8 * d.LsK * this.e2[k]) / (h * h) + 2 * d.LsW + d.Leta * Math.abs(hSecond(x) * bracket), sinkStiffness(d, r, c[k]));
    }
    st.j = (sum * h) / nx;
    this.sums = [sum, sumH];
    st.maxRate = maxRate;
    st.stiff = stiff;
  }

  private sums: [number, number] = [0, 0];

  sinkScale(): void {
    this.state.sinkScale = sinkRatio(this.sums[0], this.sums[1]);
  }

  transportCoefficients(): void {
    const d = this.d;
    const { nx, ny } = d;
    const mg = this.mgC;
    const { c, phi, xi, rate } = this;
    const chen = d.transport === TRANSPORT_CHEN2015;
    const dt = this.state.dt;
    const psi = (k: number) => Math.max(1 - hInterp(xi[k]), d.sigFloor);
    // binary: salt in the electrolyte fraction χ (see shaders/transport.wgsl); chen2015: D_eff
    const D = (k: number) => {
      if (!chen) return psi(k) * d.Dl;
      const hh = hInterp(xi[k]);
      return d.Dl * (1 - hh) + d.Ds * hh;
    };
    // Slotboom variable u = c̃ e^{φ̃} turns Nernst–Planck drift into a symmetric operator with
    // Scharfetter–Gummel face weights; binary transport has no drift and u = c̃.
    const face = (ka: number, kb: number) => {
      const harm = (2 * D(ka) * D(kb)) / (D(ka) + D(kb));
      return chen ? harm * clampedExp(-phi[ka]) * bernoulli(phi[kb] - phi[ka]) : harm;
    };
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        mg.ax[k] = face(j * nx + ((i + nx - 1) % nx), k);
        mg.ay[k] = j > 0 ? face(k - nx, k) : 0; // collector: no ion flux
        if (chen) {
          mg.u[k] = c[k] * clampedExp(phi[k]); // warm start in the Slotboom variable
          mg.bd[k] = clampedExp(-phi[k]) / dt;
          mg.f[k] = c[k] / dt - d.gammaSrc * d.CsOverC0 * rate[k];
        } else {
          mg.bd[k] = psi(k) / dt;
          mg.f[k] = (this.psiOld[k] * c[k]) / dt - d.gammaSrc * d.CsOverC0 * this.state.sinkScale * this.hpOld[k] * rate[k];
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

  transportBack(): void {
    const chen = this.d.transport === TRANSPORT_CHEN2015;
    const u = this.mgC.u;
    for (let k = 0; k < this.n; k++) this.c[k] = chen ? u[k] * clampedExp(-this.phi[k]) : u[k];
  }

  finish(): StepRecord {
    const d = this.d;
    const { nx, ny } = d;
    const st = this.state;
    const mg = this.mgC;
    let flux = 0;
    for (let i = 0; i < nx; i++) flux += 2 * mg.ay[ny * nx + i] * (1 - mg.u[(ny - 1) * nx + i]);
    st.fluxIn = flux;
    const dInventory = st.dt * (flux + d.tplus * d.CsOverC0 * st.j * nx * d.h);
    const record: StepRecord = { dt: st.dt, phiS: st.phiS, j: st.j, dInventory, maxRate: st.maxRate, limitHit: st.limitHit };
    st.t += st.dt;
    st.step += 1;
    let next = Math.min(d.dtMax, DT_GROWTH * st.dt, st.maxRate > 0 ? d.dxiMax / st.maxRate : Infinity, (2 * d.safety) / st.stiff);
    const remaining = st.tEnd - st.t;
    if (remaining <= 1e-3 * next) st.done = true;
    else next = Math.min(next, remaining);
    st.dt = next;
    return record;
  }

  potentialCoefficients(): void {
    const d = this.d;
    const { nx, ny, h } = d;
    const mg = this.mgPhi;
    const { c, xi, rate } = this;
    const chen = d.transport === TRANSPORT_CHEN2015;
    const sigma = (k: number) => {
      const hh = hInterp(xi[k]);
      return chen ? d.sigS * hh + (1 - hh) : Math.max(1 - hh, d.sigFloor) * Math.max(c[k], d.cFloor);
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
