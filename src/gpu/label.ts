// Dead-Li labelling on the GPU: connected components of the Li metal (definition: src/cpu/label.ts, its
// f64 twin; kernels: shaders/label.wgsl). Four dispatches into the caller's compute pass, no readback:
// labelInit, labelMerge, labelResolve (cells, 8×8 workgroups, z = member) and labelStats (one workgroup
// per member). labelResolve writes lane z of `geo` (the live i0 factor: 0 on dead cells, else
// geoStatic.z) and leaves lanes x, y, w as they are.

import src from '../../shaders/label.wgsl?raw';

const WG = 8;
const PARAMS_BYTES = 32;
const ENTRIES = ['labelInit', 'labelMerge', 'labelResolve', 'labelStats'] as const;
type Entry = (typeof ENTRIES)[number];
/** bindings each entry point uses (layout 'auto' keeps only those) */
const BINDINGS: Record<Entry, readonly number[]> = {
  labelInit: [0, 1, 2, 3, 7],
  labelMerge: [0, 1, 2, 3, 7],
  labelResolve: [0, 1, 2, 3, 4, 5, 7],
  labelStats: [0, 5, 6],
};

type Pipelines = Record<Entry, GPUComputePipeline>;
const pipelineCache = new WeakMap<GPUDevice, Promise<Pipelines>>();

function pipelinesFor(device: GPUDevice): Promise<Pipelines> {
  let p = pipelineCache.get(device);
  if (!p) {
    const module = device.createShaderModule({ label: 'label', code: src });
    // the async form rejects on a WGSL or validation error instead of leaving an invalid pipeline
    const made = Promise.all(
      ENTRIES.map((entryPoint) => device.createComputePipelineAsync({ label: `label.${entryPoint}`, layout: 'auto', compute: { module, entryPoint } })),
    ).then((list) => Object.fromEntries(ENTRIES.map((e, k) => [e, list[k]])) as Pipelines);
    made.catch(() => pipelineCache.delete(device));
    pipelineCache.set(device, (p = made));
  }
  return p;
}

export interface GpuLabelOptions {
  nx: number;
  ny: number;
  nb: number;
  /** f32 per cell, nb·ny·nx, index (b·ny + j)·nx + i */
  xi: GPUBuffer;
  /** vec4f per cell: (solid, cos θ, i0 factor, seeded) */
  geoStatic: GPUBuffer;
  /** vec4f per cell: (solid, cos θ, i0 factor, mechanical shift); lane z is written */
  geo: GPUBuffer;
  /** f32 per cell: open nucleation sites (> 0), which keep their i0 (absent: none) */
  nucSite?: GPUBuffer;
  /** metal in rows j < contactRows touches the collector (contactRows in src/cpu/label.ts; default 1) */
  contactRows?: number;
}

export class GpuLabel {
  /** u32 per cell, nb·nx·ny: 0, 1 + member-local smallest cell index of the island, or 0xFFFFFFFF */
  readonly labels: GPUBuffer;
  /** per member 4 f32: (deadXi, islands, liveXi, 0); deadXi and liveXi in cells (× h² for an area) */
  readonly stats: GPUBuffer;
  readonly nx: number;
  readonly ny: number;
  readonly nb: number;
  private readonly params: GPUBuffer;
  private readonly partials: GPUBuffer;
  /** zeros, when no nucleation-site buffer is given */
  private readonly noSites?: GPUBuffer;
  private readonly pipes: Pipelines;
  private readonly groups: Record<Entry, GPUBindGroup>;

  static async create(device: GPUDevice, opts: GpuLabelOptions): Promise<GpuLabel> {
    return new GpuLabel(device, opts, await pipelinesFor(device));
  }

  private constructor(device: GPUDevice, opts: GpuLabelOptions, pipes: Pipelines) {
    const { nx, ny, nb } = opts;
    if (!(Number.isInteger(nx) && Number.isInteger(ny) && Number.isInteger(nb) && nx > 0 && ny > 0 && nb > 0)) {
      throw new RangeError(`GpuLabel: bad grid ${nx}×${ny}×${nb}`);
    }
    const cells = nb * nx * ny;
    // label values are k + 1 ≤ nx·ny and NONE = 2³² − 1
    if (nx * ny >= 0xffffffff) throw new RangeError(`GpuLabel: ${nx}×${ny} cells do not fit u32 labels`);
    const maxDim = device.limits.maxComputeWorkgroupsPerDimension;
    const wgx = Math.ceil(nx / WG);
    const wgy = Math.ceil(ny / WG);
    if (wgx > maxDim || wgy > maxDim || nb > maxDim) throw new RangeError(`GpuLabel: grid ${nx}×${ny}×${nb} exceeds dispatch limits (${maxDim} workgroups per dimension)`);
    const sizes = [['xi', opts.xi, 4 * cells], ['geoStatic', opts.geoStatic, 16 * cells], ['geo', opts.geo, 16 * cells]] as const;
    for (const [name, buf, bytes] of sizes) {
      if (buf.size < bytes) throw new RangeError(`GpuLabel: buffer ${name} has ${buf.size} bytes, needs ${bytes} for ${nb}×${ny}×${nx} cells`);
    }
    this.nx = nx;
    this.ny = ny;
    this.nb = nb;
    this.pipes = pipes;

    this.params = device.createBuffer({ label: 'label.params', size: PARAMS_BYTES, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.params, 0, new Uint32Array([nx, ny, nb, wgx, wgx * wgy, opts.contactRows ?? 1, 0, 0]));
    this.labels = device.createBuffer({ label: 'label.labels', size: 4 * cells, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    this.partials = device.createBuffer({ label: 'label.partials', size: 16 * nb * wgx * wgy, usage: GPUBufferUsage.STORAGE });
    this.stats = device.createBuffer({ label: 'label.stats', size: 16 * nb, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    if (!opts.nucSite) this.noSites = device.createBuffer({ label: 'label.noSites', size: 4 * cells, usage: GPUBufferUsage.STORAGE });

    const resources: Record<number, GPUBufferBinding> = {
      0: { buffer: this.params },
      1: { buffer: opts.xi, size: 4 * cells },
      2: { buffer: opts.geoStatic, size: 16 * cells },
      3: { buffer: this.labels },
      4: { buffer: opts.geo, size: 16 * cells },
      5: { buffer: this.partials },
      6: { buffer: this.stats },
      7: { buffer: opts.nucSite ?? this.noSites!, size: 4 * cells },
    };
    const group = (e: Entry) =>
      device.createBindGroup({
        label: `label.${e}`,
        layout: pipes[e].getBindGroupLayout(0),
        entries: BINDINGS[e].map((binding) => ({ binding, resource: resources[binding] })),
      });
    this.groups = { labelInit: group('labelInit'), labelMerge: group('labelMerge'), labelResolve: group('labelResolve'), labelStats: group('labelStats') };
  }

  /** Records the dispatches, in order, into an open compute pass (dispatches order storage access); the fourth, the per-member sums in `stats`, only with withStats. */
  encode(pass: GPUComputePassEncoder, withStats = true): void {
    const wgx = Math.ceil(this.nx / WG);
    const wgy = Math.ceil(this.ny / WG);
    for (const e of ['labelInit', 'labelMerge', 'labelResolve'] as const) {
      pass.setPipeline(this.pipes[e]);
      pass.setBindGroup(0, this.groups[e]);
      pass.dispatchWorkgroups(wgx, wgy, this.nb);
    }
    // the per-member sums (stats): the solver's step does not read them (the host counts dead Li per row)
    if (!withStats) return;
    pass.setPipeline(this.pipes.labelStats);
    pass.setBindGroup(0, this.groups.labelStats);
    pass.dispatchWorkgroups(1, 1, this.nb);
  }

  /** Frees the buffers this object created (not xi, geoStatic, geo; pipelines stay cached per device). */
  destroy(): void {
    this.params.destroy();
    this.labels.destroy();
    this.partials.destroy();
    this.stats.destroy();
    this.noSites?.destroy();
  }
}
