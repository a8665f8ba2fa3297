// Cycling and dead Li in the browser app, end to end (built, served, Debian's headless chromium through
// playwright-core, as tests/app.e2e.test.ts): a small Li‖Li cycling run on WebGPU (SwiftShader) until a
// cycle completes, whose cycle plot, voltage profile, cell voltage and readout are checked, with the
// dead-Li layer drawing the connected deposit; and the CPU worker reached from the panel: drive.mode
// switched to cycling, restarted, its cycles posted from the worker to the same plots.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { BrowserContext, Page } from 'playwright-core';
import { buildApp, decodePng, launch, serve, watchErrors, type Rgba } from './support/browser.ts';
import { DEAD_LI, METAL_GREY } from '../src/app/layers.ts';
import { HAS_BROWSER } from './support/env.ts';

interface CyclePoints {
  cycle: number[];
  ce_pct: number[];
  dead_pct: number[];
}
interface Hooks {
  advance(n: number): Promise<void>;
  state(): {
    steps: number;
    rows: number;
    cycles: number;
    query: string;
    plotPoints: number[];
    plotSeries?: string[][];
    cyclePlot?: CyclePoints;
    profileCurves?: { label: string; points: number }[];
    visibleKeys?: string[];
    readout: Record<string, string | number>;
  };
  busy(): boolean;
  messages(): { kind: string; text: string }[];
}
declare const dendrite: Hooks;

// 0.01 mAh/cm² at 0.5 mA/cm² each way: 72 s a half-cycle, about 65 steps; a phase starts from
// numerics.dt_initial_s and a run call that continues it keeps its dt (src/sim/simulation.ts runCycling).
const LI_LI =
  'preset=li-li-symmetric&grid.nx=16&grid.ny=32&cycling.plate_capacity_mAh_cm2=0.01&cycling.strip_capacity_mAh_cm2=0.01&cycling.cycles=2&view.layer=dead&view.contour=0';

let dist: string;
let server: Server;
let base: string;
let browser: BrowserContext;
const errors: string[] = [];

async function open(query: string): Promise<Page> {
  const page = await browser.newPage();
  watchErrors(page, errors);
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => ['ready', 'failed', 'no-webgpu'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
  expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
  return page;
}

/** The field canvas alone: the colour bar's chips (a dead-Li swatch) and the messages lie over it on the page. */
async function canvasShot(page: Page): Promise<Rgba> {
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const overlays = ['#colorbar', '#messages', '#scalebar'];
  await page.evaluate((ids) => ids.forEach((id) => (document.querySelector<HTMLElement>(id)!.style.visibility = 'hidden')), overlays);
  const shot = decodePng(await page.locator('#field').screenshot());
  await page.evaluate((ids) => ids.forEach((id) => (document.querySelector<HTMLElement>(id)!.style.visibility = '')), overlays);
  return shot;
}

/** Pixels within a small distance of a colour. */
function count(img: Rgba, rgb: readonly number[]): number {
  let n = 0;
  for (let k = 0; k < img.data.length; k += 4) if (Math.abs(img.data[k] - rgb[0]) + Math.abs(img.data[k + 1] - rgb[1]) + Math.abs(img.data[k + 2] - rgb[2]) < 12) n++;
  return n;
}

/** Steps in batches until `done` holds for the state (or `maxSteps` pass). */
async function advanceUntil(page: Page, done: (st: ReturnType<Hooks['state']>) => boolean, batch: number, maxSteps: number): Promise<ReturnType<Hooks['state']>> {
  for (;;) {
    const st = await page.evaluate(() => dendrite.state());
    if (done(st) || st.steps >= maxSteps) return st;
    await page.evaluate((n) => dendrite.advance(n), batch);
  }
}

describe.skipIf(!HAS_BROWSER)('cycling and dead Li in the browser app', () => {
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

  it('WebGPU: a Li‖Li cycle completes; the cycle plot gets its CE ≈ 100 %, the voltage profile both half-cycles, the readout the cycle and phase; dead-Li layer', async () => {
    const page = await open(`${LI_LI}&view.backend=gpu`);
    let st = await page.evaluate(() => dendrite.state());
    // the protocol's keys on the panel, the galvanostatic current not; the cycle readout
    expect(st.visibleKeys).toEqual(expect.arrayContaining(['cycling.plate_capacity_mAh_cm2', 'cycling.strip_capacity_mAh_cm2', 'cycling.cycles', 'cell.kind', 'metal.island_contact', 'run.cycle']));
    expect(st.visibleKeys).not.toContain('drive.current_density_mA_cm2');
    expect(await page.locator('[data-key="drive.mode"] select option').allTextContents()).toContain('cycling');
    expect(st.readout.cycle).toBe('cycle 1/2 · plating');
    // the dead-Li layer: the connected film in the live colour, nothing dead; its colour bar lists the colours
    const menu = await page.locator('[data-key="view.layer"] select option').allTextContents();
    expect(menu).toContain('dead Li (cut off from the collector) [live / dead]');
    expect(await page.textContent('#colorbar')).toMatch(/live Li.*dead Li.*electrolyte/);
    const shot = await canvasShot(page);
    const [live, dead] = [count(shot, METAL_GREY), count(shot, DEAD_LI)];
    console.log(`dead-Li layer of the Li film: ${live} live-Li pixels, ${dead} dead-Li pixels`);
    expect(live).toBeGreaterThan(2000);
    expect(dead).toBe(0);

    st = await advanceUntil(page, (s) => String(s.readout.cycle).includes('stripping'), 80, 400);
    expect(st.readout.cycle).toBe('cycle 1/2 · stripping');
    expect(st.cycles).toBe(0);
    // one batch may run on into the second cycle
    st = await advanceUntil(page, (s) => s.cycles >= 1, 150, 600);
    console.log(`GPU: cycle 1 done by step ${st.steps} (${st.rows} rows); cycle plot ${JSON.stringify(st.cyclePlot)}; profile ${JSON.stringify(st.profileCurves)}; readout "${st.readout.cycle}"`);
    expect(st.cyclePlot!.cycle).toEqual(Array.from({ length: st.cycles }, (_, k) => k + 1));
    expect(st.cyclePlot!.cycle[0]).toBe(1);
    // Li‖Li without an SEI: all plated Li strips back, none cut off
    for (const ce of st.cyclePlot!.ce_pct) expect(Math.abs(ce - 100)).toBeLessThan(0.5);
    for (const d of st.cyclePlot!.dead_pct) expect(d).toBe(0);
    expect(st.profileCurves!.slice(0, 2)).toEqual([
      { label: '1 plate', points: expect.any(Number) },
      { label: '1 strip', points: expect.any(Number) },
    ]);
    for (const c of st.profileCurves!.slice(0, 2)) expect(c.points).toBeGreaterThan(2);
    // a Li counter electrode: the voltage plot draws the cell voltage beside E
    expect(st.plotSeries![0]).toEqual(['E [V]', 'cell voltage [V]']);
    expect(st.readout.cycle).toMatch(/^cycle 2\/2 · (plating|stripping)$|^2\/2 cycles done$/);
    expect(await page.textContent('#status')).toContain(String(st.readout.cycle));
    // the cycle plot leads the plot grid, under its title
    expect(await page.locator('#plots .plot').first().getAttribute('data-plot')).toBe('cycles');
    expect(await page.locator('#plots [data-plot="cycles"] .u-title').textContent()).toContain('Coulombic efficiency');
    await page.close();
  });

  it('CPU worker: drive.mode = cycling chosen on the panel restarts the run as a protocol; its cycles reach the cycle plot', async () => {
    // the symmetric cell held galvanostatic, no strip end set (a galvanostatic run reads none)
    const page = await open(
      'preset=li-li-symmetric&drive.mode=galvanostatic&drive.current_density_mA_cm2=0.5&cycling.strip_capacity_mAh_cm2=0&cycling.plate_capacity_mAh_cm2=0.01&cycling.cycles=1&grid.nx=16&grid.ny=32&view.backend=cpu',
    );
    expect(await page.evaluate(() => document.body.dataset.backend)).toBe('cpu');
    expect(await page.evaluate(() => dendrite.state().cyclePlot)).toBeUndefined();
    // dead Li is a layer here too (islands can die: metal.island_contact = none)
    expect(await page.locator('[data-key="view.layer"] select option').allTextContents()).toContain('dead Li (cut off from the collector) [live / dead]');
    await page.locator('[data-key="drive.mode"] select').selectOption('cycling');
    // cycling needs an end to each strip: the panel strips what each cycle plates, and says so
    await page.waitForFunction(() => dendrite.messages().some((m) => m.text.startsWith('With drive.mode = cycling: cycling.strip_capacity_mAh_cm2 = 0.01')));
    expect(await page.locator('[data-key="cycling.strip_capacity_mAh_cm2"] input').inputValue()).toBe('0.01');
    await page.getByRole('button', { name: 'apply changes & restart' }).click();
    await page.waitForFunction(() => !dendrite.busy() && dendrite.state().cyclePlot !== undefined, undefined, { timeout: 60_000 });
    const st = await advanceUntil(page, (s) => s.cycles >= 1, 300, 900);
    console.log(`CPU: cycle 1 done at step ${st.steps}; cycle plot ${JSON.stringify(st.cyclePlot)}; readout "${st.readout.cycle}"; link ${st.query}`);
    // the link holds the run: cycling is the preset's own mode, so only the strip end differs from it
    expect(st.query).not.toContain('drive.mode=');
    expect(st.query).toContain('cycling.strip_capacity_mAh_cm2=0.01');
    expect(st.cyclePlot!.cycle[0]).toBe(1);
    expect(Math.abs(st.cyclePlot!.ce_pct[0] - 100)).toBeLessThan(0.5);
    expect(st.readout.cycle).toBe('1/1 cycles done');
    await page.close();
  });

  it('no console errors on any page', () => {
    if (errors.length) console.log(errors.join('\n'));
    expect(errors).toEqual([]);
  });
});
