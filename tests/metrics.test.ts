// Deposit metrics: the f64 CPU reference on analytic fields, then the GPU reductions against it.
// GPU part: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json npx vitest run tests/metrics.test.ts

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  METRICS_KEYS,
  METRICS_LENGTH,
  columnHeights,
  computeMetrics,
  unpackMetrics,
  type DepositMetrics,
} from '../src/analysis/metrics.ts';
import { getGpu } from '../src/gpu/device.ts';
import { GpuMetrics } from '../src/gpu/metrics.ts';
import { HAS_GPU } from './support/env.ts';

const CS = 76.4;

/** ξ = ½[1 − tanh((y − Y(x))/(2w))] with y, x at cell centres; returns (xi, c, phi) for one member. */
function frontFields(nx: number, ny: number, h: number, w: number, front: (x: number) => number, c: (y: number) => number) {
  const xi = new Float64Array(nx * ny);
  const cc = new Float64Array(nx * ny);
  const phi = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = (j + 0.5) * h;
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      xi[k] = 0.5 * (1 - Math.tanh((y - front((i + 0.5) * h)) / (2 * w)));
      cc[k] = c(y);
      phi[k] = -0.1 * y;
    }
  }
  return { xi, c: cc, phi };
}

describe('CPU metrics (f64) on analytic fields', () => {
  const h = 0.5;
  const nx = 64;
  const ny = 96;
  const w = 4 * h; // linear interpolation of tanh at ξ = 0.5 is then good to 5e-4·h
  const y0 = 40.3 * h;
  const cLin = (y: number) => 0.2 + 0.01 * y;

  it('flat tanh film: heights, roughness, mean thickness, surface concentration', () => {
    const f = frontFields(nx, ny, h, w, () => y0, cLin);
    const m = computeMetrics(nx, ny, h, f.xi, f.c, f.phi, CS);
    expect(Math.abs(m.maxHeight_um - y0)).toBeLessThan(1e-3 * h);
    expect(Math.abs(m.meanHeight_um - y0)).toBeLessThan(1e-3 * h);
    expect(m.roughness_um).toBeLessThan(1e-9);
    expect(Math.abs(m.meanThickness_um - y0)).toBeLessThan(1e-3 * h);
    expect(Math.abs(m.depositVolume_um2 - y0 * nx * h)).toBeLessThan(1e-3 * h * nx * h);
    expect(Math.abs(m.surfaceMinConc - cLin(y0))).toBeLessThan(1e-5);
    // inventory and the plain reductions
    let s = 0;
    for (let k = 0; k < nx * ny; k++) s += f.c[k] + CS * f.xi[k];
    expect(m.inventory).toBeCloseTo(h * h * s, 9);
    expect(m.liCells).toBe(nx * Math.round(y0 / h)); // centres 0.5h … 39.5h are below y0 = 40.3h
    expect(m.nonFinite).toBe(0);
    expect(m.xiMax).toBeCloseTo(f.xi[0], 15);
    expect(m.xiMin).toBeCloseTo(f.xi[(ny - 1) * nx], 15);
    expect(m.cMin).toBeCloseTo(cLin(0.5 * h), 15);
    expect(m.cMax).toBeCloseTo(cLin((ny - 0.5) * h), 15);
    expect(m.phiMax).toBeCloseTo(-0.1 * 0.5 * h, 15);
    expect(m.phiMin).toBeCloseTo(-0.1 * (ny - 0.5) * h, 15);
    expect(m.topXiMax).toBeLessThan(1e-4);
    const y = columnHeights(nx, ny, h, f.xi);
    expect(y.length).toBe(nx);
    for (const yi of y) expect(Math.abs(yi - y0)).toBeLessThan(1e-3 * h);
  });

  it('sinusoidal front: roughness A/√2 and max y0 + A', () => {
    const nx2 = 128;
    const A = 8 * h;
    const Lx = nx2 * h;
    const f = frontFields(nx2, ny, h, w, (x) => y0 + A * Math.sin((2 * Math.PI * x) / Lx), cLin);
    const m = computeMetrics(nx2, ny, h, f.xi, f.c, f.phi, CS);
    expect(Math.abs(m.roughness_um / (A / Math.SQRT2) - 1)).toBeLessThan(0.02);
    expect(Math.abs(m.maxHeight_um - (y0 + A))).toBeLessThan(0.01 * A);
    expect(Math.abs(m.meanHeight_um - y0)).toBeLessThan(1e-3 * h);
    // the surface is lowest in concentration at the trough
    expect(Math.abs(m.surfaceMinConc - cLin(y0 - A))).toBeLessThan(0.01 * 0.01 * A);
  });

  it('a column without Li has height 0 and its surface concentration is c at j = 0', () => {
    const f = frontFields(nx, ny, h, w, () => y0, cLin);
    const bare = 17;
    for (let j = 0; j < ny; j++) f.xi[j * nx + bare] = 0.49;
    const y = columnHeights(nx, ny, h, f.xi);
    expect(y[bare]).toBe(0);
    expect(Math.abs(y[bare + 1] - y0)).toBeLessThan(1e-3 * h);
    const m = computeMetrics(nx, ny, h, f.xi, f.c, f.phi, CS);
    expect(m.surfaceMinConc).toBeCloseTo(cLin(0.5 * h), 14);
    expect(m.meanHeight_um).toBeCloseTo(((nx - 1) / nx) * y0, 2);
    // RMS about the mean of (nx−1) values y0 and one 0: y0·√(nx−1)/nx
    expect(m.roughness_um / ((y0 * Math.sqrt(nx - 1)) / nx)).toBeCloseTo(1, 4);
  });

  it('topmost crossing: an island above the film and a column that reaches the top', () => {
    const f = frontFields(nx, ny, h, w, () => y0, cLin);
    const isl = 5;
    for (let j = 60; j <= 62; j++) f.xi[j * nx + isl] = 1;
    f.xi[63 * nx + isl] = 0.25; // crossing between j = 62 and 63 at t = 0.5/0.75
    const full = 9;
    for (let j = 0; j < ny; j++) f.xi[j * nx + full] = 1;
    const y = columnHeights(nx, ny, h, f.xi);
    expect(y[isl]).toBeCloseTo((62.5 + 0.5 / 0.75) * h, 12);
    expect(y[full]).toBe(ny * h);
    const m = computeMetrics(nx, ny, h, f.xi, f.c, f.phi, CS);
    expect(m.maxHeight_um).toBe(ny * h);
    expect(m.topXiMax).toBe(1);
  });

  it('counts planted NaN/Inf and keeps min/max over the finite values', () => {
    const f = frontFields(nx, ny, h, w, () => y0, cLin);
    f.xi[100] = NaN;
    f.c[200] = Infinity;
    f.phi[300] = -Infinity;
    f.phi[301] = NaN;
    const m = computeMetrics(nx, ny, h, f.xi, f.c, f.phi, CS);
    expect(m.nonFinite).toBe(4);
    expect(Number.isFinite(m.xiMin) && Number.isFinite(m.xiMax)).toBe(true);
    expect(m.cMax).toBeCloseTo(cLin((ny - 0.5) * h), 15);
    expect(m.phiMin).toBeCloseTo(-0.1 * (ny - 0.5) * h, 15);
  });

  it('unpackMetrics reads a record in METRICS_KEYS order at an offset', () => {
    expect(METRICS_LENGTH).toBe(16);
    expect(METRICS_KEYS.length).toBe(16);
    const a = Float32Array.from({ length: 40 }, (_, k) => k);
    const m = unpackMetrics(a, 16);
    expect(m.depositVolume_um2).toBe(16);
    expect(m.inventory).toBe(22);
    expect(m.nonFinite).toBe(23);
    expect(m.topXiMax).toBe(31);
  });
});

// ---------------------------------------------------------------------------------------------
// GPU vs CPU

/** deterministic PRNG (mulberry32) */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A rough front with noise, islands above it, one column without Li and one Li column reaching the
 * top; c and phi smooth plus noise. Writes member b of an (nb, ny, nx) f32 set.
 */
function randomFields(nx: number, ny: number, h: number, seed: number, xi: Float32Array, c: Float32Array, phi: Float32Array, b: number) {
  const r = rng(seed);
  const ph = [r() * 6.3, r() * 6.3, r() * 6.3];
  const Ly = ny * h;
  const front = new Float64Array(nx);
  for (let i = 0; i < nx; i++) {
    const x = (2 * Math.PI * (i + 0.5)) / nx;
    front[i] = Ly * (0.35 + 0.1 * Math.sin(x + ph[0]) + 0.05 * Math.sin(3 * x + ph[1]) + 0.03 * (r() - 0.5));
  }
  const w = 1.5 * h;
  for (let j = 0; j < ny; j++) {
    const y = (j + 0.5) * h;
    for (let i = 0; i < nx; i++) {
      const k = (b * ny + j) * nx + i;
      let v = 0.5 * (1 - Math.tanh((y - front[i]) / (2 * w))) + 0.04 * (r() - 0.5);
      if (r() < 0.002) v = 0.6 + 0.4 * r(); // scattered islands (topmost crossing above the film)
      xi[k] = v;
      c[k] = 0.1 + 0.8 * (y / Ly) + 0.05 * Math.sin((6 * Math.PI * i) / nx + ph[2]) + 0.02 * r();
      phi[k] = -2 + 3 * (y / Ly) + 0.1 * r();
    }
  }
  const bare = Math.floor(r() * nx);
  const full = (bare + 1 + Math.floor(r() * (nx - 1))) % nx;
  for (let j = 0; j < ny; j++) {
    xi[(b * ny + j) * nx + bare] = 0.3 * r();
    xi[(b * ny + j) * nx + full] = 0.9 + 0.1 * r();
  }
}

/** Tolerances GPU (f32) vs CPU (f64 on the same f32 inputs); ny·h sets the height scale. */
function tolerance(key: keyof DepositMetrics, cpu: number, ny: number, h: number): number {
  switch (key) {
    case 'depositVolume_um2':
    case 'meanThickness_um':
    case 'inventory':
      return 3e-7 * Math.abs(cpu); // required: inventory to 1e-6 at 512²; measured ≤ 6.1e-8
    case 'maxHeight_um':
    case 'meanHeight_um':
    case 'roughness_um':
      return 2e-6 * ny * h;
    case 'surfaceMinConc':
      return 1e-6;
    default:
      return 0; // counts and min/max of f32 values: exact
  }
}

describe.skipIf(!HAS_GPU)('GPU metrics vs CPU', () => {
  let device: GPUDevice;
  const worst: Record<string, number> = {};

  beforeAll(async () => {
    if (HAS_GPU) device = (await getGpu()).device;
  });

  afterAll(() => {
    // measured worst |GPU − CPU| / |CPU| (relative for sums, absolute otherwise), for the report
    console.log('GPU-CPU worst differences:', JSON.stringify(worst));
  });

  type F32 = Float32Array<ArrayBuffer>;

  async function runGpu(nx: number, ny: number, nb: number, h: number, xi: F32, c: F32, phi: F32, cs: number[]) {
    const mk = (a: Float32Array<ArrayBuffer>) => {
      const buf = device.createBuffer({ size: a.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buf, 0, a);
      return buf;
    };
    const bx = mk(xi), bc = mk(c), bp = mk(phi);
    const gm = new GpuMetrics(device, { nx, ny, nb, h, xi: bx, c: bc, phi: bp });
    gm.setCsOverC0(cs);
    const read = device.createBuffer({ size: gm.out.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    gm.encode(pass);
    pass.end();
    enc.copyBufferToBuffer(gm.out, 0, read, 0, gm.out.size);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(read.getMappedRange().slice(0));
    read.unmap();
    for (const b of [read, bx, bc, bp]) b.destroy();
    gm.destroy();
    return out;
  }

  function compare(out: Float32Array, nx: number, ny: number, h: number, xi: Float32Array, c: Float32Array, phi: Float32Array, cs: number[]) {
    for (let b = 0; b < cs.length; b++) {
      const cpu = computeMetrics(nx, ny, h, xi, c, phi, cs[b], b);
      const gpu = unpackMetrics(out, b * METRICS_LENGTH);
      for (const key of METRICS_KEYS) {
        const d = Math.abs(gpu[key] - cpu[key]);
        const rel = ['depositVolume_um2', 'meanThickness_um', 'inventory'].includes(key);
        const err = rel ? d / Math.abs(cpu[key]) : d;
        worst[key] = Math.max(worst[key] ?? 0, err);
        expect(d, `${nx}×${ny} b=${b} ${key}: gpu ${gpu[key]} cpu ${cpu[key]}`).toBeLessThanOrEqual(tolerance(key, cpu[key], ny, h));
      }
    }
  }

  type Fill = (xi: Float32Array, c: Float32Array, phi: Float32Array) => void;

  async function check(nx: number, ny: number, nb: number, h: number, seed: number, fill?: Fill) {
    const n = nb * nx * ny;
    const xi = new Float32Array(n), c = new Float32Array(n), phi = new Float32Array(n);
    if (fill) fill(xi, c, phi);
    else for (let b = 0; b < nb; b++) randomFields(nx, ny, h, seed + 101 * b, xi, c, phi, b);
    const cs = Array.from({ length: nb }, (_, b) => CS * (1 + 0.1 * b));
    const out = await runGpu(nx, ny, nb, h, xi, c, phi, cs);
    compare(out, nx, ny, h, xi, c, phi, cs);
    return out;
  }

  it('64 × 64', async () => {
    await check(64, 64, 1, 0.5, 1);
  });

  it('100 × 60 (not a multiple of the workgroup size)', async () => {
    await check(100, 60, 1, 0.25, 2);
  });

  it('512 × 512: inventory to 1e-6 relative', async () => {
    const out = await check(512, 512, 1, 0.1, 3);
    expect(out[7]).toBe(0);
  });

  it('512 × 512 uniform film: sums stay compensated (naive f32 sums drift by ~4e-6 here)', async () => {
    const nx = 512, ny = 512;
    const out = await check(nx, ny, 1, 0.1, 0, (xi, c, phi) => {
      for (let k = 0; k < nx * ny; k++) {
        xi[k] = k < (nx * ny) / 2 ? 0.999 : 0.001;
        c[k] = 0.3;
        phi[k] = -1;
      }
    });
    expect(out[4]).toBe(0);
  });

  it('4096 × 16 (many columns per reduce thread)', async () => {
    await check(4096, 16, 1, 1, 5);
  });

  it('batch nb = 3 with different fields and csOverC0', async () => {
    const out = await check(96, 40, 3, 0.5, 4);
    expect(out[6]).not.toBe(out[16 + 6]);
  });

  it('planted NaN/Inf are counted (min/max over finite values)', async () => {
    const nx = 64, ny = 48;
    const out = await runPlanted(nx, ny);
    expect(out[7]).toBe(5);
    expect(out[METRICS_LENGTH + 7]).toBe(0);
  });

  async function runPlanted(nx: number, ny: number) {
    const nb = 2;
    const h = 0.5;
    const n = nb * nx * ny;
    const xi = new Float32Array(n), c = new Float32Array(n), phi = new Float32Array(n);
    for (let b = 0; b < nb; b++) randomFields(nx, ny, h, 9 + b, xi, c, phi, b);
    xi[10] = NaN;
    xi[(ny - 1) * nx + 3] = Infinity; // top row: excluded from topXiMax, counted
    c[500] = -Infinity;
    phi[700] = NaN;
    phi[701] = Infinity;
    const cs = [CS, CS];
    const out = await runGpu(nx, ny, nb, h, xi, c, phi, cs);
    for (let b = 0; b < nb; b++) {
      const cpu = computeMetrics(nx, ny, h, xi, c, phi, cs[b], b);
      const gpu = unpackMetrics(out, b * METRICS_LENGTH);
      for (const key of ['nonFinite', 'xiMin', 'xiMax', 'cMin', 'cMax', 'phiMin', 'phiMax', 'liCells', 'topXiMax'] as const) {
        expect(gpu[key], `b=${b} ${key}`).toBe(cpu[key]);
      }
    }
    return out;
  }
});
