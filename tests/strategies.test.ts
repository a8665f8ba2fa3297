// Substrate, host, seeding and temperature strategies (issue 4, MODEL.md §6.1, §6.2, §6.4, §9).
// Fixed seeds; each comparison fails if the physics behind it is switched off (no seeds, no host,
// no Arrhenius factor: the two runs would be the same).
import { describe, expect, it } from 'vitest';
import { BACKENDS, LITERATURE_FRONT } from './support/scenarios.ts';
import { resolveScenario, ScenarioError, type Scenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';
import { toDimless } from '../src/model/dimless.ts';
import { ELECTROLYTES } from '../src/model/materials.ts';
import { FARADAY, GAS_CONSTANT } from '../src/model/constants.ts';

type Overrides = Record<string, Record<string, number | string | boolean>>;
const preset = (name: string, over: Overrides = {}): Scenario => resolveScenario({ preset: name, ...over });

async function last(s: Scenario, limits: { until_s?: number; charge_mAh_cm2?: number } = {}): Promise<MetricsRow> {
  const sim = await createSimulation(s, { backend: 'cpu' });
  await sim.run(limits);
  return sim.rows[sim.rows.length - 1];
}

const fmt = (r: MetricsRow) =>
  `η_n ${r.nucleation_overpotential_mV.toFixed(1)} mV, ${r.nucleation_events} nucleation events, ${r.nuclei_count} islands, spacing CV ${r.nucleus_spacing_cv.toFixed(3)}, coverage ${r.collector_coverage.toFixed(3)}, i_local ${r.local_current_density_mA_cm2.toFixed(3)} mA/cm², max height ${r.deposit_max_height_um.toFixed(2)} µm, roughness ${r.roughness_um.toFixed(3)} µm, c_s,min ${r.surface_min_conc.toFixed(4)}`;

// The nucleation presets at 128×64 cells of 0.1 µm (12.8 × 6.4 µm) to 0.05 mAh/cm² (0.24 µm of Li).
const nucleationCase = (name: string, over: Overrides = {}) => preset(name, { grid: { nx: 128, ny: 64 }, ...over });
const CHARGE = { charge_mAh_cm2: 0.05 };

// The presets run the thin interface (Gibbs–Thomson capillarity). Where a trend measured on the literature
// front (the Allen–Cahn capillarity 10³–10⁶× too strong) does not hold there, the expectation stays written
// as an it.fails test with the figures both fronts gave: it fails, and says so, the day the trend returns.
// docs/explanation/trends.md.
describe('seeding and nucleation (CPU, fixed seed)', () => {
  let pair: Promise<[MetricsRow, MetricsRow]> | undefined;
  const cuAu = () =>
    (pair ??= (async () => {
      const cu = await last(nucleationCase('bare-cu'), CHARGE);
      const au = await last(nucleationCase('au-seeded-cu'), CHARGE);
      console.log(`[strategies] bare Cu: ${fmt(cu)}\n[strategies] Au-seeded Cu: ${fmt(au)}`);
      return [cu, au];
    })());

  it('Au-seeded Cu nucleates at a lower overpotential than bare Cu', async () => {
    const [cu, au] = await cuAu();
    expect(au.nucleation_overpotential_mV).toBeLessThan(cu.nucleation_overpotential_mV);
  }, 300_000);

  // Flipped on the thin interface at this grid: spacing CV 0.318 (Au) against 0.278 (bare Cu); at the preset
  // size (256 × 128, docs/strategies) it holds, 0.054 against 0.300. The literature front gave the seeds the
  // more even spacing at both (002:L139, L185: Li nucleates evenly on Li-reactive Au)
  it.fails('flipped on the thin interface: Au-seeded Cu nucleates more evenly than bare Cu (spacing CV)', async () => {
    const [cu, au] = await cuAu();
    expect(au.nucleus_spacing_cv).toBeLessThan(cu.nucleus_spacing_cv);
  }, 300_000);

  it('a higher current density gives a larger nucleation overpotential (and, on bare Cu, denser nuclei and a smoother nucleation stage)', async () => {
    const low = await last(nucleationCase('bare-cu', { drive: { current_density_mA_cm2: 1 } }), CHARGE);
    const high = await last(nucleationCase('bare-cu', { drive: { current_density_mA_cm2: 4 } }), CHARGE);
    console.log(`[strategies] 1 mA/cm²: ${fmt(low)}\n[strategies] 4 mA/cm²: ${fmt(high)}`);
    expect(high.nucleation_overpotential_mV).toBeGreaterThan(low.nucleation_overpotential_mV);
    // The larger overpotential makes more nuclei per area, as the seeds describe for low temperature
    // (000:L400–402): at the same charge they cover more of the collector and the deposit is
    // smoother. A model prediction kept as a test so that a change to it is seen; the roughening
    // with current is the next test, on a Li film.
    expect(high.collector_coverage).toBeGreaterThan(low.collector_coverage);
    expect(high.roughness_um).toBeLessThan(low.roughness_um);
  }, 300_000);

  it('at the same charge a higher current leaves a Li film rougher: its bumps have less time to relax', async () => {
    // a Li foil with four 2 µm bumps (0.5 µm cells), plated to 0.3 mAh/cm² on the literature front:
    // capillarity flattens the bumps at a rate set by Lσ, deposition carries them along at the rate
    // set by the current, so per unit charge a higher current leaves them higher. A mechanism of that
    // front's capillarity: on the thin preset (Gibbs–Thomson) 2 µm bumps do not relax on this time
    // scale, and the roughness is 0.574 µm at both currents (docs/explanation/trends.md)
    const bumpy = (i: number) => preset('li-foil', { phase: LITERATURE_FRONT, initial: { li_thickness_um: 5, nuclei_count: 4, nucleus_radius_um: 2 }, drive: { current_density_mA_cm2: i } });
    const low = await last(bumpy(1), { charge_mAh_cm2: 0.3 });
    const high = await last(bumpy(4), { charge_mAh_cm2: 0.3 });
    console.log(`[strategies] Li film with bumps, 0.3 mAh/cm²: roughness ${low.roughness_um.toFixed(3)} µm at 1 mA/cm², ${high.roughness_um.toFixed(3)} µm at 4 mA/cm²`);
    expect(high.roughness_um).toBeGreaterThan(low.roughness_um);
  }, 300_000);

  it('a lower temperature gives more nuclei (000:L400–402)', async () => {
    const warm = await last(nucleationCase('bare-cu', { electrolyte: { temperature_K: 300 } }), CHARGE);
    const cold = await last(nucleationCase('bare-cu', { electrolyte: { temperature_K: 260 } }), CHARGE);
    console.log(`[strategies] 300 K: ${fmt(warm)}\n[strategies] 260 K: ${fmt(cold)}`);
    expect(cold.nucleation_events).toBeGreaterThan(warm.nucleation_events);
    expect(cold.nucleation_overpotential_mV).toBeGreaterThan(warm.nucleation_overpotential_mV);
  }, 300_000);
});

describe('3D hosts (CPU, fixed seed)', () => {
  // The host presets' resolution (256×128 cells of 0.25 µm), 0.1 mAh/cm² at 1 mA/cm².
  const HOST_GRID: Overrides = { grid: { nx: 256, ny: 128, dx_um: 0.25 }, phase: { interface_width_um: 0.25 } };

  it('a ZnO-coated fibre host lowers the local current density against the planar Cu collector; Li fills its pores without overflowing', async () => {
    const planar = await last(preset('bare-cu', HOST_GRID), { charge_mAh_cm2: 0.1 });
    const sim = await createSimulation(preset('zno-carbon-fibre-host', HOST_GRID), { backend: 'cpu' });
    await sim.run({ charge_mAh_cm2: 0.1 });
    const host = sim.rows[sim.rows.length - 1];
    console.log(`[strategies] planar Cu: ${fmt(planar)}\n[strategies] ZnO-coated fibre host: ${fmt(host)}, pore filling ${host.pore_filling.toFixed(3)}`);
    expect(host.local_current_density_mA_cm2).toBeLessThan(planar.local_current_density_mA_cm2);
    expect(host.pore_filling).toBeGreaterThan(0.02);
    expect(sim.events.filter((e) => e.kind === 'host_overflow')).toEqual([]);
  }, 300_000);

  // a thin host at the nucleation resolution: 3 µm of 1 µm fibres, porosity 0.6, 128×64 cells of 0.1 µm, 4 mA/cm²
  const thin: Overrides = { grid: { nx: 128, ny: 64, dx_um: 0.1 }, phase: { interface_width_um: 0.1 }, host: { height_um: 3, fibre_diameter_um: 1, porosity: 0.6 }, drive: { current_density_mA_cm2: 4 } };
  const overflow = async (name: string, seeding: Overrides['seeding'] = {}, drive: Overrides['drive'] = thin.drive, charge_mAh_cm2 = 0.25) => {
    const sim = await createSimulation(preset(name, { ...thin, seeding, drive }), { backend: 'cpu' });
    await sim.run({ charge_mAh_cm2 });
    const e = sim.events.find((ev) => ev.kind === 'host_overflow');
    // the event is raised on the metrics row at which Li first stands above the host
    const row = sim.rows.find((r) => r.step === e?.step);
    return { time_s: e?.time_s ?? Infinity, fill: row?.pore_filling ?? NaN };
  };
  let hosts: Promise<{ time_s: number; fill: number }[]> | undefined;
  const hostRuns = () =>
    (hosts ??= (async () => {
      const runs = [await overflow('carbon-fibre-host'), await overflow('zno-carbon-fibre-host', { placement: 'host' }), await overflow('zno-carbon-fibre-host', { placement: 'all' })];
      const labels = ['uncoated (θ = 130°)', 'ZnO on the fibres', 'ZnO on the fibres and the collector'];
      console.log(`[strategies] thin host, 4 mA/cm², Li first above the host: ${runs.map((r, k) => `${labels[k]} at ${r.time_s.toFixed(1)} s with ${(100 * r.fill).toFixed(1)} % of the pores filled`).join('; ')}`);
      return runs;
    })());

  // Flipped on the thin interface: ZnO on the fibres alone overflows at 68.8 s (20.1 % filled), with the
  // collector coated too at 58.2 s (16.8 %); the literature front had the fully coated host last and fullest
  it.fails('flipped on the thin interface: coating the collector too makes the host overflow later and fuller than ZnO on the fibres alone', async () => {
    const runs = await hostRuns();
    expect(runs[2].time_s).toBeGreaterThan(runs[1].time_s);
    expect(runs[2].fill).toBeGreaterThan(runs[1].fill);
  }, 600_000);

  it('a lithiophilic coating makes a host overflow later and fuller: uncoated fibres against ZnO on the fibres, and on the fibres and the collector', async () => {
    const runs = await hostRuns();
    for (const r of runs) expect(Number.isFinite(r.time_s)).toBe(true);
    // a coated host, either way, overflows later and fuller than the uncoated one
    for (let k = 1; k < runs.length; k++) {
      expect(runs[k].time_s).toBeGreaterThan(runs[0].time_s);
      expect(runs[k].fill).toBeGreaterThan(runs[0].fill);
    }
  }, 600_000);

  // the fully coated host plated slowly (0.25 mA/cm², 0.45 mAh/cm²; the pores hold 1.8 µm of Li, 0.37 mAh/cm²)
  let slowRun: Promise<{ time_s: number; fill: number }> | undefined;
  const slowHost = () =>
    (slowRun ??= (async () => {
      const slow = await overflow('zno-carbon-fibre-host', { placement: 'all' }, { current_density_mA_cm2: 0.25 }, 0.45);
      const runs = await hostRuns();
      console.log(`[strategies] thin host, ZnO on the fibres and the collector, 0.25 mA/cm²: Li first above the host at ${slow.time_s.toFixed(0)} s with ${(100 * slow.fill).toFixed(1)} % of the pores filled (4 mA/cm²: ${(100 * runs[2].fill).toFixed(1)} %)`);
      return slow;
    })());

  it('plated slowly, the coated host still overflows within 0.45 mAh/cm² (the run the flipped test below reads)', async () => {
    const slow = await slowHost();
    expect(Number.isFinite(slow.time_s)).toBe(true);
    expect(slow.fill).toBeGreaterThan(0);
  }, 600_000);

  // Flipped on the thin interface: plated slowly (0.25 mA/cm²), the fully coated host overflows at 544 s with
  // 10.1 % of its pores filled, less than at 4 mA/cm² (16.8 %); the literature front filled 81.8 % first, as
  // the charge-transfer resistance spread the current over the coated surface (a larger Wagner number)
  it.fails('flipped on the thin interface: plated slowly, the coated host fills (> 75 %) before Li overflows it', async () => {
    const runs = await hostRuns();
    const slow = await slowHost();
    expect(slow.fill).toBeGreaterThan(0.75);
    expect(slow.fill).toBeGreaterThan(runs[2].fill + 0.15);
  }, 600_000);

  it("a host delays Li⁺ depletion against the planar collector: where planar Cu reaches Sand's time within 2 s, the host reaches it later", async () => {
    // Depletion needs a current well above the limiting one: 0.1 M salt (σ ≈ 2.5 mS/cm, an estimate for
    // a dilute carbonate) at 30 mA/cm², where Sand's time on a plane is πD(Fc0)²/(4(J(1−t₊))²) = 1.69 s.
    // The cell is 128 µm tall, longer than the diffusion length √(πDt) ≈ 70 µm at that time, so the
    // reservoir does not set it. Same ZnO chemistry on both: a coated flat collector against the coated
    // collector with the coated fibre host (16 µm of 5 µm fibres, porosity 0.6) on it; 0.5 µm cells.
    // Measured in development: flat 1.76 s, host 2.15 s; with σ = 1.5 mS/cm 1.77 / 2.29 s, and on
    // 0.25 µm cells (GPU) 1.71 / 2.16 s; with ZnO on the collector only, under the same host, 2.18 s.
    // Why: the sink is spread over the host's depth. At 1.7 s the lowest Li⁺ anywhere in the pores is
    // 0.051 c0 against 0.026 at the flat surface, while above the host the electrolyte is the more
    // depleted one (0.23 against 0.36 c0 at 16.5 µm): the Li⁺ that plates on the fibres never reaches the
    // bottom. (A transient effect: at 1 mA/cm² to 0.1 mAh/cm² in the 32 µm preset cell, where the
    // diffusion layer spans the cell, the tortuous pores leave the host's lowest surface Li⁺ a little
    // lower, 0.9952 against 0.9967 c0 on bare Cu.)
    const depleting = (over: Overrides) =>
      preset('zno-carbon-fibre-host', {
        grid: { nx: 128, ny: 256, dx_um: 0.5 },
        phase: { interface_width_um: 0.5 },
        electrolyte: { concentration_mol_L: 0.1, conductivity_S_m: 0.25 },
        drive: { current_density_mA_cm2: 30 },
        run: { stop_at_sand: true, charge_mAh_cm2: 0, until_s: 5, metrics_every_steps: 10 },
        ...over,
      });
    const sand = async (s: Scenario) => {
      const sim = await createSimulation(s, { backend: 'cpu' });
      const r = await sim.run();
      const e = sim.events.find((ev) => ev.kind === 'sand_depletion');
      return { reason: r.reason, t: e?.time_s ?? Infinity, row: sim.rows[sim.rows.length - 1] };
    };
    const flat = depleting({ host: { kind: 'none' }, seeding: { placement: 'collector' } });
    const planar = await sand(flat);
    const host = await sand(depleting({ seeding: { placement: 'all' } }));
    const D = Number(flat.electrolyte.diffusivity_m2_s);
    const c0 = 1000 * Number(flat.electrolyte.concentration_mol_L);
    const J = 10 * Number(flat.drive.current_density_mA_cm2);
    const tPlus = Number(flat.electrolyte.transference_number);
    const tSand = (Math.PI * D * (FARADAY * c0) ** 2) / (4 * (J * (1 - tPlus)) ** 2);
    console.log(`[strategies] 0.1 M, 30 mA/cm²: Sand's time ${planar.t.toFixed(3)} s on the coated flat collector (analytic ${tSand.toFixed(3)} s), ${host.t.toFixed(3)} s with the coated fibre host (${((host.t / planar.t - 1) * 100).toFixed(0)} % later); at depletion: flat ${fmt(planar.row)}; host ${fmt(host.row)}, pore filling ${host.row.pore_filling.toFixed(3)}`);
    expect(planar.reason).toBe('sand');
    expect(host.reason).toBe('sand');
    // the flat collector is the textbook case
    expect(Math.abs(planar.t / tSand - 1)).toBeLessThan(0.08);
    expect(host.t).toBeGreaterThan(1.1 * planar.t);
  }, 300_000);
});

describe('GPU against CPU: wetting, nucleation and host geometry', () => {
  it.skipIf(!BACKENDS.includes('gpu'))('30 steps of a seeded fibre host on Cu agree', async () => {
    const s = preset('zno-carbon-fibre-host', { grid: { nx: 64, ny: 48, dx_um: 0.5 }, phase: { interface_width_um: 0.6 }, run: { metrics_every_steps: 10 }, seeding: { pattern: 'regular', density_per_um: 0.1, size_um: 2 } });
    const cpu = await createSimulation(s, { backend: 'cpu', f32Params: true });
    const gpu = await createSimulation(s, { backend: 'gpu' });
    await cpu.run({ maxSteps: 30 });
    await gpu.run({ maxSteps: 30 });
    const a = await cpu.readFields();
    const b = await gpu.readFields();
    let dXi = 0;
    let dC = 0;
    for (let k = 0; k < a.xi.length; k++) {
      dXi = Math.max(dXi, Math.abs(a.xi[k] - b.xi[k]));
      dC = Math.max(dC, Math.abs(a.c[k] - b.c[k]));
    }
    const rc = cpu.rows[cpu.rows.length - 1];
    const rg = gpu.rows[gpu.rows.length - 1];
    console.log(`[strategies] GPU vs CPU after 30 steps: max|Δξ| ${dXi.toExponential(2)}, max|Δc̃| ${dC.toExponential(2)}, nucleation events ${rc.nucleation_events} / ${rg.nucleation_events}, potential ${rc.applied_potential_V.toFixed(5)} / ${rg.applied_potential_V.toFixed(5)} V`);
    expect(rg.nucleation_events).toBe(rc.nucleation_events);
    expect(rc.nucleation_events).toBeGreaterThan(0);
    expect(dXi).toBeLessThan(1e-3);
    expect(dC).toBeLessThan(1e-3);
    expect(Math.abs(rg.applied_potential_V - rc.applied_potential_V)).toBeLessThan(1e-4);
  }, 300_000);
});

describe('electrolyte presets and temperature (MODEL.md §6.4)', () => {
  it('electrolyte.kind sets its table; D, σ, i0 and the nucleation prefactor follow Arrhenius from the reference temperature', () => {
    for (const [kind, table] of Object.entries(ELECTROLYTES)) {
      const s = resolveScenario({ electrolyte: { kind } });
      for (const [key, value] of Object.entries(table.values)) expect(s[key.split('.')[0]][key.split('.')[1]], `${kind}: ${key}`).toBe(value);
    }
    expect(resolveScenario({ electrolyte: { kind: 'single_ion' } }).electrolyte.transference_number).toBe(1);
    expect(resolveScenario({ electrolyte: { kind: 'hce_4m' } }).electrolyte.concentration_mol_L).toBe(4);

    const at = (T: number) => toDimless(resolveScenario({ electrolyte: { temperature_K: T } }));
    const warm = at(300);
    const cold = at(260);
    const s = resolveScenario({});
    const factor = (kJ: number) => Math.exp(-((kJ * 1000) / GAS_CONSTANT) * (1 / 260 - 1 / 300));
    const Ee = s.electrolyte.activation_energy_kJ_mol as number;
    const Ek = s.kinetics.activation_energy_kJ_mol as number;
    const En = s.nucleation.activation_energy_kJ_mol as number;
    expect(cold.Dl / warm.Dl).toBeCloseTo(factor(Ee), 12);
    // Kφ = F C_s (F/RT) L²/σ: σ(T) ratio = (F/RT ratio) / (Kφ ratio)
    expect(cold.fInv / warm.fInv / (cold.Kphi / warm.Kphi)).toBeCloseTo(factor(Ee), 12);
    expect(cold.Leta / warm.Leta).toBeCloseTo(factor(Ek), 12);
    expect(cold.nucA / warm.nucA).toBeCloseTo(factor(En), 12);
    expect(factor(Ee)).toBeLessThan(0.6); // 20 kJ/mol over 300 → 260 K: a real change, not a no-op
  });
});

describe('bad geometry input', () => {
  const bad: [string, Overrides, RegExp][] = [
    ['porosity 0', { host: { kind: 'fibres', porosity: 0 } }, /host\.porosity = 0 is not allowed: .*> 0/],
    ['porosity 1', { host: { kind: 'foam', porosity: 1 } }, /host\.porosity = 1 is not allowed: .*< 1/],
    ['seeds wider than the collector', { substrate: { kind: 'cu' }, seeding: { material: 'au', size_um: 100, density_per_um: 0.001 } }, /seeding\.size_um = 100 is not allowed: ≤ the collector width/],
    ['seeds overlapping', { substrate: { kind: 'cu' }, seeding: { material: 'au', size_um: 4, density_per_um: 0.5 } }, /seeding\.density_per_um = 0\.5 is not allowed: .*overlap/],
    ['seeds on the collector under a Li foil', { seeding: { material: 'au' } }, /seeding\.placement = "collector" is not allowed: host when substrate\.kind = li_foil/],
    ['seeds on a host that does not exist', { substrate: { kind: 'cu' }, seeding: { material: 'au', placement: 'host' } }, /seeding\.placement = "host" is not allowed: collector when host\.kind = none/],
    ['fibres larger than the host layer', { host: { kind: 'fibres', fibre_diameter_um: 30, height_um: 20 } }, /host\.fibre_diameter_um = 30 is not allowed: ≤ 20 µm/],
    ['a host taller than the domain', { host: { kind: 'pillars', height_um: 70 } }, /host\.height_um = 70 is not allowed: ≤ .* µm: the host must leave room/],
    ['a seed depth limit for collector seeds', { substrate: { kind: 'cu' }, seeding: { material: 'au', host_depth_fraction: 0.5 } }, /seeding\.host_depth_fraction = 0\.5 is not allowed: 1 when seeding\.placement = collector/],
    ['a custom θ without custom material', { seeding: { contact_angle_deg: 20 } }, /seeding\.contact_angle_deg = 20 is not allowed: only with seeding\.material = custom/],
    ['an electrolyte key that the kind sets', { electrolyte: { kind: 'hce_4m', concentration_mol_L: 1 } }, /electrolyte\.concentration_mol_L = 1 is not allowed: 4, the value of electrolyte\.kind = hce_4m/],
  ];
  for (const [what, over, message] of bad) {
    it(`names the key, the value and what is allowed: ${what}`, () => {
      let err: unknown;
      try {
        resolveScenario({ grid: { nx: 64, ny: 64 }, ...over });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as Error).message).toMatch(message);
    });
  }
});
