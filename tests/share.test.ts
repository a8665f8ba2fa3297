// The shareable URL (scenario as a diff from its preset, plus the seed) and the JSON export.

import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare, scenarioFromJson, scenarioToJson } from '../src/app/share.ts';
import { applyOverrides, defaultScenario, getValue, listPresets, presetScenario, ScenarioError } from '../src/model/scenario.ts';

/** Runs `f`, expects a ScenarioError, and returns it. */
function scenarioError(f: () => unknown): ScenarioError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    return e as ScenarioError;
  }
  throw new Error('expected a ScenarioError');
}

describe('share URL', () => {
  it.each(listPresets().map((p) => p.name))('round-trips %s with changed keys', (name) => {
    const s = applyOverrides(presetScenario(name), [
      'run.seed=4242',
      'grid.nx=64', // the host presets need ≥ 16 µm of width (one pillar pitch at 0.25 µm cells)
      'drive.current_density_mA_cm2=2.5',
      'electrolyte.transport=binary',
      'run.stop_at_sand=true',
      'about.description=a & b = c? 100% µm/s #1',
    ]);
    const q = encodeShare(s, name, { layer: 'c' });
    expect(q.startsWith(`preset=${name}&run.seed=4242&`)).toBe(true);
    const back = decodeShare(q);
    expect(back.scenario).toEqual(s);
    expect(back.preset).toBe(name);
    expect(back.view).toEqual({ layer: 'c' });
    // Leading '?' and URLSearchParams are accepted too.
    expect(decodeShare('?' + q).scenario).toEqual(s);
    expect(decodeShare(new URLSearchParams(q)).scenario).toEqual(s);
  });

  it.each(listPresets().map((p) => p.name))('an unchanged %s encodes as preset and seed only', (name) => {
    const s = presetScenario(name);
    expect(encodeShare(s, name)).toBe(`preset=${name}&run.seed=${getValue(s, 'run.seed')}`);
  });

  it('without a preset diffs against the defaults', () => {
    expect(encodeShare(defaultScenario())).toBe('run.seed=1');
    const s = applyOverrides(defaultScenario(), ['grid.ny=64', 'drive.mode=potentiostatic']);
    expect(encodeShare(s)).toBe('run.seed=1&grid.ny=64&drive.mode=potentiostatic');
    expect(decodeShare(encodeShare(s))).toEqual({ scenario: s, preset: undefined, view: {} });
  });

  it('an empty query gives the defaults, no preset, no view', () => {
    expect(decodeShare('')).toEqual({ scenario: defaultScenario(), preset: undefined, view: {} });
    expect(decodeShare('?')).toEqual({ scenario: defaultScenario(), preset: undefined, view: {} });
  });

  it('numbers round-trip exactly', () => {
    const values = [1e-10, 0.1 + 0.2, 1 / 3, 7.5e-10 * (1 + Number.EPSILON), 123456.789e-3];
    for (const v of values) {
      const s = applyOverrides(defaultScenario(), [`electrolyte.diffusivity_m2_s=${v * 1e-12}`, `drive.current_density_mA_cm2=${v}`]);
      const q = encodeShare(s);
      expect(q).toContain(`drive.current_density_mA_cm2=${String(v).replace('+', '%2B')}`);
      const back = decodeShare(q).scenario;
      expect(getValue(back, 'drive.current_density_mA_cm2')).toBe(v);
      expect(getValue(back, 'electrolyte.diffusivity_m2_s')).toBe(v * 1e-12);
    }
    // -0 is not 0 to Object.is / toEqual: keep its sign.
    const z = applyOverrides(defaultScenario(), ['phase.anisotropy_angle_deg=-0']);
    expect(Object.is(getValue(decodeShare(encodeShare(z)).scenario, 'phase.anisotropy_angle_deg'), -0)).toBe(true);
  });

  it('view entries round-trip, with characters URLs escape', () => {
    const view = { layer: 'phi_V', camera: '0.5,1.25 & zoom=2', 'flag with space': '' };
    const s = presetScenario('hong2018');
    const q = encodeShare(s, 'hong2018', view);
    expect(q).toBe('preset=hong2018&run.seed=1&view.layer=phi_V&view.camera=0.5%2C1.25+%26+zoom%3D2&view.flag+with+space=');
    expect(decodeShare(q)).toEqual({ scenario: s, preset: 'hong2018', view });
  });

  it('key order in the link does not matter, cross-key checks run after all keys', () => {
    // dx = 0.25 alone is fine; w = 0.3 alone is fine with dx = 0.5; together in either order.
    const a = decodeShare('phase.interface_width_um=0.3&grid.dx_um=0.25').scenario;
    const b = decodeShare('grid.dx_um=0.25&phase.interface_width_um=0.3').scenario;
    expect(a).toEqual(b);
    expect(getValue(a, 'phase.interface_width_um')).toBe(0.3);
  });

  it('an unknown key names the key and lists the keys of its section', () => {
    const e = scenarioError(() => decodeShare('preset=hong2018&drive.current=3'));
    expect(e.key).toBe('drive.current');
    expect(e.message).toContain('drive.current');
    expect(e.message).toContain('drive.current_density_mA_cm2');
    expect(scenarioError(() => decodeShare('=3')).message).toContain('a scenario key');
  });

  it('a bad value names the key, the value and what is allowed', () => {
    const e = scenarioError(() => decodeShare('grid.nx=65.5'));
    expect(e.key).toBe('grid.nx');
    expect(e.message).toMatch(/grid\.nx = 65\.5 .*an integer/);
    expect(scenarioError(() => decodeShare('drive.mode=fast')).message).toContain('one of galvanostatic, potentiostatic');
    expect(scenarioError(() => decodeShare('run.stop_at_sand=yes')).key).toBe('run.stop_at_sand');
    expect(scenarioError(() => decodeShare('grid.nx=')).key).toBe('grid.nx');
  });

  it('grid.nx not a multiple of 4 names grid.nx', () => {
    const e = scenarioError(() => decodeShare('preset=planar-li-foil&grid.nx=130'));
    expect(e.key).toBe('grid.nx');
    expect(e.message).toContain('multiple of 4');
  });

  it('a cross-key violation names its key', () => {
    const e = scenarioError(() => decodeShare('phase.interface_width_um=0.4&grid.dx_um=0.5'));
    expect(e.key).toBe('phase.interface_width_um');
    expect(e.message).toContain('grid.dx_um');
  });

  it('an unknown preset names preset and lists the presets', () => {
    for (const bad of ['nope', '', 'toString']) {
      const e = scenarioError(() => decodeShare(`preset=${bad}&run.seed=2`));
      expect(e.key).toBe('preset');
      expect(e.message).toContain('hong2018');
    }
    expect(scenarioError(() => encodeShare(defaultScenario(), 'nope')).key).toBe('preset');
  });

  it('a repeated key names it', () => {
    const e = scenarioError(() => decodeShare('grid.nx=64&run.seed=2&grid.nx=128'));
    expect(e.key).toBe('grid.nx');
    expect(e.message).toContain('given once');
    expect(scenarioError(() => decodeShare('preset=hong2018&preset=sand-column')).key).toBe('preset');
    expect(scenarioError(() => decodeShare('view.layer=c&view.layer=xi')).key).toBe('view.layer');
  });
});

describe('scenario JSON', () => {
  it.each(listPresets().map((p) => p.name))('round-trips %s (changed) through JSON', (name) => {
    const s = applyOverrides(presetScenario(name), ['run.seed=9', 'drive.current_density_mA_cm2=0.30000000000000004', 'electrolyte.kind=custom', 'electrolyte.diffusivity_m2_s=1e-10']);
    const text = scenarioToJson(s, name);
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text).preset).toBeUndefined();
    expect(scenarioFromJson(text, 'exported.json')).toEqual(s);
  });

  it('accepts a partial scenario over a preset', () => {
    const s = scenarioFromJson('{"preset": "sand-column", "grid": {"nx": 16}}', 'mine.json');
    expect(s).toEqual(applyOverrides(presetScenario('sand-column'), ['grid.nx=16']));
  });

  it('names an unknown key, and the file for invalid JSON', () => {
    const e = scenarioError(() => scenarioFromJson('{"grid": {"nx": 64, "nz": 3}}', 'mine.json'));
    expect(e.key).toBe('grid.nz');
    expect(e.message).toContain('grid.nz');
    const j = scenarioError(() => scenarioFromJson('{"grid": ', 'broken.json'));
    expect(j.key).toBe('scenario');
    expect(j.message).toContain('broken.json');
    expect(j.message).toContain('valid JSON');
    expect(scenarioError(() => scenarioFromJson('{"grid": {"nx": 130}}', 'mine.json')).key).toBe('grid.nx');
  });
});
