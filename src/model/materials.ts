// Material and electrolyte tables (MODEL.md §6.2, §6.4): the numbers behind seeding.material and
// electrolyte.kind, each with where it comes from. Values marked "estimate" are not measured in
// the cited source; they are chosen inside the range the source and its references support, and
// docs/explanation/substrates-and-hosts.md says so.

/** A lithiophilic seed or coating: contact angle of Li on it and the exchange current on it. */
export interface SeedMaterial {
  label: string;
  contactAngle_deg: number;
  exchangeCurrent_mA_cm2: number;
  source: string;
}

export const SEED_MATERIALS = {
  au: {
    label: 'Au',
    contactAngle_deg: 10,
    exchangeCurrent_mA_cm2: 2,
    source: 'Li alloys with Au (000:L121–123: θ → 0 removes the barrier); Li-reactive Au interlayers wet Li (002:L185); θ and i0 estimates',
  },
  ag: {
    label: 'Ag',
    contactAngle_deg: 15,
    exchangeCurrent_mA_cm2: 2,
    source: 'electroplated Ag on carbon fibre guides Li (002:L150, Table 2 [55]); θ and i0 estimates',
  },
  zn: {
    label: 'Zn',
    contactAngle_deg: 25,
    exchangeCurrent_mA_cm2: 1.5,
    source: 'Zn alloys with Li (002:L139, elements reacting with molten Li); θ and i0 estimates',
  },
  zno: {
    label: 'ZnO',
    contactAngle_deg: 30,
    exchangeCurrent_mA_cm2: 1.5,
    source: 'ZnO-coated carbon guides Li (002:L150); θ and i0 estimates. 002 Table 2 [51], [52] (002:L175–176) gives its symmetric-cell polarisation after cycling, 20 mV at 0.5 mA/cm² and 35 mV at 1 mA/cm², not a nucleation overpotential',
  },
  mg: {
    label: 'Mg',
    contactAngle_deg: 25,
    exchangeCurrent_mA_cm2: 1.5,
    source: 'Mg raises Li adsorption and wetting (002:L139, L160); θ and i0 estimates (002 Table 2 [62]: < 50 mV is cycling polarisation, 002:L182)',
  },
  n_doped_carbon: {
    label: 'N-doped C',
    contactAngle_deg: 50,
    exchangeCurrent_mA_cm2: 1.2,
    source: 'pyridinic/pyrrolic N guides uniform nucleation (002:L156, Table 2 [58]); θ and i0 estimates',
  },
  br_doped_cu: {
    label: 'Br-doped Cu',
    contactAngle_deg: 40,
    exchangeCurrent_mA_cm2: 1.5,
    source: 'CuBr/Br-doped Cu collector (002:L156); θ and i0 estimates (002 Table 2 [57]: < 25 mV over 800 h at 1 mA/cm² is cycling polarisation, 002:L179)',
  },
  bare_cu: {
    label: 'bare Cu',
    contactAngle_deg: 120,
    exchangeCurrent_mA_cm2: 1,
    source: 'reference: molten Li does not wet Cu (002:L139); same as surface.contact_angle_deg',
  },
} as const satisfies Record<string, SeedMaterial>;

export type SeedMaterialName = keyof typeof SEED_MATERIALS;
export const SEED_MATERIAL_KINDS: readonly string[] = ['none', ...Object.keys(SEED_MATERIALS), 'custom'];

/** An electrolyte: the keys it sets (values at its reference temperature). */
export interface Electrolyte {
  label: string;
  values: {
    'electrolyte.concentration_mol_L': number;
    'electrolyte.diffusivity_m2_s': number;
    'electrolyte.conductivity_S_m': number;
    'electrolyte.transference_number': number;
    'electrolyte.reference_temperature_K': number;
    'electrolyte.activation_energy_kJ_mol': number;
    // solid electrolytes set their stiffness and their push on the plated Li too
    'electrolyte.modulus_GPa'?: number;
    'electrolyte.poisson_ratio'?: number;
    'electrolyte.growth_strain'?: number;
  };
  source: string;
}

export const ELECTROLYTES = {
  carbonate_1m: {
    label: '1 M LiPF₆ in EC/EMC',
    values: {
      'electrolyte.concentration_mol_L': 1,
      'electrolyte.diffusivity_m2_s': 3.0e-10,
      'electrolyte.conductivity_S_m': 0.95,
      'electrolyte.transference_number': 0.38,
      'electrolyte.reference_temperature_K': 298.15,
      'electrolyte.activation_energy_kJ_mol': 20,
    },
    source: 'Valøen & Reimers 2005 (J. Electrochem. Soc. 152 A882) at 1 M, 25 °C; t₊ ≈ 0.4 liquid carbonate (MODEL.md §3); 000:L240 (1 M carbonates)',
  },
  ether_1m: {
    label: '1 M LiTFSI in DOL/DME',
    values: {
      'electrolyte.concentration_mol_L': 1,
      'electrolyte.diffusivity_m2_s': 6.0e-10,
      'electrolyte.conductivity_S_m': 1.1,
      'electrolyte.transference_number': 0.5,
      'electrolyte.reference_temperature_K': 298.15,
      'electrolyte.activation_energy_kJ_mol': 15,
    },
    source: 'ether electrolyte of 002:L129 (1 M LiTFSI-DME/DOL); σ ≈ 11 mS/cm, D and t₊ estimates for low-viscosity ethers',
  },
  hce_4m: {
    label: '4 M LiFSI in DME (high concentration)',
    values: {
      'electrolyte.concentration_mol_L': 4,
      'electrolyte.diffusivity_m2_s': 1.0e-10,
      'electrolyte.conductivity_S_m': 0.45,
      'electrolyte.transference_number': 0.55,
      'electrolyte.reference_temperature_K': 298.15,
      'electrolyte.activation_energy_kJ_mol': 25,
    },
    source: '000:L241 (Qian et al. 2015, 4 M LiFSI-DME: dense Li, CE 99.1 %); σ ≈ 4.5 mS/cm; D and t₊ estimates for a viscous concentrated salt',
  },
  single_ion: {
    label: 'single-ion conductor (t₊ = 1)',
    values: {
      'electrolyte.concentration_mol_L': 1,
      'electrolyte.diffusivity_m2_s': 1.0e-10,
      'electrolyte.conductivity_S_m': 0.1,
      'electrolyte.transference_number': 1,
      'electrolyte.reference_temperature_K': 298.15,
      'electrolyte.activation_energy_kJ_mol': 30,
    },
    source: 't₊ = 1: no concentration gradient, no Sand depletion (002:L103; 000:L129); σ = 1 mS/cm estimate',
  },
  solid_polymer: {
    label: 'PEO–LiTFSI solid polymer at 80 °C',
    values: {
      'electrolyte.concentration_mol_L': 1.5,
      'electrolyte.diffusivity_m2_s': 1.0e-11,
      'electrolyte.conductivity_S_m': 0.1,
      'electrolyte.transference_number': 0.2,
      'electrolyte.reference_temperature_K': 353.15,
      'electrolyte.activation_energy_kJ_mol': 50,
    },
    source: 'solid polymer electrolytes, no convection (000:L297–309); PEO–LiTFSI at 80 °C: σ ≈ 1 mS/cm, t₊ ≈ 0.2, D ~ 1e-11 m²/s (estimates of the usual range)',
  },
  garnet: {
    label: 'garnet (LLZO-type) ceramic solid electrolyte',
    values: {
      'electrolyte.concentration_mol_L': 1,
      'electrolyte.diffusivity_m2_s': 1.0e-12,
      'electrolyte.conductivity_S_m': 0.05,
      'electrolyte.transference_number': 1,
      'electrolyte.reference_temperature_K': 298.15,
      'electrolyte.activation_energy_kJ_mol': 35,
      'electrolyte.modulus_GPa': 150,
      'electrolyte.poisson_ratio': 0.26,
      'electrolyte.growth_strain': 1,
    },
    source: 'garnet LLZT conducts Li⁺ only (t₊ = 1; 002:L103, L232), the dense ceramic that stops Li by its strength (000:L297); E ≈ 150 GPa (MODEL.md §6.3); growth strain 1: it cannot flow out of the plated Li\'s way; σ ≈ 0.5 mS/cm, Eₐ ≈ 35 kJ/mol and ν ≈ 0.26 estimates of the usual range; c0 and D nominal (with t₊ = 1 the salt has no gradient)',
  },
} as const satisfies Record<string, Electrolyte>;

export type ElectrolyteName = keyof typeof ELECTROLYTES;
export const ELECTROLYTE_KINDS: readonly string[] = ['custom', ...Object.keys(ELECTROLYTES)];

/** θ [deg] and i0 [mA/cm²] of the seeding material of a resolved scenario (custom: its keys). */
export function seedProperties(material: string, custom: { contactAngle_deg: number; exchangeCurrent_mA_cm2: number }): { contactAngle_deg: number; exchangeCurrent_mA_cm2: number } | undefined {
  if (material === 'none') return undefined;
  if (material === 'custom') return custom;
  return SEED_MATERIALS[material as SeedMaterialName];
}

/** Heterogeneous nucleation barrier factor f(θ) = (2 − 3cos θ + cos³θ)/4 (000:L123, Eq. 10). */
export function barrierFactor(cosTheta: number): number {
  return (2 - 3 * cosTheta + cosTheta * cosTheta * cosTheta) / 4;
}

/**
 * An SEI (MODEL.md §6.3, 001 §2.2): the film keys it sets. Thickness, conductivity and modulus
 * come from the cited lines where they give a number; fracture energy and healing time are
 * estimates (no seed measures them), chosen so that the ordering the seeds describe holds: brittle
 * inorganic films crack, flexible organic and bilayer films bend (001:L87–93).
 */
export interface SeiMaterial {
  label: string;
  values: {
    'sei.thickness_nm': number;
    'sei.ionic_conductivity_S_cm': number;
    'sei.modulus_GPa': number;
    'sei.poisson_ratio': number;
    'sei.fracture_energy_J_m2': number;
    'sei.heal_time_s': number;
  };
  source: string;
}

export const SEI_MATERIALS = {
  native_carbonate: {
    label: 'native carbonate SEI (ROCOO-Li, Li₂CO₃)',
    values: { 'sei.thickness_nm': 20, 'sei.ionic_conductivity_S_cm': 1e-8, 'sei.modulus_GPa': 1, 'sei.poisson_ratio': 0.3, 'sei.fracture_energy_J_m2': 0.2, 'sei.heal_time_s': 5 },
    source: 'ROCOO-Li/Li₂CO₃ rich (001:L73); Li₂CO₃ ≈ 1e-8 S/cm (001:L81); ROCOO-Li has the lowest modulus, native films are non-uniform (001:L87); thickness, fracture energy and healing time estimates',
  },
  ether: {
    label: 'ether-derived SEI (oligomeric, flexible)',
    values: { 'sei.thickness_nm': 15, 'sei.ionic_conductivity_S_cm': 1e-8, 'sei.modulus_GPa': 0.5, 'sei.poisson_ratio': 0.35, 'sei.fracture_energy_J_m2': 2, 'sei.heal_time_s': 5 },
    source: 'ether electrolytes give a thinner, more flexible organic film (001:L87–93: soft organic layer); all numbers estimates',
  },
  lif_rich: {
    label: 'LiF-rich artificial SEI (stiff)',
    values: { 'sei.thickness_nm': 20, 'sei.ionic_conductivity_S_cm': 1e-9, 'sei.modulus_GPa': 64.9, 'sei.poisson_ratio': 0.25, 'sei.fracture_energy_J_m2': 0.5, 'sei.heal_time_s': 5 },
    source: 'LiF: Young’s modulus ≈ 64.9 GPa (000:L255); LiF ≈ 1e-9 S/cm (000:L336; 1e-13–1e-14 for bulk crystals, 001:L81); fracture energy estimate (brittle ionic crystal)',
  },
  li2s_li3n: {
    label: 'Li₂S / Li₃N-type (high ionic conductivity)',
    values: { 'sei.thickness_nm': 20, 'sei.ionic_conductivity_S_cm': 1e-5, 'sei.modulus_GPa': 10, 'sei.poisson_ratio': 0.3, 'sei.fracture_energy_J_m2': 0.5, 'sei.heal_time_s': 5 },
    source: 'Li₂S artificial SEI, 1e-5 S/cm, large round deposits (000:L336; 001:L163); modulus and fracture energy estimates',
  },
  bilayer: {
    label: 'flexible–rigid bilayer (inorganic + organic)',
    values: { 'sei.thickness_nm': 40, 'sei.ionic_conductivity_S_cm': 1e-7, 'sei.modulus_GPa': 5, 'sei.poisson_ratio': 0.3, 'sei.fracture_energy_J_m2': 5, 'sei.heal_time_s': 5 },
    source: 'inorganic-rich + organic-rich layers: stiff and tough, a buffer layer (001:L93); effective modulus > 3 GPa (001:L87); numbers estimates',
  },
  polymer_coating: {
    label: 'polymer coating (artificial, elastic)',
    values: { 'sei.thickness_nm': 100, 'sei.ionic_conductivity_S_cm': 1e-6, 'sei.modulus_GPa': 0.2, 'sei.poisson_ratio': 0.4, 'sei.fracture_energy_J_m2': 20, 'sei.heal_time_s': 5 },
    source: 'polymeric protective layer on Li (001:L163, Figure 7b); polymer coatings are MPa–GPa soft (MODEL.md §6.3); numbers estimates',
  },
} as const satisfies Record<string, SeiMaterial>;

export type SeiMaterialName = keyof typeof SEI_MATERIALS;
export const SEI_KINDS: readonly string[] = ['none', ...Object.keys(SEI_MATERIALS), 'custom'];
