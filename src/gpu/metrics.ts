// Deposit metrics on the GPU by reduction: the same 16 quantities as computeMetrics()
// (src/analysis/metrics.ts, definitions there) in f32, for every batch member at once.
// Two dispatches: `columns` (one thread per column per batch member, writes per-column partials) and
// `reduce` (one workgroup per batch member, reduces the columns in workgroup memory). Sums are
// compensated (float-float) so the inventory is accurate to ~1e-7 relative.

import src from '../../shaders/metrics.wgsl?raw';
import { METRICS_LENGTH } from '../analysis/metrics.ts';

const COLUMN_WG = 64;
/** bytes of one per-column partial record (struct Col in metrics.wgsl) */
const COL_BYTES = 64;
const PARAMS_BYTES = 32;

interface Pipelines {
  columns: GPUComputePipeline;
  reduce: GPUComputePipeline;
}

const pipelineCache = new WeakMap<GPUDevice, Pipelines>();

function pipelinesFor(device: GPUDevice): Pipelines {
  let p = pipelineCache.get(device);
  if (!p) {
    const module = device.createShaderModule({ label: 'metrics', code: src });
    p = {
      columns: device.createComputePipeline({ label: 'metrics.columns', layout: 'auto', compute: { module, entryPoint: 'columns' } }),
      reduce: device.createComputePipeline({ label: 'metrics.reduce', layout: 'auto', compute: { module, entryPoint: 'reduce' } }),
    };
    pipelineCache.set(device, p);
  }
  return p;
}

export interface GpuMetricsOptions {
  nx: number;
  ny: number;
  nb: number;
  /** cell side (µm) */
  h: number;
  /** f32 storage buffers of nb·ny·nx values, index (b·ny + j)·nx + i (usage must include STORAGE) */
  xi: GPUBuffer;
  c: GPUBuffer;
  phi: GPUBuffer;
  /** per cell (solid, cos θ, i0 factor, seeded), 16 bytes per cell; absent: no host cells */
  geo?: GPUBuffer;
}

export class GpuMetrics {
  /** nb × 16 f32 records in METRICS_KEYS order (unpack with unpackMetrics(a, 16·b)); STORAGE | COPY_SRC */
  readonly out: GPUBuffer;
  readonly nx: number;
  readonly ny: number;
  readonly nb: number;
  private readonly device: GPUDevice;
  private readonly params: GPUBuffer;
  private readonly cs: GPUBuffer;
  private readonly cols: GPUBuffer;
  private readonly geo: GPUBuffer;
  private readonly ownGeo?: GPUBuffer;
  private readonly pipes: Pipelines;
  private readonly bgColumns: GPUBindGroup;
  private readonly bgReduce: GPUBindGroup;

  constructor(device: GPUDevice, opts: GpuMetricsOptions) {
    const { nx, ny, nb, h } = opts;
    if (!(Number.isInteger(nx) && Number.isInteger(ny) && Number.isInteger(nb) && nx > 0 && ny > 0 && nb > 0)) {
      throw new RangeError(`GpuMetrics: bad grid ${nx}×${ny}×${nb}`);
    }
    const maxZ = device.limits.maxComputeWorkgroupsPerDimension;
    if (nb > maxZ || Math.ceil(nx / COLUMN_WG) > maxZ) throw new RangeError(`GpuMetrics: grid ${nx}×${ny}×${nb} exceeds dispatch limits`);
    const fieldBytes = nb * ny * nx * 4;
    for (const [name, buf] of [['xi', opts.xi], ['c', opts.c], ['phi', opts.phi]] as const) {
      if (buf.size < fieldBytes) throw new RangeError(`GpuMetrics: buffer ${name} has ${buf.size} bytes, needs ${fieldBytes}`);
    }
    this.device = device;
    this.nx = nx;
    this.ny = ny;
    this.nb = nb;
    this.pipes = pipelinesFor(device);

    this.params = device.createBuffer({ label: 'metrics.params', size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const pv = new ArrayBuffer(PARAMS_BYTES);
    new Uint32Array(pv, 0, 3).set([nx, ny, nb]);
    new Float32Array(pv, 12, 4).set([h, Infinity, h * h, h / nx]);
    new Uint32Array(pv, 28, 1)[0] = 0; // P.zero: the opaque 0 of opq() in metrics.wgsl
    device.queue.writeBuffer(this.params, 0, pv);

    // csOverC0 per batch member: zero until setCsOverC0() is called
    this.cs = device.createBuffer({ label: 'metrics.csOverC0', size: Math.max(16, nb * 8), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    if (opts.geo) this.geo = opts.geo;
    else {
      // no geometry: a zero buffer (no host cells)
      this.geo = this.ownGeo = device.createBuffer({ label: 'metrics.geo', size: fieldBytes * 4, usage: GPUBufferUsage.STORAGE });
    }
    this.cols = device.createBuffer({ label: 'metrics.cols', size: nb * nx * COL_BYTES, usage: GPUBufferUsage.STORAGE });
    this.out = device.createBuffer({ label: 'metrics.out', size: nb * METRICS_LENGTH * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });

    this.bgColumns = device.createBindGroup({
      label: 'metrics.columns',
      layout: this.pipes.columns.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 1, resource: { buffer: opts.xi, size: fieldBytes } },
        { binding: 2, resource: { buffer: opts.c, size: fieldBytes } },
        { binding: 3, resource: { buffer: opts.phi, size: fieldBytes } },
        { binding: 4, resource: { buffer: this.cs } },
        { binding: 5, resource: { buffer: this.cols } },
        { binding: 7, resource: { buffer: this.geo } },
      ],
    });
    this.bgReduce = device.createBindGroup({
      label: 'metrics.reduce',
      layout: this.pipes.reduce.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.params } },
        { binding: 5, resource: { buffer: this.cols } },
        { binding: 6, resource: { buffer: this.out } },
      ],
    });
  }

  /** Sets csOverC0 (Li site density / bulk salt concentration) of each batch member (nb values). */
  setCsOverC0(values: number[], saltFloor: number[] = values.map(() => 0)): void {
    if (values.length !== this.nb || saltFloor.length !== this.nb) throw new RangeError(`GpuMetrics.setCsOverC0: ${values.length} values for nb = ${this.nb}`);
    this.device.queue.writeBuffer(this.cs, 0, new Float32Array(values.flatMap((v, b) => [v, saltFloor[b]])));
  }

  /** Encodes the reductions; results land in `this.out` (nb × 16 f32, usage STORAGE|COPY_SRC). */
  encode(pass: GPUComputePassEncoder): void {
    pass.setPipeline(this.pipes.columns);
    pass.setBindGroup(0, this.bgColumns);
    pass.dispatchWorkgroups(Math.ceil(this.nx / COLUMN_WG), 1, this.nb);
    pass.setPipeline(this.pipes.reduce);
    pass.setBindGroup(0, this.bgReduce);
    pass.dispatchWorkgroups(1, 1, this.nb);
  }

  /** Frees the buffers this object created (not the field buffers; pipelines stay cached per device). */
  destroy(): void {
    this.params.destroy();
    this.cs.destroy();
    this.cols.destroy();
    this.out.destroy();
    this.ownGeo?.destroy();
  }
}
