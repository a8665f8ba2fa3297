// GPU plane-strain elasticity (f32): the same steps in the same order as src/cpu/elastic.ts (read its
// header for the discretisation and the solver); kernels in shaders/elastic.wgsl, the preconditioner
// is a GpuMultigrid with nb = 2·nm in its default (non-krylov) mode.
//
// Buffers a coupling kernel may write directly (all f32, nm·nx·ny cells per field, layout of the CPU
// file): `lam`, `mu`; `eig` = 3 planes (ε*_xx, ε*_yy, ε*_xy); `u` = 2·nm planes (u_x of member b at
// plane 2b, u_y at 2b+1). After writing λ, μ on the GPU, encodeRefreshCoefficients() rebuilds the
// multigrid's face coefficients and coarse levels; ω is then the caller's (setOmega; defaultOmega from
// src/cpu/elastic.ts on host copies of λ, μ gives the default): it is only computed by setModuli.
//
// Pipelines and their explicit layouts are cached per device; bind groups are made in the constructor;
// the encode* calls only record dispatches into the caller's compute pass.

import shaderSource from '../../shaders/elastic.wgsl?raw';
import { defaultOmega, type ElasticOptions, type StressFields } from '../cpu/elastic.ts';
import { GpuMultigrid } from './multigrid.ts';
import { readGpuBuffer } from './solver.ts';

export type { ElasticOptions, StressFields } from '../cpu/elastic.ts';

const WG = 8;

/** binding → read-only storage or not (0 is the uniform block); one numbering for the whole module */
const READ_ONLY: Record<number, boolean> = { 1: true, 2: true, 3: true };

const KERNEL_BINDINGS = {
  residual: [0, 1, 2, 3, 4, 5, 6],
  update: [0, 4, 6],
  stress: [0, 1, 2, 3, 4, 7],
  coefficients: [0, 1, 2, 8, 9, 10],
} as const;

type KernelName = keyof typeof KERNEL_BINDINGS;

interface Kernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

const cache = new WeakMap<GPUDevice, { module: GPUShaderModule; kernels: Map<KernelName, Kernel> }>();

function kernel(device: GPUDevice, name: KernelName): Kernel {
  let c = cache.get(device);
  if (!c) {
    c = { module: device.createShaderModule({ label: 'elastic.wgsl', code: shaderSource }), kernels: new Map() };
    cache.set(device, c);
  }
  let k = c.kernels.get(name);
  if (!k) {
    const module = c.module;
    const layout = device.createBindGroupLayout({
      label: `elastic.${name}`,
      entries: KERNEL_BINDINGS[name].map(
        (binding): GPUBindGroupLayoutEntry => ({
          binding,
          visibility: GPUShaderStage.COMPUTE,
          buffer: { type: binding === 0 ? 'uniform' : READ_ONLY[binding] ? 'read-only-storage' : 'storage' },
        }),
      ),
    });
    const pipeline = device.createComputePipeline({
      label: `elastic.${name}`,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module, entryPoint: name },
    });
    k = { pipeline, layout };
    c.kernels.set(name, k);
  }
  return k;
}

export class GpuElastic {
  readonly nx: number;
  readonly ny: number;
  readonly nm: number;
  readonly h: number;
  readonly cycles: number;
  readonly mg: GpuMultigrid;
  readonly lam: GPUBuffer;
  readonly mu: GPUBuffer;
  /** 3 planes of nm·nx·ny: ε*_xx, ε*_yy, ε*_xy */
  readonly eig: GPUBuffer;
  /** 2·nm planes of nx·ny: u_x of member b at plane 2b, u_y at 2b+1 (µm) */
  readonly u: GPUBuffer;
  /** 6 planes of nm·nx·ny: σxx, σyy, σxy, σzz, σh, von Mises (GPa), written by encodeStress */
  readonly stressBuf: GPUBuffer;
  /** min μ/(λ+2μ) of the moduli last given to setModuli (NaN before) */
  m = NaN;
  /** upper spectral bound used for the default ω (see defaultOmega) */
  theta = NaN;
  /** ω in use */
  omega = NaN;

  private readonly device: GPUDevice;
  private readonly omegaOverride: number | undefined;
  private readonly params: GPUBuffer;
  private readonly paramData = new ArrayBuffer(48);
  private readonly owned: GPUBuffer[] = [];
  private readonly k: Record<KernelName, Kernel>;
  private readonly bg: Record<KernelName, GPUBindGroup>;
  private readonly wgx: number;
  private readonly wgy: number;

  constructor(device: GPUDevice, opts: ElasticOptions) {
    this.device = device;
    const { nx, ny, h } = opts;
    this.nx = nx;
    this.ny = ny;
    this.h = h;
    this.nm = opts.nm ?? 1;
    this.cycles = opts.cycles ?? 1;
    if (!(Number.isInteger(this.nm) && this.nm >= 1)) throw new Error(`elastic: bad nm ${this.nm}`);
    if (!(Number.isInteger(this.cycles) && this.cycles >= 1)) throw new Error(`elastic: bad cycles ${this.cycles}`);
    this.omegaOverride = opts.omega;
    this.mg = new GpuMultigrid(device, { nx, ny, h, nb: 2 * this.nm });
    const n = nx * ny;
    const N = this.nm * n;
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (label: string, floats: number, usage: number = STORAGE) => {
      const b = device.createBuffer({ label: `elastic.${label}`, size: Math.max(16, 4 * floats), usage });
      this.owned.push(b);
      return b;
    };
    this.lam = buf('lam', N);
    this.mu = buf('mu', N);
    this.eig = buf('eig', 3 * N);
    this.u = buf('u', 2 * N);
    this.stressBuf = buf('stress', 6 * N);
    this.params = buf('params', 12, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const u32 = new Uint32Array(this.paramData);
    u32.set([nx, ny, this.nm, n, N, 0, 0, 0]);
    new Float32Array(this.paramData)[8] = 1 / h;
    this.writeParams();
    this.wgx = Math.ceil(nx / WG);
    this.wgy = Math.ceil(ny / WG);

    const names = Object.keys(KERNEL_BINDINGS) as KernelName[];
    this.k = Object.fromEntries(names.map((nm) => [nm, kernel(device, nm)])) as Record<KernelName, Kernel>;
    const res: Record<number, GPUBuffer> = {
      0: this.params,
      1: this.lam,
      2: this.mu,
      3: this.eig,
      4: this.u,
      5: this.mg.f,
      6: this.mg.u,
      7: this.stressBuf,
      8: this.mg.ax,
      9: this.mg.ay,
      10: this.mg.bd,
    };
    this.bg = Object.fromEntries(
      names.map((name) => [
        name,
        device.createBindGroup({
          label: `elastic.${name}`,
          layout: this.k[name].layout,
          entries: KERNEL_BINDINGS[name].map((b) => ({ binding: b, resource: { buffer: res[b] } })),
        }),
      ]),
    ) as Record<KernelName, GPUBindGroup>;
  }

  /** Host moduli (nm·nx·ny each, GPa): uploads, sets ω (default or override), refreshes the multigrid. */
  setModuli(lam: ArrayLike<number>, mu: ArrayLike<number>): void {
    const { m, theta, omega } = defaultOmega(lam, mu);
    this.m = m;
    this.theta = theta;
    this.setOmega(this.omegaOverride ?? omega);
    this.device.queue.writeBuffer(this.lam, 0, Float32Array.from(lam));
    this.device.queue.writeBuffer(this.mu, 0, Float32Array.from(mu));
    this.submit((pass) => this.encodeRefreshCoefficients(pass));
  }

  /** Sets ω for the following submissions (needed when the moduli were written on the GPU). */
  setOmega(omega: number): void {
    if (!(omega > 0 && omega < 2)) throw new Error(`elastic: bad omega ${omega}`);
    this.omega = omega;
    new Float32Array(this.paramData)[9] = omega;
    this.writeParams();
  }

  setEigenstrain(exx: ArrayLike<number>, eyy: ArrayLike<number>, exy: ArrayLike<number>): void {
    const N = this.nm * this.nx * this.ny;
    const e = new Float32Array(3 * N);
    e.set(exx, 0);
    e.set(eyy, N);
    e.set(exy, 2 * N);
    this.device.queue.writeBuffer(this.eig, 0, e);
  }

  /** u (2·nm planes, the CPU layout) from the host, e.g. zero or a warm start */
  setDisplacement(u: ArrayLike<number>): void {
    this.device.queue.writeBuffer(this.u, 0, Float32Array.from(u));
  }

  /** Rebuild the multigrid's ax/ay/bd from the lam/mu buffers and coarsen (after a kernel wrote λ, μ). */
  encodeRefreshCoefficients(pass: GPUComputePassEncoder): void {
    this.dispatch(pass, 'coefficients', this.wgx, Math.ceil((this.ny + 1) / WG), this.nm);
    this.mg.encodeCoarsenCoefficients(pass);
  }

  /** n outer iterations: r = div σ(u) → mg.f, mg.u = 0; `cycles` V-cycles; u += ω mg.u */
  encodeIterate(pass: GPUComputePassEncoder, n: number): void {
    for (let it = 0; it < n; it++) {
      this.encodeResidual(pass);
      for (let c = 0; c < this.cycles; c++) this.mg.encodeVCycle(pass);
      this.dispatch(pass, 'update', this.wgx, this.wgy, 2 * this.nm);
    }
  }

  /** mg.f = div σ(u) (and mg.u = 0): the residual, for residualNorms or a coupling kernel */
  encodeResidual(pass: GPUComputePassEncoder): void {
    this.dispatch(pass, 'residual', this.wgx, this.wgy, this.nm);
  }

  /** stressBuf = per-cell σxx, σyy, σxy, σzz, σh, von Mises (6 planes of nm·nx·ny) */
  encodeStress(pass: GPUComputePassEncoder): void {
    this.dispatch(pass, 'stress', this.wgx, this.wgy, this.nm);
  }

  /** Encode and submit n iterations, wait for the queue. */
  async run(n: number): Promise<void> {
    this.submit((pass) => this.encodeIterate(pass, n));
    await this.device.queue.onSubmittedWorkDone();
  }

  /** Per member ‖div σ(u)‖₂ (reads the residual back and sums in f64 on the host; clobbers mg.u, mg.f). */
  async residualNorms(): Promise<Float64Array> {
    this.submit((pass) => this.encodeResidual(pass));
    const n = this.nx * this.ny;
    const r = await readGpuBuffer(this.device, this.mg.f, 2 * this.nm * n);
    const out = new Float64Array(this.nm);
    for (let b = 0; b < this.nm; b++) {
      let s = 0;
      for (let k = 2 * b * n; k < (2 * b + 2) * n; k++) s += r[k] * r[k];
      out[b] = Math.sqrt(s);
    }
    return out;
  }

  /** Encodes the stress kernel, reads the six fields back. */
  async readStress(): Promise<StressFields<Float32Array>> {
    this.submit((pass) => this.encodeStress(pass));
    const N = this.nm * this.nx * this.ny;
    const s = await readGpuBuffer(this.device, this.stressBuf, 6 * N);
    const f = (p: number) => s.subarray(p * N, (p + 1) * N);
    return { sxx: f(0), syy: f(1), sxy: f(2), szz: f(3), sh: f(4), svm: f(5) };
  }

  async readDisplacement(): Promise<Float32Array> {
    return readGpuBuffer(this.device, this.u, 2 * this.nm * this.nx * this.ny);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    this.mg.destroy();
  }

  // ---------------------------------------------------------------------------------------------

  private writeParams(): void {
    this.device.queue.writeBuffer(this.params, 0, this.paramData);
  }

  private submit(encode: (pass: GPUComputePassEncoder) => void): void {
    const enc = this.device.createCommandEncoder();
    const pass = enc.beginComputePass();
    encode(pass);
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  private dispatch(pass: GPUComputePassEncoder, name: KernelName, x: number, y: number, z: number): void {
    pass.setPipeline(this.k[name].pipeline);
    pass.setBindGroup(0, this.bg[name]);
    pass.dispatchWorkgroups(x, y, z);
  }
}
