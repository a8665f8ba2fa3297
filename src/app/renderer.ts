// Draws the simulation's fields from its GPU buffers into a WebGPU canvas (shaders/render.wgsl) and
// reduces the shown layer's range on the GPU for the colour bar. Nothing is read back per frame; the
// range readback is asynchronous with at most one in flight. FieldRange needs no canvas, so the tests
// run it in Node against a CPU evaluation of the same layer values (tests/render.test.ts).

import renderSrc from '../../shaders/render.wgsl?raw';
import type { mat3 } from 'gl-matrix';
import type { View } from './view.ts';
import type { GpuFieldView } from '../sim/types.ts';
import { DEAD_LI, fromOrderedBits, lutFloats, METAL_GREY, OFF_FILM_SLATE, type LayerSpec } from './layers.ts';
import { HOST_SOLID, SEED_GOLD } from '../io/fieldImage.ts';


/** What the renderer draws from: the simulation's GPU buffers and display scales (Simulation.gpuView()). */
export type FieldSource = GpuFieldView;

export interface RenderOptions {
  layer: LayerSpec;
  colormap: string;
  range: [number, number];
  contour: boolean;
  metalSolid: boolean;
}

// struct View in shaders/render.wgsl: 3 vec4 (matrix) + 4 u32 + 8 f32 + 6 vec4 (colours) + 1 vec4 (SEI) + 1 vec4 (dead Li) = 56 words
const VIEW_BYTES = 56 * 4;
const COLLECTOR_UM_FRACTION = 0.04;
export { DEAD_LI, METAL_GREY, OFF_FILM_SLATE };

function rgba(hex: string): [number, number, number, number] {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255, 1];
}

/** Thickness of the collector band drawn below the domain [µm]. */
export function collectorThickness_um(src: FieldSource): number {
  return COLLECTOR_UM_FRACTION * Math.max(src.nx, src.ny) * src.dx_um;
}

/** Packs struct View of shaders/render.wgsl (the matrix is identity when there is no view, as for a reduction). */
function packView(out: ArrayBuffer, src: FieldSource, o: RenderOptions, screenToWorld?: mat3): void {
  const f = new Float32Array(out);
  const u = new Uint32Array(out);
  for (let c = 0; c < 3; c++) for (let r = 0; r < 3; r++) f[c * 4 + r] = screenToWorld ? screenToWorld[c * 3 + r] : Number(c === r);
  u[12] = src.nx;
  u[13] = src.ny;
  u[14] = o.layer.index;
  // the metal is drawn over the electrolyte fields only: ξ and the Li's stress are read inside it,
  // and a film layer draws its own neutral Li off the film
  const electrolyte = o.layer.domain === 'electrolyte';
  u[15] = (o.contour ? 1 : 0) | (o.metalSolid && electrolyte ? 2 : 0) | (electrolyte ? 4 : 0) | (o.layer.domain === 'film' ? 8 : 0) | (o.layer.domain === 'deposit' ? 16 : 0);
  f[16] = src.dx_um;
  f[17] = o.range[0];
  f[18] = o.range[1] > o.range[0] ? o.range[1] : o.range[0] + 1e-6;
  f[19] = collectorThickness_um(src);
  f[20] = src.c0_mol_L;
  f[21] = src.thermalVoltage_V;
  f[22] = src.currentScale_mA_cm2;
  f[23] = 0;
  f.set([...METAL_GREY.map((v) => v / 255), 1], 24);
  f.set(rgba('#b87333'), 28); // collector: copper
  f.set(rgba('#1b1d22'), 32); // background
  // host and seeds: the same colours as the CLI's final.png
  f.set([...HOST_SOLID.map((v) => v / 255), 1], 36);
  f.set([...SEED_GOLD.map((v) => v / 255), 1], 40);
  f.set([...OFF_FILM_SLATE.map((v) => v / 255), 1], 44);
  f[48] = src.sei?.stress_MPa_per_shift ?? 0;
  f[49] = src.sei?.interfaceWidth_um ?? 1;
  f[50] = 0;
  f[51] = 0;
  f.set([...DEAD_LI.map((v) => v / 255), 1], 52);
}

/** A 16-byte storage buffer bound in place of the SEI buffers when there is no film (never read then). */
function placeholder(device: GPUDevice): GPUBuffer {
  return device.createBuffer({ label: 'noFilm', size: 16, usage: GPUBufferUsage.STORAGE });
}

function fieldEntries(src: FieldSource, view: GPUBuffer, noFilm: GPUBuffer): GPUBindGroupEntry[] {
  return [
    { binding: 0, resource: { buffer: view } },
    { binding: 1, resource: { buffer: src.xi } },
    { binding: 2, resource: { buffer: src.c } },
    { binding: 3, resource: { buffer: src.phi } },
    { binding: 4, resource: { buffer: src.sigmaX } },
    { binding: 5, resource: { buffer: src.sigmaY } },
    { binding: 8, resource: { buffer: src.geo } },
    { binding: 9, resource: { buffer: src.sei?.film ?? noFilm } },
    { binding: 10, resource: { buffer: src.sei?.mech ?? noFilm } },
    { binding: 11, resource: { buffer: src.kinetics } },
  ];
}

/** GPU min/max of a layer over the electrolyte, host cells excluded (rangeMinMax in shaders/render.wgsl), read back asynchronously. */
export class FieldRange {
  private readonly pipeline: GPUComputePipeline;
  private readonly viewBuf: GPUBuffer;
  private readonly rangeBuf: GPUBuffer;
  private readonly rangeRead: GPUBuffer;
  private readonly noFilm: GPUBuffer;
  private readonly viewData = new ArrayBuffer(VIEW_BYTES);
  private group?: GPUBindGroup;
  private source?: FieldSource;
  private inFlight = false;

  constructor(
    readonly device: GPUDevice,
    module = device.createShaderModule({ label: 'render', code: renderSrc }),
  ) {
    this.pipeline = device.createComputePipeline({ label: 'rangeMinMax', layout: 'auto', compute: { module, entryPoint: 'rangeMinMax' } });
    this.viewBuf = device.createBuffer({ label: 'rangeView', size: VIEW_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.rangeBuf = device.createBuffer({ label: 'range', size: 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
    this.rangeRead = device.createBuffer({ label: 'rangeRead', size: 8, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    this.noFilm = placeholder(device);
  }

  setSource(src: FieldSource): void {
    this.source = src;
    const entries = [...fieldEntries(src, this.viewBuf, this.noFilm), { binding: 7, resource: { buffer: this.rangeBuf } }];
    this.group = this.device.createBindGroup({ layout: this.pipeline.getBindGroupLayout(0), entries });
  }

  /** Resolves undefined if a reduction is already in flight or no cell counts (all metal). */
  async measure(o: RenderOptions): Promise<[number, number] | undefined> {
    const src = this.source;
    if (!src || !this.group || this.inFlight) return undefined;
    this.inFlight = true;
    try {
      packView(this.viewData, src, o);
      this.device.queue.writeBuffer(this.viewBuf, 0, this.viewData);
      this.device.queue.writeBuffer(this.rangeBuf, 0, new Uint32Array([0xffffffff, 0]));
      const enc = this.device.createCommandEncoder({ label: 'range' });
      const pass = enc.beginComputePass();
      pass.setPipeline(this.pipeline);
      pass.setBindGroup(0, this.group);
      pass.dispatchWorkgroups(Math.ceil(src.nx / 8), Math.ceil(src.ny / 8));
      pass.end();
      enc.copyBufferToBuffer(this.rangeBuf, 0, this.rangeRead, 0, 8);
      this.device.queue.submit([enc.finish()]);
      await this.rangeRead.mapAsync(GPUMapMode.READ);
      const w = new Uint32Array(this.rangeRead.getMappedRange().slice(0));
      this.rangeRead.unmap();
      if (w[0] === 0xffffffff && w[1] === 0) return undefined;
      return [fromOrderedBits(w[0]), fromOrderedBits(w[1])];
    } finally {
      this.inFlight = false;
    }
  }

  destroy(): void {
    for (const b of [this.viewBuf, this.rangeBuf, this.rangeRead, this.noFilm]) b.destroy();
  }
}

export class Renderer {
  readonly format: GPUTextureFormat;
  readonly range: FieldRange;
  private readonly pipeline: GPURenderPipeline;
  private readonly viewBuf: GPUBuffer;
  private readonly lutBuf: GPUBuffer;
  private readonly noFilm: GPUBuffer;
  private group?: GPUBindGroup;
  private source?: FieldSource;
  private lutName = '';
  private readonly viewData = new ArrayBuffer(VIEW_BYTES);

  /** `format`: the canvas's; the tests draw into an offscreen texture of their own format. */
  constructor(
    readonly device: GPUDevice,
    readonly context: GPUCanvasContext,
    format?: GPUTextureFormat,
  ) {
    this.format = format ?? navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format: this.format, alphaMode: 'opaque' });
    const module = device.createShaderModule({ label: 'render', code: renderSrc });
    this.pipeline = device.createRenderPipeline({
      label: 'fields',
      layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format: this.format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.range = new FieldRange(device, module);
    this.viewBuf = device.createBuffer({ label: 'view', size: VIEW_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.lutBuf = device.createBuffer({ label: 'lut', size: 256 * 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.noFilm = placeholder(device);
  }

  /** Points the renderer at a simulation's buffers (after a reset, a restart or a device loss). */
  setSource(src: FieldSource): void {
    if (src.device !== this.device) throw new Error('the field buffers belong to another GPU device');
    this.source = src;
    const entries = [...fieldEntries(src, this.viewBuf, this.noFilm), { binding: 6, resource: { buffer: this.lutBuf } }];
    this.group = this.device.createBindGroup({ layout: this.pipeline.getBindGroupLayout(0), entries });
    this.range.setSource(src);
  }

  /** Thickness of the collector band drawn below the domain [µm]. */
  collectorThickness_um(): number {
    return this.source ? collectorThickness_um(this.source) : 0;
  }

  draw(view: View, o: RenderOptions): void {
    if (!this.source || !this.group) return;
    packView(this.viewData, this.source, o, view.screenToWorld());
    this.device.queue.writeBuffer(this.viewBuf, 0, this.viewData);
    if (o.colormap !== this.lutName) {
      this.device.queue.writeBuffer(this.lutBuf, 0, lutFloats(o.colormap));
      this.lutName = o.colormap;
    }
    const enc = this.device.createCommandEncoder({ label: 'frame' });
    const pass = enc.beginRenderPass({
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0.106, g: 0.114, b: 0.133, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, this.group);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  destroy(): void {
    for (const b of [this.viewBuf, this.lutBuf, this.noFilm]) b.destroy();
    this.range.destroy();
  }
}
