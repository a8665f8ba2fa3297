// Physical constants and the scales of the dimensionless system (MODEL.md §3).

/** Faraday constant [C/mol] (CODATA 2018, exact). */
export const FARADAY = 96485.33212;
/** Molar gas constant [J/(mol K)] (CODATA 2018, exact). */
export const GAS_CONSTANT = 8.314462618;
/** Li molar volume [m³/mol] (MODEL.md §3; 6.94 g/mol / 0.534 g/cm³). */
export const LI_MOLAR_VOLUME = 1.3e-5;

/** Length scale: 1 µm. Every length inside the solver is in µm. */
export const LENGTH_SCALE_M = 1e-6;
/** Time scale: 1 s. */
export const TIME_SCALE_S = 1;

/** F/(RT) [1/V]: potentials inside the solver are φ̃ = φ·F/(RT). 38.69 V⁻¹ at 300 K (MODEL.md §3). */
export function inverseThermalVoltage(temperature_K: number): number {
  return FARADAY / (GAS_CONSTANT * temperature_K);
}

/** 1 mA/cm² = 10 A/m². */
export const A_M2_PER_MA_CM2 = 10;

/**
 * Mechanical shift of the overpotential Ω σ_h/(RT) in F/RT units for a hydrostatic stress σ_h [Pa]
 * (Monroe & Newman 2005, J. Electrochem. Soc. 152 A396; MODEL.md §6.3): the kinetics see η − Ωσ_h/F.
 */
export function mechanicalShift(sigmaH_Pa: number, temperature_K: number): number {
  return (LI_MOLAR_VOLUME * sigmaH_Pa) / (GAS_CONSTANT * temperature_K);
}
