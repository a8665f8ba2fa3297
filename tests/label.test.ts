// Dead-Li labelling (src/cpu/label.ts, shaders/label.wgsl): the CPU twin against a naive reference on
// random fields, hand cases, then the GPU kernels against the CPU twin, bit for bit.
// GPU part: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json npx vitest run tests/label.test.ts

import { beforeAll, describe, expect, it } from 'vitest';
import { LABEL_NONE, applyLive, contactRows, createLabelWorkspace, labelMetal } from '../src/cpu/label.ts';
import { THIN_CUT_XI } from '../src/cpu/terms.ts';
import { getGpu } from '../src/gpu/device.ts';
import { GpuLabel } from '../src/gpu/label.ts';
import { readGpuBuffer } from '../src/gpu/solver.ts';
import { mulberry32 } from '../src/sweep/designs.ts';
import { HAS_GPU } from './support/env.ts';

interface Field {
  xi: Float32Array;
  solid: Float32Array;
}

/** ½[1 − tanh(d/(2w))] of a signed distance d (cells), w = 0.6 cells: tails reach 1e-3 about 4 cells out */
const profile = (d: number) => 0.5 * (1 - Math.tanh(d / 1.2));

/** periodic x distance between cell centre i and x (cells) */
function dxWrap(nx: number, i: number, x: number): number {
  const d = Math.abs(i + 0.5 - x) % nx;
  return Math.min(d, nx - d);
}

/** ξ = max of a film of thickness `film` and tanh discs (x, y, r) in cells, stored as f32 */
function paint(nx: number, ny: number, film: number, discs: [number, number, number][]): Field {
  const xi = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let v = film > 0 ? profile(j + 0.5 - film) : 0;
      for (const [x, y, r] of discs) v = Math.max(v, profile(Math.hypot(dxWrap(nx, i, x), j + 0.5 - y) - r));
      xi[j * nx + i] = v;
    }
  }
  return { xi, solid: new Float32Array(nx * ny) };
}

type Kind = 'blobs' | 'noise' | 'steps';

/**
 * Seeded random fields: 'blobs' (a film, discs and host cells), 'noise' (smoothed noise near the
 * percolation threshold: many islands of every shape), 'steps' (noise quantised to 1/16: ties everywhere,
 * for the order S, N, W, E and the strict comparisons of the ascent). Some cells sit exactly on the
 * thresholds 0.5 and THIN_CUT_XI.
 */
function randomField(nx: number, ny: number, seed: number, kind: Kind): Field {
  const r = mulberry32(seed);
  const n = nx * ny;
  let f: Field;
  if (kind === 'blobs') {
    const discs: [number, number, number][] = [];
    const count = 2 + Math.floor(r() * 8);
    for (let d = 0; d < count; d++) discs.push([r() * nx, r() * ny, 0.8 + r() * 5]);
    f = paint(nx, ny, r() < 0.8 ? r() * 6 : 0, discs);
  } else {
    const noise = Float64Array.from({ length: n }, () => r());
    const xi = new Float32Array(n);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const at = (ii: number, jj: number) => noise[Math.min(Math.max(jj, 0), ny - 1) * nx + ((ii + nx) % nx)];
        const s = (2 * at(i, j) + at(i - 1, j) + at(i + 1, j) + at(i, j - 1) + at(i, j + 1)) / 6;
        let v = 0.5 * (1 + Math.tanh((s - 0.56) * 14)) - 0.02;
        if (kind === 'steps') v = Math.round(v * 16) / 16;
        xi[j * nx + i] = Math.min(Math.max(v, 0), 1);
      }
    }
    f = { xi, solid: new Float32Array(n) };
  }
  for (let k = 0; k < n; k++) {
    const u = r();
    if (u < 0.02) f.solid[k] = 1;
    else if (u < 0.03) f.xi[k] = 0.5;
    else if (u < 0.04) f.xi[k] = THIN_CUT_XI;
  }
  return f;
}

/** Reference labels: min-label propagation to a fixed point, and the ascent written independently. */
function naiveLabels(nx: number, ny: number, f: Field): Uint32Array {
  const n = nx * ny;
  const cond = (k: number) => f.solid[k] > 0.5 || f.xi[k] >= 0.5;
  const lab = new Uint32Array(n).fill(LABEL_NONE);
  for (let k = 0; k < n; k++) if (cond(k)) lab[k] = f.solid[k] > 0.5 || k < nx ? 0 : k + 1;
  const nbrs = (i: number, j: number): [number, number][] =>
    (
      [
        [i, j - 1],
        [i, j + 1],
        [(i + nx - 1) % nx, j],
        [(i + 1) % nx, j],
      ] as [number, number][]
    ).filter(([, jj]) => jj >= 0 && jj < ny);
  for (let changed = true; changed; ) {
    changed = false;
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        if (!cond(k)) continue;
        for (const [ii, jj] of nbrs(i, j)) {
          const m = lab[jj * nx + ii];
          if (cond(jj * nx + ii) && m < lab[k]) {
            lab[k] = m;
            changed = true;
          }
        }
      }
    }
  }
  const out = lab.slice();
  for (let k = 0; k < n; k++) {
    if (cond(k) || !(f.xi[k] >= THIN_CUT_XI)) continue;
    let [i, j] = [k % nx, Math.floor(k / nx)];
    out[k] = LABEL_NONE;
    for (let moves = 0; moves < 64; moves++) {
      let best: [number, number] | undefined;
      for (const [ii, jj] of nbrs(i, j)) {
        if (f.solid[jj * nx + ii] > 0.5) continue;
        if (f.xi[jj * nx + ii] > (best ? f.xi[best[1] * nx + best[0]] : f.xi[j * nx + i])) best = [ii, jj];
      }
      if (!best) break;
      [i, j] = best;
      if (f.xi[j * nx + i] >= 0.5) {
        out[k] = lab[j * nx + i];
        break;
      }
    }
  }
  return out;
}

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a[k] !== b[k]) return `first difference at cell ${k}: ${a[k]} vs ${b[k]}`;
  return 'identical';
}

const classify = (l: number) => (l === LABEL_NONE ? 'none' : l === 0 ? 'live' : 'dead');

describe('labelMetal (CPU) against a naive reference', () => {
  it('labels 21 random fields exactly as min-label propagation and an independent ascent', () => {
    const ws = createLabelWorkspace(48 * 40);
    const kinds: Kind[] = ['blobs', 'noise', 'steps'];
    let deadSeen = 0;
    for (let s = 0; s < 21; s++) {
      const [nx, ny] = s % 2 ? [48, 40] : [37, 29];
      const f = randomField(nx, ny, 1000 + s, kinds[s % 3]);
      const res = labelMetal(nx, ny, f.xi, f.solid, nx * ny === 48 * 40 ? ws : undefined);
      const ref = naiveLabels(nx, ny, f);
      expect(Array.from(res.labels, classify), `seed ${s}: classes`).toEqual(Array.from(ref, classify));
      expect(firstDiff(res.labels, ref), `seed ${s}`).toBe('identical');
      let islands = 0;
      let deadXi = 0;
      let liveXi = 0;
      ref.forEach((l, k) => {
        if (l === k + 1) islands++;
        if (l === LABEL_NONE) return;
        if (l === 0) liveXi += f.xi[k];
        else deadXi += f.xi[k];
      });
      expect(res.islands).toBe(islands);
      expect(res.deadXi).toBeCloseTo(deadXi, 9);
      expect(res.liveXi).toBeCloseTo(liveXi, 9);
      deadSeen += islands;
    }
    expect(deadSeen, 'the random fields hold islands').toBeGreaterThan(20);
  });
});

describe('labelMetal (CPU) hand cases', () => {
  const nx = 40;
  const ny = 32;
  const at = (i: number, j: number) => j * nx + i;

  it('a film and a detached disc: the disc is one dead island, its tails dead, the film tails live', () => {
    const f = paint(nx, ny, 4, [[20, 18, 5]]);
    const res = labelMetal(nx, ny, f.xi, f.solid);
    let minDisc = -1;
    for (let k = 0; k < nx * ny && minDisc < 0; k++) if (k >= at(0, 8) && f.xi[k] >= 0.5) minDisc = k;
    expect(res.islands).toBe(1);
    expect(res.labels[at(20, 18)]).toBe(minDisc + 1);
    expect(res.labels[at(5, 1)]).toBe(0);
    expect(res.deadXi / (Math.PI * 25)).toBeCloseTo(1, 1); // ∫ξ of the disc, tails included
    // tail cells (THIN_CUT_XI ≤ ξ < 0.5) above the disc and above the film far from it
    for (const k of [at(20, 25), at(20, 26), at(14, 18), at(26, 18)]) {
      expect(f.xi[k]).toBeGreaterThanOrEqual(THIN_CUT_XI);
      expect(f.xi[k]).toBeLessThan(0.5);
      expect(res.labels[k], `cell ${k}`).toBe(minDisc + 1);
    }
    for (const k of [at(0, 4), at(0, 5), at(39, 6)]) {
      expect(f.xi[k]).toBeGreaterThanOrEqual(THIN_CUT_XI);
      expect(f.xi[k]).toBeLessThan(0.5);
      expect(res.labels[k], `cell ${k}`).toBe(0);
    }
    expect(f.xi[at(0, 14)]).toBeLessThan(THIN_CUT_XI);
    expect(res.labels[at(0, 14)]).toBe(LABEL_NONE);
    const kin = new Float64Array(nx * ny);
    applyLive(res.labels, new Float64Array(nx * ny).fill(2), kin);
    expect(kin[at(20, 18)]).toBe(0);
    expect(kin[at(20, 25)]).toBe(0);
    expect(kin[at(5, 1)]).toBe(2);
    expect(kin[at(0, 14)]).toBe(2);
  });

  // film rows 0..3 with a notch at (20, 3); a cell disc of radius 4 whose only row-4 cell (20, 4) meets
  // the film at the corners of (19, 3) and (21, 3)
  function cornerCase(): Field {
    const xi = new Float32Array(nx * ny);
    for (let j = 0; j < 4; j++) for (let i = 0; i < nx; i++) xi[at(i, j)] = 1;
    xi[at(20, 3)] = 0.3;
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if ((i - 20) ** 2 + (j - 8) ** 2 <= 16) xi[at(i, j)] = 1;
    return { xi, solid: new Float32Array(nx * ny) };
  }

  it('a disc that touches the film only at a corner is dead', () => {
    const f = cornerCase();
    const res = labelMetal(nx, ny, f.xi, f.solid);
    expect(res.islands).toBe(1);
    expect(res.labels[at(20, 4)]).toBe(at(20, 4) + 1);
    expect(res.labels[at(20, 8)]).toBe(at(20, 4) + 1);
    expect(res.labels[at(19, 3)]).toBe(0);
    // the notch is a tail cell: its highest neighbour (S first) is the film
    expect(res.labels[at(20, 3)]).toBe(0);
    // one edge more and it is live
    f.xi[at(20, 3)] = 0.5;
    expect(labelMetal(nx, ny, f.xi, f.solid).islands).toBe(0);
  });

  it('an island across the periodic x edge is one component labelled 1 + its smallest index', () => {
    const f = paint(nx, ny, 3, [[0, 16, 4.5]]);
    const res = labelMetal(nx, ny, f.xi, f.solid);
    let minK = -1;
    for (let k = at(0, 8); k < nx * ny && minK < 0; k++) if (f.xi[k] >= 0.5) minK = k;
    expect(minK % nx, 'the smallest index is on the left edge').toBe(0);
    expect(res.islands).toBe(1);
    for (const k of [at(0, 16), at(39, 16), at(3, 16), at(36, 16), at(39, Math.floor(minK / nx))]) expect(res.labels[k], `cell ${k}`).toBe(minK + 1);
  });

  it('a disc touching a host cell above row 0 is live through the host', () => {
    const f = paint(nx, ny, 0, []);
    for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) if ((i - 20) ** 2 + (j - 17) ** 2 <= 16) f.xi[at(i, j)] = 1;
    expect(labelMetal(nx, ny, f.xi, f.solid).islands).toBe(1);
    f.solid[at(20, 12)] = 1; // below the disc's bottom cell (20, 13), touching nothing else
    const res = labelMetal(nx, ny, f.xi, f.solid);
    expect(res.islands).toBe(0);
    expect(res.labels[at(20, 17)]).toBe(0);
    expect(res.labels[at(20, 12)]).toBe(0);
    expect(res.deadXi).toBe(0);
    expect(res.liveXi).toBe(49); // the 49 cells of x² + y² ≤ 16
  });

  it('a disc on row 0 is live; with no metal nothing is labelled', () => {
    const f = paint(nx, ny, 0, [[20, 2, 4]]);
    const res = labelMetal(nx, ny, f.xi, f.solid);
    expect(res.islands).toBe(0);
    expect(res.labels[at(20, 4)]).toBe(0);
    expect(res.labels[at(20, 8)]).toBe(0); // a tail cell above it
    const empty = labelMetal(nx, ny, new Float32Array(nx * ny), new Float32Array(nx * ny));
    expect(empty.labels.every((l) => l === LABEL_NONE)).toBe(true);
    expect([empty.islands, empty.deadXi, empty.liveXi]).toEqual([0, 0, 0]);
  });

  it('contact rows: a lens whose first row dips below ½ (a non-wetting wall) touches the collector through its second', () => {
    const f = paint(nx, ny, 0, [[20, 3, 3]]);
    for (let i = 0; i < nx; i++) f.xi[at(i, 0)] = Math.min(f.xi[at(i, 0)], 0.4);
    expect(labelMetal(nx, ny, f.xi, f.solid).islands).toBe(1);
    expect(labelMetal(nx, ny, f.xi, f.solid, undefined, 2).islands).toBe(0);
    expect(contactRows(0.6, 0.5)).toBe(2);
    expect(contactRows(0.25, 0.25)).toBe(2);
    expect(contactRows(0.5, 0.5)).toBe(2);
    expect(contactRows(0.4, 0.5)).toBe(1);
  });

  it('an open nucleation site is metal: a cap whose top crossed ½ before its base is connected through it', () => {
    const f = paint(nx, ny, 0, [[20, 6, 2]]);
    const sites = new Float32Array(nx * ny);
    for (let j = 0; j < 5; j++) sites[at(20, j)] = 0.7;
    expect(labelMetal(nx, ny, f.xi, f.solid).islands).toBe(1);
    const res = labelMetal(nx, ny, f.xi, f.solid, undefined, 1, sites);
    expect(res.islands).toBe(0);
    expect(res.labels[at(20, 6)]).toBe(0);
  });
});

describe.skipIf(!HAS_GPU)('GpuLabel (WGSL) against labelMetal', () => {
  let device: GPUDevice;
  beforeAll(async () => {
    device = (await getGpu()).device;
  });

  /** Runs the kernels on nb fields at once; returns labels, stats and geo per member. */
  async function runGpu(nx: number, ny: number, fields: Field[], geoStatic: Float32Array<ArrayBuffer>, geoIn: Float32Array<ArrayBuffer>) {
    const n = nx * ny;
    const nb = fields.length;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const xi = device.createBuffer({ size: 4 * nb * n, usage });
    const gs = device.createBuffer({ size: 16 * nb * n, usage });
    const geo = device.createBuffer({ size: 16 * nb * n, usage });
    device.queue.writeBuffer(xi, 0, Float32Array.from(fields.flatMap((f) => Array.from(f.xi))));
    device.queue.writeBuffer(gs, 0, geoStatic);
    device.queue.writeBuffer(geo, 0, geoIn);
    const lab = await GpuLabel.create(device, { nx, ny, nb, xi, geoStatic: gs, geo });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    lab.encode(pass);
    lab.encode(pass); // twice: a second run must start afresh
    pass.end();
    device.queue.submit([enc.finish()]);
    const labels = new Uint32Array((await readGpuBuffer(device, lab.labels, nb * n)).buffer);
    const stats = await readGpuBuffer(device, lab.stats, 4 * nb);
    const geoOut = await readGpuBuffer(device, geo, 4 * nb * n);
    lab.destroy();
    for (const b of [xi, gs, geo]) b.destroy();
    return { labels, stats, geoOut };
  }

  async function compare(nx: number, ny: number, fields: Field[]) {
    const n = nx * ny;
    const nb = fields.length;
    const r = mulberry32(nx * 7919 + ny);
    // lanes: (solid, cos θ, i0 factor, seeded) and (solid, cos θ, sentinel, mechanical shift)
    const geoStatic = new Float32Array(4 * nb * n);
    const geoIn = new Float32Array(4 * nb * n);
    fields.forEach((f, b) => {
      for (let k = 0; k < n; k++) {
        const g = 4 * (b * n + k);
        geoStatic.set([f.solid[k], r() * 2 - 1, 0.5 + r(), r() < 0.1 ? 1 : 0], g);
        geoIn.set([f.solid[k], r() * 2 - 1, -7, r()], g);
      }
    });
    const gpu = await runGpu(nx, ny, fields, geoStatic, geoIn);
    fields.forEach((f, b) => {
      const cpu = labelMetal(nx, ny, f.xi, f.solid);
      const got = gpu.labels.subarray(b * n, (b + 1) * n);
      expect(firstDiff(got, cpu.labels), `member ${b}`).toBe('identical');
      const [deadXi, islands, liveXi, zero] = gpu.stats.subarray(4 * b, 4 * b + 4);
      expect(islands, `member ${b} islands`).toBe(cpu.islands);
      expect(Math.abs(deadXi - cpu.deadXi), `member ${b} deadXi ${deadXi} vs ${cpu.deadXi}`).toBeLessThanOrEqual(2e-6 * Math.max(1, cpu.deadXi));
      expect(Math.abs(liveXi - cpu.liveXi), `member ${b} liveXi ${liveXi} vs ${cpu.liveXi}`).toBeLessThanOrEqual(2e-6 * Math.max(1, cpu.liveXi));
      expect(zero).toBe(0);
      const kinStatic = Float64Array.from({ length: n }, (_, k) => geoStatic[4 * (b * n + k) + 2]);
      const kin = new Float64Array(n);
      applyLive(cpu.labels, kinStatic, kin);
      for (let k = 0; k < n; k++) {
        const g = 4 * (b * n + k);
        const seen = [gpu.geoOut[g], gpu.geoOut[g + 1], gpu.geoOut[g + 2], gpu.geoOut[g + 3]];
        const want = [geoIn[g], geoIn[g + 1], kin[k], geoIn[g + 3]];
        if (seen.some((v, l) => v !== want[l])) expect(seen, `member ${b} cell ${k} geo`).toEqual(want);
      }
      expect(cpu.islands, `member ${b}: islands to label`).toBeGreaterThanOrEqual(1);
    });
  }

  it('labels, stats and geo.z of a 45×38 batch of 3 members bit for bit, twice over', async () => {
    const nx = 45;
    const ny = 38;
    for (const seed of [1, 2]) {
      const across = paint(nx, ny, 3, [[0.5, 20, 4], [22, 30, 3]]); // an island across the x edge
      across.solid[7 * nx + 30] = 1;
      await compare(nx, ny, [randomField(nx, ny, 50 + seed, 'blobs'), randomField(nx, ny, 60 + seed, seed === 1 ? 'noise' : 'steps'), across]);
    }
  });

  it('contact rows and open nucleation sites: the kernels agree with labelMetal', async () => {
    const [nx, ny] = [45, 38];
    const fields = [randomField(nx, ny, 91, 'blobs'), randomField(nx, ny, 92, 'noise')];
    const n = nx * ny;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    const sites = new Float32Array(2 * n);
    const r = mulberry32(5);
    for (let k = 0; k < 2 * n; k++) if (r() < 0.05) sites[k] = 0.5 + 0.4 * r();
    const xi = device.createBuffer({ size: 4 * 2 * n, usage });
    const gs = device.createBuffer({ size: 16 * 2 * n, usage });
    const geo = device.createBuffer({ size: 16 * 2 * n, usage });
    const ns = device.createBuffer({ size: 4 * 2 * n, usage });
    device.queue.writeBuffer(xi, 0, Float32Array.from(fields.flatMap((f) => Array.from(f.xi))));
    const g = new Float32Array(4 * 2 * n);
    fields.forEach((f, b) => f.solid.forEach((v, k) => g.set([v, 0, 1, 0], 4 * (b * n + k))));
    device.queue.writeBuffer(gs, 0, g);
    device.queue.writeBuffer(geo, 0, g);
    device.queue.writeBuffer(ns, 0, sites);
    const lab = await GpuLabel.create(device, { nx, ny, nb: 2, xi, geoStatic: gs, geo, nucSite: ns, contactRows: 3 });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    lab.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const labels = new Uint32Array((await readGpuBuffer(device, lab.labels, 2 * n)).buffer);
    lab.destroy();
    for (const b of [xi, gs, geo, ns]) b.destroy();
    fields.forEach((f, b) => {
      const cpu = labelMetal(nx, ny, f.xi, f.solid, undefined, 3, sites.subarray(b * n, (b + 1) * n));
      expect(Array.from(labels.subarray(b * n, (b + 1) * n))).toEqual(Array.from(cpu.labels));
    });
  });

  it('a 128×121 batch of 3 members, two of noise near percolation (long, branched islands)', async () => {
    await compare(128, 121, [randomField(128, 121, 77, 'noise'), randomField(128, 121, 78, 'noise'), randomField(128, 121, 79, 'blobs')]);
  });
});
