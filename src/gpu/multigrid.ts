// GPU geometric multigrid (f32): the same algorithm, step for step, as src/cpu/multigrid.ts (read its
// header for the method and for why krylov mode exists); kernels in shaders/multigrid.wgsl.
//
// Everything is created in the constructor: per-level buffers, one uniform block per level, and all
// bind groups. Pipelines (and their explicit bind-group layouts) are cached per device, so any number
// of solvers share them. The encode* calls only record dispatches into the caller's compute pass.
// The one exception is encodeResidualNorms: its destination is the caller's buffer, so the bind group
// for each distinct `out` buffer is created on its first use and cached, and each distinct `offset`
// gets a 256-byte slot of a small uniform table (written once, selected by a dynamic offset).

import shaderSource from '../../shaders/multigrid.wgsl?raw';
import {
  coarsestBandwidth,
  cycleVisitsTwice,
  mgLevelShapes,
  resolveMgSettings,
  smootherColours,
  type MgLevelShape,
  type MgOptions,
  type MgSettings,
} from '../cpu/multigrid.ts';

export type { MgOptions, MgLevelShape } from '../cpu/multigrid.ts';

const WG = 8;
const PARAM_STRIDE = 256; // ≥ minUniformBufferOffsetAlignment
const PARAM_BYTES = 64;
const OUT_SLOT = 256;

type BindingKind = 'uniform' | 'ro' | 'rw' | 'dyn';

/** Type of every binding number in shaders/multigrid.wgsl (one global numbering). */
const BINDING_KIND: Record<number, BindingKind> = {
  0: 'uniform', // P
  1: 'ro', // ax
  2: 'ro', // ay
  3: 'ro', // bd
  4: 'rw', // u
  5: 'ro', // f
  6: 'rw', // r
  7: 'ro', // uc
  8: 'ro', // ayc
  9: 'rw', // fc
  10: 'rw', // ucw
  11: 'rw', // cax
  12: 'rw', // cay
  13: 'rw', // cbd
  14: 'rw', // chol
  15: 'rw', // z
  16: 'rw', // q
  17: 'rw', // p
  18: 'rw', // part
  19: 'rw', // scal
  20: 'rw', // outBuf
  21: 'dyn', // O (offset table, dynamic offset)
};

/** Bindings used by each entry point (its bind-group layout). */
const KERNEL_BINDINGS = {
  relax: [0, 1, 2, 3, 4, 5],
  residual: [0, 1, 2, 3, 4, 5, 6],
  restrictResidual: [0, 6, 9, 10],
  prolong: [0, 4, 7, 8],
  coarsen: [0, 1, 2, 3, 11, 12, 13],
  cholFactor: [0, 1, 2, 3, 14],
  cholSolve: [0, 4, 5, 14],
  gsCoarsest: [0, 1, 2, 3, 4, 5],
  krylovResidual: [0, 1, 2, 3, 4, 5, 6, 15],
  dotZQ: [0, 15, 16, 18],
  updateP: [0, 15, 17, 19],
  applyP: [0, 1, 2, 3, 6, 16, 17, 18],
  updateU: [0, 4, 17, 19],
  resetKrylov: [0, 19],
  finalize: [0, 18, 19],
  normPartials: [0, 1, 2, 3, 4, 5, 18],
  normFinalize: [0, 18, 20, 21],
} as const;

type KernelName = keyof typeof KERNEL_BINDINGS;

interface Kernel {
  pipeline: GPUComputePipeline;
  layout: GPUBindGroupLayout;
}

interface DeviceCache {
  module: GPUShaderModule;
  layouts: Map<KernelName, GPUBindGroupLayout>;
  kernels: Map<string, Kernel>;
}

const cache = new WeakMap<GPUDevice, DeviceCache>();

function deviceCache(device: GPUDevice): DeviceCache {
  let c = cache.get(device);
  if (!c) {
    c = {
      module: device.createShaderModule({ label: 'multigrid.wgsl', code: shaderSource }),
      layouts: new Map(),
      kernels: new Map(),
    };
    cache.set(device, c);
  }
  return c;
}

function kernelLayout(device: GPUDevice, name: KernelName): GPUBindGroupLayout {
  const c = deviceCache(device);
  let layout = c.layouts.get(name);
  if (!layout) {
    layout = device.createBindGroupLayout({
      label: `mg.${name}`,
      entries: KERNEL_BINDINGS[name].map((binding): GPUBindGroupLayoutEntry => {
        const kind = BINDING_KIND[binding];
        const buffer: GPUBufferBindingLayout =
          kind === 'uniform'
            ? { type: 'uniform' }
            : kind === 'dyn'
              ? { type: 'uniform', hasDynamicOffset: true }
              : { type: kind === 'ro' ? 'read-only-storage' : 'storage' };
        return { binding, visibility: GPUShaderStage.COMPUTE, buffer };
      }),
    });
    c.layouts.set(name, layout);
  }
  return layout;
}

function kernel(device: GPUDevice, name: KernelName, constants: Record<string, number> = {}): Kernel {
  const c = deviceCache(device);
  const key = `${name}:${JSON.stringify(constants)}`;
  let k = c.kernels.get(key);
  if (!k) {
    const layout = kernelLayout(device, name);
    const pipeline = device.createComputePipeline({
      label: `mg.${key}`,
      layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }),
      compute: { module: c.module, entryPoint: name, constants },
    });
    k = { pipeline, layout };
    c.kernels.set(key, k);
  }
  return k;
}

interface GpuLevel extends MgLevelShape {
  ax: GPUBuffer;
  ay: GPUBuffer;
  bd: GPUBuffer;
  u: GPUBuffer;
  f: GPUBuffer;
  r: GPUBuffer;
  wgx: number;
  wgy: number;
  smoothBG: GPUBindGroup;
  residualBG: GPUBindGroup;
  /** levels ≥ 1: transfers from/to level − 1 */
  restrictBG?: GPUBindGroup;
  prolongBG?: GPUBindGroup;
  coarsenBG?: GPUBindGroup;
}

export class GpuMultigrid {
  readonly levels: MgLevelShape[];
  readonly settings: MgSettings;
  readonly nb: number;
  readonly ax: GPUBuffer;
  readonly ay: GPUBuffer;
  readonly bd: GPUBuffer;
  readonly u: GPUBuffer;
  readonly f: GPUBuffer;

  private readonly device: GPUDevice;
  private readonly lv: GpuLevel[];
  private readonly owned: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly part: GPUBuffer;
  private readonly k: {
    smooth: Kernel[];
    residual: Kernel;
    restrict: Kernel;
    prolong: Kernel;
    coarsen: Kernel;
    cholFactor: Kernel;
    cholSolve: Kernel;
    gsCoarsest: Kernel;
    krylovResidual: Kernel;
    dotZQ: Kernel;
    updateP: Kernel;
    applyP: Kernel;
    updateU: Kernel;
    resetKrylov: Kernel;
    finalize1: Kernel;
    finalize2: Kernel;
    normPartials: Kernel;
    normFinalize: Kernel;
  };
  private readonly coarsestBG: GPUBindGroup;
  private readonly cholFactorBG: GPUBindGroup | null = null;
  private readonly krylovBG: {
    residual: GPUBindGroup;
    dotZQ: GPUBindGroup;
    updateP: GPUBindGroup;
    applyP: GPUBindGroup;
    updateU: GPUBindGroup;
    reset: GPUBindGroup;
    finalize: GPUBindGroup;
  } | null = null;
  private readonly normBG: GPUBindGroup;
  // encodeResidualNorms destinations
  private outTable: GPUBuffer;
  private outTableCap = 16;
  private readonly outSlots = new Map<number, number>();
  private readonly outBGs = new Map<GPUBuffer, GPUBindGroup>();
  private readonly oldTables: GPUBuffer[] = [];

  constructor(device: GPUDevice, opts: MgOptions) {
    this.device = device;
    this.levels = mgLevelShapes(opts.nx, opts.ny, opts.h);
    this.settings = resolveMgSettings(opts, this.levels);
    const nb = (this.nb = this.settings.nb);
    const s = this.settings;
    const L = this.levels.length;
    const STORAGE = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const buf = (label: string, floats: number, usage: number = STORAGE) => {
      const b = device.createBuffer({ label: `mg.${label}`, size: Math.max(16, 4 * floats), usage });
      this.owned.push(b);
      return b;
    };

    // ---- buffers
    const sizes = this.levels.map((l) => ({ cells: nb * l.nx * l.ny, facesY: nb * (l.ny + 1) * l.nx }));
    this.ax = buf('ax0', sizes[0].cells);
    this.ay = buf('ay0', sizes[0].facesY);
    this.bd = buf('bd0', sizes[0].cells);
    this.u = buf('u', sizes[0].cells);
    this.f = buf('f', sizes[0].cells);
    const u0 = s.krylov ? buf('z', sizes[0].cells) : this.u;
    const f0 = s.krylov ? buf('rk', sizes[0].cells) : this.f;
    this.params = buf('params', (PARAM_STRIDE / 4) * L, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    const nwg0 = Math.ceil(this.levels[0].nx / WG) * Math.ceil(this.levels[0].ny / WG);
    this.part = buf('part', 2 * nb * nwg0);

    // ---- kernels
    this.k = {
      smooth: [0, 1, 2, 3].map((c) => kernel(device, 'relax', { COLOUR: c })),
      residual: kernel(device, 'residual'),
      restrict: kernel(device, 'restrictResidual'),
      prolong: kernel(device, 'prolong', { CONSTANT_P: s.constantProlongation ? 1 : 0 }),
      coarsen: kernel(device, 'coarsen'),
      cholFactor: kernel(device, 'cholFactor'),
      cholSolve: kernel(device, 'cholSolve'),
      gsCoarsest: kernel(device, 'gsCoarsest'),
      krylovResidual: kernel(device, 'krylovResidual'),
      dotZQ: kernel(device, 'dotZQ'),
      updateP: kernel(device, 'updateP'),
      applyP: kernel(device, 'applyP'),
      updateU: kernel(device, 'updateU'),
      resetKrylov: kernel(device, 'resetKrylov'),
      finalize1: kernel(device, 'finalize', { NCOMP: 1, SLOT: 0 }),
      finalize2: kernel(device, 'finalize', { NCOMP: 2, SLOT: 1 }),
      normPartials: kernel(device, 'normPartials'),
      normFinalize: kernel(device, 'normFinalize'),
    };

    // ---- levels, uniforms, bind groups
    const paramData = new ArrayBuffer(PARAM_STRIDE * L);
    const bind = (k: Kernel, label: string, res: Record<number, GPUBuffer | GPUBufferBinding>) =>
      device.createBindGroup({
        label: `mg.${label}`,
        layout: k.layout,
        entries: Object.entries(res).map(([b, r]) => ({ binding: Number(b), resource: 'buffer' in r ? r : { buffer: r } })),
      });
    const paramAt = (l: number): GPUBufferBinding => ({ buffer: this.params, offset: l * PARAM_STRIDE, size: PARAM_BYTES });

    this.lv = [];
    for (let l = 0; l < L; l++) {
      const shape = this.levels[l];
      const fine = l > 0 ? this.levels[l - 1] : null;
      const last = l === L - 1;
      const lev = {
        ...shape,
        ax: l === 0 ? this.ax : buf(`ax${l}`, sizes[l].cells),
        ay: l === 0 ? this.ay : buf(`ay${l}`, sizes[l].facesY),
        bd: l === 0 ? this.bd : buf(`bd${l}`, sizes[l].cells),
        u: l === 0 ? u0 : buf(`u${l}`, sizes[l].cells),
        f: l === 0 ? f0 : buf(`f${l}`, sizes[l].cells),
        r: buf(`r${l}`, sizes[l].cells),
        wgx: Math.ceil(shape.nx / WG),
        wgy: Math.ceil(shape.ny / WG),
      } as GpuLevel;
      const u32 = new Uint32Array(paramData, l * PARAM_STRIDE, PARAM_BYTES / 4);
      const f32 = new Float32Array(paramData, l * PARAM_STRIDE, PARAM_BYTES / 4);
      u32.set([
        shape.nx, shape.ny, nb, shape.nx % 2,
        fine ? fine.nx : 0, fine ? fine.ny : 0, fine ? fine.nx / shape.nx : 1, fine ? fine.ny / shape.ny : 1,
        lev.wgx, lev.wgy, shape.nx * shape.ny, last ? coarsestBandwidth(shape) : 0,
      ]);
      f32[12] = 1 / (shape.hx * shape.hx);
      f32[13] = 1 / (shape.hy * shape.hy);
      u32[14] = last ? s.coarsestSweeps : 0;
      const P = paramAt(l);
      lev.smoothBG = bind(this.k.smooth[0], `smooth${l}`, { 0: P, 1: lev.ax, 2: lev.ay, 3: lev.bd, 4: lev.u, 5: lev.f });
      lev.residualBG = bind(this.k.residual, `residual${l}`, { 0: P, 1: lev.ax, 2: lev.ay, 3: lev.bd, 4: lev.u, 5: lev.f, 6: lev.r });
      if (l > 0) {
        const F = this.lv[l - 1];
        lev.restrictBG = bind(this.k.restrict, `restrict${l}`, { 0: P, 6: F.r, 9: lev.f, 10: lev.u });
        lev.prolongBG = bind(this.k.prolong, `prolong${l}`, { 0: P, 4: F.u, 7: lev.u, 8: lev.ay });
        lev.coarsenBG = bind(this.k.coarsen, `coarsen${l}`, { 0: P, 1: F.ax, 2: F.ay, 3: F.bd, 11: lev.ax, 12: lev.ay, 13: lev.bd });
      }
      this.lv.push(lev);
    }
    device.queue.writeBuffer(this.params, 0, paramData);

    const C = this.lv[L - 1];
    const PC = paramAt(L - 1);
    if (s.coarsestSweeps === 0) {
      const chol = buf('chol', nb * C.nx * C.ny * (coarsestBandwidth(C) + 1));
      this.cholFactorBG = bind(this.k.cholFactor, 'cholFactor', { 0: PC, 1: C.ax, 2: C.ay, 3: C.bd, 14: chol });
      this.coarsestBG = bind(this.k.cholSolve, 'cholSolve', { 0: PC, 4: C.u, 5: C.f, 14: chol });
    } else {
      this.coarsestBG = bind(this.k.gsCoarsest, 'gsCoarsest', { 0: PC, 1: C.ax, 2: C.ay, 3: C.bd, 4: C.u, 5: C.f });
    }

    const L0 = this.lv[0];
    const P0 = paramAt(0);
    if (s.krylov) {
      const p = buf('p', sizes[0].cells);
      const q = buf('q', sizes[0].cells);
      const scal = buf('scal', 4 * nb);
      this.krylovBG = {
        residual: bind(this.k.krylovResidual, 'krylovResidual', { 0: P0, 1: L0.ax, 2: L0.ay, 3: L0.bd, 4: this.u, 5: this.f, 6: f0, 15: u0 }),
        dotZQ: bind(this.k.dotZQ, 'dotZQ', { 0: P0, 15: u0, 16: q, 18: this.part }),
        updateP: bind(this.k.updateP, 'updateP', { 0: P0, 15: u0, 17: p, 19: scal }),
        applyP: bind(this.k.applyP, 'applyP', { 0: P0, 1: L0.ax, 2: L0.ay, 3: L0.bd, 6: f0, 16: q, 17: p, 18: this.part }),
        updateU: bind(this.k.updateU, 'updateU', { 0: P0, 4: this.u, 17: p, 19: scal }),
        reset: bind(this.k.resetKrylov, 'resetKrylov', { 0: P0, 19: scal }),
        finalize: bind(this.k.finalize1, 'finalize', { 0: P0, 18: this.part, 19: scal }),
      };
    }
    this.normBG = bind(this.k.normPartials, 'normPartials', { 0: P0, 1: L0.ax, 2: L0.ay, 3: L0.bd, 4: this.u, 5: this.f, 18: this.part });
    this.outTable = this.newOutTable();
  }

  /** Face-average ax/ay/bd down the hierarchy, refactor the coarsest level, reset the krylov direction. */
  encodeCoarsenCoefficients(pass: GPUComputePassEncoder): void {
    for (let l = 1; l < this.lv.length; l++) {
      const C = this.lv[l];
      this.dispatch(pass, this.k.coarsen, C.coarsenBG!, C.wgx, C.wgy);
    }
    if (this.cholFactorBG) this.dispatch(pass, this.k.cholFactor, this.cholFactorBG, 1, 1);
    if (this.krylovBG) {
      pass.setPipeline(this.k.resetKrylov.pipeline);
      pass.setBindGroup(0, this.krylovBG.reset);
      pass.dispatchWorkgroups(Math.ceil(this.nb / 64));
    }
  }

  /** One cycle warm-started from u (krylov mode: one MG-preconditioned CG iteration). */
  encodeVCycle(pass: GPUComputePassEncoder): void {
    const kb = this.krylovBG;
    if (!kb) {
      this.encodeCycle(pass, 0);
      return;
    }
    const L0 = this.lv[0];
    this.dispatch(pass, this.k.krylovResidual, kb.residual, L0.wgx, L0.wgy);
    this.encodeCycle(pass, 0);
    this.dispatch(pass, this.k.dotZQ, kb.dotZQ, L0.wgx, L0.wgy);
    this.dispatch(pass, this.k.finalize1, kb.finalize, 1, 1);
    this.dispatch(pass, this.k.updateP, kb.updateP, L0.wgx, L0.wgy);
    this.dispatch(pass, this.k.applyP, kb.applyP, L0.wgx, L0.wgy);
    this.dispatch(pass, this.k.finalize2, kb.finalize, 1, 1);
    this.dispatch(pass, this.k.updateU, kb.updateU, L0.wgx, L0.wgy);
  }

  /** writes nb floats (‖f − A u‖₂ per batch member) into `out` starting at float index `offset` */
  encodeResidualNorms(pass: GPUComputePassEncoder, out: GPUBuffer, offset: number): void {
    if (!(Number.isInteger(offset) && offset >= 0 && 4 * (offset + this.nb) <= out.size)) {
      throw new Error(`multigrid: residual norms at float ${offset} (+${this.nb}) do not fit a ${out.size}-byte buffer`);
    }
    const L0 = this.lv[0];
    this.dispatch(pass, this.k.normPartials, this.normBG, L0.wgx, L0.wgy);
    const slot = this.outSlot(offset);
    let bg = this.outBGs.get(out);
    if (!bg) {
      bg = this.device.createBindGroup({
        label: 'mg.normFinalize',
        layout: this.k.normFinalize.layout,
        entries: [
          { binding: 0, resource: { buffer: this.params, offset: 0, size: PARAM_BYTES } },
          { binding: 18, resource: { buffer: this.part } },
          { binding: 20, resource: { buffer: out } },
          { binding: 21, resource: { buffer: this.outTable, offset: 0, size: 16 } },
        ],
      });
      this.outBGs.set(out, bg);
    }
    pass.setPipeline(this.k.normFinalize.pipeline);
    pass.setBindGroup(0, bg, [slot * OUT_SLOT]);
    pass.dispatchWorkgroups(1, 1, this.nb);
  }

  destroy(): void {
    for (const b of this.owned) b.destroy();
    for (const b of this.oldTables) b.destroy();
    this.outTable.destroy();
    this.outBGs.clear();
  }

  // ---------------------------------------------------------------------------------------------

  private dispatch(pass: GPUComputePassEncoder, k: Kernel, bg: GPUBindGroup, x: number, y: number): void {
    pass.setPipeline(k.pipeline);
    pass.setBindGroup(0, bg);
    pass.dispatchWorkgroups(x, y, this.nb);
  }

  private smooth(pass: GPUComputePassEncoder, L: GpuLevel, reverse: boolean): void {
    const nc = smootherColours(L.nx);
    for (let c = 0; c < nc; c++) this.dispatch(pass, this.k.smooth[reverse ? nc - 1 - c : c], L.smoothBG, L.wgx, L.wgy);
  }

  private encodeCycle(pass: GPUComputePassEncoder, l: number): void {
    const s = this.settings;
    const L = this.lv[l];
    if (l === this.lv.length - 1) {
      this.dispatch(pass, s.coarsestSweeps === 0 ? this.k.cholSolve : this.k.gsCoarsest, this.coarsestBG, 1, 1);
      return;
    }
    for (let k = 0; k < s.preSmooth; k++) this.smooth(pass, L, false);
    this.dispatch(pass, this.k.residual, L.residualBG, L.wgx, L.wgy);
    const C = this.lv[l + 1];
    this.dispatch(pass, this.k.restrict, C.restrictBG!, C.wgx, C.wgy);
    this.encodeCycle(pass, l + 1);
    if (cycleVisitsTwice(this.levels, s, l + 1)) this.encodeCycle(pass, l + 1);
    this.dispatch(pass, this.k.prolong, C.prolongBG!, L.wgx, L.wgy);
    for (let k = 0; k < s.postSmooth; k++) this.smooth(pass, L, s.krylov);
  }

  private newOutTable(): GPUBuffer {
    return this.device.createBuffer({
      label: 'mg.outOffsets',
      size: OUT_SLOT * this.outTableCap,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
  }

  /** The uniform-table slot holding `offset` (written once, on first use). */
  private outSlot(offset: number): number {
    let slot = this.outSlots.get(offset);
    if (slot !== undefined) return slot;
    slot = this.outSlots.size;
    if (slot >= this.outTableCap) {
      // grow: the old table may still be referenced by commands being encoded, keep it until destroy()
      this.oldTables.push(this.outTable);
      this.outTableCap *= 2;
      this.outTable = this.newOutTable();
      this.outBGs.clear();
      const data = new Uint32Array((OUT_SLOT / 4) * this.outTableCap);
      for (const [o, sl] of this.outSlots) data[(sl * OUT_SLOT) / 4] = o;
      this.device.queue.writeBuffer(this.outTable, 0, data);
    }
    this.outSlots.set(offset, slot);
    this.device.queue.writeBuffer(this.outTable, slot * OUT_SLOT, Uint32Array.of(offset));
    return slot;
  }
}

