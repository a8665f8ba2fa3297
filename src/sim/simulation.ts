// The one object the CLI, the app and the tests drive: a scenario on a backend ('gpu' or 'cpu'),
// advanced in batches of run.metrics_every_steps steps, with writers attached (Oceananigans-style).
// Time, charge and the Li inventory are accumulated here in f64 from the per-step records.

import { CpuSolver, type StepRecord } from '../cpu/solver.ts';
import { computeMetrics, unpackMetrics, type DepositMetrics } from '../analysis/metrics.ts';
import { TRANSPORT_CHEN2015, toDimless, rateToCurrentDensity, type Dimless } from '../model/dimless.ts';
import { roundedToF32, RING_STRIDE, ringSlot, stateSlot } from '../model/layout.ts';
import { getValue, num, ScenarioError, text, type Scenario } from '../model/scenario.ts';
import { initialFields } from './initial.ts';
import { NonFiniteError, type BackendName, type Fields, type MetricsRow, type RunLimits, type RunResult, type SimEvent, type SimulationInfo, type Writer } from './types.ts';
import type { AdapterLabel } from '../gpu/device.ts';

/** The binary closure keeps salt in the electrolyte fraction χ ≥ floor (shaders/transport.wgsl). */
export function saltFloor(d: Dimless): number {
  return d.transport === TRANSPORT_CHEN2015 ? 0 : d.sigFloor;
}

/** Surface concentration at which Li⁺ counts as depleted (Sand's time, MODEL.md §8). */
export const SAND_DEPLETION_CONC = 0.01;
const CPU_MAX_CELLS = 1 << 24;

interface BatchOutcome {
  records: StepRecord[];
  metrics: DepositMetrics;
  resC: number;
  resPhi: number;
  done: boolean;
}

interface Backend {
  readonly name: BackendName;
  readonly adapter?: AdapterLabel;
  setStopTime(t_s: number): void;
  submit(steps: number): Promise<BatchOutcome>;
  readFields(): Promise<{ xi: Float32Array | Float64Array; c: Float32Array | Float64Array; phi: Float32Array | Float64Array }>;
  destroy(): void;
}

class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly solver: CpuSolver;
  constructor(d: Dimless, init: ReturnType<typeof initialFields>, mgCycles: number) {
    this.solver = new CpuSolver(d, init, mgCycles);
    this.solver.initialPotential();
  }
  setStopTime(t_s: number): void {
    this.solver.state.tEnd = t_s;
    this.solver.state.done = this.solver.state.t >= t_s;
  }
  async submit(steps: number): Promise<BatchOutcome> {
    const s = this.solver;
    const records: StepRecord[] = [];
    for (let k = 0; k < steps; k++) {
      const r = s.step();
      if (r) records.push(r);
    }
    const { nx, ny, h, CsOverC0 } = s.d;
    const [resC] = s.mgC.residualNorms();
    const [resPhi] = s.mgPhi.residualNorms();
    return { records, metrics: computeMetrics(nx, ny, h, s.xi, s.c, s.phi, CsOverC0, 0, saltFloor(s.d)), resC, resPhi, done: s.state.done };
  }
  async readFields() {
    const s = this.solver;
    return { xi: s.xi.slice(), c: s.c.slice(), phi: s.phi.slice() };
  }
  destroy(): void {}
}

class GpuBackend implements Backend {
  readonly name = 'gpu' as const;
  private first = true;
  private stepsSeen = 0;
  constructor(
    readonly solver: import('../gpu/solver.ts').GpuSolver,
    readonly adapter: AdapterLabel,
  ) {}
  setStopTime(t_s: number): void {
    this.solver.setStopTime(t_s);
  }
  async submit(steps: number): Promise<BatchOutcome> {
    const read = await this.solver.submitBatch(steps, this.first);
    this.first = false;
    const st = read.state[0];
    const stepNow = st.u32[stateSlot('step')];
    const cap = this.solver.ringCapacity;
    const nb = this.solver.nb;
    const at = (s: number, field: Parameters<typeof ringSlot>[0]) => read.ring[((s % cap) * RING_STRIDE + ringSlot(field)) * nb];
    const records: StepRecord[] = [];
    for (let s = this.stepsSeen; s < stepNow; s++) {
      records.push({ dt: at(s, 'dt'), phiS: at(s, 'phiS'), j: at(s, 'j'), dInventory: at(s, 'dInventory'), maxRate: at(s, 'maxRate'), limitHit: at(s, 'limitHit') });
    }
    const last = read.lastSlot; // the batch's last step recorded the multigrid residual norms
    const outcome = {
      records,
      metrics: unpackMetrics(read.metrics, 0),
      resC: at(last, 'resC'),
      resPhi: at(last, 'resPhi'),
      done: st.u32[stateSlot('done')] !== 0,
    };
    this.stepsSeen = stepNow;
    return outcome;
  }
  async readFields() {
    const s = this.solver;
    const [xi, c, phi] = await Promise.all([s.readBuffer(s.xi, s.cells), s.readBuffer(s.c, s.cells), s.readBuffer(s.phi, s.cells)]);
    return { xi, c, phi };
  }
  destroy(): void {
    this.solver.destroy();
  }
}

export interface CreateOptions {
  backend: BackendName;
  /** CPU only: run the reference on the f32-rounded parameters the GPU sees (for comparisons) */
  f32Params?: boolean;
}

export async function createSimulation(scenario: Scenario, opts: CreateOptions): Promise<Simulation> {
  const d = toDimless(scenario);
  const cells = d.nx * d.ny;
  const cycles = num(scenario, 'numerics.mg_cycles');
  const K = num(scenario, 'run.metrics_every_steps');
  if (opts.backend === 'cpu') {
    if (cells > CPU_MAX_CELLS) throw new ScenarioError('grid.nx', d.nx, `grid.nx·grid.ny ≤ ${CPU_MAX_CELLS} cells on the CPU backend (got ${cells})`);
    const dd = opts.f32Params ? roundedToF32(d) : d;
    const init = initialFields(scenario, dd);
    return new Simulation(scenario, dd, new CpuBackend(dd, init, cycles), init);
  }
  const { getGpu } = await import('../gpu/device.ts');
  const gpu = await getGpu();
  const limit = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
  const maxCells = Math.floor(limit / 16); // the largest per-cell buffer holds a vec4<f32>
  if (cells > maxCells) {
    throw new ScenarioError('grid.nx', d.nx, `grid.nx·grid.ny ≤ ${maxCells} cells on this adapter (maxStorageBufferBindingSize ${limit} bytes, 16 bytes per cell); got ${d.nx}·${d.ny} = ${cells}`);
  }
  const { GpuSolver } = await import('../gpu/solver.ts');
  const init = initialFields(scenario, d);
  const f32 = { xi: Float32Array.from(init.xi), c: Float32Array.from(init.c), phi: Float32Array.from(init.phi) };
  const solver = await GpuSolver.create(gpu.device, { batch: [d], init: [f32], ringCapacity: K, mgCycles: cycles });
  return new Simulation(scenario, d, new GpuBackend(solver, gpu.label), f32);
}

export class Simulation {
  readonly info: SimulationInfo;
  readonly events: SimEvent[] = [];
  readonly rows: MetricsRow[] = [];
  time_s = 0;
  steps = 0;
  charge_um = 0;
  private inventoryIn = 0;
  private readonly inventory0: number;
  private readonly writers: Writer[] = [];
  private sandSeen = false;
  private limitSeen = false;
  private lastMetrics: DepositMetrics;
  /** metrics of the initial fields */
  readonly initialMetrics: DepositMetrics;

  constructor(
    readonly scenario: Scenario,
    readonly d: Dimless,
    private readonly backend: Backend,
    init: { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number> },
  ) {
    this.info = { backend: backend.name, adapter: backend.adapter, scenario };
    this.lastMetrics = this.initialMetrics = computeMetrics(d.nx, d.ny, d.h, init.xi, init.c, init.phi, d.CsOverC0, 0, saltFloor(d));
    this.inventory0 = this.lastMetrics.inventory;
  }

  get metrics(): DepositMetrics {
    return this.lastMetrics;
  }

  addWriter(w: Writer): void {
    this.writers.push(w);
  }

  /** Runs to the first of the limits (default: the scenario's run.until_s / run.charge_mAh_cm2 / run.max_steps). */
  async run(limits: RunLimits = {}, signal?: AbortSignal): Promise<RunResult> {
    const s = this.scenario;
    const chargeLimit = limits.charge_mAh_cm2 ?? (num(s, 'run.charge_mAh_cm2') || Infinity);
    // a charge target replaces the scenario's stop time (an explicit limits.until_s still applies)
    let until = limits.until_s ?? (Number.isFinite(chargeLimit) ? 1e9 : num(s, 'run.until_s'));
    // galvanostatic: the charge target is a time, so the GPU clock can stop on it exactly
    if (Number.isFinite(chargeLimit) && text(s, 'drive.mode') === 'galvanostatic') {
      until = Math.min(until, this.time_s + ((chargeLimit - this.charge_mAh_cm2) * 3600) / num(s, 'drive.current_density_mA_cm2'));
    }
    const maxSteps = limits.maxSteps ?? num(s, 'run.max_steps');
    const K = num(s, 'run.metrics_every_steps');
    this.backend.setStopTime(until);
    const started = performance.now();
    let reason: RunResult['reason'] | undefined;
    const submit = () => this.backend.submit(Math.max(1, Math.min(K, maxSteps - this.steps)));
    let pending: Promise<BatchOutcome> | undefined = submit();
    let queuedSteps = K;
    while (pending) {
      // keep one batch queued behind the one being read back, unless we are about to stop
      const next: Promise<BatchOutcome> | undefined =
        reason === undefined && this.steps + queuedSteps < maxSteps && !signal?.aborted ? submit() : undefined;
      const out: BatchOutcome = await pending;
      // let timers and signals run between batches (the CPU backend computes synchronously)
      await new Promise<void>((resolve) => setTimeout(resolve, 0));
      queuedSteps = next ? K : 0;
      pending = next;
      const row = this.absorb(out);
      if (row) await this.emit(row);
      if (out.metrics.nonFinite > 0) {
        const hint = `Try a smaller numerics.dt_max_s (now ${this.d.dtMax}) or numerics.max_dxi_per_step (now ${this.d.dxiMax}).`;
        const err = new NonFiniteError(this.steps, this.time_s, hint);
        await this.event({ kind: 'non_finite', step: this.steps, time_s: this.time_s, message: err.message });
        if (next) await next.catch(() => undefined);
        throw err;
      }
      if (reason === undefined) {
        if (out.metrics.topXiMax >= 0.5) {
          reason = 'short_circuit';
          await this.event({ kind: 'short_circuit', step: this.steps, time_s: this.time_s, message: 'the deposit reached the reservoir boundary' });
        } else if (this.sandSeen && getValue(s, 'run.stop_at_sand') === true) reason = 'sand';
        else if (this.charge_mAh_cm2 >= chargeLimit * (1 - 1e-9)) reason = 'charge';
        else if (out.done || this.time_s >= until) reason = 'time';
        else if (this.steps >= maxSteps) reason = 'steps';
        else if (signal?.aborted) reason = 'aborted';
        if (reason !== undefined && reason !== 'time') this.backend.setStopTime(this.time_s);
      }
      if (reason === undefined && !pending) reason = 'steps';
    }
    const result: RunResult = { reason: reason ?? 'time', steps: this.steps, time_s: this.time_s, wall_s: (performance.now() - started) / 1000, events: this.events };
    for (const w of this.writers) await w.onFinish?.(result);
    return result;
  }

  get charge_mAh_cm2(): number {
    return rateToCurrentDensity(this.charge_um, this.scenario) / 3600;
  }

  /** Folds a batch into the f64 accumulators; returns its metrics row (undefined if it held no step). */
  private absorb(out: BatchOutcome): MetricsRow | undefined {
    if (out.records.length === 0) return undefined;
    const d = this.d;
    let dtSum = 0;
    let jdt = 0;
    for (const r of out.records) {
      if (r.limitHit > 0 && !this.limitSeen) {
        this.limitSeen = true;
        this.pendingEvents.push({ kind: 'potential_limit', step: this.steps, time_s: this.time_s, message: `the electrode potential reached the limit ±${(d.phiMax / d.fInv).toFixed(3)} V: the target current cannot be supplied` });
      }
      this.time_s += r.dt;
      this.steps += 1;
      dtSum += r.dt;
      jdt += r.j * r.dt;
      this.inventoryIn += r.dInventory;
    }
    this.charge_um += jdt;
    const m = (this.lastMetrics = out.metrics);
    const last = out.records[out.records.length - 1];
    const cellsCount = Math.sqrt(d.nx * d.ny);
    const row: MetricsRow = {
      step: this.steps,
      time_s: this.time_s,
      dt_s: last.dt,
      current_density_mA_cm2: rateToCurrentDensity(jdt / dtSum, this.scenario),
      applied_potential_V: last.phiS / d.fInv,
      charge_mAh_cm2: this.charge_mAh_cm2,
      deposit_mean_height_um: m.meanHeight_um,
      deposit_max_height_um: m.maxHeight_um,
      roughness_um: m.roughness_um,
      surface_min_conc: m.surfaceMinConc,
      li_inventory_rel_error: (m.inventory - this.inventory0 - this.inventoryIn) / this.inventory0,
      mg_residual_c: out.resC / cellsCount,
      mg_residual_phi: out.resPhi / cellsCount,
    };
    if (!this.sandSeen && m.surfaceMinConc <= SAND_DEPLETION_CONC) {
      this.sandSeen = true;
      this.pendingEvents.push({ kind: 'sand_depletion', step: this.steps, time_s: this.sandTime(m.surfaceMinConc), message: `surface Li⁺ concentration fell to ${m.surfaceMinConc.toPrecision(3)} c0 (Sand's time)` });
    }
    return row;
  }

  private pendingEvents: SimEvent[] = [];

  /** Time at which the surface concentration crossed the depletion level, interpolated between rows. */
  private sandTime(cNow: number): number {
    const prev = this.rows[this.rows.length - 1];
    if (!prev || prev.surface_min_conc <= cNow) return this.time_s;
    const f = (prev.surface_min_conc - SAND_DEPLETION_CONC) / (prev.surface_min_conc - cNow);
    return prev.time_s + f * (this.time_s - prev.time_s);
  }

  private async emit(row: MetricsRow): Promise<void> {
    this.rows.push(row);
    for (const w of this.writers) await w.onMetrics?.(row);
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (const e of events) await this.event(e);
  }

  private async event(e: SimEvent): Promise<void> {
    this.events.push(e);
    for (const w of this.writers) await w.onEvent?.(e);
  }

  /** Host copy of the fields (φ in volts). */
  async readFields(): Promise<Fields> {
    const f = await this.backend.readFields();
    const phi_V = new Float64Array(f.phi.length);
    for (let k = 0; k < phi_V.length; k++) phi_V[k] = f.phi[k] / this.d.fInv;
    return { nx: this.d.nx, ny: this.d.ny, dx_um: this.d.h, xi: f.xi, c: f.c, phi_V };
  }

  destroy(): void {
    this.backend.destroy();
  }
}
