// SI → dimensionless: the only place physical units are converted (MODEL.md §3–4).
// Scales: length 1 µm, time 1 s, potential RT/F, concentration c0. The CPU reference uses these
// numbers in f64, the GPU gets them packed to f32 through src/model/layout.ts.

import { A_M2_PER_MA_CM2, FARADAY, GAS_CONSTANT, LENGTH_SCALE_M, LI_MOLAR_VOLUME, inverseThermalVoltage, mechanicalShift } from './constants.ts';
import { num, text, type Scenario } from './scenario.ts';
import { allenCahnStiffness, thinWeight, PHI_STEP } from '../cpu/terms.ts';
import { cycleCurrents, largestCycleCurrent } from './cycling.ts';

export const TRANSPORT_BINARY = 0;
export const TRANSPORT_CHEN2015 = 1;
/** Hong & Viswanathan's grand-potential closure (their MOOSE input): chen2015's potential, lattice-gas salt */
export const TRANSPORT_HONG2018 = 2;

/** One potential field over both phases (chen2015, hong2018), rather than the binary closure's electrolyte potential. */
export function onePotential(d: { transport: number }): boolean {
  return d.transport !== TRANSPORT_BINARY;
}
export const DRIVE_POTENTIOSTATIC = 0;
export const DRIVE_GALVANOSTATIC = 1;

/**
 * Planar velocity per unit Butler–Volmer bracket, in units of Lη·w (MODEL.md §4): the solvability
 * condition of the travelling wave, v∫ξ'²dn = Lη B ∫p(ξ)ξ'dn with ∫ξ'²dn = 1/(6w) and ∫p dξ = 1 for
 * the kinetic weight p (h' or the thin-interface weight), gives v = 6w·Lη·B.
 */
export const KINETIC_INTEGRAL_PER_WIDTH = 6;

const discreteCache = new Map<number, number>();
/**
 * Ratio of the discrete to the continuum kinetic integral for cell size h and width w: the relaxed
 * 1D discrete profile has Σ h'(ξ_j) h slightly below 5w (0.973 at h = w, 0.986 at h = 0.71w); the
 * planar front speed follows it (tests/verification.test.ts), so i0 → Lη divides it out.
 */
export function discreteKineticFactor(hOverW: number, thin = false): number {
  const key = Math.round(hOverW * 1e6) / 1e6;
  const hit = discreteCache.get(thin ? -key : key);
  if (hit !== undefined) return hit;
  const w = 1;
  const h = key * w;
  const n = Math.ceil(40 / key);
  const K = 2 * w * w; // κ/W
  const dt = 0.2 * Math.min((h * h) / (4 * K), 0.5);
  let total = 0;
  for (const offset of [0, 0.5]) {
    let xi = Float64Array.from({ length: n }, (_, j) => 0.5 * (1 - Math.tanh(((j + 0.5 - n / 2 - offset) * h) / (2 * w))));
    let next = new Float64Array(n);
    for (let it = 0; it < 4000; it++) {
      next[0] = 1;
      next[n - 1] = 0;
      for (let j = 1; j < n - 1; j++) {
        const x = xi[j];
        next[j] = x + dt * ((K * (xi[j + 1] - 2 * x + xi[j - 1])) / (h * h) - 2 * x * (1 - x) * (1 - 2 * x));
      }
      [xi, next] = [next, xi];
    }
    let sum = 0;
    for (const x of xi) {
      const q = Math.min(Math.max(x, 0), 1) * (1 - Math.min(Math.max(x, 0), 1));
      // thin_interface weights the kinetics by 6ξ(1 − ξ) = 6w|∇ξ| (∫ = 6w), literature by h'(ξ) (∫ = 5w)
      sum += thin ? thinWeight(x, 0) * h / 6 : (30 * q * q * h) / 5;
    }
    total += sum / w / 2;
  }
  discreteCache.set(thin ? -key : key, total);
  return total;
}

export interface Dimless {
  nx: number;
  ny: number;
  /** cell size [µm] */
  h: number;
  transport: number;
  drive: number;
  seed: number;
  /** F/(RT) [1/V] */
  fInv: number;
  /** Lσ κ0 [µm²/s]: interface "diffusivity" (thin_interface: 2w²Γ, Γ the numerical relaxation rate) */
  LsK: number;
  /** Lσ W [1/s]: double-well rate (thin_interface: Γ) */
  LsW: number;
  /** 1: phase.model = thin_interface (curvature-free relaxation, Gibbs–Thomson in the kinetics, linearly implicit ξ step); 0: literature */
  thin: number;
  /**
   * Gibbs–Thomson capillary length γΩ/(RT) [µm] (thin_interface): a Li surface of curvature K [1/µm] has its
   * overpotential shifted by gtCap·K in F/RT units, Δη = γΩK/F (MODEL.md §4)
   */
  gtCap: number;
  delta: number;
  omega: number;
  psi0: number;
  /** Lη [1/s] = i0 / (F C_s · 6w · discrete factor), see KINETIC_INTEGRAL_PER_WIDTH */
  Leta: number;
  alpha: number;
  /** electrolyte and metal diffusivities [µm²/s] */
  Dl: number;
  Ds: number;
  /** hong2018: the Li⁺ lattice-gas site fraction at c0, c_l0 (c̃ = c_l/c_l0 saturates at 1/c_l0) */
  siteFrac: number;
  /** σ_s / σ_l0 (chen2015 potential) */
  sigS: number;
  sigFloor: number;
  cFloor: number;
  /** F² C_s L0² / (R T σ_l0 t0): source coefficient of the φ̃ equation */
  Kphi: number;
  /** C_s / c0 */
  CsOverC0: number;
  /** sink coefficient γ: 1 − t₊ (binary) or 1 (chen2015, hong2018) */
  gammaSrc: number;
  tplus: number;
  /** target plating rate j̃ = i/(F C_s) [µm/s] (galvanostatic) */
  jTarget: number;
  /** largest change of the galvanostatic electrode potential per step (F/RT units), 0 = no bound: see PHI_STEP */
  phiStep: number;
  /** 1: islands cut off from the collector and host take no current (metal.island_contact = none); not in the GPU Params (the labelling pass runs or not) */
  deadIslands: number;
  /** applied electrode potential in F/RT units (potentiostatic; initial guess otherwise) */
  phiApplied: number;
  phiMax: number;
  /** Langevin amplitude [1/√s] */
  noiseA: number;
  dtMax: number;
  dtInitial: number;
  dxiMax: number;
  safety: number;
  /** interface width w [µm] */
  w: number;
  /** nucleation prefactor A at T [nuclei per µm of bare surface per s]; 0: no nucleation */
  nucA: number;
  /** nucleation barrier ΔG* / kT = f(θ)·nucB/μ², μ = −η F/RT the supersaturation: nucB = (η_hom F/RT)²·T_ref/T */
  nucB: number;
  /**
   * thermodynamic critical radius × supersaturation [µm]: a 2D nucleus (cylinder) is critical at
   * R* = γ V_m / (F|η|) = nucR/μ with V_m = 1/C_s (Gibbs–Thomson; 000:L123 for the barrier it sets)
   */
  nucR: number;
  /** double-layer capacitance as a plating-rate equivalent: j̃_C = −cdl·dφ̃_s/dt [µm per unit φ̃] */
  cdl: number;
  /**
   * SEI film resistivity scale σ_l0·t_SEI/(σ_SEI·w): the film adds a resistivity seiRho·s(ξ) (relative
   * to 1/σ_l0) in a band on the electrolyte side of the interface with ∫s dn = w, so that its series
   * resistance is t_SEI/σ_SEI (seiBand in src/cpu/terms.ts); 0 without an SEI
   */
  seiRho: number;
  /** 1: the mechanics run (src/cpu/mechanics.ts): an SEI film, or a growth strain; else 0 */
  mechOn: number;
  /** growth eigenstrain ε_g of plated Li along y (electrolyte.growth_strain): ε*_yy = ε_g (h(ξ) − its row mean) */
  growthStrain: number;
  /** Lamé constants [GPa] of Li, the SEI, the electrolyte (floored at ELECTROLYTE_MODULUS_FLOOR_GPA) and the host/collector */
  liLam: number;
  liMu: number;
  seiLam: number;
  seiMu: number;
  elLam: number;
  elMu: number;
  hostLam: number;
  hostMu: number;
  /** SEI volume fraction scale t_SEI/w: the film fills seiFrac·s(ξ) of a cell, so that ∫ = t_SEI (0 without an SEI) */
  seiFrac: number;
  /** mechanical shift per GPa of hydrostatic stress, Ω·1e9/(RT) (F/RT units per GPa) */
  mechScale: number;
  /** cap on |σ_h| in the mechanical shift [GPa] (Li yields) */
  yieldGPa: number;
  /** SEI re-formation rate 1/τ_heal [1/s] */
  healRate: number;
  /** film strain at which the SEI cracks: 1.976·E'·t·ε_c² = G_c (channel crack) */
  crackStrain: number;
  /** Li consumed per µm of new film (per µm of depth) [µm² of Li metal]: t_SEI·c_Li,SEI/C_s */
  seiLiPerLength: number;
  /** elastic iterations per step (warm-started) */
  elasticIters: number;
  /** always 0: XOR-ed into compensated sums on the GPU so shader compilers cannot fold them away */
  zero: number;
}

/**
 * Arrhenius factor exp(−Ea/R (1/T − 1/T_ref)) of a quantity given at T_ref (MODEL.md §6.4): D, σ,
 * i0 and the nucleation prefactor fall at lower temperature.
 */
export function arrhenius(activation_kJ_mol: number, T: number, Tref: number): number {
  return Math.exp(-((activation_kJ_mol * 1000) / GAS_CONSTANT) * (1 / T - 1 / Tref));
}

export function toDimless(s: Scenario): Dimless {
  const T = num(s, 'electrolyte.temperature_K');
  const Tref = num(s, 'electrolyte.reference_temperature_K');
  const transportT = arrhenius(num(s, 'electrolyte.activation_energy_kJ_mol'), T, Tref);
  const kineticT = arrhenius(num(s, 'kinetics.activation_energy_kJ_mol'), T, Tref);
  const nucleationT = arrhenius(num(s, 'nucleation.activation_energy_kJ_mol'), T, Tref);
  const fInv = inverseThermalVoltage(T);
  const L2 = LENGTH_SCALE_M * LENGTH_SCALE_M;
  const w_m = num(s, 'phase.interface_width_um') * LENGTH_SCALE_M;
  const gamma = num(s, 'phase.interface_energy_J_m2');
  const Lsigma = num(s, 'phase.interface_mobility_m3_J_s');
  // κ = 6γw and W = 3γ/w reproduce γ = √(2κW)/6 and w = √(κ/2W) for g = Wξ²(1−ξ)² (MODEL.md §4).
  const kappa = 6 * gamma * w_m;
  const W = (3 * gamma) / w_m;
  const Cs = num(s, 'metal.site_density_mol_m3');
  const c0 = num(s, 'electrolyte.concentration_mol_L') * 1000;
  const i0 = num(s, 'kinetics.exchange_current_mA_cm2') * A_M2_PER_MA_CM2 * kineticT;
  const sigmaL = num(s, 'electrolyte.conductivity_S_m') * transportT;
  const etaHom = num(s, 'nucleation.homogeneous_overpotential_mV') / 1000;
  const closure = text(s, 'electrolyte.transport');
  const chen = closure !== 'binary'; // chen2015 and hong2018: Li⁺ Nernst–Planck, γ = 1, no t₊
  const thin = text(s, 'phase.model') === 'thin_interface';
  const w_um = num(s, 'phase.interface_width_um');
  // thin_interface relaxation rate Γ = λ·v_ref/w (schema: numerics.interface_relaxation): v_ref is the
  // planar front speed the drive asks for, floored at 1 % of V0 = i0/(F C_s) per unit fη
  const V0 = (i0Ref(s) / (FARADAY * num(s, 'metal.site_density_mol_m3'))) / LENGTH_SCALE_M;
  const relax = (num(s, 'numerics.interface_relaxation') * Math.max(driveSpeed_um_s(s), 0.01 * V0)) / w_um;
  // thin_interface: the relaxed profile ξ = 1/(1 + e^{n/w}) needs LsK/LsW = κ/W = 2w²; the rate itself is numerical
  const LsK = thin ? 2 * w_um * w_um * relax : (Lsigma * kappa) / L2;
  const LsW = thin ? relax : Lsigma * W;
  const h = num(s, 'grid.dx_um');
  const safety = num(s, 'numerics.stability_safety');
  const delta = num(s, 'phase.anisotropy_strength');
  const tplus = num(s, 'electrolyte.transference_number');
  return {
    nx: num(s, 'grid.nx'),
    ny: num(s, 'grid.ny'),
    h,
    transport: closure === 'hong2018' ? TRANSPORT_HONG2018 : chen ? TRANSPORT_CHEN2015 : TRANSPORT_BINARY,
    // cycling is galvanostatic: the Simulation sets each half-cycle's current (src/model/cycling.ts)
    drive: text(s, 'drive.mode') === 'potentiostatic' ? DRIVE_POTENTIOSTATIC : DRIVE_GALVANOSTATIC,
    seed: num(s, 'run.seed') >>> 0,
    fInv,
    LsK,
    LsW,
    thin: thin ? 1 : 0,
    gtCap: (gamma * LI_MOLAR_VOLUME) / (GAS_CONSTANT * T) / LENGTH_SCALE_M,
    delta,
    omega: num(s, 'phase.anisotropy_mode'),
    psi0: (num(s, 'phase.anisotropy_angle_deg') * Math.PI) / 180,
    Leta: i0 / (FARADAY * Cs * KINETIC_INTEGRAL_PER_WIDTH * w_m * discreteKineticFactor(num(s, 'grid.dx_um') / w_um, thin)),
    alpha: num(s, 'kinetics.transfer_coefficient'),
    Dl: (num(s, 'electrolyte.diffusivity_m2_s') * transportT) / L2,
    Ds: num(s, 'metal.diffusivity_m2_s') / L2,
    siteFrac: num(s, 'electrolyte.site_fraction'),
    sigS: num(s, 'metal.conductivity_S_m') / sigmaL,
    sigFloor: num(s, 'numerics.sigma_floor'),
    cFloor: num(s, 'numerics.conc_floor'),
    Kphi: (FARADAY * Cs * fInv * L2) / sigmaL,
    CsOverC0: Cs / c0,
    gammaSrc: chen ? 1 : 1 - tplus,
    tplus: chen ? 0 : tplus,
    deadIslands: text(s, 'metal.island_contact') === 'none' ? 1 : 0,
    // a cycling protocol swings the electrode across the potential window at every reversal (src/cpu/solver.ts PHI_STEP)
    phiStep: text(s, 'drive.mode') === 'cycling' ? PHI_STEP : 0,
    jTarget: (setCurrent_mA_cm2(s) * A_M2_PER_MA_CM2) / (FARADAY * Cs) / LENGTH_SCALE_M,
    phiApplied: num(s, 'drive.overpotential_V') * fInv,
    phiMax: num(s, 'drive.potential_limit_V') * fInv,
    noiseA: num(s, 'phase.noise_amplitude_per_sqrt_s'),
    dtMax: num(s, 'numerics.dt_max_s'),
    // literature: the first step has no previous step's stiffness to bound it, so it takes the explicit
    // Allen–Cahn bound known before it (ε² ≤ (1 + δ)²); an unbounded first step drove c̃ negative
    dtInitial: thin ? num(s, 'numerics.dt_initial_s') : Math.min(num(s, 'numerics.dt_initial_s'), (2 * safety) / allenCahnStiffness(LsK, LsW, (1 + delta) ** 2, h)),
    dxiMax: num(s, 'numerics.max_dxi_per_step'),
    safety,
    w: num(s, 'phase.interface_width_um'),
    nucA: num(s, 'nucleation.rate_prefactor_per_um_s') * nucleationT,
    nucB: (etaHom * fInv) ** 2 * (Tref / T),
    nucR: gamma / (Cs * GAS_CONSTANT * T) / LENGTH_SCALE_M,
    // C_dl [µF/cm²] → F/m² is ×1e-2
    cdl: (num(s, 'kinetics.double_layer_capacitance_uF_cm2') * 1e-2) / (fInv * FARADAY * Cs * LENGTH_SCALE_M),
    // σ_SEI [S/cm] → S/m is ×100; the film conductivity has no Arrhenius factor (no seed gives one)
    seiRho: text(s, 'sei.kind') === 'none' ? 0 : (sigmaL * num(s, 'sei.thickness_nm') * 1e-9) / (num(s, 'sei.ionic_conductivity_S_cm') * 100 * w_m),
    ...mechanicsParams(s, w_m, T, Cs),
    zero: 0,
  };
}

/** The current density the drive sets at the start [mA/cm²]: drive.current_density_mA_cm2, or the first plating current of a cycling protocol. */
export function setCurrent_mA_cm2(s: Scenario): number {
  return text(s, 'drive.mode') === 'cycling' ? cycleCurrents(s, 0).plate : num(s, 'drive.current_density_mA_cm2');
}

/** i0 [A/m²] at the run's temperature (Arrhenius about the reference temperature). */
function i0Ref(s: Scenario): number {
  const kineticT = arrhenius(num(s, 'kinetics.activation_energy_kJ_mol'), num(s, 'electrolyte.temperature_K'), num(s, 'electrolyte.reference_temperature_K'));
  return num(s, 'kinetics.exchange_current_mA_cm2') * A_M2_PER_MA_CM2 * kineticT;
}

/**
 * The planar front speed the drive asks for [µm/s]: the current density over F C_s (galvanostatic), or,
 * potentiostatic, the planar current at c̃ = 1 where the applied potential splits into Butler–Volmer
 * |η| and the ohmic drop J·H/σ over the gap H from the film to the reservoir: the largest current a flat
 * front draws (depletion only lowers it). Far above the limiting current Butler–Volmer alone asks thousands
 * of times the ohmic bound, and Γ·dt ≤ RELAX_STEP then held dt at microseconds.
 */
function driveSpeed_um_s(s: Scenario): number {
  const toSpeed = (J_A_m2: number) => J_A_m2 / (FARADAY * num(s, 'metal.site_density_mol_m3')) / LENGTH_SCALE_M;
  if (text(s, 'drive.mode') === 'galvanostatic') return toSpeed(Math.abs(num(s, 'drive.current_density_mA_cm2')) * A_M2_PER_MA_CM2);
  if (text(s, 'drive.mode') === 'cycling') return toSpeed(largestCycleCurrent(s) * A_M2_PER_MA_CM2);
  const a = num(s, 'kinetics.transfer_coefficient');
  const f = inverseThermalVoltage(num(s, 'electrolyte.temperature_K'));
  const V = Math.abs(num(s, 'drive.overpotential_V'));
  const i0 = i0Ref(s);
  const bv = (eta: number) => i0 * Math.abs(Math.exp((1 - a) * f * eta) - Math.exp(-a * f * eta));
  const sigma = num(s, 'electrolyte.conductivity_S_m') * arrhenius(num(s, 'electrolyte.activation_energy_kJ_mol'), num(s, 'electrolyte.temperature_K'), num(s, 'electrolyte.reference_temperature_K'));
  const h_m = num(s, 'grid.dx_um') * LENGTH_SCALE_M;
  const gap_m = Math.max(num(s, 'grid.ny') * h_m - num(s, 'initial.li_thickness_um') * LENGTH_SCALE_M, h_m);
  // bisect on the Butler–Volmer share of V: bv(η) rises, the ohmic share V − η falls
  let lo = 0;
  let hi = V;
  for (let it = 0; it < 60; it++) {
    const eta = 0.5 * (lo + hi);
    if (bv(eta) * gap_m > sigma * (V - eta)) hi = eta;
    else lo = eta;
  }
  return toSpeed(bv(lo));
}

/** Plating rate j̃ [µm/s] → current density [mA/cm²]. */
export function rateToCurrentDensity(j: number, s: Scenario): number {
  return (j * LENGTH_SCALE_M * FARADAY * num(s, 'metal.site_density_mol_m3')) / A_M2_PER_MA_CM2;
}

/** Numerical floor on the electrolyte's Young's modulus [GPa]: a liquid has none, and the elastic operator needs one (2000× below Li). */
export const ELECTROLYTE_MODULUS_FLOOR_GPA = 2.5e-3;
/** Cu collector and host skeleton (E, ν): polycrystalline Cu, 110–130 GPa, ν ≈ 0.34 (Ledbetter & Naimon 1974, J. Phys. Chem. Ref. Data 3, 897); hosts are treated as Cu-stiff. */
export const HOST_MODULUS_GPA = 120;
export const HOST_POISSON = 0.34;
/** Dimensionless energy release rate of a channel crack in a thin film on a substrate of like stiffness (Beuth 1992, Int. J. Solids Struct. 29, 1657; Hutchinson & Suo 1992, Adv. Appl. Mech. 29, 63). */
export const CHANNEL_CRACK_Z = 1.976;

function lame(E: number, nu: number): [number, number] {
  return [(E * nu) / ((1 + nu) * (1 - 2 * nu)), E / (2 * (1 + nu))];
}

type MechanicsFields = 'growthStrain' | 'mechOn' | 'liLam' | 'liMu' | 'seiLam' | 'seiMu' | 'elLam' | 'elMu' | 'hostLam' | 'hostMu' | 'seiFrac' | 'mechScale' | 'yieldGPa' | 'healRate' | 'crackStrain' | 'seiLiPerLength' | 'elasticIters';

/** The run solves the mechanics: it has an SEI film, or its electrolyte pushes back on the plated Li. */
export function mechanicsOn(s: Scenario): boolean {
  return text(s, 'sei.kind') !== 'none' || num(s, 'electrolyte.growth_strain') > 0;
}

function mechanicsParams(s: Scenario, w_m: number, T: number, Cs: number): Pick<Dimless, MechanicsFields> {
  const sei = text(s, 'sei.kind') !== 'none';
  const [liLam, liMu] = lame(num(s, 'metal.modulus_GPa'), num(s, 'metal.poisson_ratio'));
  const E = num(s, 'sei.modulus_GPa');
  const nu = num(s, 'sei.poisson_ratio');
  const [seiLam, seiMu] = lame(E, nu);
  const [elLam, elMu] = lame(Math.max(num(s, 'electrolyte.modulus_GPa'), ELECTROLYTE_MODULUS_FLOOR_GPA), num(s, 'electrolyte.poisson_ratio'));
  const [hostLam, hostMu] = lame(HOST_MODULUS_GPA, HOST_POISSON);
  const t_m = num(s, 'sei.thickness_nm') * 1e-9;
  const Eplane_Pa = (E * 1e9) / (1 - nu * nu);
  return {
    mechOn: mechanicsOn(s) ? 1 : 0,
    growthStrain: num(s, 'electrolyte.growth_strain'),
    liLam,
    liMu,
    seiLam,
    seiMu,
    elLam,
    elMu,
    hostLam,
    hostMu,
    seiFrac: sei ? t_m / w_m : 0,
    mechScale: mechanicalShift(1e9, T),
    yieldGPa: num(s, 'metal.yield_strength_MPa') / 1000,
    healRate: 1 / num(s, 'sei.heal_time_s'),
    crackStrain: Math.sqrt(num(s, 'sei.fracture_energy_J_m2') / (CHANNEL_CRACK_Z * Eplane_Pa * t_m)),
    // mol/cm³ → mol/m³ is ×1e6; t in µm
    elasticIters: num(s, 'numerics.elastic_iterations'),
    seiLiPerLength: ((t_m / LENGTH_SCALE_M) * num(s, 'sei.li_content_mol_cm3') * 1e6) / Cs,
  };
}
