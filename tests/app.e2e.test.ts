// The browser app end to end: built with Vite, served locally, driven in Debian's headless chromium
// (SwiftShader WebGPU) through playwright-core. The page exposes window.dendrite (src/app/app.ts,
// hooks()) for stepping exactly and reading the field back; everything else goes through the DOM.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { buildApp, decodePng, launch, serve, watchErrors, type Rgba } from './support/browser.ts';
import { METRICS_CSV_HEADER } from '../src/io/csvFormat.ts';
import { colormap } from '../src/io/colormap.ts';
import { SEED_GOLD } from '../src/io/fieldImage.ts';
import { HAS_BROWSER } from './support/env.ts';

interface Hooks {
  advance(n: number): Promise<void>;
  state(): {
    steps: number;
    time_s: number;
    playing: boolean;
    query: string;
    rows: number;
    lastRow?: Record<string, number>;
    scenario: Record<string, Record<string, unknown>>;
    adapter: { isFallback: boolean; vendor: string; architecture: string };
    plotPoints: number[];
    plotXScale: 'linear' | 'log';
    about: string;
    visibleKeys: string[];
    readout: Record<string, string | number>;
  };
  setKey(key: string, value: number | string | boolean): string | undefined;
  readXi(): Promise<{ nx: number; ny: number; dx_um: number; xi: number[] }>;
  toScreen(x: number, y: number): [number, number];
  loseDevice(): void;
  busy(): boolean;
  messages(): { kind: string; text: string }[];
}
declare const dendrite: Hooks;

// Small grids: SwiftShader emulates the GPU on the CPU.
// Two nuclei on a Li film at 300 mA/cm² with a low interface mobility, so that the explicit stability
// limit does not cap dt and the deposit grows a cell or more within the test's steps.
const GROWING =
  'preset=planar-li-foil&grid.nx=48&grid.ny=48&initial.nuclei_count=2&initial.nucleus_radius_um=3&drive.current_density_mA_cm2=300' +
  '&phase.interface_mobility_m3_J_s=6.25e-8&numerics.dt_initial_s=0.01&run.metrics_every_steps=20&view.layer=xi&view.contour=0';
// no double layer: the Faradaic current (the CSV's current column) then equals the applied one at once
const GALVANO = 'preset=planar-li-foil&grid.nx=32&grid.ny=32&initial.li_thickness_um=4&run.metrics_every_steps=10&phase.noise_amplitude_per_sqrt_s=0.04&kinetics.double_layer_capacitance_uF_cm2=0&view.layer=c';

let dist: string;
let server: Server;
let base: string;
let browser: BrowserContext;
const errors: string[] = [];

/** The WebGPU app (forced: on SwiftShader, a software adapter, `auto` would choose the CPU worker). */
async function open(query: string, backend: 'gpu' | 'auto' | 'cpu' = 'gpu'): Promise<Page> {
  const page = await browser.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}?${query}${backend === 'auto' ? '' : `&view.backend=${backend}`}`);
  await page.waitForFunction(() => ['ready', 'failed', 'no-webgpu'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
  expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
  return page;
}

async function canvasShot(page: Page): Promise<Rgba> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return decodePng(await page.locator('#field').screenshot());
}

/** Interface height per column [µm]: the highest ξ = ½ crossing, linearly interpolated. */
function fieldHeights(f: { nx: number; ny: number; dx_um: number; xi: number[] }): number[] {
  const out: number[] = [];
  for (let i = 0; i < f.nx; i++) {
    let h = 0;
    for (let j = f.ny - 1; j > 0; j--) {
      const a = f.xi[(j - 1) * f.nx + i];
      const b = f.xi[j * f.nx + i];
      if (a >= 0.5 && b < 0.5) {
        h = (j - 0.5 + (a - 0.5) / (a - b)) * f.dx_um;
        break;
      }
    }
    out.push(h);
  }
  return out;
}

describe.skipIf(!HAS_BROWSER)('browser app (headless chromium, SwiftShader WebGPU)', () => {
  beforeAll(async () => {
    dist = await buildApp();
    ({ server, url: base } = await serve(dist));
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('draws the deposit from the GPU buffers: the picture changes as Li plates and its interface matches the field', async () => {
    const page = await open(GROWING);
    const info = await page.evaluate(() => dendrite.state().adapter);
    console.log(`adapter: ${info.vendor} ${info.architecture} (fallback ${info.isFallback})`);
    const before = await canvasShot(page);
    await page.evaluate(() => dendrite.advance(80));
    const after = await canvasShot(page);
    let changed = 0;
    for (let k = 0; k < before.data.length; k += 4) if (Math.abs(before.data[k] - after.data[k]) + Math.abs(before.data[k + 2] - after.data[k + 2]) > 24) changed++;
    console.log(`pixels changed after 80 steps: ${changed} of ${before.width * before.height}`);
    expect(changed).toBeGreaterThan(200);

    // the rendered interface (the ξ layer, cividis, no contour) against the phase field read back
    const f = await page.evaluate(() => dendrite.readXi());
    const heights = fieldHeights(f);
    const lut = colormap('cividis');
    const mid = 0.299 * lut[128 * 4] + 0.587 * lut[128 * 4 + 1] + 0.114 * lut[128 * 4 + 2];
    let worst = 0;
    let checked = 0;
    for (let i = 2; i < f.nx; i += 4) {
      const x = (i + 0.5) * f.dx_um;
      const [sx, sy0] = await page.evaluate(([x]) => dendrite.toScreen(x, 0), [x]);
      const [, syTop] = await page.evaluate(([x, y]) => dendrite.toScreen(x, y), [x, f.ny * f.dx_um]);
      const px = Math.round(sx);
      // scan down from the top of the domain for the first bright (ξ > ½) pixel
      let found = -1;
      for (let py = Math.ceil(syTop) + 1; py < sy0; py++) {
        const o = (py * after.width + px) * 4;
        const lum = 0.299 * after.data[o] + 0.587 * after.data[o + 1] + 0.114 * after.data[o + 2];
        if (lum > mid) {
          found = py;
          break;
        }
      }
      expect(found).toBeGreaterThan(0);
      const pxPerUm = (sy0 - syTop) / (f.ny * f.dx_um);
      const rendered = (sy0 - found) / pxPerUm;
      worst = Math.max(worst, Math.abs(rendered - heights[i]));
      checked++;
    }
    console.log(`rendered vs field interface height: worst |Δ| = ${worst.toFixed(3)} µm over ${checked} columns (cell ${f.dx_um} µm)`);
    expect(worst).toBeLessThan(1.0 * f.dx_um + 0.1);
    await page.close();
  });

  it('a panel change applies live, the URL follows it, and the exported CSV has the CLI header', async () => {
    const page = await open(GALVANO);
    await page.evaluate(() => dendrite.advance(20));
    const i1 = await page.evaluate(() => dendrite.state().lastRow!.current_density_mA_cm2);
    expect(i1).toBeCloseTo(1, 4);
    // open the Drive folder's current-density field and type a new value
    const input = page.locator('[data-key="drive.current_density_mA_cm2"] input');
    await input.fill('3');
    await input.press('Enter');
    // the edit is queued behind the running step (exclusive): step on once the app has taken it, not before
    await page.waitForFunction(() => dendrite.messages().some((m) => m.text.includes('drive.current_density_mA_cm2 = 3 applied live')));
    await page.evaluate(() => dendrite.advance(20));
    const st = await page.evaluate(() => dendrite.state());
    console.log(`galvanostatic current before/after the panel change: ${i1} → ${st.lastRow!.current_density_mA_cm2} mA/cm²`);
    expect(st.lastRow!.current_density_mA_cm2).toBeCloseTo(3, 4);
    expect(st.query).toContain('drive.current_density_mA_cm2=3');
    expect(new URL(page.url()).search).toContain('drive.current_density_mA_cm2=3');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('metrics CSV').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe(METRICS_CSV_HEADER);
    expect(csv.length - 1).toBe(st.rows);
    await page.close();
  });

  it('Au seeds chosen on the panel for bare Cu apply on restart and show as gold marks on the collector', async () => {
    const page = await open('preset=bare-cu&grid.nx=64&grid.ny=64&run.metrics_every_steps=10&view.layer=xi');
    const gold = (img: Rgba) => {
      let n = 0;
      for (let k = 0; k < img.data.length; k += 4) {
        if (Math.abs(img.data[k] - SEED_GOLD[0]) + Math.abs(img.data[k + 1] - SEED_GOLD[1]) + Math.abs(img.data[k + 2] - SEED_GOLD[2]) < 30) n++;
      }
      return n;
    };
    const before = gold(await canvasShot(page));
    await page.locator('[data-key="seeding.material"] select').selectOption('au');
    // the link describes the run on screen: the seeds join it once the restart applies them
    expect(await page.evaluate(() => dendrite.state().query)).not.toContain('seeding.material=au');
    // geometry is built once per run: the panel asks for a restart instead of applying it live
    expect((await page.evaluate(() => dendrite.messages())).some((m) => m.text.includes('seeding.material needs a restart'))).toBe(true);
    await page.getByRole('button', { name: 'apply changes & restart' }).click();
    await page.waitForFunction(() => !dendrite.busy() && dendrite.state().scenario.seeding.material === 'au', undefined, { timeout: 60_000 });
    expect(await page.evaluate(() => dendrite.state().query)).toContain('seeding.material=au');
    await page.evaluate(() => dendrite.advance(10));
    const after = gold(await canvasShot(page));
    console.log(`gold (seed) pixels before/after choosing Au seeds: ${before} → ${after}`);
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(20);
    await page.close();
  });

  it('exports a PNG snapshot, the fields as VTK ImageData and a WebM video; hover reads a cell; shortcuts step and show help', async () => {
    const page = await open(GALVANO);
    await page.evaluate(() => dendrite.advance(10));
    const save = async (label: string) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.getByText(label, { exact: true }).click()]);
      return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) };
    };
    const png = await save('PNG snapshot');
    const img = decodePng(png.bytes);
    const canvas = await page.evaluate(() => [(document.getElementById('field') as HTMLCanvasElement).width, (document.getElementById('field') as HTMLCanvasElement).height]);
    expect(png.name).toMatch(/\.png$/);
    expect(img.width).toBeGreaterThan(canvas[0]); // the field plus its colour bar
    const vti = await save('fields as VTK (.vti)');
    const xml = vti.bytes.toString('utf8');
    const f = await page.evaluate(() => dendrite.readXi());
    expect(xml).toContain(`WholeExtent="0 ${f.nx - 1} 0 ${f.ny - 1} 0 0"`);
    const b64 = /Name="xi"[^>]*>\s*([A-Za-z0-9+/=]+)\s*</.exec(xml)![1];
    const raw = Buffer.from(b64, 'base64');
    const xi = new Float32Array(raw.buffer.slice(raw.byteOffset + 4, raw.byteOffset + raw.length));
    expect(xi.length).toBe(f.nx * f.ny);
    let dmax = 0;
    for (let k = 0; k < xi.length; k++) dmax = Math.max(dmax, Math.abs(xi[k] - f.xi[k]));
    expect(dmax).toBe(0);
    await page.getByText('● record WebM').click();
    await page.evaluate(() => dendrite.advance(10));
    await page.waitForTimeout(1500);
    const webm = await save('■ stop recording (saves .webm)');
    console.log(`exports: ${png.name} ${png.bytes.length} B (${img.width}×${img.height}), ${vti.name} ${vti.bytes.length} B, ${webm.name} ${webm.bytes.length} B`);
    expect(webm.bytes.subarray(0, 4).toString('hex')).toBe('1a45dfa3'); // EBML magic: a Matroska/WebM file
    // hover readout over the middle of the domain
    const [sx, sy] = await page.evaluate(([x, y]) => dendrite.toScreen(x, y), [8, 12]);
    const box = (await page.locator('#field').boundingBox())!;
    await page.mouse.move(box.x + sx, box.y + sy);
    await page.waitForFunction(() => !document.getElementById('readout')!.hidden, undefined, { timeout: 30_000 });
    const readout = await page.textContent('#readout');
    expect(readout).toMatch(/ξ = [0-9.]+/);
    expect(readout).toMatch(/c = [0-9.]+ mol\/L/);
    expect(readout).toMatch(/φ = -?[0-9.]+ mV/);
    // shortcuts: '.' steps once, '?' toggles the help overlay
    const before = await page.evaluate(() => dendrite.state().steps);
    await page.locator('#field').click();
    await page.keyboard.press('.');
    await page.waitForFunction((n) => dendrite.state().steps === n + 1 && !dendrite.busy(), before, { timeout: 60_000 });
    await page.keyboard.press('?');
    expect(await page.locator('#help').isVisible()).toBe(true);
    await page.keyboard.press('?');
    expect(await page.locator('#help').isVisible()).toBe(false);
    await page.close();
  });

  it('usability: shortcuts after panel clicks, plots and about box follow the preset, only applicable controls, the link shows what runs, re-fit on resize, rates and ETA', async () => {
    const page = await open('preset=first-dendrites&grid.nx=32&grid.ny=32&initial.nuclei_count=2&run.metrics_every_steps=10');
    const st = () => page.evaluate(() => dendrite.state());
    // the preset's description and sources are shown
    expect((await st()).about).toMatch(/^Scenario: first-dendrites\s*What it shows: The quick start.*Sources: Bai, Li, Brushett, Bazant/s);
    // potentiostatic: the electrode potential is on the panel, the current density and the SEI keys are not
    let keys = (await st()).visibleKeys;
    expect(keys).toContain('drive.overpotential_V');
    expect(keys).toContain('run.charge_mAh_cm2');
    expect(keys).not.toContain('drive.current_density_mA_cm2');
    expect(keys).not.toContain('sei.thickness_nm');
    await page.evaluate(() => dendrite.setKey('drive.mode', 'galvanostatic'));
    keys = (await st()).visibleKeys;
    expect(keys).toContain('drive.current_density_mA_cm2');
    expect(keys).not.toContain('drive.overpotential_V');
    await page.evaluate(() => dendrite.setKey('drive.mode', 'potentiostatic'));

    // a restart key edited but not applied: the link still describes the run on screen
    await page.evaluate(() => dendrite.setKey('grid.nx', 48));
    expect((await st()).query).not.toMatch(/grid\.nx=48/);
    expect((await st()).query).toMatch(/grid\.nx=32/);

    // Space after a click on a panel button: play/pause, and the button is not pressed again
    const shareNotes = async () => (await page.evaluate(() => dendrite.messages())).filter((m) => /Share link/.test(m.text)).length;
    await page.getByText('copy share link', { exact: true }).click();
    await page.waitForFunction(() => dendrite.messages().some((m) => /Share link/.test(m.text)), undefined, { timeout: 30_000 });
    const notes = await shareNotes();
    expect(notes).toBe(1);
    await page.keyboard.press(' ');
    expect((await st()).playing).toBe(true);
    // and after a click on a checkbox
    await page.locator('#panel input[type="checkbox"]').first().click();
    await page.keyboard.press(' ');
    expect((await st()).playing).toBe(false);
    await page.waitForTimeout(500);
    expect(await shareNotes()).toBe(notes);

    // play for a few seconds: steps/s, simulated s per wall s and the ETA are read out; the plots fill
    await page.keyboard.press(' ');
    await page.waitForFunction(() => dendrite.state().readout['ETA to stop'] !== '–' && dendrite.state().rows > 2, undefined, { timeout: 120_000 });
    // read while it plays (paused, the rates restart and the ETA shows –)
    const r = (await st()).readout;
    await page.keyboard.press(' ');
    await page.waitForFunction(() => !dendrite.busy(), undefined, { timeout: 60_000 });
    console.log(`readout: ${r['steps / s']} steps/s, ${r['sim s / wall s']} sim s per wall s, ETA ${r['ETA to stop']}`);
    expect(Number(r['steps / s'])).toBeGreaterThan(0);
    expect(Number(r['sim s / wall s'])).toBeGreaterThan(0);
    expect(String(r['ETA to stop'])).toMatch(/^(\d+ s|\d+ min \d+ s|\d+ h \d+ min|> 1 week)$/);
    await page.waitForFunction(() => dendrite.state().plotPoints.every((n) => n > 0), undefined, { timeout: 30_000 });
    // each plot has a legend naming its curves
    const legends = await page.locator('#plots .u-legend').allTextContents();
    expect(legends.length).toBe(5);
    expect(legends.join(' ')).toMatch(/max height \[µm\]/);

    // the log-time option reaches the charts' x scale
    expect((await st()).plotXScale).toBe('linear');
    await page.locator('[data-key="view.xscale"] select').selectOption('log');
    expect((await st()).plotXScale).toBe('log');
    await page.locator('[data-key="view.xscale"] select').selectOption('linear');

    // F: the field and its plots full screen, F again leaves
    await page.locator('#field').click();
    await page.keyboard.press('Shift+F');
    await page.waitForFunction(() => document.fullscreenElement?.id === 'left', undefined, { timeout: 10_000 });
    await page.keyboard.press('Shift+F');
    await page.waitForFunction(() => document.fullscreenElement === null, undefined, { timeout: 10_000 });

    // resize: the whole domain stays in view
    for (const [w, h] of [[1280, 720], [900, 1100]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
      const box = (await page.locator('#field').boundingBox())!;
      const { Lx, Ly } = await page.evaluate(() => {
        const s = dendrite.state().scenario;
        return { Lx: (s.grid.nx as number) * (s.grid.dx_um as number), Ly: (s.grid.ny as number) * (s.grid.dx_um as number) };
      });
      for (const [x, y] of [[0, 0], [Lx, Ly]]) {
        const [sx, sy] = await page.evaluate(([x, y]) => dendrite.toScreen(x, y), [x, y]);
        expect(sx, `${w}×${h}`).toBeGreaterThanOrEqual(-1);
        expect(sx).toBeLessThanOrEqual(box.width + 1);
        expect(sy).toBeGreaterThanOrEqual(-1);
        expect(sy).toBeLessThanOrEqual(box.height + 1);
      }
    }

    // a preset switch: the page says it is loading, then the plots and the about box belong to the new run
    await page.evaluate(() => {
      (window as unknown as { sawLoading: boolean }).sawLoading = false;
      new MutationObserver(() => {
        if (document.body.dataset.loading) (window as unknown as { sawLoading: boolean }).sawLoading = true;
      }).observe(document.body, { attributes: true, attributeFilter: ['data-loading'] });
    });
    await page.locator('#panel select').first().selectOption('planar-li-foil');
    await page.waitForFunction(() => dendrite.state().scenario.about.name === 'planar-li-foil' && !dendrite.busy(), undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => (window as unknown as { sawLoading: boolean }).sawLoading)).toBe(true);
    expect(await page.evaluate(() => document.body.dataset.loading)).toBeUndefined();
    expect((await st()).plotPoints).toEqual([0, 0, 0, 0, 0]);
    expect((await st()).about).toMatch(/^Scenario: planar-li-foil\s*What it shows: Flat Li film/);
    await page.close();
  });

  it('an SEI scenario offers the SEI layers and draws the film; without a film they are hidden and a linked SEI layer falls back to ξ with a note; garnet without a film offers the stress alone', async () => {
    const layerMenu = (page: Page) => page.locator('[data-key="view.layer"] select option').allTextContents();
    const sei = await open('preset=native-sei&grid.nx=32&grid.ny=32&initial.nuclei_count=2&initial.nucleus_radius_um=1.5&drive.current_density_mA_cm2=20&run.metrics_every_steps=20&view.layer=integrity&view.contour=0');
    await sei.evaluate(() => dendrite.advance(20));
    const menu = await layerMenu(sei);
    expect(menu.some((t) => t.startsWith('SEI integrity'))).toBe(true);
    expect(menu.some((t) => t.startsWith('hydrostatic stress'))).toBe(true);
    expect(await sei.evaluate(() => dendrite.state().query)).toContain('view.layer=integrity');
    // the film layer: the electrolyte off the film in slate, the film band in the colour map (magma)
    const img = await canvasShot(sei);
    const lut = colormap('magma');
    let slate = 0;
    let mapped = 0;
    for (let k = 0; k < img.data.length; k += 4) {
      const [r, g, b] = [img.data[k], img.data[k + 1], img.data[k + 2]];
      if (Math.abs(r - 0x3b) + Math.abs(g - 0x41) + Math.abs(b - 0x4d) < 6) slate++;
      for (let q = 0; q < 256; q++) if (Math.abs(r - lut[4 * q]) + Math.abs(g - lut[4 * q + 1]) + Math.abs(b - lut[4 * q + 2]) < 6) (mapped++, (q = 256));
    }
    console.log(`SEI integrity layer: ${slate} slate (electrolyte off the film) and ${mapped} colour-map pixels of ${img.width * img.height}`);
    expect(slate).toBeGreaterThan(1000);
    expect(mapped).toBeGreaterThan(100);
    // pick the stress layer on the panel: the URL and the colour bar follow
    await sei.locator('[data-key="view.layer"] select').selectOption({ label: 'hydrostatic stress σ_h (capped at yield) [MPa]' });
    expect(await sei.evaluate(() => dendrite.state().query)).toContain('view.layer=stress');
    expect(await sei.textContent('#colorbar .cb-title')).toContain('[MPa]');
    await sei.close();

    const plain = await open('preset=planar-li-foil&grid.nx=32&grid.ny=32&view.layer=integrity');
    expect(await layerMenu(plain)).toEqual(['Li metal ξ [–]', 'dead Li (cut off from the collector) [live / dead]', 'Li⁺ concentration [mol/L]', 'electrolyte potential [V]', 'ionic current density |i| [mA/cm²]']);
    expect(await plain.evaluate(() => dendrite.state().query)).toContain('view.layer=xi');
    const notes = await plain.evaluate(() => dendrite.messages());
    expect(notes.some((m) => m.kind === 'note' && m.text.startsWith('No SEI in this scenario'))).toBe(true);
    await plain.close();

    // garnet without an SEI solves the mechanics for the growth strain: the stress layer, no film layers
    const garnet = await open('preset=garnet&grid.nx=32&grid.ny=32&initial.li_thickness_um=4&view.layer=stress');
    expect(await layerMenu(garnet)).toEqual(['Li metal ξ [–]', 'dead Li (cut off from the collector) [live / dead]', 'Li⁺ concentration [mol/L]', 'electrolyte potential [V]', 'ionic current density |i| [mA/cm²]', 'hydrostatic stress σ_h (capped at yield) [MPa]']);
    expect(await garnet.evaluate(() => dendrite.state().query)).toContain('view.layer=stress');
    await garnet.close();
  });

  it('a shared link loaded in a fresh page reproduces the same state', async () => {
    const page = await open(`${GALVANO}&run.seed=7&drive.current_density_mA_cm2=2`);
    await page.evaluate(() => dendrite.advance(30));
    const a = await page.evaluate(() => dendrite.readXi());
    const query = await page.evaluate(() => dendrite.state().query);
    await page.close();
    const fresh = await browser.newPage();
    watchErrors(fresh, errors);
    await fresh.goto(`${base}?${query}&view.backend=gpu`);
    await fresh.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 120_000 });
    await fresh.evaluate(() => dendrite.advance(30));
    const b = await fresh.evaluate(() => dendrite.readXi());
    let diff = 0;
    for (let k = 0; k < a.xi.length; k++) diff = Math.max(diff, Math.abs(a.xi[k] - b.xi[k]));
    console.log(`shared link: ${query}\nmax |Δξ| after 30 steps = ${diff}`);
    expect(b.nx).toBe(a.nx);
    expect(diff).toBeLessThanOrEqual(1e-6);
    await fresh.close();
  });

  it('a lost GPU device is recovered and the run continues from the kept state', async () => {
    const page = await open(GALVANO);
    await page.evaluate(() => dendrite.advance(20));
    // wait for the periodic host copy of the state (every 3 s) to include these steps
    await page.waitForTimeout(4000);
    const kept = await page.evaluate(() => dendrite.state().steps);
    await page.evaluate(() => dendrite.loseDevice());
    await page.waitForFunction(() => dendrite.messages().some((m) => m.text.startsWith('Recovered')), undefined, { timeout: 120_000 });
    const st = await page.evaluate(() => dendrite.state());
    expect(st.steps).toBe(kept);
    await page.evaluate(() => dendrite.advance(10));
    expect(await page.evaluate(() => dendrite.state().steps)).toBe(kept + 10);
    // the device.destroy() above legitimately logs nothing else; the messages say what happened
    await page.close();
  });

  it('a bad link names the bad key, and a grid beyond the adapter is refused with the limit', async () => {
    const page = await open('preset=planar-li-foil&drive.curent_density_mA_cm2=3');
    const msgs = await page.evaluate(() => dendrite.messages());
    expect(msgs.some((m) => m.kind === 'error' && m.text.includes('drive.curent_density_mA_cm2'))).toBe(true);
    // an imported scenario file with a bad value is refused by key; the running simulation stays
    const ok = await page.evaluate(() => (window as unknown as { dendrite: { importJson(t: string): Promise<boolean> } }).dendrite.importJson('{"grid": {"nx": 130}}'));
    expect(ok).toBe(false);
    const m1 = await page.evaluate(() => dendrite.messages());
    expect(m1.some((m) => m.kind === 'error' && m.text.includes('grid.nx = 130'))).toBe(true);
    await page.close();
    const big = await open('preset=planar-li-foil&grid.nx=16384&grid.ny=16384');
    const m2 = await big.evaluate(() => dendrite.messages());
    console.log(m2.map((m) => m.text).join('\n'));
    expect(m2.some((m) => m.kind === 'error' && /grid\.nx/.test(m.text) && /cells on this adapter/.test(m.text))).toBe(true);
    await big.close();
  });

  it('a software WebGPU adapter: auto runs the f64 CPU solver in a Web Worker, says why, and the deposit grows on the 2D canvas', async () => {
    const page = await open('preset=first-dendrites&grid.nx=32&grid.ny=32&initial.nuclei_count=2&run.metrics_every_steps=10', 'auto');
    expect(await page.evaluate(() => document.body.dataset.backend)).toBe('cpu');
    const banner = await page.textContent('#cpu-banner');
    expect(banner).toMatch(/CPU mode\. The WebGPU adapter is a software one \(.*\), slower than the f64 CPU backend\./);
    expect(banner).toMatch(/view\.backend=gpu/);
    const area = (f: { xi: number[] }) => f.xi.reduce((a, b) => a + b, 0);
    const before = await page.evaluate(() => dendrite.readXi());
    const shot0 = await canvasShot(page);
    await page.evaluate(() => dendrite.advance(200));
    const st = await page.evaluate(() => dendrite.state());
    expect(st.steps).toBe(200);
    expect(st.rows).toBeGreaterThan(5);
    const after = await page.evaluate(() => dendrite.readXi());
    console.log(`CPU worker: 200 steps to t = ${st.time_s.toPrecision(4)} s, Li area ${area(before).toFixed(1)} → ${area(after).toFixed(1)} cells`);
    expect(area(after)).toBeGreaterThan(area(before) + 5);
    const shot1 = await canvasShot(page);
    let changed = 0;
    for (let k = 0; k < shot0.data.length; k += 4) if (Math.abs(shot0.data[k] - shot1.data[k]) + Math.abs(shot0.data[k + 2] - shot1.data[k + 2]) > 24) changed++;
    expect(changed).toBeGreaterThan(100);
    await page.waitForFunction(() => dendrite.state().plotPoints.every((n) => n > 0), undefined, { timeout: 30_000 });
    await page.close();
  });

  it('a browser without WebGPU runs the CPU solver in a Web Worker and says which browsers and settings have WebGPU', async () => {
    const plain = await launch({ webgpu: false });
    try {
      const page = await plain.newPage();
      watchErrors(page, errors);
      await page.goto(`${base}?preset=first-dendrites&grid.nx=32&grid.ny=32`);
      await page.waitForFunction(() => ['ready', 'failed', 'no-webgpu'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
      expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
      expect(await page.evaluate(() => document.body.dataset.backend)).toBe('cpu');
      const text = await page.textContent('#cpu-banner');
      expect(text).toMatch(/No usable WebGPU adapter \((this browser does not expose navigator\.gpu|this browser has WebGPU, but no GPU adapter)/);
      expect(text).toContain('Chrome');
      expect(text).toContain('--enable-unsafe-webgpu');
      await page.evaluate(() => dendrite.advance(20));
      expect(await page.evaluate(() => dendrite.state().steps)).toBe(20);
      // asking for the GPU where there is none gets the page that says what to do
      const forced = await plain.newPage();
      await forced.goto(`${base}?view.backend=gpu`);
      await forced.waitForFunction(() => document.body.dataset.state !== undefined, undefined, { timeout: 60_000 });
      expect(await forced.evaluate(() => document.body.dataset.state)).toBe('no-webgpu');
    } finally {
      await plain.close();
    }
  });

  // The screenshot in docs/app.md: `DENDRITE_UPDATE_DOCS=1 npx vitest run tests/app.e2e.test.ts`.
  it.runIf(process.env.DENDRITE_UPDATE_DOCS === '1')('writes the app screenshot (docs/app.png)', async () => {
    const page = await open(
      'preset=planar-li-foil&grid.nx=96&grid.ny=96&initial.li_thickness_um=3&initial.nuclei_count=4&initial.nucleus_radius_um=2' +
        '&drive.current_density_mA_cm2=200&phase.interface_mobility_m3_J_s=6.25e-8&phase.noise_amplitude_per_sqrt_s=0.04' +
        '&numerics.dt_initial_s=0.01&run.metrics_every_steps=25&view.layer=c',
    );
    await page.evaluate(() => dendrite.advance(400));
    await page.mouse.move(420, 420);
    await page.waitForTimeout(1500);
    mkdirSync('docs', { recursive: true });
    await page.screenshot({ path: 'docs/app.png' });
    await page.close();
  });

  it('no console errors on any page', () => {
    if (errors.length) console.log(errors.join('\n'));
    expect(errors).toEqual([]);
  });
});

