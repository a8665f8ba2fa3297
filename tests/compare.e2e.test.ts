// Compare mode and the sweep viewer (compare.html) end to end, in Debian's headless chromium on SwiftShader
// WebGPU: two runs in one GPU batch with shared stepping, plots with a line per run, the link that restores
// both, a run added from run 1 with one key changed; a sweep folder picked and a run opened in the live view.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, launch, serve, watchErrors } from './support/browser.ts';
import { HAS_BROWSER } from './support/env.ts';

interface CompareHooks {
  state(): { runs: number; labels: string[]; batched: boolean; backend: string; steps: number[]; time_s: number[]; rows: number[]; query: string; plotSeries: number[]; busy: boolean };
  advance(n: number): Promise<void>;
  readXi(k: number): Promise<number[]>;
}
declare const dendriteCompare: CompareHooks;

const RUN = (potential: number) => `preset=first-dendrites&grid.nx=32&grid.ny=32&run.metrics_every_steps=10&drive.overpotential_V=${potential}`;

describe.skipIf(!HAS_BROWSER)('compare mode and the sweep viewer (headless chromium, SwiftShader WebGPU)', () => {
  let dist: string;
  let server: Server;
  let base: string;
  let browser: BrowserContext;
  const errors: string[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'dendrite-compare-'));

  beforeAll(async () => {
    dist = await buildApp();
    ({ server, url: base } = await serve(dist));
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    if (dist) rmSync(dist, { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });

  async function openCompare(query: string): Promise<Page> {
    const page = await browser.newPage();
    watchErrors(page, errors);
    await page.goto(`${base}compare.html?${query}`);
    await page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('ready');
    return page;
  }

  it('runs two presets in one GPU batch, steps them together, plots both, and the link restores both', async () => {
    const q = new URLSearchParams();
    q.append('run', RUN(-0.3));
    q.append('run', RUN(-0.6));
    const page = await openCompare(q.toString());
    let st = await page.evaluate(() => dendriteCompare.state());
    expect(st.runs).toBe(2);
    expect(st.backend).toBe('gpu');
    expect(st.batched).toBe(true);
    await page.evaluate(() => dendriteCompare.advance(20));
    st = await page.evaluate(() => dendriteCompare.state());
    expect(st.steps).toEqual([20, 20]);
    expect(st.rows).toEqual([2, 2]);
    expect(st.plotSeries).toEqual([2, 2, 2, 2]);
    // the two runs differ: more Li at −0.6 V
    const [a, b] = await page.evaluate(async () => [await dendriteCompare.readXi(0), await dendriteCompare.readXi(1)]);
    const sum = (x: number[]) => x.reduce((s, v) => s + v, 0);
    expect(sum(b)).toBeGreaterThan(sum(a));
    expect(await page.locator('.run-card canvas').count()).toBe(2);
    // the address bar holds both runs: a fresh page restores them
    const restored = await openCompare(st.query.slice(1));
    const rs = await restored.evaluate(() => dendriteCompare.state());
    expect(rs.labels).toEqual(st.labels);
    expect(rs.labels[1]).toContain('drive.overpotential_V=-0.6');
    await restored.close();
    // a third run: run 1 with one key changed, and the link now holds three
    await page.fill('#add-key', 'electrolyte.concentration_mol_L');
    await page.fill('#add-value', '0.5');
    await page.click('#add-key-go');
    await page.waitForFunction(() => dendriteCompare.state().runs === 3 && !dendriteCompare.state().busy, undefined, { timeout: 120_000 });
    st = await page.evaluate(() => dendriteCompare.state());
    expect(st.labels[2]).toContain('electrolyte.concentration_mol_L=0.5');
    expect(st.labels[2]).toContain('drive.overpotential_V=-0.3');
    expect(new URLSearchParams(st.query).getAll('run')).toHaveLength(3);
    expect(st.batched).toBe(true);
    await page.close();
    expect(errors).toEqual([]);
  });

  it('opens a sweep folder, shows its montage and table, and opens a run in the live view', async () => {
    const spec = join(tmp, 'spec.json');
    const out = join(tmp, 'sweep');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(spec, JSON.stringify({ base: 'first-dendrites', set: { 'grid.nx': 16, 'grid.ny': 16 }, axes: { 'drive.overpotential_V': [-0.3, -0.6] }, stop: { until_s: 0.2 } }));
    const r = spawnSync(process.execPath, ['bin/dendrite.mjs', 'sweep', spec, '--out', out, '--backend', 'cpu', '-q'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const page = await openCompare(new URLSearchParams([['run', RUN(-0.3)]]).toString());
    await page.setInputFiles('#sweep-folder', out);
    await page.waitForSelector('.sweep-table tbody tr');
    expect(await page.locator('.sweep-table tbody tr').count()).toBe(2);
    expect(await page.locator('#sweep-view img.montage').count()).toBe(1);
    expect(await page.locator('.sweep-table thead').textContent()).toContain('drive.overpotential_V');
    await Promise.all([page.waitForURL(/index\.html\?/), page.click('.sweep-table tbody tr[data-run="0001"]')]);
    await page.waitForFunction(() => ['ready', 'failed'].includes(document.body.dataset.state ?? ''), undefined, { timeout: 120_000 });
    const scenario = await page.evaluate(() => (window as unknown as { dendrite: { state(): { scenario: Record<string, Record<string, unknown>> } } }).dendrite.state().scenario);
    expect(scenario.drive.overpotential_V).toBe(-0.6);
    expect(scenario.grid.nx).toBe(16);
    await page.close();
    expect(errors).toEqual([]);
  });
});
