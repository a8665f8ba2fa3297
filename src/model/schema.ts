// The scenario keys: one table that the validator, the generated reference (docs/reference/scenario-keys.md), the JSON Schema and the app panel all read.
// Units are in the key names; sources for every default are in `source`.

import { ELECTROLYTE_KINDS, SEED_MATERIAL_KINDS, SEI_KINDS } from './materials.ts';

export type KeyType = 'number' | 'integer' | 'string' | 'boolean';

export interface KeySpec {
  key: string;
  type: KeyType;
  default: number | string | boolean;
  description: string;
  /** for numbers: allowed range; `exclusiveMin` means value > min */
  min?: number;
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** for strings: allowed values */
  values?: readonly string[];
  /** where the default comes from (MODEL.md section, seed line, paper) */
  source?: string;
}

const n = (
  key: string,
  def: number,
  description: string,
  range: Partial<Pick<KeySpec, 'min' | 'max' | 'exclusiveMin' | 'exclusiveMax'>>,
  source?: string,
): KeySpec => ({ key, type: 'number', default: def, description, ...range, source });
const int = (key: string, def: number, description: string, min: number, max: number): KeySpec => ({
  key,
  type: 'integer',
  default: def,
  description,
  min,
  max,
});
const str = (key: string, def: string, values: readonly string[], description: string): KeySpec => ({
  key,
  type: 'string',
  default: def,
  values,
  description,
});
const text = (key: string, def: string, description: string): KeySpec => ({ key, type: 'string', default: def, description });

const POS = { min: 0, exclusiveMin: true } as const;


export const SCENARIO_KEYS: readonly KeySpec[] = [
  text('about.name', 'custom', 'scenario name (presets set it)'),
  text('about.description', '', 'one line on what the scenario shows'),
  text('about.sources', '', 'where its numbers come from (seed lines, papers)'),

  int('grid.nx', 128, 'cells along the collector (x, periodic); a multiple of 4', 4, 65536),
  int('grid.ny', 128, 'cells from the collector to the reservoir (y); a multiple of 4', 4, 65536),
  n('grid.dx_um', 0.5, 'cell size [µm]; the diffuse interface must span ≥ 3 cells', { ...POS, max: 100 }, 'MODEL.md §1'),

  str('drive.mode', 'galvanostatic', ['galvanostatic', 'potentiostatic', 'cycling'], 'hold the current density, or the electrode potential, or run the plate/rest/strip protocol of the cycling.* keys (galvanostatic half-cycles, as a battery cycler does)'),
  n('drive.current_density_mA_cm2', 1, 'current density [mA/cm²] (galvanostatic): positive plates Li on the working electrode, negative strips it (the anodic Butler–Volmer branch); 0 holds the cell at rest (no net current)', { min: -1000, max: 1000 }, 'MODEL.md §5'),
  n('drive.overpotential_V', -0.1, 'electrode potential vs a Li reference in the reservoir [V] (potentiostatic); negative plates', { min: -1.5, max: 1.5 }, 'MODEL.md §5'),
  n('drive.potential_limit_V', 1.5, 'bound on |electrode potential| in galvanostatic mode [V]; reaching it stops the run (a cycler\'s voltage cutoff)', { ...POS, max: 1.5 }),

  str('cell.kind', 'half', ['half', 'li_cu', 'li_li'], 'the cell around the working electrode: half (the reservoir holds an ideal Li reference: the voltage is the working electrode\'s potential), li_cu (Li‖Cu, the Coulombic-efficiency test: a bare Cu working electrode, substrate.kind = cu, against a Li counter electrode) or li_li (a symmetric cell: a Li film, substrate.kind = li_foil, against a Li counter electrode). The counter electrode sits at the reservoir with its own Butler–Volmer kinetics (cell.counter_exchange_current_mA_cm2) and adds its overpotential to the cell voltage (docs/explanation/cycling.md)'),
  n('cell.counter_exchange_current_mA_cm2', 0, 'exchange current density of the Li counter electrode [mA/cm²]: its Butler–Volmer overpotential at the cell current adds to the cell voltage; 0 = an ideal reference (no counter polarisation; not allowed with cell.kind = li_li)', { min: 0, max: 1e4 }, 'as the working electrode: kinetics.exchange_current_mA_cm2 (MODEL.md §3)'),

  n('cycling.plate_current_mA_cm2', 1, 'plating current density of each cycle [mA/cm²] (drive.mode = cycling)', { ...POS, max: 1000 }, 'Li‖Cu and Li‖Li tests run 0.5–3 mA/cm² (002 Tables 1–3)'),
  n('cycling.strip_current_mA_cm2', 1, 'stripping current density of each cycle [mA/cm²], a magnitude (drive.mode = cycling)', { ...POS, max: 1000 }, '002 Tables 1–3'),
  n('cycling.plate_capacity_mAh_cm2', 1, 'areal capacity plated in each cycle [mAh/cm²] (1 mAh/cm² of dense Li is 4.88 µm)', { ...POS, max: 1e3 }, '002 Tables 1–3 (1 mAh/cm²)'),
  n('cycling.strip_cutoff_V', 0, 'Li‖Cu: strip until the working electrode reaches this potential vs Li [V], positive; 0 = not used (then cycling.strip_capacity_mAh_cm2)', { min: -1.5, max: 1.5 }, 'Li‖Cu Coulombic-efficiency tests strip to 0.5–1 V vs Li (Adams et al., Adv. Energy Mater. 8, 1702097 (2018))'),
  n('cycling.strip_capacity_mAh_cm2', 0, 'Li‖Li: areal capacity stripped in each cycle [mAh/cm²]; 0 = strip to cycling.strip_cutoff_V instead', { min: 0, max: 1e3 }),
  n('cycling.rest_s', 0, 'open-circuit rest after each half-cycle [s] (no net current)', { min: 0, max: 1e9 }),
  int('cycling.cycles', 1, 'plate/strip cycles to run', 1, 100000),
  n('cycling.current_step_mA_cm2', 0, 'critical-current-density protocol: both currents rise by this every cycling.cycles_per_step cycles until a short circuit or the polarisation limit [mA/cm²]; 0 = constant currents', { min: 0, max: 1000 }, 'stepped-current CCD tests of Li‖Li cells (Kasemchainan et al., Nat. Mater. 18, 1105 (2019))'),
  int('cycling.cycles_per_step', 1, 'cycles at each current of the critical-current-density protocol', 1, 10000),
  n('cycling.polarisation_limit_V', 0, 'critical-current-density protocol: a cycle whose |cell voltage| exceeds this fails [V]; 0 = only a short circuit ends it', { min: 0, max: 1.5 }),

  str('electrolyte.kind', 'custom', ELECTROLYTE_KINDS, 'electrolyte preset (src/model/materials.ts): sets concentration, diffusivity, conductivity, t₊, reference temperature and activation energy (garnet also its modulus, Poisson ratio and growth strain); custom uses those keys as given'),
  n('electrolyte.concentration_mol_L', 1, 'bulk salt concentration c0 [mol/L]', { ...POS, max: 20 }, 'MODEL.md §3 (1 M)'),
  n('electrolyte.diffusivity_m2_s', 7.5e-10, 'ambipolar salt diffusivity D_l [m²/s]', { ...POS, max: 1e-6 }, 'Chen et al. 2015; MODEL.md §3'),
  n('electrolyte.transference_number', 0.4, 'Li⁺ transference number t₊ (binary transport)', { min: 0, max: 1 }, '0.4 liquid carbonate; 0.75 HMPE (000:L301); 1 single-ion (002:L103)'),
  str('electrolyte.transport', 'binary', ['binary', 'chen2015', 'hong2018'], 'transport closure (MODEL.md §2): electroneutral binary salt; Chen 2015 Nernst–Planck; or Hong & Viswanathan 2018 grand-potential (lattice-gas Li⁺, literature phase model only)'),
  n('electrolyte.site_fraction', 0.06717, 'hong2018 closure: Li⁺ lattice-gas site fraction c_l0 at the bulk concentration (c_l = c_l0·c̃ ≤ 1)', { ...POS, max: 0.5 }, 'the surviving MOOSE input of Hong & Viswanathan\'s model (BattModels/electrodep test/tests/Li-run/liqcrys.i at f26f6b4): el = 2.631 RT, c_l0 = 1/(1 + e^2.631) = 0.06717'),
  n('electrolyte.conductivity_S_m', 1.19, 'ionic conductivity σ_l0 at c0 [S/m]', { ...POS, max: 1e3 }, 'Chen et al. 2015'),
  n('electrolyte.temperature_K', 300, 'temperature [K]: sets F/RT, and D, σ, i0 and the nucleation rate through Arrhenius factors about the reference temperature', { min: 150, max: 500 }, 'MODEL.md §3, §6.4'),
  n('electrolyte.reference_temperature_K', 300, 'temperature at which D, σ, i0 and the nucleation prefactor are given [K]', { min: 150, max: 500 }, 'MODEL.md §3'),
  n('electrolyte.activation_energy_kJ_mol', 20, 'Arrhenius activation energy of the salt diffusivity and conductivity [kJ/mol]', { min: 0, max: 200 }, 'estimate for carbonates, 15–25 kJ/mol (Valøen & Reimers 2005, J. Electrochem. Soc. 152 A882)'),

  n('metal.diffusivity_m2_s', 7.5e-13, 'Li⁺ diffusivity inside the metal phase D_s [m²/s]', { ...POS, max: 1e-6 }, 'Chen et al. 2015'),
  n('metal.conductivity_S_m', 1e7, 'electronic conductivity of Li σ_s [S/m] (chen2015 potential)', { ...POS, max: 1e9 }, 'Chen et al. 2015'),
  n('metal.site_density_mol_m3', 7.64e4, 'Li site density C_s [mol/m³]', { ...POS, max: 1e6 }, 'Chen et al. 2015'),
  str('metal.island_contact', 'none', ['none', 'out_of_plane'], 'Li islands cut off from the collector and the host in the cross-section: none = they are isolated, their potential floats and they take no current (dead Li, src/cpu/label.ts); out_of_plane = every island is taken as connected through the third dimension, at the electrode potential (a 2D cut through a connected 3D deposit, or the isolated test cylinders of the Gibbs–Thomson check)'),
  n('metal.modulus_GPa', 4.9, "Young's modulus of Li [GPa] (mechanics, with an SEI)", { ...POS, max: 1000 }, 'MODEL.md §6.3 (E ≈ 4.9 GPa)'),
  n('metal.poisson_ratio', 0.42, 'Poisson ratio of Li (mechanics)', { min: -1, max: 0.5, exclusiveMin: true, exclusiveMax: true }, 'Monroe & Newman 2005, J. Electrochem. Soc. 152 A396 (ν = 0.42)'),
  n('metal.yield_strength_MPa', 244, 'cap on the hydrostatic stress the Li surface carries [MPa]: the mechanical overpotential saturates at Ω·cap/F', { ...POS, max: 1e5 }, 'whisker growth stress up to 130 MPa, yield strength up to 244 MPa at small scale (000:L150)'),

  n('kinetics.exchange_current_mA_cm2', 1, 'exchange current density i0 [mA/cm²]; sets Lη (MODEL.md §4)', { ...POS, max: 1e4 }, 'MODEL.md §3'),
  n('kinetics.activation_energy_kJ_mol', 40, 'Arrhenius activation energy of the exchange current density [kJ/mol]', { min: 0, max: 200 }, 'estimate: Li/electrolyte charge transfer, 35–70 kJ/mol in the literature'),
  n('kinetics.double_layer_capacitance_uF_cm2', 10, 'double-layer capacitance of the electrode [µF/cm²] (galvanostatic): carries the current before Li has nucleated; 0 = purely Faradaic', { min: 0, max: 1e4 }, 'typical metal/electrolyte double layer, 10–40 µF/cm² (Bard & Faulkner, Electrochemical Methods, ch. 13)'),
  n('kinetics.transfer_coefficient', 0.5, 'Butler–Volmer transfer coefficient α', { ...POS, max: 1, exclusiveMax: true }, 'MODEL.md §3'),

  n('phase.interface_width_um', 0.6, 'interface width w [µm], ξ = ½[1 − tanh(n/2w)]; 10–90 % width is 4.39 w', { ...POS, max: 100 }, 'MODEL.md §4'),
  n('phase.interface_energy_J_m2', 0.2, 'interface energy γ [J/m²]; κ = 6γw, W = 3γ/w', { ...POS, max: 10 }, 'MODEL.md §3 (0.1–0.5); Hong & Viswanathan 2018 set at 1 MJ/m³'),
  str('phase.model', 'thin_interface', ['thin_interface', 'literature'], 'phase-field formulation (MODEL.md §4): thin_interface relaxes the profile at a numerical rate (numerics.interface_relaxation), cancels its curvature flow, and puts Gibbs–Thomson γΩK/F into the Butler–Volmer overpotential, so kinetics and capillarity follow i0, γ and Ω for any interface width; literature is the Allen–Cahn form of Chen 2015 / Hong & Viswanathan 2018 with the mobility Lσ as published (its capillarity is not Gibbs–Thomson consistent)'),
  n('phase.interface_mobility_m3_J_s', 6.25e-6, 'interface mobility Lσ [m³/(J s)] (phase.model = literature only)', { ...POS, max: 1 }, 'Hong & Viswanathan 2018 (Lσ = 6.25 at 1 MJ/m³)'),
  n('phase.anisotropy_strength', 0.04, 'surface-energy anisotropy δ in √κ = ε0[1 + δ cos ω(ψ − ψ0)]', { min: 0, max: 0.2 }, 'MODEL.md §2 (0.04–0.05)'),
  int('phase.anisotropy_mode', 4, 'anisotropy symmetry ω (4 for bcc Li)', 0, 12),
  n('phase.anisotropy_angle_deg', 0, 'preferred orientation ψ0 [deg]', { min: -360, max: 360 }),
  n('phase.noise_amplitude_per_sqrt_s', 0, 'Langevin noise on ξ in the interface [1/√s] (Δξ = A √dt ζ, ⟨ζ²⟩ = 1)', { min: 0, max: 10 }, 'MODEL.md §3 (≈ 0.04)'),

  str('substrate.kind', 'li_foil', ['li_foil', 'cu'], 'the collector: li_foil (a Li film of initial.li_thickness_um on it) or cu (bare Cu, anode-free: no Li at the start; Li must nucleate, MODEL.md §6.2)'),
  n('surface.contact_angle_deg', 120, 'contact angle θ of Li on the bare collector (Young, 000:L121); seeds and hosts have their own', { min: 0, max: 180, exclusiveMin: true, exclusiveMax: true }, 'estimate: molten Li does not wet bare Cu (002:L139)'),

  str('host.kind', 'none', ['none', 'pillars', 'fibres', 'foam'], '3D host on the collector: vertical Cu pillars, random carbon-fibre cross-sections (carbon cloth), or a foam; electronic conductors at the collector potential, impermeable to ions (MODEL.md §6.1, 000:L154–225)'),
  n('host.height_um', 20, 'height of the host layer above the collector [µm]', { ...POS, max: 1e5 }),
  n('host.width_um', 4, 'pillar width [µm] (pillars)', { ...POS, max: 1e5 }),
  n('host.spacing_um', 16, 'pillar pitch, centre to centre [µm] (pillars); the domain holds round(Lx / pitch) pillars', { ...POS, max: 1e5 }),
  n('host.fibre_diameter_um', 7, 'fibre diameter [µm] (fibres); carbon cloth fibres are 7–10 µm', { ...POS, max: 1e5 }, 'carbon cloth, 002:L150–152'),
  n('host.porosity', 0.7, 'open (electrolyte) fraction of the host layer (fibres, foam)', { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true }),
  n('host.pore_size_um', 8, 'mean pore diameter of the foam [µm] (foam)', { ...POS, max: 1e5 }),
  n('host.contact_angle_deg', 130, 'contact angle θ of Li on the bare host surface', { min: 0, max: 180, exclusiveMin: true, exclusiveMax: true }, 'estimate: most carbons are weakly lithiophilic (002:L156)'),

  str('seeding.material', 'none', SEED_MATERIAL_KINDS, 'lithiophilic seeds or coating (src/model/materials.ts: θ, i0 and the seed line); custom uses seeding.contact_angle_deg and seeding.exchange_current_mA_cm2'),
  n('seeding.contact_angle_deg', 30, 'contact angle θ of Li on the seed material (custom)', { min: 0, max: 180, exclusiveMin: true, exclusiveMax: true }),
  n('seeding.exchange_current_mA_cm2', 1, 'exchange current density on the seed material [mA/cm²] (custom)', { ...POS, max: 1e4 }),
  str('seeding.placement', 'collector', ['collector', 'host', 'all'], 'where the seeds sit: the collector, the host surfaces, or both'),
  str('seeding.pattern', 'regular', ['regular', 'random', 'coating'], 'regular (evenly spaced), random (seeded positions), or coating (the whole surface)'),
  n('seeding.density_per_um', 0.1, 'seeds per µm of surface (regular, random)', { ...POS, max: 100 }),
  n('seeding.size_um', 1, 'seed width along the surface [µm] (regular, random)', { ...POS, max: 1e5 }),
  n('seeding.host_depth_fraction', 1, 'host surfaces are seeded only below this fraction of the host height: < 1 makes a lithiophilic–lithiophobic gradient host, seeded at the bottom and bare at the top', { min: 0, max: 1, exclusiveMin: true }, '000:L170 (lithiophilic–lithiophobic gradient, Zhang et al.)'),

  n('nucleation.rate_prefactor_per_um_s', 1e4, 'heterogeneous nucleation rate prefactor A [nuclei per µm of bare surface per s] at the reference temperature; 0 switches nucleation off', { min: 0, max: 1e9 }, 'MODEL.md §6.2'),
  n('nucleation.homogeneous_overpotential_mV', 290, 'η_hom: the barrier is ΔG*/kT = f(θ)(η_hom/η)²·T_ref/T, so nucleation on a surface of angle θ sets in near η_hom·√f(θ)', { ...POS, max: 2000 }, '000:L123 (Eq. 10); an estimate, chosen so bare Cu (θ = 120°) nucleates near 80 mV at 1 mA/cm² and a 30° seed near 10 mV. No seed gives per-seed nucleation overpotentials: the mV figures of 002 Table 2 are symmetric-cell polarisation after cycling (002:L175–182)'),
  n('nucleation.activation_energy_kJ_mol', 40, 'Arrhenius activation energy of the nucleation prefactor [kJ/mol]', { min: 0, max: 200 }, 'estimate: same as the exchange current'),

  str('sei.kind', 'none', SEI_KINDS, 'solid-electrolyte interphase on the Li surface (src/model/materials.ts): sets thickness, ionic conductivity, modulus, Poisson ratio, fracture energy and healing time; none = bare Li; custom uses those keys as given (MODEL.md §6.3)'),
  n('sei.thickness_nm', 20, 'SEI thickness [nm]', { ...POS, max: 1e4 }, 'native SEI films are tens of nm (001:L69: > 1 nm blocks electrons); estimate'),
  n('sei.ionic_conductivity_S_cm', 1e-8, 'Li⁺ conductivity of the SEI [S/cm]: a film resistance thickness/σ in series with the kinetics', { ...POS, max: 1 }, 'Li₂CO₃ ≈ 1e-8, LiF 1e-9 … 1e-13, Li₂S 1e-5 S/cm (001:L81; 000:L336)'),
  n('sei.modulus_GPa', 1, "Young's modulus of the SEI [GPa] (the user's SEI modulus): the film's tension E·t·ε/(1−ν²) when the growing Li stretches it loads the Li through the elastic solve; the Li's hydrostatic stress shifts the kinetics by −Ωσ_h/F (docs/explanation/sei.md)", { ...POS, max: 1000 }, '> 3 GPa stabilises deposition (001:L87); LiF 64.9 GPa (000:L255)'),
  n('sei.poisson_ratio', 0.3, 'Poisson ratio of the SEI', { min: -1, max: 0.5, exclusiveMin: true, exclusiveMax: true }, 'estimate for ionic solids and polymers'),
  n('sei.fracture_energy_J_m2', 1, 'fracture energy of the SEI [J/m²]: the film cracks where its channel-crack energy release rate 1.976·E·t·ε²/(1−ν²) reaches it (crack strain ε_c)', { ...POS, max: 1e6 }, 'estimate; 001:L87–93 (the maximum elastic deformation energy tracks CE)'),
  n('sei.heal_time_s', 5, 'time constant of SEI re-formation [s]: a crack re-closes and the stretch of the film relaxes at 1/τ, and the new film consumes Li (sei.li_content_mol_cm3)', { ...POS, max: 1e9 }, 'estimate'),
  n('sei.li_content_mol_cm3', 0.057, 'Li bound in the SEI per film volume [mol/cm³]: sets the Li consumed where the film re-forms', { ...POS, max: 1 }, 'Li₂CO₃: 2.11 g/cm³ / 73.89 g/mol × 2 Li (CRC Handbook); LiF 0.102 (2.64 g/cm³ / 25.94 g/mol)'),
  n('sei.heterogeneity', 0, 'mosaic SEI: spread of the film resistance between patches, in decades (0 = uniform; 1 = patches from 1/√10 to √10 of the mean)', { min: 0, max: 6 }, 'mosaic SEI focuses Li⁺ flux (000:L336)'),
  n('sei.patch_size_um', 1, 'mosaic patch size [µm] (sei.heterogeneity > 0)', { ...POS, max: 1e5 }, 'estimate'),
  n('electrolyte.modulus_GPa', 0, "Young's modulus of the electrolyte or separator [GPa]: 0 for a liquid, MPa–GPa for polymers, ~150 GPa for garnet: the stiffness around the film and around the plated Li in the elastic solve (its push on the growing Li: electrolyte.growth_strain)", { min: 0, max: 1000 }, 'MODEL.md §6.3; garnet LLZO ≈ 150 GPa'),
  n('electrolyte.growth_strain', 0, 'growth eigenstrain of the plated Li along the plating direction: the share of its volume the electrolyte must make room for. 1 for a dense solid electrolyte, which cannot flow out of the way; 0 for a liquid, which flows. The uniform part of each row is taken up by the stack (free to move), so a flat front stays stress-free and a protrusion presses into the electrolyte, which presses back on it (Monroe–Newman); > 0 turns on the elastic solve even without an SEI', { min: 0, max: 1 }, "MODEL.md §6.3 (the deposit's growth eigenstrain); Hong & Viswanathan's Zn hybrid-electrolyte phase field uses the solid fraction of the electrolyte"),
  n('electrolyte.poisson_ratio', 0.3, 'Poisson ratio of the electrolyte or separator', { min: -1, max: 0.5, exclusiveMin: true, exclusiveMax: true }, 'estimate'),

  n('initial.li_thickness_um', 5, 'thickness of the initial Li film on the collector [µm] (substrate.kind = li_foil)', { min: 0, max: 1e5 }),
  int('initial.nuclei_count', 0, 'hemispherical Li nuclei on the film, evenly spaced with seeded jitter', 0, 10000),
  n('initial.nucleus_radius_um', 2, 'radius of the initial nuclei [µm]', { ...POS, max: 1e4 }),

  n('run.until_s', 10, 'simulated time to stop at [s]; not used when run.charge_mAh_cm2 > 0', { ...POS, max: 1e9 }),
  n('run.charge_mAh_cm2', 0, 'stop once this areal charge has passed [mAh/cm²]; 0 = not used', { min: 0, max: 1e3 }),
  int('run.seed', 1, 'random seed (noise, nuclei jitter): identical on CPU and GPU', 0, 4294967295),
  int('run.metrics_every_steps', 50, 'steps between metric rows (asynchronous GPU readback)', 1, 4096),
  { key: 'run.stop_at_sand', type: 'boolean', default: false, description: "stop once the surface Li⁺ concentration is depleted (Sand's time)" },
  int('run.max_steps', 100_000_000, 'hard stop on the number of steps', 1, 2 ** 31 - 1),

  n('numerics.dt_max_s', 1e6, 'upper bound on the time step [s]; by default none beyond the accuracy controls: interface displacement (numerics.max_dxi_per_step), the explicit Gibbs–Thomson and kinetic-growth rates, the explicit phase step of phase.model = literature, 20 % growth per step', { ...POS, max: 1e6 }, 'MODEL.md §7'),
  n('numerics.dt_initial_s', 1e-4, 'first time step [s]; grows ≤ 20 % per step (phase.model = literature: at most the explicit Allen–Cahn bound)', { ...POS, max: 1e6 }),
  n('numerics.max_dxi_per_step', 0.02, 'largest change of ξ per step (interface-motion dt control)', { ...POS, max: 0.5 }, 'MODEL.md §7'),
  n('numerics.interface_relaxation', 10, 'thin_interface: rate Γ at which the profile relaxes, in units of the drive\'s front speed over the interface width (Γ = λ·v/w; v from the current density, or from Butler–Volmer at the applied potential, at least 1 % of i0/(F C_s) per unit fη). A numerical mobility, not a physical input: the profile must relax faster than the front crosses it, and the curvature-free relaxation leaves an O(h²) residual curvature flow ∝ Γ; between 5 and 40 it does not change the answer beyond the tested tolerances (tests/thin-interface.test.ts)', { ...POS, max: 1e4 }, 'MODEL.md §4, §7'),
  n('numerics.stability_safety', 0.45, 'fraction of the explicit phase-field stability limit used', { ...POS, max: 1 }),
  int('numerics.mg_cycles', 2, 'multigrid V-cycles per implicit solve per step (warm-started)', 1, 50),
  int('numerics.elastic_iterations', 2, 'elastic solver iterations per step with an SEI (warm-started: the stress follows the slowly changing film strain)', 1, 100),
  n('numerics.sigma_floor', 1e-2, 'floor on the electrolyte fraction 1 − h (binary): in the φ_l conductivity and the salt balance; keeps φ_l regular where the diffuse profile relaxes inside the metal', { ...POS, max: 0.5 }, 'MODEL.md §2; 1e-4 lets profile relaxation at ξ ≈ 0.96 drive φ_l to ~1 V'),
  n('numerics.conc_floor', 1e-3, 'floor on c̃ in σ_l(c̃) = σ_l0·max(c̃, floor) (binary)', { ...POS, max: 0.5 }, 'MODEL.md §2'),
];

export const KEY_INDEX: ReadonlyMap<string, KeySpec> = new Map(SCENARIO_KEYS.map((k) => [k.key, k]));
