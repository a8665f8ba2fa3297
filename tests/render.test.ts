// The app's render shader against a CPU evaluation: shaders/render.wgsl's layerValue() (shared by the
// fragment shader and the range reduction) for every layer, through FieldRange's GPU min/max over the
// electrolyte, compared with the same quantities computed here in f64 from the buffers read back.

import { describe, expect, it } from 'vitest';
import { BACKENDS } from './support/scenarios.ts';
import { resolveScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import { readGpuBuffer } from '../src/gpu/solver.ts';
import { FieldRange } from '../src/app/renderer.ts';
import { LAYERS, type LayerSpec } from '../src/app/layers.ts';
import type { GpuFieldView } from '../src/sim/types.ts';

/** CPU twin of layerValue() in shaders/render.wgsl. */
function layerValue(layer: LayerSpec, v: GpuFieldView, f: Record<'xi' | 'c' | 'phi' | 'sx' | 'sy', Float32Array>, i: number, j: number): number {
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
    const n = v.nx * v.ny;
    const [xi, c, phi, sx, sy] = await Promise.all([
      readGpuBuffer(v.device, v.xi, n),
      readGpuBuffer(v.device, v.c, n),
      readGpuBuffer(v.device, v.phi, n),
      readGpuBuffer(v.device, v.sigmaX, n),
      readGpuBuffer(v.device, v.sigmaY, n + v.nx),
    ]);
    const range = new FieldRange(v.device);
    range.setSource(v);
    for (const layer of LAYERS) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let j = 0; j < v.ny; j++) {
        for (let i = 0; i < v.nx; i++) {
          if (layer.id !== 'xi' && xi[j * v.nx + i] >= 0.5) continue; // field layers: electrolyte only
          const x = layerValue(layer, v, { xi, c, phi, sx, sy }, i, j);
          lo = Math.min(lo, x);
          hi = Math.max(hi, x);
        }
      }
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
