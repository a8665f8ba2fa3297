// Pure pieces of the browser app: the renderer's colour tables and colour bar (the maps' perceptual
// ordering is tested in tests/io.test.ts), the float ordering
// the GPU range reduction relies on, colour-bar ticks, the scale bar, and the pan/zoom transform;
// the cycling plots' data and readout, and the CPU mode's dead-Li picture.

import { describe, expect, it } from 'vitest';
import { colormap, COLORMAP_NAMES } from '../src/io/colormap.ts';
import { autoRange, CRACKED_BELOW, cssGradient, DEAD_LI, fromOrderedBits, layerById, LAYERS, layersFor, lutFloats, METAL_GREY, niceRange, OFF_FILM_SLATE, orderedBits, scaleBarLength, ticks } from '../src/app/layers.ts';
import { View } from '../src/app/view.ts';
import { applies, cyclingPlots, followingEdits, RULED_KEYS } from '../src/app/applicable.ts';
import { etaToStop, formatEta } from '../src/app/readout.ts';
import { cellVoltageDiffers, cyclePoints, cycleReadout, halfCycles } from '../src/app/cycling.ts';
import { deadCells, deadLiImage } from '../src/app/deadLi.ts';
import { applyOverrides, presetScenario, resolveScenario } from '../src/model/scenario.ts';
import { cyclePhases } from '../src/model/cycling.ts';
import { KEY_INDEX } from '../src/model/schema.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';
import { COPPER } from '../src/io/fieldImage.ts';

describe('renderer colour maps', () => {
  it('the GPU table is the 8-bit table scaled to [0, 1], entry for entry', () => {
    for (const name of COLORMAP_NAMES) {
      const lut = colormap(name);
      const f = lutFloats(name);
      expect(f.length).toBe(1024);
      for (let k = 0; k < 1024; k++) expect(f[k]).toBeCloseTo(lut[k] / 255, 7);
    }
    // published end points (matplotlib): viridis #440154 → #fde725
    expect(Array.from(lutFloats('viridis').slice(0, 3)).map((v) => Math.round(v * 255))).toEqual([0x44, 0x01, 0x54]);
    expect(Array.from(lutFloats('viridis').slice(1020, 1023)).map((v) => Math.round(v * 255))).toEqual([0xfd, 0xe7, 0x25]);
  });

  it('the colour bar gradient samples the same table, bottom to top', () => {
    const g = cssGradient('magma', 3);
    const lut = colormap('magma');
    expect(g.startsWith('linear-gradient(to top, ')).toBe(true);
    expect(g).toContain(`rgb(${lut[0]},${lut[1]},${lut[2]}) 0.00%`);
    expect(g).toContain(`rgb(${lut[128 * 4]},${lut[128 * 4 + 1]},${lut[128 * 4 + 2]}) 50.00%`);
    expect(g).toContain(`rgb(${lut[1020]},${lut[1021]},${lut[1022]}) 100.00%`);
    expect(() => cssGradient('jet')).toThrow(/viridis, magma, cividis/);
  });

  it('layers have units and unique shader indices; an unknown layer names what is allowed', () => {
    expect(new Set(LAYERS.map((l) => l.index)).size).toBe(LAYERS.length);
    expect(new Set(LAYERS.map((l) => l.id)).size).toBe(LAYERS.length);
    for (const l of LAYERS) expect(l.unit.length).toBeGreaterThan(0);
    expect(() => layerById('von_mises')).toThrow(/view.layer = "von_mises" is not allowed: one of xi, dead, c, phi, i, stress, strain, integrity, cracked/);
  });

  it('the stress layer is offered where the mechanics run, the film layers only with a film; they read only the film cells (but the stress), and the field layers stay as they were', () => {
    expect(layersFor({ mechanics: false, film: false, islands: false }).map((l) => l.id)).toEqual(['xi', 'c', 'phi', 'i']);
    // a solid electrolyte's growth strain without an SEI (the garnet preset): stress, no film
    expect(layersFor({ mechanics: true, film: false, islands: false }).map((l) => l.id)).toEqual(['xi', 'c', 'phi', 'i', 'stress']);
    expect(layersFor({ mechanics: true, film: true, islands: true }).map((l) => l.id)).toEqual(LAYERS.map((l) => l.id));
    const sei = LAYERS.filter((l) => l.needs === 'mechanics' || l.needs === 'film');
    expect(sei.map((l) => [l.id, l.index, l.unit, l.domain, l.fixed, l.needs])).toEqual([
      ['stress', 4, 'MPa', 'all', undefined, 'mechanics'],
      ['strain', 5, '%', 'film', undefined, 'film'],
      ['integrity', 6, '–', 'film', [0, 1], 'film'],
      ['cracked', 7, '1 = cracked', 'film', [0, 1], 'film'],
    ]);
    // the field layers: ξ over every cell, the electrolyte fields ranged over ξ < ½ under the metal
    expect(LAYERS.filter((l) => l.needs === undefined).map((l) => l.domain)).toEqual(['all', 'electrolyte', 'electrolyte', 'electrolyte']);
    // the model cracks a film only where its integrity exceeds ½ after healing (src/cpu/mechanics.ts)
    expect(CRACKED_BELOW).toBe(0.5);
  });
});

describe('GPU range reduction encoding', () => {
  it('orderedBits preserves the order of floats (negatives, zero, denormals, large) and inverts exactly', () => {
    const xs = [-3.4e38, -1e5, -1, -1e-30, -0, 0, 1e-40, 1e-30, 0.5, 1, 7.25, 1e20, 3.4e38].map((v) => Math.fround(v));
    const enc = xs.map(orderedBits);
    for (let k = 1; k < xs.length; k++) expect(enc[k]).toBeGreaterThanOrEqual(enc[k - 1]);
    // exact inverse, −0 included (toBe compares with Object.is)
    for (let k = 0; k < xs.length; k++) expect(fromOrderedBits(enc[k])).toBe(xs[k]);
    expect(orderedBits(-1)).toBeLessThan(orderedBits(1));
  });
});

describe('colour bar and scale bar numbers', () => {
  it('niceRange rounds outward and widens a degenerate range', () => {
    expect(niceRange(0.013, 0.987)).toEqual([0, 1]);
    const [lo, hi] = niceRange(-0.4512, -0.0031);
    expect(lo).toBeLessThanOrEqual(-0.4512);
    expect(hi).toBeGreaterThanOrEqual(-0.0031);
    expect(hi - lo).toBeLessThan(0.6);
    const [a, b] = niceRange(2, 2);
    expect(a).toBeLessThan(2);
    expect(b).toBeGreaterThan(2);
    expect(niceRange(NaN, 1)).toEqual([0, 1]);
  });

  it('ticks are round numbers inside the range', () => {
    expect(ticks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    const t = ticks(-0.45, 0);
    expect(t[0]).toBeGreaterThanOrEqual(-0.45);
    expect(t[t.length - 1]).toBe(0);
  });

  it('scale bars are 1, 2 or 5 × 10ⁿ µm and never longer than allowed', () => {
    expect(scaleBarLength(37)).toBe(20);
    expect(scaleBarLength(9.9)).toBe(5);
    expect(scaleBarLength(0.15)).toBeCloseTo(0.1, 12);
    expect(scaleBarLength(1)).toBe(1);
  });
});

describe('pan and zoom', () => {
  it('fit puts the box inside the canvas, y up; screen ↔ world round-trips', () => {
    const v = new View();
    v.fit(800, 600, 0, 100, -4, 200);
    const [x0, y0] = v.toScreen(0, -4);
    const [x1, y1] = v.toScreen(100, 200);
    expect(x0).toBeGreaterThanOrEqual(0);
    expect(x1).toBeLessThanOrEqual(800);
    expect(y1).toBeGreaterThanOrEqual(0);
    expect(y0).toBeLessThanOrEqual(600);
    expect(y1).toBeLessThan(y0); // world y up, screen y down
    const [wx, wy] = v.toWorld(...v.toScreen(12.5, 33));
    expect(wx).toBeCloseTo(12.5, 4);
    expect(wy).toBeCloseTo(33, 4);
  });

  it('zoomAt keeps the point under the cursor fixed', () => {
    const v = new View();
    v.fit(800, 600, 0, 100, 0, 100);
    const before = v.toWorld(321, 222);
    v.zoomAt(321, 222, 3.7);
    const after = v.toWorld(321, 222);
    expect(after[0]).toBeCloseTo(before[0], 4);
    expect(after[1]).toBeCloseTo(before[1], 4);
    v.pan(10, -5);
    expect(v.toWorld(331, 217)[0]).toBeCloseTo(before[0], 4);
  });
});

describe('automatic colour range', () => {
  it('round-off in a stress-free run (±4e-10 MPa) is one colour, not a pattern; a real field keeps its range', () => {
    const stress = layerById('stress');
    const [lo, hi] = autoRange(stress, -4e-10, 4e-10);
    expect(hi - lo).toBeGreaterThanOrEqual(stress.minSpan!);
    expect(lo).toBeLessThanOrEqual(-4e-10);
    expect(hi).toBeGreaterThanOrEqual(4e-10);
    // a mapped value: the noise spans < 1e-7 of the colour map
    expect((8e-10) / (hi - lo)).toBeLessThan(1e-7);
    expect(autoRange(stress, -12.3, 40.1)).toEqual(niceRange(-12.3, 40.1));
    // every automatic layer has a floor; the fixed ones need none
    for (const l of LAYERS) if (!l.fixed) expect(l.minSpan, l.id).toBeGreaterThan(0);
  });
});

describe('panel controls that apply', () => {
  it('every rule names a scenario key', () => {
    for (const k of RULED_KEYS) expect(KEY_INDEX.has(k), k).toBe(true);
  });

  it('hides what a scenario does not read and shows what it does', () => {
    const pot = presetScenario('first-dendrites'); // potentiostatic, Li film, no host, no SEI
    expect(applies('drive.overpotential_V', pot)).toBe(true);
    expect(applies('drive.current_density_mA_cm2', pot)).toBe(false);
    expect(applies('surface.contact_angle_deg', pot)).toBe(false);
    expect(applies('host.spacing_um', pot)).toBe(false);
    expect(applies('sei.thickness_nm', pot)).toBe(false);
    expect(applies('seeding.size_um', pot)).toBe(false);
    expect(applies('run.charge_mAh_cm2', pot)).toBe(true);

    const pillars = presetScenario('cu-pillar-host');
    expect(applies('drive.current_density_mA_cm2', pillars)).toBe(true);
    expect(applies('host.spacing_um', pillars)).toBe(true);
    expect(applies('host.fibre_diameter_um', pillars)).toBe(false);
    expect(applies('surface.contact_angle_deg', pillars)).toBe(true);

    const fibres = presetScenario('zno-carbon-fibre-host');
    expect(applies('host.fibre_diameter_um', fibres)).toBe(true);
    expect(applies('host.width_um', fibres)).toBe(false);
    expect(applies('seeding.pattern', fibres)).toBe(true);

    const sei = presetScenario('native-sei');
    expect(applies('sei.thickness_nm', sei)).toBe(true);
  });
});

describe('run readout', () => {
  it('ETA to the first stop at the measured rates', () => {
    const base = { time_s: 10, until_s: 55, charge_mAh_cm2: 0, stopCharge_mAh_cm2: 0, simPerWall: 0.5, chargePerWall: 0 };
    expect(etaToStop(base)).toBeCloseTo(90, 12);
    // a charge stop that comes first
    expect(etaToStop({ ...base, charge_mAh_cm2: 0.1, stopCharge_mAh_cm2: 0.2, chargePerWall: 0.01 })).toBeCloseTo(10, 12);
    expect(etaToStop({ ...base, simPerWall: 0 })).toBeNaN();
    expect(formatEta(42.4)).toBe('42 s');
    expect(formatEta(185)).toBe('3 min 05 s');
    expect(formatEta(7800)).toBe('2 h 10 min');
    expect(formatEta(NaN)).toBe('–');
    expect(formatEta(1e7)).toBe('> 1 week');
  });
});

describe('dead-Li layer', () => {
  const dist = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, q) => v - b[q]));
  const lum = (c: readonly number[]) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];

  it('is offered where cut-off islands are dead; it lists live Li, dead Li and the electrolyte in colours far apart', () => {
    const dead = layerById('dead');
    expect([dead.index, dead.domain, dead.fixed, dead.needs]).toEqual([8, 'deposit', [0, 1], 'islands']);
    expect(layersFor({ mechanics: false, film: false, islands: true }).map((l) => l.id)).toEqual(['xi', 'dead', 'c', 'phi', 'i']);
    expect(dead.legend!.map((e) => e.rgb)).toEqual([METAL_GREY, DEAD_LI, OFF_FILM_SLATE]);
    // dead against live Li: apart in colour and in lightness (a colour-blind reader sees the second)
    expect(dist(DEAD_LI, METAL_GREY)).toBeGreaterThan(150);
    expect(Math.abs(lum(DEAD_LI) - lum(METAL_GREY))).toBeGreaterThan(50);
    for (const other of [OFF_FILM_SLATE, COPPER]) expect(dist(DEAD_LI, other)).toBeGreaterThan(60);
  });

  it('the CPU mode labels a detached disc dead and the film live, and draws them in those colours', () => {
    const nx = 24;
    const ny = 24;
    const xi = new Float64Array(nx * ny);
    const disc = (i: number, j: number) => Math.hypot(i + 0.5 - 12, j + 0.5 - 15) - 3;
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) xi[j * nx + i] = Math.max(0.5 * (1 - Math.tanh((j + 0.5 - 4) / 1.2)), 0.5 * (1 - Math.tanh(disc(i, j) / 1.2)));
    const solid = new Uint8Array(nx * ny);
    const dead = deadCells(nx, ny, xi, solid);
    let metalDead = 0;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        // every metal cell of the disc is dead, every film cell live
        if (xi[k] >= 0.5) expect(dead[k], `cell (${i}, ${j})`).toBe(disc(i, j) < 0 ? 1 : 0);
        metalDead += Number(xi[k] >= 0.5 && dead[k] === 1);
      }
    }
    expect(metalDead).toBeGreaterThan(20);
    const img = deadLiImage(nx, ny, xi, dead, { solid, seeded: solid });
    expect([img.width, img.height]).toEqual([nx, ny + 1]);
    const px = (i: number, j: number) => Array.from(img.rgba.subarray(4 * ((ny - 1 - j) * nx + i), 4 * ((ny - 1 - j) * nx + i) + 3));
    expect(px(12, 15)).toEqual([...DEAD_LI]); // the disc's centre
    expect(px(3, 1)).toEqual([...METAL_GREY]); // inside the film
    expect(px(3, 12)).toEqual([...OFF_FILM_SLATE]); // the electrolyte between
    expect(Array.from(img.rgba.subarray(4 * ny * nx, 4 * ny * nx + 3))).toEqual([...COPPER]); // the collector row
    // all connected: nothing dead
    expect(deadCells(nx, ny, xi.map((v, k) => (k % nx === 12 ? 1 : v)), solid).some((d) => d === 1)).toBe(false);
  });
});

describe('cycling in the app', () => {
  const small = (over: string[] = []) =>
    applyOverrides(presetScenario('li-li-symmetric'), [
      'grid.nx=16',
      'grid.ny=32',
      'cycling.plate_capacity_mAh_cm2=0.01',
      'cycling.strip_capacity_mAh_cm2=0.01',
      'cycling.cycles=2',
      ...over,
    ]);

  it('splits the rows into half-cycles from zero capacity, leaves the rests out, and plots CE and dead Li per cycle', async () => {
    for (const rest of [0, 20]) {
      const s = small([`cycling.rest_s=${rest}`]);
      const sim = await createSimulation(s, { backend: 'cpu' });
      const r = await sim.run();
      expect(r.reason).toBe('cycles');
      const halves = halfCycles(sim.rows, cyclingPlots(s)!.restBelow_mA_cm2);
      console.log(`rest ${rest} s: ${sim.rows.length} rows, half-cycles ${halves.map((h) => `${h.cycle} ${h.kind} ${h.capacity_mAh_cm2.length} pts to ${h.capacity_mAh_cm2.at(-1)!.toPrecision(4)} mAh/cm² at ${h.voltage_V.at(-1)!.toFixed(4)} V`).join('; ')}`);
      expect(halves.map((h) => `${h.cycle} ${h.kind}`)).toEqual(['1 plate', '1 strip', '2 plate', '2 strip']);
      for (const h of halves) {
        expect(h.capacity_mAh_cm2.length).toBeGreaterThan(1);
        for (let k = 1; k < h.capacity_mAh_cm2.length; k++) expect(h.capacity_mAh_cm2[k]).toBeGreaterThan(h.capacity_mAh_cm2[k - 1]);
        // each half-cycle passes its 0.01 mAh/cm², from zero
        expect(Math.abs(h.capacity_mAh_cm2.at(-1)! / 0.01 - 1)).toBeLessThan(0.01);
        expect(h.capacity_mAh_cm2[0]).toBeLessThan(0.005);
        // a symmetric cell: plating below 0 V, stripping above
        for (const v of h.voltage_V) expect(Math.sign(v)).toBe(h.kind === 'plate' ? -1 : 1);
      }
      // the cell voltage (with the Li counter electrode) is what the plots add to E
      expect(sim.rows.filter((r) => Math.abs(r.current_density_mA_cm2) > 0.1).every(cellVoltageDiffers)).toBe(true);
      const p = cyclePoints(sim.cycles);
      expect(p.cycle).toEqual([1, 2]);
      for (const ce of p.ce_pct) expect(ce).toBeCloseTo(100, 1);
      expect(p.dead_pct).toEqual([0, 0]);
      sim.destroy();
    }
    expect(cellVoltageDiffers({ applied_potential_V: -0.01, cell_voltage_V: -0.01 } as MetricsRow)).toBe(false);
  });

  it('the readout names the cycle and the phase', () => {
    const s = small(['cycling.rest_s=5']);
    const [plate, restP, strip] = cyclePhases(s, 1);
    expect(cycleReadout(plate, 1, 2)).toBe('cycle 2/2 · plating');
    expect(cycleReadout(restP, 1, 2)).toBe('cycle 2/2 · rest after plating');
    expect(cycleReadout(strip, 1, 2)).toBe('cycle 2/2 · stripping');
    expect(cycleReadout(cyclePhases(presetScenario('li-cu-bare'), 0)[1], 0, 3)).toBe('cycle 1/3 · stripping to 1 V');
    expect(cycleReadout(cyclePhases(s, 2)[0], 2, 2)).toBe('2/2 cycles done');
  });

  it('the panel offers cycling, shows the protocol keys only for it, and takes the other strip end along', () => {
    expect(KEY_INDEX.get('drive.mode')!.values).toContain('cycling');
    const cyc = small();
    const galv = presetScenario('planar-li-foil');
    for (const k of ['cycling.plate_current_mA_cm2', 'cycling.strip_capacity_mAh_cm2', 'cycling.strip_cutoff_V', 'cycling.cycles', 'cycling.rest_s']) {
      expect(applies(k, cyc), k).toBe(true);
      expect(applies(k, galv), k).toBe(false);
    }
    expect(applies('drive.current_density_mA_cm2', cyc)).toBe(false);
    expect(applies('drive.current_density_mA_cm2', galv)).toBe(true);
    // the critical-current-density protocol's cycles per step only with a current step
    expect(applies('cycling.cycles_per_step', cyc)).toBe(false);
    expect(applies('cycling.cycles_per_step', applyOverrides(cyc, ['cycling.current_step_mA_cm2=0.5']))).toBe(true);
    for (const k of ['cell.kind', 'cell.counter_exchange_current_mA_cm2', 'metal.island_contact']) expect(applies(k, galv), k).toBe(true);
    expect(cyclingPlots(galv)).toBeUndefined();
    expect(cyclingPlots(cyc)!.restBelow_mA_cm2).toBeCloseTo(0.05, 12);

    // alone each of these is refused by the cross-key rules; with what follows it, it is taken
    const cases: [ReturnType<typeof small>, string, number | string][] = [
      [cyc, 'cycling.strip_cutoff_V', 0.5],
      [applyOverrides(cyc, ['cycling.strip_capacity_mAh_cm2=0', 'cycling.strip_cutoff_V=1']), 'cycling.strip_capacity_mAh_cm2', 0.02],
      [galv, 'drive.mode', 'cycling'],
      [presetScenario('bare-cu'), 'drive.mode', 'cycling'],
    ];
    for (const [s, key, value] of cases) {
      expect(() => applyOverrides(s, [`${key}=${value}`]), `${key} alone`).toThrow();
      const along = followingEdits(s, key, value);
      expect(along.length).toBe(1);
      const next = applyOverrides(s, [`${key}=${value}`, ...along.map((a) => `${a.key}=${a.value}`)]);
      expect(resolveScenario(next)).toBeDefined();
    }
    expect(followingEdits(galv, 'drive.mode', 'cycling')[0]).toMatchObject({ key: 'cycling.strip_capacity_mAh_cm2', value: 1 });
    expect(followingEdits(presetScenario('bare-cu'), 'drive.mode', 'cycling')[0]).toMatchObject({ key: 'cycling.strip_cutoff_V', value: 1 });
    expect(followingEdits(cyc, 'cycling.cycles', 4)).toEqual([]);
  });
});
