// The SEI (MODEL.md §6.3): scenario keys and their errors, and the film resistance acting on the
// morphology through a mosaic film.
import { describe, expect, it } from 'vitest';
import { runScenario, scenario } from './support/scenarios.ts';
import { num, resolveScenario } from '../src/model/scenario.ts';
import { SEI_MATERIALS } from '../src/model/materials.ts';
import { toDimless } from '../src/model/dimless.ts';
import { computeSurfaceMetrics } from '../src/analysis/surface.ts';

const expectError = (input: unknown, key: string, allowed: RegExp) => {
  let message = '';
  try {
    resolveScenario(input);
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message, JSON.stringify(input)).toContain(key);
  expect(message).toMatch(allowed);
};

describe('SEI keys', () => {
  it('bad input names the key, the value and what is allowed', () => {
    expectError({ sei: { kind: 'custom', modulus_GPa: -1 } }, 'sei.modulus_GPa', /-1.*> 0|> 0/);
    expectError({ sei: { kind: 'custom', poisson_ratio: 0.5 } }, 'sei.poisson_ratio', /0\.5/);
    expectError({ sei: { kind: 'custom', poisson_ratio: -1.2 } }, 'sei.poisson_ratio', /-1/);
    expectError({ sei: { kind: 'custom', thickness_nm: 0, modulus_GPa: 5 } }, 'sei.thickness_nm', /> 0/);
    expectError({ electrolyte: { modulus_GPa: -150 } }, 'electrolyte.modulus_GPa', /≥ 0|>= 0|0/);
    expectError({ sei: { kind: 'lif_rich', modulus_GPa: 3 } }, 'sei.modulus_GPa', /64\.9.*sei\.kind = custom/);
    expectError({ sei: { kind: 'native_carbonate' }, electrolyte: { transport: 'chen2015' } }, 'sei.kind', /none with electrolyte\.transport = chen2015/);
    expectError({ sei: { kind: 'graphite' } }, 'sei.kind', /native_carbonate/);
  });

  it('sei.kind sets every value of its table; none leaves the film out of the model', () => {
    for (const [kind, table] of Object.entries(SEI_MATERIALS)) {
      const s = scenario({ sei: { kind } });
      for (const [key, value] of Object.entries(table.values)) expect(num(s, key), `${kind} ${key}`).toBe(value);
      // σ_l0 t/(σ_SEI w): the film's series resistance in units of the interface width
      const d = toDimless(s);
      const expected = (num(s, 'electrolyte.conductivity_S_m') * table.values['sei.thickness_nm'] * 1e-9) / (table.values['sei.ionic_conductivity_S_cm'] * 100 * num(s, 'phase.interface_width_um') * 1e-6);
      expect(d.seiRho / expected - 1).toBeCloseTo(0, 12);
    }
    expect(toDimless(scenario({})).seiRho).toBe(0);
  });
});

describe('SEI film resistance (CPU)', () => {
  // the same mosaic (3 decades of film resistance over 3 µm patches) under a 20 nm film of
  // 1e-8 S/cm (native carbonate) or 1e-5 S/cm (Li₂S-type), 3 mA/cm² to 1 mAh/cm²
  type Figures = { roughness: number; hmax: number; lengthPerArea: number; potential: number; passed: number };
  let runs: Promise<Record<string, Figures>> | undefined;
  const mosaic = () =>
    (runs ??= (async () => {
      const figures: Record<string, Figures> = {};
      for (const preset of ['native-sei', 'li2s-sei']) {
        const { sim, rows } = await runScenario(resolveScenario({ preset }), 'cpu');
        const fields = await sim.readFields();
        const surf = computeSurfaceMetrics(sim.geometry, fields.xi);
        const deposited_um2 = sim.metrics.depositVolume_um2 - sim.initialMetrics.depositVolume_um2;
        const last = rows.at(-1)!;
        figures[preset] = { roughness: last.roughness_um, hmax: last.deposit_max_height_um, lengthPerArea: surf.interfaceLength_um / deposited_um2, potential: last.applied_potential_V, passed: last.charge_mAh_cm2 + last.sei_li_mAh_cm2 };
      }
      const f = (p: string) => `roughness ${figures[p].roughness.toFixed(3)} µm, max height ${figures[p].hmax.toFixed(2)} µm, interface length per deposited area ${figures[p].lengthPerArea.toFixed(4)} 1/µm, ${(figures[p].potential * 1e3).toFixed(0)} mV`;
      console.log(`mosaic SEI, 3 mA/cm² to 1 mAh/cm²: native-sei (1e-8 S/cm) ${f('native-sei')}; li2s-sei (1e-5 S/cm) ${f('li2s-sei')}`);
      return figures;
    })());

  it('a mosaic SEI of low conductivity focuses Li⁺ flux into mounds; a high-conductivity one plates flat (presets native-sei, li2s-sei; 001:L163, 000:L336)', async () => {
    const figures = await mosaic();
    // the run stops at 1 mAh/cm² passed: plated Li plus the Li the re-forming SEI bound (src/cpu/mechanics.ts)
    for (const f of Object.values(figures)) expect(f.passed).toBeCloseTo(1, 4);
    const lo = figures['native-sei'];
    const hi = figures['li2s-sei'];
    expect(lo.roughness).toBeGreaterThan(10 * hi.roughness);
    expect(lo.hmax).toBeGreaterThan(hi.hmax);
    // the film's series resistance shows in the cell voltage: 20 nm at 1e-8 S/cm is 0.2 V per mA/cm²
    expect(lo.potential).toBeLessThan(hi.potential - 0.1);
  }, 180_000);

  // Lost on the thin interface: the mounds under the native film stand 8.25 µm high against 7.92 µm under the
  // Li₂S-type film (0.33 µm more, not the > 1 µm the literature front gave); docs/explanation/trends.md
  it.fails('lost on the thin interface: the mounds under the low-conductivity film stand > 1 µm above the flat Li₂S-type deposit', async () => {
    const figures = await mosaic();
    expect(figures['native-sei'].hmax).toBeGreaterThan(figures['li2s-sei'].hmax + 1);
  }, 180_000);

  // Lost on the thin interface: 0.2049 against 0.2048 1/µm of interface per deposited area (0.05 %); the
  // literature front gave 0.223 against 0.205 (9 %): rounder, more compact deposits under the conductive film
  it.fails('lost on the thin interface: the deposit under the low-conductivity film has > 2 % more interface per deposited area', async () => {
    const figures = await mosaic();
    expect(figures['native-sei'].lengthPerArea).toBeGreaterThan(1.02 * figures['li2s-sei'].lengthPerArea);
  }, 180_000);
});
