// The GPU solver: buffers, pipelines and the encoding of time steps. Every buffer is laid out for a
// batch of nb simulations of the same grid (index (b·ny + j)·nx + i; dispatch z = batch member), so
// parameter sweeps run many small simulations in the same dispatches without new kernels.
// The host never reads anything per step: the electrode potential, dt and the clock live on the GPU,
// each step leaves a record in a ring buffer, and the host copies ring, state and metrics every K
// steps into one of two staging buffers (double-buffered, asynchronous).

import phaseSrc from '../../shaders/phase.wgsl?raw';
import transportSrc from '../../shaders/transport.wgsl?raw';
import potentialSrc from '../../shaders/potential.wgsl?raw';
import controlSrc from '../../shaders/control.wgsl?raw';
import nucleationSrc from '../../shaders/nucleation.wgsl?raw';
import commonSrc from '../../shaders/common.wgsl?raw';
import mechanicsSrc from '../../shaders/mechanics.wgsl?raw';
import { GpuMultigrid } from './multigrid.ts';
import { GpuElastic } from './elastic.ts';
import { mechanicsOmega } from '../cpu/mechanics.ts';
import { GpuMetrics } from './metrics.ts';
import { GpuLabel } from './label.ts';
import { contactRows } from '../cpu/label.ts';
import { preprocess } from './wgsl.ts';
import { METRICS_LENGTH } from '../analysis/metrics.ts';
import { PARAMS_BYTES, RING_STRIDE, STATE_BYTES, STATE_FLOATS, layoutWgsl, packParams, ringSlot, stateSlot } from '../model/layout.ts';
import { TRANSPORT_CHEN2015, type Dimless } from '../model/dimless.ts';
import { initialElectrodePotential } from '../cpu/solver.ts';

const WG = 8;

export interface GpuSolverOptions {
  batch: readonly Dimless[];
  /** initial fields per member; `cWarm` (default c) is the warm start of the c̃ solve (mgC.u) */
  init: readonly { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number>; cWarm?: ArrayLike<number> }[];
  /** ring capacity = the most steps between two readbacks */
  ringCapacity: number;
  mgCycles: number;
  /** per member: packed geometry (packGeometry in src/model/geometry.ts); default: no host, θ = 90° */
  geometry?: readonly Float32Array[];
  /** per member: the mosaic SEI film-resistance factor per cell (Geometry.seiFactor); default 1 */
  seiFactor?: readonly Float32Array[];
  /** copy ξ into every readback (the surface metrics need it) */
  readFields?: boolean;
}

/** What one readback holds for each batch member. */
export interface GpuReadback {
  /** state words, per member */
  state: { f32: Float32Array; u32: Uint32Array }[];
  ring: Float32Array;
  metrics: Float32Array;
  /** ring slot of the batch's last step (which holds the multigrid residual norms) */
  lastSlot: number;
  /** nuclei born so far, per member */
  nuclei: Uint32Array;
  /** ξ of every member at the end of the batch (with the readFields option) */
  fields?: { xi: Float32Array };
}

type Pipelines = Record<string, GPUComputePipeline>;
const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<Pipelines>>>();

async function buildPipelines(device: GPUDevice, nb: number, ringCapacity: number): Promise<Pipelines> {
  const key = `${nb}:${ringCapacity}`;
  let perDevice = pipelineCache.get(device);
  if (!perDevice) pipelineCache.set(device, (perDevice = new Map()));
  const hit = perDevice.get(key);
  if (hit) return hit;
  const made = compilePipelines(device, nb, ringCapacity);
  perDevice.set(key, made);
  made.catch(() => perDevice.delete(key));
  return made;
}

async function compilePipelines(device: GPUDevice, nb: number, ringCapacity: number): Promise<Pipelines> {
  const chunks = {
    layout: `const MAX_BATCH: u32 = ${nb}u;\nconst RING_CAP: u32 = ${ringCapacity}u;\n${layoutWgsl()}`,
    common: commonSrc,
  };
  const modules = new Map<string, GPUShaderModule>();
  const module = (name: string, src: string) => {
    if (!modules.has(name)) modules.set(name, device.createShaderModule({ label: name, code: preprocess(src, chunks) }));
    return modules.get(name)!;
  };
  const entries: [string, string, string][] = [
    ['nucleation', nucleationSrc, 'nucleationMark'],
    ['nucleation', nucleationSrc, 'nucleationPlace'],
    ['phase', phaseSrc, 'anisotropy'],
    ['phase', phaseSrc, 'rateTerms'],
    ['phase', phaseSrc, 'drive'],
    ['phase', phaseSrc, 'phaseUpdate'],
    ['phase', phaseSrc, 'sinkSpread'],
    ['phase', phaseSrc, 'phaseFaces'],
    ['phase', phaseSrc, 'phaseMatrix'],
    ['phase', phaseSrc, 'phaseCommit'],
    ['transport', transportSrc, 'transportFaces'],
    ['transport', transportSrc, 'transportCells'],
    ['transport', transportSrc, 'transportBack'],
    ['potential', potentialSrc, 'potentialFaces'],
    ['potential', potentialSrc, 'potentialCells'],
    ['potential', potentialSrc, 'potentialReference'],
    ['control', controlSrc, 'finish'],
    ['mechanics', mechanicsSrc, 'filmAdvance'],
    ['mechanics', mechanicsSrc, 'filmCommit'],
    ['mechanics', mechanicsSrc, 'filmSum'],
    ['mechanics', mechanicsSrc, 'growthRows'],
    ['mechanics', mechanicsSrc, 'mechMaterials'],
    ['mechanics', mechanicsSrc, 'mechShift'],
    ['mechanics', mechanicsSrc, 'mechSum'],
  ];
  const out: Pipelines = {};
  // the async form rejects on a WGSL or validation error instead of leaving an invalid pipeline
  const built = await Promise.all(
    entries.map(([name, src, entryPoint]) =>
      device.createComputePipelineAsync({ label: entryPoint, layout: 'auto', compute: { module: module(name, src), entryPoint } }),
    ),
  );
  entries.forEach(([, , entryPoint], k) => (out[entryPoint] = built[k]));
  return out;
}

/** Copies the first `floats` f32 of a storage buffer into a fresh mappable buffer and reads them (never per step). */
export async function readGpuBuffer(device: GPUDevice, buffer: GPUBuffer, floats: number): Promise<Float32Array> {
  const staging = device.createBuffer({ size: floats * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buffer, 0, staging, 0, floats * 4);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = new Float32Array(staging.getMappedRange().slice(0));
  staging.unmap();
  staging.destroy();
  return out;
}

export class GpuSolver {
  readonly nb: number;
  readonly nx: number;
  readonly ny: number;
  readonly cells: number;
  readonly params: GPUBuffer;
  readonly state: GPUBuffer;
  readonly xi: GPUBuffer;
  readonly c: GPUBuffer;
  readonly cellw: GPUBuffer;
  readonly rate: GPUBuffer;
  readonly gain: GPUBuffer;
  readonly partSum: GPUBuffer;
  readonly partMax: GPUBuffer;
  readonly ring: GPUBuffer;
  /** per cell (solid, cos θ, i0 factor, mechanical shift Ωσ_h/RT): what the kernels read */
  readonly geo: GPUBuffer;
  /** per cell (solid, cos θ, i0 factor, seeded): the geometry as built, for rendering and metrics */
  readonly geoStatic: GPUBuffer;
  /** per cell: SEI film-resistance factor the potential kernels read (mosaic × integrity) */
  readonly sei: GPUBuffer;
  /** per cell: the mosaic factor alone */
  readonly seiBase: GPUBuffer;
  /** per cell (film strain, integrity, scratch, SEI Li bound [µm²]) — shaders/mechanics.wgsl */
  readonly film: GPUBuffer;
  /** the elastic solver of the SEI mechanics (some member has an SEI), else undefined */
  readonly elastic: GpuElastic | undefined;
  private readonly mechPart: GPUBuffer;
  /** per member and row: the part of the growth eigenstrain the stack takes up (kernel growthRows) */
  private readonly rowGrowth: GPUBuffer;
  private readonly elasticIters: number;
  readonly nucMark: GPUBuffer;
  /** open nucleation sites: the ξ of the cap each cell fills to */
  readonly nucSite: GPUBuffer;
  /** per member (any nucleus this step, nuclei so far), atomic */
  readonly nucCount: GPUBuffer;
  readonly mgC: GpuMultigrid;
  readonly mgPhi: GpuMultigrid;
  /** thin_interface: the linearly implicit ξ step, solved in place (its u is the xi buffer) */
  readonly mgXi: GpuMultigrid;
  /** every member runs phase.model = thin_interface (a batch does not mix the two formulations) */
  readonly thin: boolean;
  readonly metrics: GpuMetrics;
  /** dead-Li labelling (shaders/label.wgsl): sets the i0 factor in geo.z at the start of every step */
  labels?: GpuLabel;
  readonly ringCapacity: number;
  mgCycles: number;
  private readonly pipelines: Pipelines;
  private readonly groups: Record<string, GPUBindGroup>;
  private readonly staging: GPUBuffer[];
  private stagingIndex = 0;
  private readonly readbackBytes: { state: number; ring: number; metrics: number; nuc: number; fields: number };
  /** steps encoded so far (equals the GPU's step counter until a member is done) */
  encodedSteps = 0;
  /**
   * Host copy of the state words of every member (STATE_FLOATS per member) as last known: written at
   * creation and by restoreState, replaced by every batch readback. It is current only while no batch
   * is in flight (setStopTime's `resume` relies on that).
   */
  stateWords: Uint32Array<ArrayBuffer>;
  private probeBuffer?: GPUBuffer;
  /** φ of parked members (parkMember), one slice per member */
  phiParked?: GPUBuffer;
  /** the c̃ solve's warm start of parked members (not c̃ itself: they differ in the last bits) */
  private cWarmParked?: GPUBuffer;

  /** φ lives in the potential multigrid's solution buffer: solved in place, warm-started. */
  get phi(): GPUBuffer {
    return this.mgPhi.u;
  }

  static async create(device: GPUDevice, opts: GpuSolverOptions): Promise<GpuSolver> {
    const pipelines = await buildPipelines(device, opts.batch.length, opts.ringCapacity);
    const solver = new GpuSolver(device, opts, pipelines);
    // a batch shares the labelling pass (gpuBatchKey includes metal.island_contact)
    if (opts.batch.some((d) => d.deadIslands)) try {
      solver.labels = await GpuLabel.create(device, { nx: solver.nx, ny: solver.ny, nb: solver.nb, xi: solver.xi, geoStatic: solver.geoStatic, geo: solver.geo, nucSite: solver.nucSite, contactRows: contactRows(opts.batch[0].w, opts.batch[0].h) });
    } catch (e) {
      solver.destroy();
      throw e;
    }
    return solver;
  }

  private constructor(
    readonly device: GPUDevice,
    opts: GpuSolverOptions,
    pipelines: Pipelines,
  ) {
    const d0 = opts.batch[0];
    const nb = (this.nb = opts.batch.length);
    const { nx, ny } = d0;
    for (const d of opts.batch) {
      if (d.nx !== nx || d.ny !== ny || d.h !== d0.h) throw new Error('every member of a GPU batch must share grid.nx, grid.ny and grid.dx_um');
    }
    this.nx = nx;
    this.ny = ny;
    this.cells = nx * ny;
    this.ringCapacity = opts.ringCapacity;
    this.mgCycles = opts.mgCycles;
    const N = this.cells * nb;
    this.thin = d0.thin !== 0;
    if (opts.batch.some((d) => (d.thin !== 0) !== this.thin)) throw new Error('every member of a GPU batch must share phase.model');
    const groupsPerSim = Math.ceil(nx / WG) * Math.ceil(ny / WG);
    // GPUBufferUsage exists only once Dawn's globals are installed (src/gpu/device.ts): read it here
    const buf = (label: string, size: number, usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST) => device.createBuffer({ label, size: Math.max(16, size), usage });
    this.params = buf('params', PARAMS_BYTES * nb, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    device.queue.writeBuffer(this.params, 0, packParams(opts.batch));
    this.state = buf('state', STATE_BYTES * nb);
    // MG-preconditioned CG: plain V-cycles stall or diverge on σ jumps (src/cpu/multigrid.ts header)
    const mgOpts = { nx, ny, nb, h: d0.h, krylov: true };
    this.mgXi = new GpuMultigrid(device, mgOpts);
    this.xi = this.mgXi.u;
    this.c = buf('c', 4 * N);
    this.cellw = buf('cellw', 16 * N);
    this.rate = buf('rate', 4 * N);
    this.gain = buf('gain', 4 * N);
    this.partSum = buf('partSum', 16 * groupsPerSim * nb);
    this.partMax = buf('partMax', 32 * groupsPerSim * nb); // two vec4 per workgroup (shaders/phase.wgsl)
    this.ring = buf('ring', 4 * RING_STRIDE * opts.ringCapacity * nb);
    this.geo = buf('geo', 16 * N);
    this.geoStatic = buf('geoStatic', 16 * N);
    this.nucMark = buf('nucMark', 4 * N);
    this.nucSite = buf('nucSite', 4 * N);
    this.nucCount = buf('nucCount', 8 * nb);
    const geo = new Float32Array(4 * N);
    for (let b = 0; b < nb; b++) {
      const g = opts.geometry?.[b];
      if (g) geo.set(g, 4 * b * this.cells);
      else for (let k = 0; k < this.cells; k++) geo[4 * (b * this.cells + k) + 2] = 1; // i0 factor 1
    }
    device.queue.writeBuffer(this.geoStatic, 0, geo);
    // the kernels' copy: lane w is the mechanical shift (0 until the first elastic solve)
    for (let k = 0; k < N; k++) geo[4 * k + 3] = 0;
    device.queue.writeBuffer(this.geo, 0, geo);
    this.sei = buf('sei', 4 * N);
    this.seiBase = buf('seiBase', 4 * N);
    const sei = new Float32Array(N).fill(1);
    opts.seiFactor?.forEach((f, b) => sei.set(f, b * this.cells));
    device.queue.writeBuffer(this.sei, 0, sei);
    device.queue.writeBuffer(this.seiBase, 0, sei);
    this.film = buf('film', 16 * N);
    const film = new Float32Array(4 * N);
    for (let k = 0; k < N; k++) film[4 * k + 1] = 1;
    device.queue.writeBuffer(this.film, 0, film);
    this.mechPart = buf('mechPart', 32 * groupsPerSim * nb);
    this.rowGrowth = buf('rowGrowth', 4 * ny * nb);
    this.elasticIters = Math.max(...opts.batch.map((d) => d.elasticIters));
    this.elastic = opts.batch.some((d) => d.mechOn) ? new GpuElastic(device, { nx, ny, h: d0.h, nm: nb }) : undefined;
    // ω from the pure phases (the moduli are written by mechMaterials on the GPU, so setModuli never runs)
    this.elastic?.setOmega(mechanicsOmega(opts.batch));
    this.mgC = new GpuMultigrid(device, mgOpts);
    this.mgPhi = new GpuMultigrid(device, mgOpts);
    this.metrics = new GpuMetrics(device, { nx, ny, nb, h: d0.h, xi: this.xi, c: this.c, phi: this.mgPhi.u, geo: this.geoStatic });
    this.metrics.setCsOverC0(
      opts.batch.map((d) => d.CsOverC0),
      opts.batch.map((d) => (d.transport === TRANSPORT_CHEN2015 ? 0 : d.sigFloor)),
    );

    const xi = new Float32Array(N);
    const c = new Float32Array(N);
    const phi = new Float32Array(N);
    const cWarm = new Float32Array(N);
    opts.init.forEach((f, b) => {
      xi.set(f.xi, b * this.cells);
      c.set(f.c, b * this.cells);
      phi.set(f.phi, b * this.cells);
      cWarm.set(f.cWarm ?? f.c, b * this.cells);
    });
    device.queue.writeBuffer(this.xi, 0, xi);
    device.queue.writeBuffer(this.c, 0, c);
    device.queue.writeBuffer(this.mgPhi.u, 0, phi);
    // warm start; afterwards u keeps the last solution (binary: transportBack copies it into c, so
    // u = c̃ bit for bit after every step; chen2015: transportFaces overwrites it from c̃ and φ̃)
    device.queue.writeBuffer(this.mgC.u, 0, cWarm);
    const st = new ArrayBuffer(STATE_BYTES * nb);
    const stF = new Float32Array(st);
    opts.batch.forEach((d, b) => {
      const o = b * STATE_FLOATS;
      stF[o + stateSlot('dt')] = d.dtInitial;
      stF[o + stateSlot('tEnd')] = 3.0e38;
      stF[o + stateSlot('phiS')] = initialElectrodePotential(d);
      stF[o + stateSlot('phiRef')] = initialElectrodePotential(d);
      stF[o + stateSlot('sinkSpread')] = 0;
    });
    device.queue.writeBuffer(this.state, 0, st);
    this.stateWords = new Uint32Array(st.slice(0));

    this.pipelines = pipelines;
    const bind = (entry: string, bindings: Record<number, GPUBuffer>) =>
      device.createBindGroup({
        label: entry,
        layout: this.pipelines[entry].getBindGroupLayout(0),
        entries: Object.entries(bindings).map(([binding, buffer]) => ({ binding: Number(binding), resource: { buffer } })),
      });
    const P = this.params;
    const T = this.state;
    const mc = this.mgC;
    const mp = this.mgPhi;
    const G = this.geo;
    this.groups = {
      nucleationMark: bind('nucleationMark', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 5: G, 6: this.nucMark, 7: this.nucSite, 8: this.nucCount }),
      nucleationPlace: bind('nucleationPlace', { 0: P, 1: T, 2: this.xi, 5: G, 6: this.nucMark, 7: this.nucSite, 8: this.nucCount }),
      anisotropy: bind('anisotropy', { 0: P, 1: T, 2: this.xi, 5: this.cellw, 10: G }),
      rateTerms: bind('rateTerms', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 5: this.cellw, 6: this.rate, 7: this.partSum, 10: G, 12: this.nucSite }),
      drive: bind('drive', { 0: P, 1: T, 7: this.partSum, 11: this.nucCount }),
      phaseUpdate: bind('phaseUpdate', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 5: this.cellw, 6: this.rate, 8: this.partMax, 9: this.gain, 10: G, 12: this.nucSite }),
      transportFaces: bind('transportFaces', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 6: mc.ax, 7: mc.ay, 10: mc.u, 12: G }),
      sinkSpread: bind('sinkSpread', { 0: P, 1: T, 8: this.partMax }),
      phaseFaces: bind('phaseFaces', { 0: P, 1: T, 10: G, 12: this.nucSite, 15: this.mgXi.ax, 16: this.mgXi.ay }),
      phaseMatrix: bind('phaseMatrix', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 5: this.cellw, 6: this.rate, 9: this.gain, 10: G, 13: this.mgXi.bd, 14: this.mgXi.f }),
      phaseCommit: bind('phaseCommit', { 0: P, 1: T, 2: this.xi, 6: this.rate, 8: this.partMax, 9: this.gain, 10: G, 12: this.nucSite, 5: this.cellw }),
      transportCells: bind('transportCells', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.phi, 5: this.rate, 8: mc.bd, 9: mc.f, 11: this.cellw, 12: G }),
      transportBack: bind('transportBack', { 0: P, 1: T, 3: this.c, 4: this.phi, 10: mc.u, 11: this.cellw, 12: G, 13: this.xi, 14: this.rate, 15: this.partSum }),
      finish: bind('finish', { 0: P, 1: T, 2: this.partMax, 3: mc.ay, 4: mc.u, 5: this.ring, 6: this.partSum }),
      potentialFaces: bind('potentialFaces', { 0: P, 1: T, 2: this.xi, 3: this.c, 5: mp.ax, 6: mp.ay, 11: G, 12: this.sei }),
      potentialCells: bind('potentialCells', { 0: P, 1: T, 2: this.xi, 3: this.c, 4: this.rate, 7: mp.bd, 8: mp.f, 9: this.phi, 10: this.gain, 11: G, 12: this.sei }),
      potentialReference: bind('potentialReference', { 1: T }),
    };
    const el = this.elastic;
    if (el) {
      const M = this.mechPart;
      this.groups.filmAdvance = bind('filmAdvance', { 0: P, 1: T, 2: this.xi, 3: this.rate, 4: this.film, 5: G, 6: this.sei, 7: this.seiBase, 8: M, 13: this.cellw });
      this.groups.filmCommit = bind('filmCommit', { 0: P, 1: T, 4: this.film });
      this.groups.filmSum = bind('filmSum', { 0: P, 1: T, 8: M });
      this.groups.growthRows = bind('growthRows', { 0: P, 2: this.xi, 4: this.film, 5: G, 14: this.rowGrowth });
      this.groups.mechMaterials = bind('mechMaterials', { 0: P, 2: this.xi, 4: this.film, 5: G, 9: el.lam, 10: el.mu, 11: el.eig, 14: this.rowGrowth });
      this.groups.mechShift = bind('mechShift', { 0: P, 1: T, 2: this.xi, 5: G, 8: M, 9: el.lam, 10: el.mu, 12: el.u, 14: this.rowGrowth });
      this.groups.mechSum = bind('mechSum', { 0: P, 1: T, 8: M });
    }
    this.readbackBytes = {
      state: STATE_BYTES * nb,
      ring: 4 * RING_STRIDE * opts.ringCapacity * nb,
      metrics: 4 * METRICS_LENGTH * nb,
      nuc: 8 * nb,
      fields: opts.readFields ? 4 * N : 0,
    };
    const rb = this.readbackBytes;
    const total = rb.state + rb.ring + rb.metrics + rb.nuc + rb.fields;
    this.staging = [0, 1].map((k) => device.createBuffer({ label: `staging${k}`, size: total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
  }

  private dispatchCells(pass: GPUComputePassEncoder, entry: string): void {
    pass.setPipeline(this.pipelines[entry]);
    pass.setBindGroup(0, this.groups[entry]);
    pass.dispatchWorkgroups(Math.ceil(this.nx / WG), Math.ceil(this.ny / WG), this.nb);
  }

  private dispatchPerSim(pass: GPUComputePassEncoder, entry: string): void {
    pass.setPipeline(this.pipelines[entry]);
    pass.setBindGroup(0, this.groups[entry]);
    pass.dispatchWorkgroups(1, 1, this.nb);
  }

  /** Potential consistent with the initial fields (rate = 0 at start), solved to convergence. */
  encodeInitialPotential(pass: GPUComputePassEncoder, cycles = 30): void {
    this.dispatchCells(pass, 'potentialFaces');
    this.dispatchCells(pass, 'potentialCells');
    this.mgPhi.encodeCoarsenCoefficients(pass);
    for (let k = 0; k < cycles; k++) this.mgPhi.encodeVCycle(pass);
  }

  /** The first kernels of a step only (tests inspect the anisotropy and Allen–Cahn terms in cellw). */
  encodePhaseTerms(pass: GPUComputePassEncoder): void {
    this.dispatchCells(pass, 'anisotropy');
    this.dispatchCells(pass, 'rateTerms');
  }

  /** One time step; with `recordResiduals` the multigrid residual norms go into this step's ring record. */
  encodeStep(pass: GPUComputePassEncoder, recordResiduals = false): void {
    const slot = this.encodedSteps % this.ringCapacity;
    this.labels?.encode(pass, false);
    this.dispatchCells(pass, 'nucleationMark');
    this.dispatchCells(pass, 'nucleationPlace');
    this.dispatchCells(pass, 'anisotropy');
    this.dispatchCells(pass, 'rateTerms');
    this.dispatchPerSim(pass, 'drive');
    if (this.thin) {
      this.dispatchCells(pass, 'phaseFaces');
      this.dispatchCells(pass, 'phaseMatrix');
      this.mgXi.encodeCoarsenCoefficients(pass);
      for (let k = 0; k < this.mgCycles; k++) this.mgXi.encodeVCycle(pass);
      this.dispatchCells(pass, 'phaseCommit');
    } else {
      this.dispatchCells(pass, 'phaseUpdate');
    }
    this.dispatchPerSim(pass, 'sinkSpread');
    if (this.elastic) {
      this.dispatchCells(pass, 'filmAdvance');
      this.dispatchCells(pass, 'filmCommit');
      this.dispatchPerSim(pass, 'filmSum');
    }
    this.dispatchCells(pass, 'transportFaces');
    this.dispatchCells(pass, 'transportCells');
    this.mgC.encodeCoarsenCoefficients(pass);
    for (let k = 0; k < this.mgCycles; k++) this.mgC.encodeVCycle(pass);
    if (recordResiduals) this.mgC.encodeResidualNorms(pass, this.ring, (slot * RING_STRIDE + ringSlot('resC')) * this.nb);
    this.dispatchCells(pass, 'transportBack');
    this.dispatchPerSim(pass, 'finish');
    this.dispatchCells(pass, 'potentialFaces');
    this.dispatchCells(pass, 'potentialCells');
    this.dispatchPerSim(pass, 'potentialReference');
    this.mgPhi.encodeCoarsenCoefficients(pass);
    for (let k = 0; k < this.mgCycles; k++) this.mgPhi.encodeVCycle(pass);
    if (recordResiduals) this.mgPhi.encodeResidualNorms(pass, this.ring, (slot * RING_STRIDE + ringSlot('resPhi')) * this.nb);
    if (this.elastic) this.encodeMechanics(pass);
    this.encodedSteps++;
  }

  /** The SEI's elastic material, the warm-started elastic iterations and the mechanical shift (src/cpu/mechanics.ts solve). */
  encodeMechanics(pass: GPUComputePassEncoder): void {
    const el = this.elastic;
    if (!el) return;
    pass.setPipeline(this.pipelines.growthRows);
    pass.setBindGroup(0, this.groups.growthRows);
    pass.dispatchWorkgroups(Math.min(this.ny, 256), Math.ceil(this.ny / 256), this.nb);
    this.dispatchCells(pass, 'mechMaterials');
    el.encodeRefreshCoefficients(pass);
    el.encodeIterate(pass, this.elasticIters);
    this.dispatchCells(pass, 'mechShift');
    this.dispatchPerSim(pass, 'mechSum');
  }

  /**
   * Sets the stop time of every member (takes effect in queue order). With `resume` (only when no
   * batch is in flight, so that stateWords is the GPU's state) the done flag is decided again from the
   * clock as finish() in shaders/control.wgsl does it: done if the time left is ≤ 1e-3 dt, else not
   * done and dt clamped to the time left, so a finished run can be continued to a later stop time.
   * Returns whether every member is done (always false without `resume`).
   */
  setStopTime(tEnd_s: number, resume = false, dtCap = Infinity): boolean {
    let allDone = true;
    for (let b = 0; b < this.nb; b++) allDone = this.setStopTimeOf(b, tEnd_s, resume, dtCap) && allDone;
    // after a member was done the encoded steps ran ahead of its step counter
    if (resume) this.encodedSteps = this.stateWords[stateSlot('step')];
    return allDone;
  }

  /**
   * setStopTime for one member of a batch (an Ensemble's member, src/sim/simulation.ts). The
   * encoded-step count is left alone: members of a batch step in the same dispatches from step 0.
   */
  setStopTimeOf(b: number, tEnd_s: number, resume = false, dtCap = Infinity): boolean {
    if (!(b >= 0 && b < this.nb)) throw new Error(`GpuSolver.setStopTimeOf: no member ${b} in a batch of ${this.nb}`);
    const f32 = new Float32Array(this.stateWords.buffer, this.stateWords.byteOffset, this.stateWords.length);
    const o = b * STATE_FLOATS;
    f32[o + stateSlot('tEnd')] = tEnd_s;
    if (!resume) {
      this.device.queue.writeBuffer(this.state, (o + stateSlot('tEnd')) * 4, new Float32Array([tEnd_s]));
      return false;
    }
    const dt = f32[o + stateSlot('dt')];
    const remaining = Math.fround(Math.fround(f32[o + stateSlot('tEnd')] - f32[o + stateSlot('tHi')]) - f32[o + stateSlot('tLo')]);
    const done = remaining <= Math.fround(1e-3 * dt);
    this.stateWords[o + stateSlot('done')] = done ? 1 : 0;
    if (!done) f32[o + stateSlot('dt')] = Math.min(dt, remaining, dtCap);
    this.device.queue.writeBuffer(this.state, o * 4, this.stateWords, o, STATE_FLOATS);
    return done;
  }

  /**
   * Parks member b while the others step: masks it, and keeps its φ, which the potential multigrid's
   * V-cycles (they do not look at the done flag) would otherwise go on relaxing on its stale system.
   * The c̃ solve's warm start is relaxed the same way and is kept too. unparkMember puts both back.
   */
  parkMember(b: number): void {
    this.maskMember(b);
    const bytes = 4 * this.cells;
    const kept = (label: string) => this.device.createBuffer({ label, size: bytes * this.nb, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    this.phiParked ??= kept('phiParked');
    this.cWarmParked ??= kept('cWarmParked');
    const enc = this.device.createCommandEncoder({ label: 'park' });
    enc.copyBufferToBuffer(this.phi, b * bytes, this.phiParked, b * bytes, bytes);
    enc.copyBufferToBuffer(this.mgC.u, b * bytes, this.cWarmParked, b * bytes, bytes);
    this.device.queue.submit([enc.finish()]);
  }

  unparkMember(b: number): void {
    if (!this.phiParked || !this.cWarmParked) return;
    const bytes = 4 * this.cells;
    const enc = this.device.createCommandEncoder({ label: 'unpark' });
    enc.copyBufferToBuffer(this.phiParked, b * bytes, this.phi, b * bytes, bytes);
    enc.copyBufferToBuffer(this.cWarmParked, b * bytes, this.mgC.u, b * bytes, bytes);
    this.device.queue.submit([enc.finish()]);
  }

  /**
   * Marks one member done (takes effect in queue order): every kernel then leaves its fields and
   * state as they are while the other members step. setStopTimeOf(b, t, true) decides it again.
   */
  maskMember(b: number): void {
    if (!(b >= 0 && b < this.nb)) throw new Error(`GpuSolver.maskMember: no member ${b} in a batch of ${this.nb}`);
    this.stateWords[b * STATE_FLOATS + stateSlot('done')] = 1;
    this.device.queue.writeBuffer(this.state, (b * STATE_FLOATS + stateSlot('done')) * 4, new Uint32Array([1]));
  }

  /** Rewrites the parameters of every member (takes effect in queue order: from the next submitted step). */
  setParams(batch: readonly Dimless[]): void {
    if (batch.length !== this.nb) throw new Error(`GpuSolver.setParams: ${batch.length} members for a batch of ${this.nb}`);
    for (const d of batch) {
      if (d.nx !== this.nx || d.ny !== this.ny || d.h !== this.mgPhi.levels[0].hx) throw new Error('GpuSolver.setParams: grid.nx, grid.ny and grid.dx_um cannot change');
      if ((d.thin !== 0) !== this.thin) throw new Error('GpuSolver.setParams: phase.model cannot change during a run');
    }
    this.device.queue.writeBuffer(this.params, 0, packParams(batch));
    this.metrics.setCsOverC0(
      batch.map((d) => d.CsOverC0),
      batch.map((d) => (d.transport === TRANSPORT_CHEN2015 ? 0 : d.sigFloor)),
    );
  }

  /**
   * Overwrites the state words of one member (a checkpoint's clock, dt, electrode potential, step
   * counter, …) and aligns the ring bookkeeping with its step counter. Call before submitting steps.
   */
  restoreState(words: Uint32Array, member = 0): void {
    if (words.length !== STATE_FLOATS) throw new Error(`GpuSolver.restoreState: ${words.length} words, expected ${STATE_FLOATS}`);
    if (!(member >= 0 && member < this.nb)) throw new Error(`GpuSolver.restoreState: no member ${member} in a batch of ${this.nb}`);
    this.stateWords.set(words, member * STATE_FLOATS);
    this.device.queue.writeBuffer(this.state, member * STATE_BYTES, this.stateWords, member * STATE_FLOATS, STATE_FLOATS);
    this.encodedSteps = words[stateSlot('step')];
  }

  /** Overwrites the open nucleation sites of one member (a checkpoint's; see shaders/nucleation.wgsl). */
  restoreNucleationSites(sites: Float32Array, member = 0): void {
    if (sites.length !== this.cells) throw new Error(`GpuSolver.restoreNucleationSites: ${sites.length} cells, expected ${this.cells}`);
    this.device.queue.writeBuffer(this.nucSite, member * this.cells * 4, sites.buffer, sites.byteOffset, sites.byteLength);
  }

  /**
   * Overwrites the SEI film state of one member (a checkpoint's; shaders/mechanics.wgsl): the `film`
   * buffer (4 f32 per cell), the mechanical shift (lane w of `geo`), the elastic displacement (2 planes
   * of cells) and the film-resistance factor `sei` = seiBase × integrity, as filmAdvance writes it (an
   * f32 product: correctly rounded in WGSL, hence Math.fround of the f64 product here). Reads `geo` and
   * `seiBase` back to do so: await it before submitting steps.
   */
  async restoreFilm(film: { cells: Float32Array; mechShift: Float32Array; displacement: Float32Array }, member = 0): Promise<void> {
    const n = this.cells;
    const el = this.elastic;
    if (!el) throw new Error('GpuSolver.restoreFilm: this solver has no SEI mechanics (no member has an SEI)');
    if (!(member >= 0 && member < this.nb)) throw new Error(`GpuSolver.restoreFilm: no member ${member} in a batch of ${this.nb}`);
    const sizes = [['cells', film.cells, 4 * n], ['mechShift', film.mechShift, n], ['displacement', film.displacement, 2 * n]] as const;
    for (const [name, a, len] of sizes) if (a.length !== len) throw new Error(`GpuSolver.restoreFilm: ${name} has ${a.length} values, expected ${len}`);
    const [geo, seiBase] = await Promise.all([this.readBuffer(this.geo, 4 * n * this.nb), this.readBuffer(this.seiBase, n * this.nb)]);
    const g = geo.subarray(4 * member * n, 4 * (member + 1) * n);
    const sei = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      g[4 * k + 3] = film.mechShift[k];
      sei[k] = Math.fround(seiBase[member * n + k] * film.cells[4 * k + 1]);
    }
    const q = this.device.queue;
    q.writeBuffer(this.film, 16 * member * n, film.cells.buffer, film.cells.byteOffset, film.cells.byteLength);
    q.writeBuffer(this.geo, 16 * member * n, g.buffer, g.byteOffset, g.byteLength);
    q.writeBuffer(this.sei, 4 * member * n, sei);
    q.writeBuffer(el.u, 8 * member * n, film.displacement.buffer, film.displacement.byteOffset, film.displacement.byteLength);
  }

  /** The state words of every member as the GPU has them once the queued work is done. */
  async readState(): Promise<Uint32Array> {
    const f = await this.readBuffer(this.state, STATE_FLOATS * this.nb);
    return new Uint32Array(f.buffer, f.byteOffset, f.length);
  }

  /**
   * Fills the potential multigrid's finest-level face conductances (mgPhi.ax / mgPhi.ay) from the
   * current ξ and c̃, as the next step will. Harmless at any time (every step recomputes them); used
   * so a renderer has them before the first batch.
   */
  computeConductances(): void {
    const enc = this.device.createCommandEncoder({ label: 'conductances' });
    const pass = enc.beginComputePass();
    this.dispatchCells(pass, 'potentialFaces');
    pass.end();
    this.device.queue.submit([enc.finish()]);
  }

  /** ξ, c̃, φ̃ of one cell (index into the member-major field layout), copied into a 16-byte buffer. */
  async readCell(k: number): Promise<[number, number, number]> {
    if (!(Number.isInteger(k) && k >= 0 && k < this.cells * this.nb)) throw new RangeError(`GpuSolver.readCell: cell ${k} out of range`);
    const buf = (this.probeBuffer ??= this.device.createBuffer({ label: 'probe', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }));
    const enc = this.device.createCommandEncoder({ label: 'probe' });
    enc.copyBufferToBuffer(this.xi, 4 * k, buf, 0, 4);
    enc.copyBufferToBuffer(this.c, 4 * k, buf, 4, 4);
    enc.copyBufferToBuffer(this.phi, 4 * k, buf, 8, 4);
    this.device.queue.submit([enc.finish()]);
    await buf.mapAsync(GPUMapMode.READ);
    const v = new Float32Array(buf.getMappedRange(0, 12).slice(0));
    buf.unmap();
    return [v[0], v[1], v[2]];
  }

  /** Encodes `steps` steps, the metrics and the copy into a staging buffer, submits, and resolves when mapped. */
  submitBatch(steps: number, initialPotential = false): Promise<GpuReadback> {
    if (steps > this.ringCapacity) throw new Error(`a batch of ${steps} steps overflows the ring (${this.ringCapacity})`);
    const enc = this.device.createCommandEncoder({ label: 'batch' });
    const pass = enc.beginComputePass();
    if (initialPotential) this.encodeInitialPotential(pass);
    for (let s = 0; s < steps; s++) this.encodeStep(pass, s === steps - 1);
    const lastSlot = (this.encodedSteps - 1) % this.ringCapacity;
    this.metrics.encode(pass);
    pass.end();
    const staging = this.staging[this.stagingIndex];
    this.stagingIndex = 1 - this.stagingIndex;
    const { state, ring, metrics, nuc, fields } = this.readbackBytes;
    const N = this.cells * this.nb;
    enc.copyBufferToBuffer(this.state, 0, staging, 0, state);
    enc.copyBufferToBuffer(this.ring, 0, staging, state, ring);
    enc.copyBufferToBuffer(this.metrics.out, 0, staging, state + ring, metrics);
    const atNuc = state + ring + metrics;
    enc.copyBufferToBuffer(this.nucCount, 0, staging, atNuc, nuc);
    if (fields > 0) enc.copyBufferToBuffer(this.xi, 0, staging, atNuc + nuc, 4 * N);
    this.device.queue.submit([enc.finish()]);
    return staging.mapAsync(GPUMapMode.READ).then(() => {
      const bytes = staging.getMappedRange().slice(0);
      staging.unmap();
      const members = [];
      this.stateWords = new Uint32Array(bytes.slice(0, state));
      for (let b = 0; b < this.nb; b++) {
        members.push({ f32: new Float32Array(bytes, b * STATE_BYTES, STATE_FLOATS), u32: new Uint32Array(bytes, b * STATE_BYTES, STATE_FLOATS) });
      }
      const counts = new Uint32Array(bytes, atNuc, nuc / 4);
      return {
        state: members,
        ring: new Float32Array(bytes, state, ring / 4),
        metrics: new Float32Array(bytes, state + ring, metrics / 4),
        lastSlot,
        nuclei: Uint32Array.from({ length: this.nb }, (_, b) => counts[2 * b + 1]),
        fields: fields > 0 ? { xi: new Float32Array(bytes, atNuc + nuc, N) } : undefined,
      };
    });
  }

  /** Reads a field buffer back (tests, snapshots; never on the hot path). */
  readBuffer(buffer: GPUBuffer, floats = this.cells * this.nb): Promise<Float32Array> {
    return readGpuBuffer(this.device, buffer, floats);
  }

  destroy(): void {
    this.elastic?.destroy();
    this.labels?.destroy();
    for (const b of [this.params, this.state, this.c, this.cellw, this.rate, this.gain, this.partSum, this.partMax, this.ring, this.geo, this.geoStatic, this.sei, this.seiBase, this.film, this.mechPart, this.rowGrowth, this.nucMark, this.nucSite, this.nucCount, ...this.staging]) b.destroy();
    this.probeBuffer?.destroy();
    this.phiParked?.destroy();
    this.cWarmParked?.destroy();
    this.mgC.destroy();
    this.mgPhi.destroy();
    this.mgXi.destroy();
    this.metrics.destroy();
  }
}
