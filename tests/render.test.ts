// The app's render shader against a CPU evaluation: shaders/render.wgsl's layerValue() (shared by the
// fragment shader and the range reduction) for every layer, through FieldRange's GPU min/max over the
// electrolyte, compared with the same quantities computed here in f64 from the buffers read back.
// With a 3D host: the range leaves host cells out, and the fragment shader paints hosts and seeds.

import { describe, expect, it } from 'vitest';
import { BACKENDS } from './support/scenarios.ts';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { readGpuBuffer } from '../src/gpu/solver.ts';
import { FieldRange, Renderer } from '../src/app/renderer.ts';
import { View } from '../src/app/view.ts';
import { LAYERS, type LayerSpec } from '../src/app/layers.ts';
import { COPPER, HOST_SOLID, SEED_GOLD } from '../src/io/fieldImage.ts';
import type { GpuFieldView } from '../src/sim/types.ts';

type Buffers = Record<'xi' | 'c' | 'phi' | 'sx' | 'sy', Float32Array>;

/** CPU twin of layerValue() in shaders/render.wgsl. */
function layerValue(layer: LayerSpec, v: GpuFieldView, f: Buffers, i: number, j: number): number {
  const { nx, ny } = v;
  const k = j * nx + i;
  switch (layer.id) {
    case 'c':
      return f.c[k] * v.c0_mol_L;
    case 'phi':
      return f.phi[k] * v.thermalVoltage_V;
    case 'i': {
      const w = (i + nx - 1) % nx;
      const e = (i + 1) % nx;
      const p = f.phi[k];
      const ix = 0.5 * (f.sx[k] * (f.phi[j * nx + w] - p) + f.sx[j * nx + e] * (p - f.phi[j * nx + e]));
      let iy = 0;
      let n = 0;
      if (j > 0) (iy += f.sy[j * nx + i] * (f.phi[k - nx] - p)), n++;
      if (j + 1 < ny) (iy += f.sy[(j + 1) * nx + i] * (p - f.phi[k + nx])), n++;
      iy /= Math.max(n, 1);
      return Math.hypot(ix, iy) * v.currentScale_mA_cm2;
    }
    default:
      return f.xi[k];
  }
}

async function readBuffers(v: GpuFieldView): Promise<Buffers> {
  const n = v.nx * v.ny;
  const [xi, c, phi, sx, sy] = await Promise.all([
    readGpuBuffer(v.device, v.xi, n),
    readGpuBuffer(v.device, v.c, n),
    readGpuBuffer(v.device, v.phi, n),
    readGpuBuffer(v.device, v.sigmaX, n),
    readGpuBuffer(v.device, v.sigmaY, n + v.nx),
  ]);
  return { xi, c, phi, sx, sy };
}

/** f64 min/max of a layer over the cells the reduction should count: field layers skip the metal (ξ ≥ ½), all skip `host` cells. */
function cpuRange(layer: LayerSpec, v: GpuFieldView, f: Buffers, host?: Uint8Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < v.ny; j++) {
    for (let i = 0; i < v.nx; i++) {
      const k = j * v.nx + i;
      if (host?.[k] || (layer.id !== 'xi' && f.xi[k] >= 0.5)) continue;
      const x = layerValue(layer, v, f, i, j);
      lo = Math.min(lo, x);
      hi = Math.max(hi, x);
    }
  }
  return [lo, hi];
}

describe.runIf(BACKENDS.includes('gpu'))('render shader layer values (GPU range reduction vs CPU)', () => {
  it('min and max of every layer over the electrolyte agree with an f64 evaluation of the same buffers', async () => {
    const s = resolveScenario({
      preset: 'planar-li-foil',
      grid: { nx: 32, ny: 32 },
      initial: { li_thickness_um: 4, nuclei_count: 2, nucleus_radius_um: 2 },
      drive: { current_density_mA_cm2: 50 },
      run: { metrics_every_steps: 20 },
    });
    const sim = await createSimulation(s, { backend: 'gpu' });
    await sim.run({ maxSteps: 20 });
    const v = sim.gpuView()!;
    const f = await readBuffers(v);
    const range = new FieldRange(v.device);
    range.setSource(v);
    for (const layer of LAYERS) {
      const [lo, hi] = cpuRange(layer, v, f);
      const gpu = (await range.measure({ layer, colormap: layer.colormap, range: [0, 1], contour: false, metalSolid: true }))!;
      const tol = 1e-5 * Math.max(Math.abs(lo), Math.abs(hi));
      console.log(`layer ${layer.id} [${layer.unit}]: GPU [${gpu[0]}, ${gpu[1]}], CPU [${lo}, ${hi}]`);
      expect(hi - lo, `layer ${layer.id} is not constant`).toBeGreaterThan(0);
      expect(Math.abs(gpu[0] - lo)).toBeLessThanOrEqual(tol);
      expect(Math.abs(gpu[1] - hi)).toBeLessThanOrEqual(tol);
    }
    range.destroy();
    sim.destroy();
  });
});

describe.runIf(BACKENDS.includes('gpu'))('render shader with a 3D host', () => {
  // two Cu pillars (cells i = 5–10 and 21–26, rows 0–11) on a Cu collector, Au seeds on both
  const hostScenario = () =>
    resolveScenario({
      grid: { nx: 32, ny: 32, dx_um: 0.5 },
      substrate: { kind: 'cu' },
      host: { kind: 'pillars', height_um: 6, width_um: 3, spacing_um: 8 },
      seeding: { material: 'au', placement: 'all', pattern: 'regular', density_per_um: 0.25, size_um: 2 },
    });

  it('the GPU range leaves host cells out: it equals an f64 evaluation over the other cells', async () => {
    const sim = await createSimulation(hostScenario(), { backend: 'gpu' });
    const v = sim.gpuView()!;
    const { nx, ny } = v;
    const solid = sim.geometry.solid;
    const geo = await readGpuBuffer(v.device, v.geo, 4 * nx * ny);
    expect(Array.from(solid, (_, k) => geo[4 * k])).toEqual(Array.from(solid));
    // Known fields instead of a run, so the check does not hang on the physics: a Li cap between the
    // pillars, smooth c̃ and φ̃, and in the host cells values far outside those (ξ < ½, so only the
    // host test can keep them out of the field layers' range).
    const xi = new Float32Array(nx * ny);
    const c = new Float32Array(nx * ny);
    const phi = new Float32Array(nx * ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const x = (i + 0.5) / nx;
        const y = (j + 0.5) / ny;
        const r = Math.hypot(x - 0.5, y) * nx * v.dx_um; // µm from the collector between the pillars
        xi[k] = solid[k] ? -2 : 0.5 * (1 - Math.tanh((r - 2) / 0.6));
        c[k] = solid[k] ? 10 : 0.6 + 0.5 * y + 0.1 * Math.sin(2 * Math.PI * x);
        phi[k] = solid[k] ? 4 : -3 * (1 - y) + 0.2 * Math.cos(2 * Math.PI * x);
      }
    }
    for (const [buf, data] of [[v.xi, xi], [v.c, c], [v.phi, phi]] as const) v.device.queue.writeBuffer(buf, 0, data);
    const f = await readBuffers(v);
    const range = new FieldRange(v.device);
    range.setSource(v);
    for (const layer of LAYERS) {
      const [lo, hi] = cpuRange(layer, v, f, solid);
      const [loAll, hiAll] = cpuRange(layer, v, f);
      const gpu = (await range.measure({ layer, colormap: layer.colormap, range: [0, 1], contour: false, metalSolid: true }))!;
      const tol = 1e-5 * Math.max(Math.abs(lo), Math.abs(hi));
      console.log(`host, layer ${layer.id} [${layer.unit}]: GPU [${gpu[0]}, ${gpu[1]}], CPU without host [${lo}, ${hi}], with host [${loAll}, ${hiAll}]`);
      expect(hi - lo, `layer ${layer.id} is not constant`).toBeGreaterThan(0);
      // the host values would have moved the range: the test can tell
      expect(Math.max(Math.abs(loAll - lo), Math.abs(hiAll - hi)), `layer ${layer.id}: the host changes the range`).toBeGreaterThan(tol);
      expect(Math.abs(gpu[0] - lo)).toBeLessThanOrEqual(tol);
      expect(Math.abs(gpu[1] - hi)).toBeLessThanOrEqual(tol);
    }
    range.destroy();
    sim.destroy();
  });

  it('paints host cells, seeded surfaces and the seeded collector band on every layer', async () => {
    const sim = await createSimulation(hostScenario(), { backend: 'gpu' });
    const v = sim.gpuView()!;
    const { nx, ny } = v;
    const { solid, seeded } = sim.geometry;
    const find = (want: (k: number) => boolean, rows = ny) => Array.from({ length: nx * rows }, (_, k) => k).find(want);
    const hostCell = find((k) => solid[k] === 1 && seeded[k] === 0)!;
    const seedCell = find((k) => solid[k] === 1 && seeded[k] === 1)!;
    const seededFace = find((k) => solid[k] === 0 && seeded[k] === 1, 1)!;
    const bareFace = find((k) => solid[k] === 0 && seeded[k] === 0, 1)!;
    expect([hostCell, seedCell, seededFace, bareFace].every((k) => k !== undefined)).toBe(true);

    // 4 px per µm, the world origin at pixel row 64: cell (i, j) covers columns 2i, 2i+1 and rows
    // 62−2j, 63−2j; the collector band (0.64 µm) covers rows 64–66, its upper half row 64
    const W = 2 * nx;
    const H = 2 * ny + 4;
    const format: GPUTextureFormat = 'rgba8unorm';
    const target = v.device.createTexture({ size: [W, H], format, usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
    const context = { configure() {}, getCurrentTexture: () => target } as unknown as GPUCanvasContext;
    const renderer = new Renderer(v.device, context, format);
    renderer.setSource(v);
    const view = new View();
    view.zoom = 4;
    view.oy = 2 * ny;
    const rowBytes = 256; // ≥ 4·W, the copy's required alignment
    const readback = v.device.createBuffer({ size: rowBytes * H, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const near = (got: number[], want: readonly number[]) => got.every((g, q) => Math.abs(g - want[q]) <= 1);
    const cellPx = (k: number) => [2 * (k % nx), 2 * ny - 2 - 2 * Math.floor(k / nx)] as const;
    for (const layer of LAYERS) {
      renderer.draw(view, { layer, colormap: layer.colormap, range: [0, 1], contour: true, metalSolid: true });
      const enc = v.device.createCommandEncoder();
      enc.copyTextureToBuffer({ texture: target }, { buffer: readback, bytesPerRow: rowBytes }, [W, H]);
      v.device.queue.submit([enc.finish()]);
      await readback.mapAsync(GPUMapMode.READ);
      const px = new Uint8Array(readback.getMappedRange().slice(0));
      readback.unmap();
      const rgb = (x: number, y: number) => Array.from(px.subarray(y * rowBytes + 4 * x, y * rowBytes + 4 * x + 3));
      const band = (k: number, row: number) => rgb(2 * k, 2 * ny + row);
      expect(near(rgb(...cellPx(hostCell)), HOST_SOLID), `layer ${layer.id}: host ${rgb(...cellPx(hostCell))}`).toBe(true);
      expect(near(rgb(...cellPx(seedCell)), SEED_GOLD), `layer ${layer.id}: seeded host ${rgb(...cellPx(seedCell))}`).toBe(true);
      expect(near(band(seededFace, 0), SEED_GOLD), `layer ${layer.id}: seeded collector ${band(seededFace, 0)}`).toBe(true);
      expect(near(band(seededFace, 2), COPPER), `layer ${layer.id}: copper under the seed ${band(seededFace, 2)}`).toBe(true);
      expect(near(band(bareFace, 0), COPPER), `layer ${layer.id}: bare collector ${band(bareFace, 0)}`).toBe(true);
    }
    readback.destroy();
    target.destroy();
    renderer.destroy();
    sim.destroy();
  });
});
