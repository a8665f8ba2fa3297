// The one object the CLI, the app and the tests drive: a scenario on a backend ('gpu' or 'cpu'),
// advanced in batches of run.metrics_every_steps steps, with writers attached (Oceananigans-style).
// Time, charge and the Li inventory are accumulated here in f64 from the per-step records.

import { CpuSolver, type SolverState, type StepRecord } from '../cpu/solver.ts';
import { computeMetrics, METRICS_LENGTH, unpackMetrics, type DepositMetrics } from '../analysis/metrics.ts';
import { TRANSPORT_CHEN2015, mechanicsOn, toDimless, rateToCurrentDensity, type Dimless } from '../model/dimless.ts';
import { roundedToF32, RING_STRIDE, ringSlot, STATE_FIELDS, STATE_FLOATS, stateSlot } from '../model/layout.ts';
import { checkScenarioValues, getValue, num, resolveScenario, ScenarioError, text, type Scenario } from '../model/scenario.ts';
import { SCENARIO_KEYS } from '../model/schema.ts';
import { A_M2_PER_MA_CM2, LENGTH_SCALE_M } from '../model/constants.ts';
import { initialFields } from './initial.ts';
import { buildGeometry, packGeometry, type Geometry } from '../model/geometry.ts';
import { feedDip, newDipState, nucleationOverpotential_mV, type DipState } from '../analysis/nucleationDip.ts';
import { computeSurfaceMetrics } from '../analysis/surface.ts';
import { computeMorphology } from '../analysis/morphology.ts';
import { arrhenius } from '../model/dimless.ts';
import { RESTART_KEYS, restartKeys, restartReason } from './live.ts';
import {
  NonFiniteError,
  type BackendName,
  type Checkpoint,
  type CpuSolverCheckpoint,
  type Fields,
  type GpuFieldView,
  type GpuSolverCheckpoint,
  type HostCheckpoint,
  type MetricsRow,
  type NucleationSummary,
  type ProbeResult,
  type RunLimits,
  type RunResult,
  type SimEvent,
  type SimulationInfo,
  type Writer,
} from './types.ts';
import type { AdapterLabel } from '../gpu/device.ts';
import { everyRows, ScheduleClock, type Schedule } from './schedule.ts';
import { counterOverpotential_V, cycleCurrents, cyclePhases, isCycling, type CyclePhase } from '../model/cycling.ts';
import { closeCycle, feedCycleStep, newCyclingState } from './cycles.ts';
import { contactRows, labelMetal } from '../cpu/label.ts';
import { FARADAY } from '../model/constants.ts';
import type { CycleRecord, CyclingState } from './types.ts';

/** A callback attached with Simulation.addCallback. */
export type SimCallback = (sim: Simulation, row: MetricsRow) => void | Promise<void>;

/** Σ clamp(ξ, 0, 1) over the cells: the Li metal in cells (the solid host holds ξ = 0). */
function metalSum(xi: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < xi.length; k++) s += Math.min(Math.max(xi[k], 0), 1);
  return s;
}

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
  /** steps the batch was submitted with (records can be fewer once the solver is done) */
  submitted: number;
  /** nuclei born by this solver (since it was created) */
  nuclei: number;
  /** ξ at the end of the batch (surface metrics) */
  xi: Float32Array | Float64Array;
  /** SEI state at the end of the batch (src/cpu/mechanics.ts): Li bound [µm²], cracks, interface stress [GPa] */
  sei: { li_um2: number; cracks: number; stressMax: number; stressMean: number };
}

type HostFields = { xi: Float32Array | Float64Array; c: Float32Array | Float64Array; phi: Float32Array | Float64Array };

interface Backend {
  readonly name: BackendName;
  readonly adapter?: AdapterLabel;
  /**
   * Stop time. `resume` only while no batch is in flight: done and dt are decided again from the
   * solver's clock (a finished run continues to a later stop time). Returns done (with `resume`).
   */
  setStopTime(t_s: number, resume?: boolean, dtCap?: number): boolean;
  /** new parameters from the next submitted step on */
  setParams(d: Dimless, mgCycles: number): void;
  submit(steps: number): Promise<BatchOutcome>;
  readFields(): Promise<HostFields>;
  /** Copies the solver's fields and scalar state; the copies are queued before anything submitted after the call. */
  checkpointSolver(): Promise<{ fields: HostFields; solver: GpuSolverCheckpoint | CpuSolverCheckpoint }>;
  /** ξ, c̃, φ̃ of cell k */
  probe(k: number): Promise<[number, number, number]>;
  /** a run begins / ends (a member of a GPU batch is waited for only while it runs) */
  runStarted?(): void;
  runEnded?(): void;
  destroy(): void;
}

class CpuBackend implements Backend {
  readonly name = 'cpu' as const;
  readonly solver: CpuSolver;
  constructor(
    d: Dimless,
    init: { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number> },
    mgCycles: number,
    private readonly f32Params: boolean,
    restore: CpuSolverCheckpoint | undefined,
    geometry: Geometry,
  ) {
    this.solver = new CpuSolver(d, init, mgCycles, geometry);
    if (restore) {
      this.solver.restoreState(restore.state);
      this.solver.nucSite.set(restore.nucSite);
      if (this.solver.mechanics) this.solver.restoreFilm(restore.film);
    }
    else this.solver.initialPotential();
  }
  setStopTime(t_s: number, resume = false, dtCap = Infinity): boolean {
    return this.solver.setStopTime(t_s, resume, dtCap);
  }
  setParams(d: Dimless, mgCycles: number): void {
    this.solver.setParams(d);
    this.solver.mgCycles = mgCycles;
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
    const metrics = computeMetrics(nx, ny, h, s.xi, s.c, s.phi, CsOverC0, 0, saltFloor(s.d), s.solid);
    const st = s.state;
    const sei = { li_um2: st.seiLi, cracks: st.cracks, stressMax: st.stressMax, stressMean: st.stressMean };
    return { records, metrics, resC, resPhi, done: st.done, submitted: steps, nuclei: s.nucleationEvents, xi: s.xi.slice(), sei }; // a copy: the next batch may run before this one is absorbed
  }
  async readFields() {
    const s = this.solver;
    return { xi: s.xi.slice(), c: s.c.slice(), phi: s.phi.slice() };
  }
  checkpointSolver() {
    const s = this.solver;
    const solver: CpuSolverCheckpoint = { kind: 'cpu', state: { ...s.state }, f32Params: this.f32Params, nucSite: s.nucSite.slice(), film: s.checkpointFilm() };
    return Promise.resolve({ fields: { xi: s.xi.slice(), c: s.c.slice(), phi: s.phi.slice() }, solver });
  }
  probe(k: number): Promise<[number, number, number]> {
    const s = this.solver;
    return Promise.resolve([s.xi[k], s.c[k], s.phi[k]]);
  }
  destroy(): void {}
}

type GpuSolverT = import('../gpu/solver.ts').GpuSolver;
type GpuReadbackT = Awaited<ReturnType<GpuSolverT['submitBatch']>>;

/**
 * One GPU solver shared by the members of a batch (createGpuEnsemble): each member's Simulation asks
 * for its batches of steps as if alone, and a round of steps is submitted once every member that is
 * running (or created and not yet started) has asked for it, so all members advance in the same
 * dispatches. A member between runs, finished or destroyed is masked (marked done on the GPU: the
 * kernels leave it as it is) and not waited for.
 */
class GpuBatchDriver {
  private readonly rounds = new Map<number, { steps: number; waiting: Map<number, { resolve: (r: GpuReadbackT) => void; reject: (e: unknown) => void }> }>();
  private fired = 0;
  /** the first round also solves the potential of the initial fields */
  private first = true;
  /** members the next round waits for */
  private readonly counted = new Set<number>();
  private readonly parked = new Set<number>();
  private readonly left = new Set<number>();
  /** per member: the round of its next request */
  private readonly next: number[];
  /** writes (a stop time, parameters) held until the member's requested rounds are submitted */
  private readonly held = new Map<number, { round: number; fns: (() => void)[] }>();
  readonly params: Dimless[];
  constructor(
    readonly solver: GpuSolverT,
    batch: readonly Dimless[],
  ) {
    this.params = [...batch];
    this.next = batch.map(() => 0);
    batch.forEach((_, b) => this.counted.add(b));
  }
  request(b: number, steps: number): Promise<GpuReadbackT> {
    const r = Math.max(this.next[b], this.fired);
    this.next[b] = r + 1;
    let round = this.rounds.get(r);
    if (!round) this.rounds.set(r, (round = { steps: 0, waiting: new Map() }));
    round.steps = Math.max(round.steps, steps);
    const p = new Promise<GpuReadbackT>((resolve, reject) => round.waiting.set(b, { resolve, reject }));
    this.pump();
    return p;
  }
  /**
   * Runs fn once every round member b has asked for is submitted. Alone, a write to the queue lands
   * behind the batch already submitted; here that batch may still wait for other members, and the
   * write must not overtake it.
   */
  afterSubmitted(b: number, fn: () => void): void {
    const last = this.next[b] - 1;
    if (last < this.fired) {
      fn();
      return;
    }
    const h = this.held.get(b);
    if (h) {
      h.round = Math.max(h.round, last);
      h.fns.push(fn);
    } else this.held.set(b, { round: last, fns: [fn] });
  }
  isParked(b: number): boolean {
    return this.parked.has(b);
  }
  /** a run of member b begins: the rounds wait for it again */
  start(b: number): void {
    if (this.parked.delete(b)) this.solver.unparkMember(b);
    this.counted.add(b);
  }
  /** a run of member b ended: park it (masked, its φ kept), stop waiting for it */
  park(b: number): void {
    this.counted.delete(b);
    if (!this.parked.has(b)) {
      this.parked.add(b);
      this.solver.parkMember(b);
    }
    this.pump();
  }
  /** member b is destroyed; the solver goes with the last member */
  leave(b: number): void {
    if (this.left.has(b)) return;
    this.left.add(b);
    this.counted.delete(b);
    this.solver.maskMember(b);
    this.pump();
    if (this.left.size === this.next.length) this.solver.destroy();
  }
  private pump(): void {
    for (;;) {
      const round = this.rounds.get(this.fired);
      if (!round || round.waiting.size === 0) return;
      for (const m of this.counted) if (!round.waiting.has(m)) return;
      this.rounds.delete(this.fired);
      const r = this.fired++;
      const first = this.first;
      this.first = false;
      let p: Promise<GpuReadbackT>;
      try {
        p = this.solver.submitBatch(round.steps, first);
      } catch (e) {
        p = Promise.reject(e);
      }
      for (const w of round.waiting.values()) p.then(w.resolve, w.reject);
      for (const [b, h] of this.held) {
        if (h.round > r) continue;
        this.held.delete(b);
        for (const fn of h.fns) fn();
      }
    }
  }
}

class GpuBackend implements Backend {
  readonly name = 'gpu' as const;
  /** the first batch solves the potential of the initial fields (not after a restore) */
  private first: boolean;
  private stepsSeen: number;
  /**
   * `member` of a batch whose rounds `driver` submits (an ensemble), or member 0 of a solver of its
   * own (no driver).
   */
  constructor(
    readonly solver: GpuSolverT,
    readonly adapter: AdapterLabel,
    restored: boolean,
    readonly member = 0,
    private readonly driver?: GpuBatchDriver,
  ) {
    this.first = !restored;
    // the ring holds step s in slot s % capacity: continue from the restored step counter
    this.stepsSeen = solver.encodedSteps;
  }
  get batched(): boolean {
    return this.driver !== undefined;
  }
  setStopTime(t_s: number, resume = false, dtCap = Infinity): boolean {
    if (!this.driver) return this.solver.setStopTime(t_s, resume, dtCap);
    // resume: nothing of this member is in flight (the run loop asks only then), so nothing to hold back
    if (resume) return this.solver.setStopTimeOf(this.member, t_s, true, dtCap);
    this.driver.afterSubmitted(this.member, () => this.solver.setStopTimeOf(this.member, t_s, false));
    return false;
  }
  setParams(d: Dimless, mgCycles: number): void {
    const driver = this.driver;
    if (driver) {
      if (mgCycles !== this.solver.mgCycles) throw new ScenarioError('numerics.mg_cycles', mgCycles, `${this.solver.mgCycles}: the members of a GPU batch share their multigrid cycles`);
      driver.afterSubmitted(this.member, () => {
        driver.params[this.member] = d;
        this.solver.setParams(driver.params);
      });
      return;
    }
    this.solver.setParams([d]);
    this.solver.mgCycles = mgCycles;
  }
  runStarted(): void {
    this.driver?.start(this.member);
  }
  runEnded(): void {
    this.driver?.park(this.member);
  }
  async submit(steps: number): Promise<BatchOutcome> {
    const b = this.member;
    let read: GpuReadbackT;
    if (this.driver) {
      read = await this.driver.request(b, steps);
    } else {
      // cleared before the await: the run loop queues the next batch before this one resolves, and that
      // batch must not solve the initial potential again
      const first = this.first;
      this.first = false;
      read = await this.solver.submitBatch(steps, first);
    }
    const st = read.state[b];
    const stepNow = st.u32[stateSlot('step')];
    const cap = this.solver.ringCapacity;
    const nb = this.solver.nb;
    const at = (s: number, field: Parameters<typeof ringSlot>[0]) => read.ring[((s % cap) * RING_STRIDE + ringSlot(field)) * nb + b];
    const records: StepRecord[] = [];
    for (let s = this.stepsSeen; s < stepNow; s++) {
      records.push({ dt: at(s, 'dt'), phiS: at(s, 'phiS'), j: at(s, 'j'), dInventory: at(s, 'dInventory'), maxRate: at(s, 'maxRate'), limitHit: at(s, 'limitHit') });
    }
    const last = read.lastSlot; // the batch's last step recorded the multigrid residual norms
    const cells = this.solver.cells;
    const outcome = {
      records,
      metrics: unpackMetrics(read.metrics, METRICS_LENGTH * b),
      resC: at(last, 'resC'),
      resPhi: at(last, 'resPhi'),
      done: st.u32[stateSlot('done')] !== 0,
      submitted: steps,
      nuclei: read.nuclei[b],
      xi: read.fields!.xi.subarray(b * cells, (b + 1) * cells),
      sei: { li_um2: st.f32[stateSlot('seiLi')], cracks: st.f32[stateSlot('cracks')], stressMax: st.f32[stateSlot('stressMax')], stressMean: st.f32[stateSlot('stressMean')] },
    };
    this.stepsSeen = stepNow;
    return outcome;
  }
  /** floats·cells of every member's field, this member's slice */
  private async memberSlice(buffer: GPUBuffer, per = 1): Promise<Float32Array> {
    const n = per * this.solver.cells;
    if (this.solver.nb === 1) return this.solver.readBuffer(buffer, n);
    const all = await this.solver.readBuffer(buffer, n * this.solver.nb);
    return all.slice(this.member * n, (this.member + 1) * n);
  }
  /** φ of this member: while it is parked, the copy kept aside (the shared φ buffer is still being relaxed) */
  private phiBuffer(): GPUBuffer {
    return this.driver?.isParked(this.member) && this.solver.phiParked ? this.solver.phiParked : this.solver.phi;
  }
  async readFields() {
    const s = this.solver;
    const [xi, c, phi] = await Promise.all([this.memberSlice(s.xi), this.memberSlice(s.c), this.memberSlice(this.phiBuffer())]);
    return { xi, c, phi };
  }
  async checkpointSolver() {
    const s = this.solver;
    // every copy is submitted before the first await, so it sees exactly the work queued so far
    const el = s.elastic;
    const none = Promise.resolve(new Float32Array(0));
    const [state, xi, c, phi, nucSite, cells, geo, displacement] = await Promise.all([
      s.readState(),
      this.memberSlice(s.xi),
      this.memberSlice(s.c),
      this.memberSlice(this.phiBuffer()),
      this.memberSlice(s.nucSite),
      // the SEI film (none without an SEI): the film buffer, the shift in lane w of geo, the elastic warm start
      el ? this.memberSlice(s.film, 4) : none,
      el ? this.memberSlice(s.geo, 4) : none,
      el ? this.memberSlice(el.u, 2) : none,
    ]);
    const mechShift = new Float32Array(geo.length / 4);
    for (let k = 0; k < mechShift.length; k++) mechShift[k] = geo[4 * k + 3];
    const o = this.member * STATE_FLOATS;
    const solver: GpuSolverCheckpoint = { kind: 'gpu', state: state.slice(o, o + STATE_FLOATS), nucSite, film: { cells, mechShift, displacement } };
    return { fields: { xi, c, phi }, solver };
  }
  probe(k: number): Promise<[number, number, number]> {
    return this.solver.readCell(this.member * this.solver.cells + k);
  }
  destroy(): void {
    if (this.driver) this.driver.leave(this.member);
    else this.solver.destroy();
  }
}

export interface CreateOptions {
  backend: BackendName;
  /** CPU only: run the reference on the f32-rounded parameters the GPU sees (for comparisons); default: as in `restore`, else false */
  f32Params?: boolean;
  /**
   * Continue from a checkpoint (Simulation.checkpoint()) instead of the initial state. It must come
   * from the same backend and grid, and `scenario` may differ from the checkpoint's only in keys that
   * can change live (src/sim/live.ts); else this throws.
   */
  restore?: Checkpoint;
}

/** The CPU solver's scalar state, key by key (the compiler keeps it complete): what a CPU checkpoint's solver.state must hold. */
const SOLVER_STATE_TYPES: { [K in keyof SolverState]: SolverState[K] extends boolean ? 'boolean' : 'number' } = {
  dt: 'number',
  t: 'number',
  tEnd: 'number',
  phiS: 'number',
  phiRef: 'number',
  j: 'number',
  maxRate: 'number',
  stiff: 'number',
  fluxIn: 'number',
  limitHit: 'number',
  sinkSpread: 'number',
  seiRate: 'number',
  seiLi: 'number',
  cracks: 'number',
  stressMax: 'number',
  stressMean: 'number',
  debt: 'number',
  step: 'number',
  done: 'boolean',
};

/** "Float32Array of 4096" for an error message */
function described(v: unknown): string {
  const o = v as { constructor?: { name?: string }; length?: unknown } | null | undefined;
  return `${o?.constructor?.name ?? String(v)} of ${String(o?.length)}`;
}

/**
 * A checkpoint of an older build lacks the keys added since. A live key takes the resumed run's value, as a
 * live edit would (a long run survives an update of the code); a restart key is refused by name, since this
 * build cannot tell how the older one behaved without it.
 */
function withKeysAddedSince(stored: Scenario, scenario: Scenario): Scenario {
  const saved = structuredClone(stored);
  for (const { key } of SCENARIO_KEYS) {
    const [section, name] = key.split('.');
    if (saved[section]?.[name] !== undefined) continue;
    if (RESTART_KEYS.has(key) || key === 'drive.mode') {
      throw new ScenarioError(key, getValue(scenario, key), `resumable only from a checkpoint that records it: this one was written before the key existed, and ${restartReason(key)}`);
    }
    (saved[section] ??= {})[name] = getValue(scenario, key);
  }
  return saved;
}

/** Throws unless `cp` can continue as `scenario` on `backend`. */
function checkRestore(cp: Checkpoint, scenario: Scenario, backend: BackendName): void {
  if ((cp?.version as number) !== 2) {
    throw new Error(`restore: checkpoint version ${String(cp?.version)} is not supported (this build reads version 2, the first to carry the SEI film state)`);
  }
  if (cp.backend !== backend || cp.solver?.kind !== backend) {
    throw new Error(
      `restore: the checkpoint was taken on the ${cp.backend} backend and cannot be restored on the ${backend} backend ` +
        `(its fields and solver state are in the ${cp.backend} solver's form and precision); create the simulation with backend '${cp.backend}'`,
    );
  }
  const nx = num(scenario, 'grid.nx');
  const ny = num(scenario, 'grid.ny');
  if (nx !== cp.nx) throw new ScenarioError('grid.nx', nx, `${cp.nx}, the grid of the checkpoint (${cp.nx}×${cp.ny} cells): a checkpoint restores only on its own grid`);
  if (ny !== cp.ny) throw new ScenarioError('grid.ny', ny, `${cp.ny}, the grid of the checkpoint (${cp.nx}×${cp.ny} cells): a checkpoint restores only on its own grid`);
  const Field = backend === 'gpu' ? Float32Array : Float64Array;
  for (const name of ['xi', 'c', 'phi'] as const) {
    const f = cp[name];
    if (!(f instanceof Field) || f.length !== nx * ny) {
      throw new Error(`restore: checkpoint field ${name} must be a ${Field.name} of ${nx * ny} values (got ${f?.constructor?.name} of ${f?.length})`);
    }
  }
  const sites = cp.solver.nucSite;
  if (!(sites instanceof Field) || sites.length !== nx * ny) {
    throw new Error(`restore: checkpoint solver.nucSite (open nucleation sites) must be a ${Field.name} of ${nx * ny} values (got ${(sites as unknown as { constructor?: { name: string } })?.constructor?.name} of ${(sites as unknown as { length?: number })?.length})`);
  }
  const words = `${STATE_FLOATS} words, in the order ${STATE_FIELDS.map(([name]) => name).join(', ')} (src/model/layout.ts)`;
  if (cp.solver.kind === 'gpu') {
    const st = cp.solver.state;
    if (!(st instanceof Uint32Array) || st.length !== STATE_FLOATS) {
      throw new Error(`restore: checkpoint solver.state must be a Uint32Array of the GPU state: ${words}; got ${described(st)} (a checkpoint of a build with another state layout)`);
    }
  } else {
    const st = cp.solver.state as unknown as Record<string, unknown> | undefined;
    const bad = (Object.keys(SOLVER_STATE_TYPES) as (keyof SolverState)[]).filter((k) => typeof st?.[k] !== SOLVER_STATE_TYPES[k]);
    if (bad.length > 0) {
      throw new Error(`restore: checkpoint solver.state lacks ${bad.join(', ')} (or has another type there): the CPU state holds ${Object.keys(SOLVER_STATE_TYPES).join(', ')} (a checkpoint of a build with another state layout)`);
    }
  }
  // the SEI film and the elastic state: present exactly when the checkpoint's run solves the mechanics
  // (an SEI, or a growth strain; sei.kind and electrolyte.growth_strain are restart keys)
  const film = cp.solver.film as unknown as Record<string, unknown> | undefined;
  const saved = withKeysAddedSince(cp.scenario, scenario);
  const hasFilm = mechanicsOn(saved);
  const filmArrays: [string, number, string][] =
    cp.solver.kind === 'gpu'
      ? [
          ['cells', 4, 'the film buffer: strain, integrity, scratch, SEI Li per cell'],
          ['mechShift', 1, 'the mechanical shift per cell'],
          ['displacement', 2, 'the elastic displacement, u_x then u_y'],
        ]
      : [
          ['strain', 1, 'the film strain per cell'],
          ['integrity', 1, 'the film integrity per cell'],
          ['seiLi', 1, 'the SEI Li per cell'],
          ['sigmaH', 1, 'the hydrostatic stress per cell'],
          ['mechShift', 1, 'the mechanical shift per cell'],
          ['displacement', 2, 'the elastic displacement, u_x then u_y'],
        ];
  for (const [name, per, what] of filmArrays) {
    const a = film?.[name];
    const len = hasFilm ? per * nx * ny : 0;
    if (!(a instanceof Field) || a.length !== len) {
      const why = hasFilm ? `${per > 1 ? `${per}·` : ''}${nx}·${ny} = ${len} values` : `empty (0 values): the run solves no mechanics (sei.kind = none, electrolyte.growth_strain = 0)`;
      throw new Error(`restore: checkpoint solver.film.${name} (${what}) must be a ${Field.name} of ${why} (got ${described(a)})`);
    }
  }
  const keys = restartKeys(saved, scenario);
  if (keys.length > 0) {
    const k = keys[0];
    throw new ScenarioError(k, getValue(scenario, k), `${JSON.stringify(getValue(saved, k))} as in the checkpoint: ${restartReason(k)}, so a checkpoint cannot continue with another value`);
  }
}

export async function createSimulation(scenario: Scenario, opts: CreateOptions): Promise<Simulation> {
  checkScenarioValues(scenario);
  const cp = opts.restore;
  if (cp) checkRestore(cp, scenario, opts.backend);
  const d = toDimless(scenario);
  const cells = d.nx * d.ny;
  const cycles = num(scenario, 'numerics.mg_cycles');
  const K = num(scenario, 'run.metrics_every_steps');
  if (opts.backend === 'cpu') {
    if (cells > CPU_MAX_CELLS) throw new ScenarioError('grid.nx', d.nx, `grid.nx·grid.ny ≤ ${CPU_MAX_CELLS} cells on the CPU backend (got ${cells})`);
    const geometry = buildGeometry(scenario); // after the size check: it allocates per cell
    const cpuState = cp?.solver.kind === 'cpu' ? cp.solver : undefined;
    const f32Params = opts.f32Params ?? cpuState?.f32Params ?? false;
    const dd = f32Params ? roundedToF32(d) : d;
    const init = cp ? { xi: cp.xi, c: cp.c, phi: cp.phi } : initialFields(scenario, dd, geometry);
    return new Simulation(scenario, dd, new CpuBackend(dd, init, cycles, f32Params, cpuState, geometry), init, geometry, f32Params, cp?.host);
  }
  const { getGpu } = await import('../gpu/device.ts');
  const gpu = await getGpu();
  const limit = Math.min(gpu.device.limits.maxStorageBufferBindingSize, gpu.device.limits.maxBufferSize);
  const maxCells = Math.floor(limit / 16); // the largest per-cell buffer holds a vec4<f32>
  if (cells > maxCells) {
    throw new ScenarioError('grid.nx', d.nx, `grid.nx·grid.ny ≤ ${maxCells} cells on this adapter (maxStorageBufferBindingSize ${limit} bytes, 16 bytes per cell); got ${d.nx}·${d.ny} = ${cells}`);
  }
  const geometry = buildGeometry(scenario);
  const { GpuSolver } = await import('../gpu/solver.ts');
  let f32: { xi: Float32Array; c: Float32Array; phi: Float32Array };
  if (cp) {
    f32 = { xi: cp.xi as Float32Array, c: cp.c as Float32Array, phi: cp.phi as Float32Array };
  } else {
    const init = initialFields(scenario, d, geometry);
    f32 = { xi: Float32Array.from(init.xi), c: Float32Array.from(init.c), phi: Float32Array.from(init.phi) };
  }
  const solver = await GpuSolver.create(gpu.device, { batch: [d], init: [f32], ringCapacity: K, mgCycles: cycles, geometry: [packGeometry(geometry)], seiFactor: [Float32Array.from(geometry.seiFactor)], readFields: true });
  if (cp?.solver.kind === 'gpu') {
    solver.restoreState(cp.solver.state);
    solver.restoreNucleationSites(cp.solver.nucSite);
    if (solver.elastic) {
      try {
        await solver.restoreFilm(cp.solver.film);
      } catch (e) {
        solver.destroy();
        throw e;
      }
    }
  }
  solver.computeConductances(); // gpuView's sigmaX/sigmaY before the first batch
  return new Simulation(scenario, d, new GpuBackend(solver, gpu.label, cp !== undefined), f32, geometry, false, cp?.host);
}

/**
 * What members of one GPU batch must share: the grid, the formulation, the multigrid cycles and the
 * metrics batch (one dispatch sequence, one ring). Runs with SEI mechanics are not batched (the
 * elastic solver's relaxation and iteration count are set per batch). Undefined: not batchable.
 */
export function gpuBatchKey(scenario: Scenario): string | undefined {
  const d = toDimless(scenario);
  if (d.mechOn) return undefined;
  // the labelling's contact rows follow the interface width (src/cpu/label.ts contactRows)
  return [d.nx, d.ny, d.h, d.thin !== 0, d.deadIslands, d.deadIslands ? contactRows(d.w, d.h) : 0, num(scenario, 'numerics.mg_cycles'), num(scenario, 'run.metrics_every_steps')].join('|');
}

/**
 * Members of `cells` cells the adapter can hold in one batch: the largest per-cell buffer (a vec4<f32>
 * per cell and member) must fit maxStorageBufferBindingSize and maxBufferSize, and the member count
 * the dispatch's z dimension. A memory budget is not exposed by WebGPU: `--batch` overrides.
 */
export function maxBatchMembers(limits: { maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupsPerDimension: number }, cells: number): number {
  const bytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
  return Math.max(1, Math.min(Math.floor(bytes / (16 * cells)), limits.maxComputeWorkgroupsPerDimension));
}

/**
 * Simulations that share one GPU solver and advance in the same dispatches (an ensemble on one GPU):
 * each is driven like any Simulation, with its own parameters, clock, dt, drive and stop; one that
 * stops, fails or is destroyed is masked and the others go on. Every scenario must have the same
 * gpuBatchKey. Fresh runs only (no restore). Run every member (or destroy it): a round waits for each
 * member that exists and is not between runs, so a member never started holds the others.
 */
export async function createGpuBatch(scenarios: readonly Scenario[]): Promise<Simulation[]> {
  if (scenarios.length === 0) throw new Error('createGpuBatch: no scenarios');
  scenarios.forEach((s, b) => checkScenarioValues(s, `batch member ${b}`));
  const key0 = gpuBatchKey(scenarios[0]);
  scenarios.forEach((s, b) => {
    const key = gpuBatchKey(s);
    if (key === undefined || key !== key0) {
      throw new Error(`createGpuBatch: member ${b} cannot share a batch with member 0 (grid, phase.model, metal.island_contact, numerics.mg_cycles and run.metrics_every_steps must agree, and runs with SEI mechanics run alone)`);
    }
  });
  const ds = scenarios.map((s) => toDimless(s));
  const cells = ds[0].nx * ds[0].ny;
  const { getGpu } = await import('../gpu/device.ts');
  const gpu = await getGpu();
  const most = maxBatchMembers(gpu.device.limits, cells);
  if (scenarios.length > most) throw new Error(`createGpuBatch: ${scenarios.length} members of ${cells} cells exceed this adapter's limit of ${most} per batch`);
  const geometries = scenarios.map((s) => buildGeometry(s));
  const inits = scenarios.map((s, b) => {
    const init = initialFields(s, ds[b], geometries[b]);
    return { xi: Float32Array.from(init.xi), c: Float32Array.from(init.c), phi: Float32Array.from(init.phi) };
  });
  const { GpuSolver } = await import('../gpu/solver.ts');
  const solver = await GpuSolver.create(gpu.device, {
    batch: ds,
    init: inits,
    ringCapacity: num(scenarios[0], 'run.metrics_every_steps'),
    mgCycles: num(scenarios[0], 'numerics.mg_cycles'),
    geometry: geometries.map((g) => packGeometry(g)),
    seiFactor: geometries.map((g) => Float32Array.from(g.seiFactor)),
    readFields: true,
  });
  solver.computeConductances();
  const driver = new GpuBatchDriver(solver, ds);
  return scenarios.map((s, b) => new Simulation(s, ds[b], new GpuBackend(solver, gpu.label, false, b, driver), inits[b], geometries[b], false));
}

interface StopLimits {
  chargeLimit: number;
  until: number;
  /** galvanostatic: `until` is the time at which the charge target is met (the stop is then 'charge') */
  untilIsCharge: boolean;
  maxSteps: number;
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
  private readonly callbacks: { fn: SimCallback; clock: ScheduleClock }[] = [];
  private readonly stopRules: { name: string; rule: (sim: Simulation, row: MetricsRow) => boolean; clock: ScheduleClock }[] = [];
  /** the stop rule that fired in this run */
  private ruleStop?: string;
  /** ξ at the last metrics row, as the batch read it back for the surface metrics */
  private xiAtLastRow?: Float32Array | Float64Array;
  private sandSeen = false;
  private limitSeen = false;
  /**
   * The deposit's ξ = ½ height [µm] at which its diffuse interface reaches the reservoir face (short circuit):
   * the profile 1/(1 + e^{d/w}) falls to 2 % at d = w·ln 49. The face holds ξ = 0, so a finger stalls 1–2 cells
   * below it and ξ ≥ ½ in the top row is never reached; meanwhile the potential drop across the closing gap
   * drives the current without bound (hong2018 48²: 6.7e20 mA/cm², the clock stalled).
   */
  private get reservoirReach_um(): number {
    return num(this.current, 'grid.ny') * num(this.current, 'grid.dx_um') - Math.log(49) * num(this.current, 'phase.interface_width_um');
  }
  private lastMetrics: DepositMetrics;
  /** metrics of the initial fields (of the original run, after a restore) */
  readonly initialMetrics: DepositMetrics;
  private current: Scenario;
  private dimless: Dimless;
  /** bumped by updateScenario; a run in progress reads its stop limits again when it changes */
  private version = 0;
  private running = false;
  private checkpointRequests: { resolve: (c: Checkpoint) => void; reject: (e: unknown) => void }[] = [];
  private probeInFlight?: Promise<ProbeResult>;
  /** nuclei born before this solver was created (a restore), and by it so far */
  private nucleationBefore = 0;
  private nucleationNow = 0;
  /** the nucleation dip and plateau of the voltage trace */
  private dip: DipState = newDipState();
  private overflowSeen = false;
  /** drive.mode = cycling: the protocol's phase and per-cycle accounting */
  private cyc?: CyclingState;
  /** the phase in effect while a cycling run steps (the strip cutoff ends its phase instead of the run) */
  private phaseNow?: CyclePhase;
  /** Li in the initial fields, as µm over the collector width (the residual Li of a cycle is above it) */
  private readonly initialLi_um: number;
  /** dead Li of the last row [µm over the collector width], and its islands */
  private deadLi_um = 0;
  private deadIslands = 0;
  private liveLi_um = 0;
  /** counter-electrode overpotential of the last set current: [current mA/cm², η V] */
  private counterMemo: [number, number] = [0, 0];

  constructor(
    scenario: Scenario,
    d: Dimless,
    private readonly backend: Backend,
    init: { xi: ArrayLike<number>; c: ArrayLike<number>; phi: ArrayLike<number> },
    /** collector, host and seeds (static) */
    readonly geometry: Geometry,
    /** CPU: the parameters are rounded to f32 (kept on updateScenario) */
    private readonly f32Params = false,
    restore?: HostCheckpoint,
  ) {
    this.current = scenario;
    this.dimless = d;
    this.info = { backend: backend.name, adapter: backend.adapter, scenario };
    if (restore) {
      this.time_s = restore.time_s;
      this.steps = restore.steps;
      this.charge_um = restore.charge_um;
      this.inventoryIn = restore.inventoryIn;
      this.inventory0 = restore.inventory0;
      this.sandSeen = restore.sandSeen;
      this.limitSeen = restore.limitSeen;
      this.rows.push(...restore.rows.map((r) => ({ ...r })));
      this.events.push(...restore.events.map((e) => ({ ...e })));
      this.initialMetrics = { ...restore.initialMetrics };
      this.lastMetrics = { ...restore.metrics };
      this.nucleationBefore = restore.nucleationEvents;
      this.dip = { ...restore.dip };
      this.overflowSeen = restore.overflowSeen;
    } else {
      this.lastMetrics = this.initialMetrics = computeMetrics(d.nx, d.ny, d.h, init.xi, init.c, init.phi, d.CsOverC0, 0, saltFloor(d), geometry.solid);
      this.inventory0 = this.lastMetrics.inventory;
    }
    this.initialLi_um = restore?.cycling ? restore.cycling.initialLi_um : (metalSum(init.xi) * d.h) / d.nx;
    if (isCycling(scenario)) {
      this.cyc = restore?.cycling ? structuredClone(restore.cycling) : newCyclingState(this.time_s, 0, 0, this.initialLi_um);
      this.dimless = this.phaseDimless(d);
      // the backend was built from the scenario (the first plating current): set the phase in effect
      backend.setParams(this.dimless, num(scenario, 'numerics.mg_cycles'));
    }
  }

  /** The cycling protocol's phase in effect (undefined unless drive.mode = cycling). */
  get cyclePhase(): CyclePhase | undefined {
    const st = this.cyc;
    return st ? cyclePhases(this.current, st.cycle)[st.phase] : undefined;
  }

  /** The completed cycles (drive.mode = cycling): the rows of cycles.csv. */
  get cycles(): readonly CycleRecord[] {
    return this.cyc?.records ?? [];
  }

  /** The parameters of the phase in effect: its current and, when it strips to a cutoff, the cutoff as the potential limit. */
  private phaseDimless(d: Dimless): Dimless {
    const ph = this.cyclePhase;
    if (!ph) return d;
    const jPerMa = A_M2_PER_MA_CM2 / (FARADAY * num(this.current, 'metal.site_density_mol_m3')) / LENGTH_SCALE_M;
    const out = { ...d, jTarget: ph.current_mA_cm2 * jPerMa, phiMax: ph.cutoff_V !== undefined ? ph.cutoff_V * d.fInv : d.phiMax };
    return this.f32Params ? roundedToF32(out) : out;
  }

  /** The current density the drive sets now [mA/cm²] (NaN: potentiostatic). */
  private setCurrent(): number {
    const ph = this.cyclePhase;
    if (ph) return ph.current_mA_cm2;
    return text(this.current, 'drive.mode') === 'galvanostatic' ? num(this.current, 'drive.current_density_mA_cm2') : NaN;
  }

  /** Counter-electrode overpotential at `current` [V] (memoised: the set current changes once per phase). */
  private counterEta(current: number): number {
    if (this.counterMemo[0] !== current) this.counterMemo = [current, counterOverpotential_V(this.current, current)];
    return this.counterMemo[1];
  }

  /** The scenario in effect (replaced by updateScenario). */
  get scenario(): Scenario {
    return this.current;
  }

  /** Its dimensionless parameters, as the solver uses them. */
  get d(): Dimless {
    return this.dimless;
  }

  get metrics(): DepositMetrics {
    return this.lastMetrics;
  }

  addWriter(w: Writer): void {
    this.writers.push(w);
  }

  /**
   * Calls fn(this, row) at the metrics rows `schedule` picks (src/sim/schedule.ts: every k rows, every T
   * simulated or wall-clock seconds), after the writers, and awaits it before the run goes on.
   */
  addCallback(fn: SimCallback, schedule: Schedule = everyRows()): void {
    this.callbacks.push({ fn, clock: new ScheduleClock(schedule, this.time_s) });
  }

  /**
   * A stop rule: checked at the rows `schedule` picks; when it returns true the run stops after that row
   * (the solver's stop time is set to it) with reason 'rule' and a 'stop_rule' event naming the rule.
   */
  addStopRule(name: string, rule: (sim: Simulation, row: MetricsRow) => boolean, schedule: Schedule = everyRows()): void {
    this.stopRules.push({ name, rule, clock: new ScheduleClock(schedule, this.time_s) });
  }

  /** The stop conditions from the explicit limits and the scenario in effect. */
  private stopLimits(limits: RunLimits): StopLimits {
    const s = this.current;
    const chargeLimit = limits.charge_mAh_cm2 ?? (num(s, 'run.charge_mAh_cm2') || Infinity);
    // a charge target replaces the scenario's stop time (an explicit limits.until_s still applies)
    let until = limits.until_s ?? (Number.isFinite(chargeLimit) ? 1e9 : num(s, 'run.until_s'));
    let untilIsCharge = false;
    // galvanostatic: the charge target is a time, so the GPU clock can stop on it exactly. The
    // applied charge J·t meets it then; the Faradaic charge counted in charge_mAh_cm2 is short by what
    // charged the double layer, so the stop is named from the time, not from that count.
    if (Number.isFinite(chargeLimit) && text(s, 'drive.mode') === 'galvanostatic') {
      // the charge passed either way: a stripping run (negative current) counts what it dissolved
      const atCharge = this.time_s + ((chargeLimit - Math.abs(this.charge_mAh_cm2)) * 3600) / Math.abs(num(s, 'drive.current_density_mA_cm2'));
      if (atCharge <= until) {
        until = atCharge;
        untilIsCharge = true;
      }
    }
    return { chargeLimit, until, untilIsCharge, maxSteps: limits.maxSteps ?? num(s, 'run.max_steps') };
  }

  /**
   * Runs to the first of the limits (default: the scenario's run.until_s / run.charge_mAh_cm2 /
   * run.max_steps; maxSteps counts all steps, including those before a restore). A later call
   * continues where this one stopped. updateScenario during a run applies from the next submitted
   * batch, and the stop limits are read again from the new scenario.
   */
  async run(limits: RunLimits = {}, signal?: AbortSignal): Promise<RunResult> {
    if (this.running) throw new Error('Simulation.run: a run is already in progress');
    const started = performance.now();
    const reason = this.cyc ? await this.runCycling(this.cyc, limits, signal) : await this.runOnce(limits, signal);
    const result: RunResult = { reason, steps: this.steps, time_s: this.time_s, wall_s: (performance.now() - started) / 1000, events: this.events };
    for (const w of this.writers) await w.onFinish?.(result);
    return result;
  }

  /**
   * The cycling protocol (drive.mode = cycling, src/model/cycling.ts): each phase is a galvanostatic run to
   * its end time, or, stripping to a cutoff, to the potential limit the cutoff sets. run.until_s (or
   * limits.until_s) bounds the time, run.charge_mAh_cm2 the charge plated in all, run.max_steps the steps.
   */
  private async runCycling(st: CyclingState, limits: RunLimits, signal?: AbortSignal): Promise<RunResult['reason']> {
    const s0 = this.current;
    const until = limits.until_s ?? num(s0, 'run.until_s');
    const chargeCap = limits.charge_mAh_cm2 ?? (num(s0, 'run.charge_mAh_cm2') || Infinity);
    const maxSteps = limits.maxSteps ?? num(s0, 'run.max_steps');
    try {
      for (;;) {
        if (st.cycle >= num(this.current, 'cycling.cycles')) return 'cycles';
        const ph = this.cyclePhase!;
        this.phaseNow = ph;
        this.applyPhase();
        const phaseEnd = st.phaseStart_s + ph.duration_s;
        const capEnd = ph.kind === 'plate' && Number.isFinite(chargeCap) ? this.time_s + ((chargeCap - this.umToMah(st.platedTotal_um)) * 3600) / ph.current_mA_cm2 : Infinity;
        const end = Math.min(phaseEnd, until, capEnd);
        if (end <= this.time_s) return end === capEnd ? 'charge' : 'time';
        this.limitSeen = false;
        // a phase starts from dt_initial; a run call that continues a phase (the app steps in batches) keeps its dt
        const r = await this.runOnce({ until_s: end, charge_mAh_cm2: Infinity, maxSteps }, signal, this.time_s === st.phaseStart_s ? this.dimless.dtInitial : Infinity);
        const phaseDone = (r === 'potential_limit' && ph.cutoff_V !== undefined) || (r === 'time' && end === phaseEnd);
        if (r === 'short_circuit') await this.endCycle(true);
        if (!phaseDone) return r === 'time' && end === capEnd ? 'charge' : r;
        const phases = cyclePhases(this.current, st.cycle);
        if (st.phase + 1 < phases.length) {
          st.phase++;
          st.phaseStart_s = this.time_s;
          continue;
        }
        const rec = await this.endCycle(false);
        const limitV = num(this.current, 'cycling.polarisation_limit_V');
        if (limitV > 0 && rec.max_polarisation_V > limitV) return 'polarisation_limit';
      }
    } finally {
      this.phaseNow = undefined;
    }
  }

  /** Closes the cycle in progress: its record, the cycle_end event, and the next cycle's first phase. */
  private async endCycle(shortCircuit: boolean): Promise<CycleRecord> {
    const st = this.cyc!;
    const { plate, strip } = cycleCurrents(this.current, st.cycle);
    const row = this.rows[this.rows.length - 1];
    const rec = closeCycle(st, {
      um_to_mAh: this.umToMah(1),
      plate_mA_cm2: plate,
      strip_mA_cm2: strip,
      sei_mAh: row?.sei_li_mAh_cm2 ?? 0,
      dead_mAh: this.umToMah(this.deadLi_um),
      dead_islands: this.deadIslands,
      live_mAh: this.umToMah(this.liveLi_um - st.initialLi_um),
      short_circuit: shortCircuit,
      time_s: this.time_s,
    });
    st.phase = 0;
    for (const w of this.writers) await w.onCycle?.(rec, this);
    const pct = (v: number) => (100 * v).toFixed(2);
    await this.event({
      kind: 'cycle_end',
      step: this.steps,
      time_s: this.time_s,
      message: `cycle ${rec.cycle}: plated ${rec.plated_mAh_cm2.toPrecision(4)}, stripped ${rec.stripped_mAh_cm2.toPrecision(4)} mAh/cm², CE ${pct(rec.coulombic_efficiency)} %, dead Li ${rec.dead_li_mAh_cm2.toPrecision(3)} mAh/cm²${shortCircuit ? ', short circuit' : ''}`,
    });
    return rec;
  }

  /** Sets the parameters of the phase in effect (its current and cutoff) from the scenario in effect. */
  private applyPhase(): void {
    let d = toDimless(this.current);
    if (this.f32Params) d = roundedToF32(d);
    this.dimless = this.phaseDimless(d);
    this.backend.setParams(this.dimless, num(this.current, 'numerics.mg_cycles'));
  }

  /** One run of the loop to the first of the limits (a cycling run calls it once per phase). */
  private async runOnce(limits: RunLimits, signal?: AbortSignal, dtCap = Infinity): Promise<RunResult['reason']> {
    if (this.running) throw new Error('Simulation.run: a run is already in progress');
    this.running = true;
    this.ruleStop = undefined;
    this.backend.runStarted?.();
    let reason: RunResult['reason'] | undefined;
    try {
      const K = num(this.current, 'run.metrics_every_steps');
      let L = this.stopLimits(limits);
      let version = this.version;
      /** the stop time changed during the run: set it again once nothing is in flight */
      let stopChanged = false;
      /** steps submitted and not yet absorbed */
      let inFlight = 0;
      this.backend.setStopTime(L.until, true, dtCap);
      const submit = (): Promise<BatchOutcome> => {
        const n = Math.max(1, Math.min(K, L.maxSteps - this.steps - inFlight));
        inFlight += n;
        return this.backend.submit(n);
      };
      let pending: Promise<BatchOutcome> | undefined = submit();
      while (pending) {
        // keep one batch queued behind the one being read back, unless we are about to stop or
        // something needs the solver idle (a checkpoint, a new stop time)
        const sync = stopChanged || this.checkpointRequests.length > 0;
        const next: Promise<BatchOutcome> | undefined =
          reason === undefined && !sync && this.steps + inFlight < L.maxSteps && !signal?.aborted ? submit() : undefined;
        const out: BatchOutcome = await pending;
        inFlight -= out.submitted;
        // let timers and signals run between batches (the CPU backend computes synchronously)
        await new Promise<void>((resolve) => setTimeout(resolve, 0));
        pending = next;
        const row = this.absorb(out);
        if (out.metrics.nonFinite > 0) {
          // no row (nor the events its figures raised) from a batch that ends non-finite: metrics.csv and the
          // writers end at the last finite state
          this.pendingEvents = [];
          const hint = `Try a smaller numerics.dt_max_s (now ${this.d.dtMax}) or numerics.max_dxi_per_step (now ${this.d.dxiMax}).`;
          const err = new NonFiniteError(this.steps, this.time_s, hint);
          await this.event({ kind: 'non_finite', step: this.steps, time_s: this.time_s, message: err.message });
          if (next) await next.catch(() => undefined);
          throw err;
        }
        if (row) await this.emit(row);
        if (this.version !== version) {
          version = this.version;
          const before = L.until;
          L = this.stopLimits(limits);
          if (L.until !== before) stopChanged = true;
        }
        if (reason === undefined) {
          if (out.metrics.topXiMax >= 0.5 || out.metrics.maxHeight_um >= this.reservoirReach_um) {
            reason = 'short_circuit';
            await this.event({ kind: 'short_circuit', step: this.steps, time_s: this.time_s, message: 'the deposit reached the reservoir boundary' });
          } else if (this.limitSeen) {
            // a cycler's voltage cutoff: past the limit the target current cannot be supplied, and
            // running on at the clamped potential drives the surface concentration negative
            reason = 'potential_limit';
          } else if (this.sandSeen && getValue(this.current, 'run.stop_at_sand') === true) reason = 'sand';
          else if (this.ruleStop !== undefined) reason = 'rule';
          else if (Math.abs(this.charge_mAh_cm2) >= L.chargeLimit * (1 - 1e-9)) reason = 'charge';
          // out.done refers to the old stop time when it changed
          else if ((out.done && !stopChanged) || this.time_s >= L.until) reason = L.untilIsCharge ? 'charge' : 'time';
          else if (this.steps >= L.maxSteps) reason = 'steps';
          else if (signal?.aborted) reason = 'aborted';
          if (reason !== undefined && reason !== 'time' && !(reason === 'charge' && L.untilIsCharge)) this.backend.setStopTime(this.time_s);
        }
        if (reason === undefined && !pending) {
          // nothing in flight: host and solver agree, so the stop time can be decided again and
          // checkpoints taken; then go on
          if (stopChanged) {
            stopChanged = false;
            if (this.backend.setStopTime(L.until, true)) reason = L.untilIsCharge ? 'charge' : 'time';
          }
          this.serviceCheckpoints();
          if (reason === undefined) pending = submit();
        }
      }
    } finally {
      this.running = false;
      // checkpoints first: their copies are queued before the member is masked
      this.serviceCheckpoints();
      this.backend.runEnded?.();
    }
    return reason ?? 'time';
  }

  /** µm of dense Li over the collector width → areal charge [mAh/cm²] */
  private umToMah(um: number): number {
    return rateToCurrentDensity(um, this.current) / 3600;
  }

  get charge_mAh_cm2(): number {
    return rateToCurrentDensity(this.charge_um, this.current) / 3600;
  }

  /** The nucleation stage so far: the dip and plateau of the voltage trace and the nuclei born. */
  get nucleation(): NucleationSummary {
    const s = this.dip;
    const fin = (v: number) => (Number.isFinite(v) ? v : null);
    return {
      overpotential_mV: fin(nucleationOverpotential_mV(s)),
      dip_potential_mV: fin(s.dip_V * 1000),
      dip_time_s: fin(s.dipTime_s),
      plateau_potential_mV: fin(s.plateau_V * 1000),
      dip_settled: s.settled,
      events: this.nucleationBefore + this.nucleationNow,
    };
  }

  /**
   * Applies a new scenario without a restart. Only keys that can change live may differ
   * (src/sim/live.ts); otherwise this throws a ScenarioError naming the first key that needs a
   * restart, and nothing changes. The new parameters take effect from the next submitted step (a run
   * in progress has at most one batch queued ahead of the rows it reports); its stop limits
   * (run.until_s, charge, max_steps, stop_at_sand, and the galvanostatic charge time) are read again.
   * After a change of the conductivity, call gpuView() again for its currentScale_mA_cm2.
   */
  updateScenario(next: Scenario): void {
    const resolved = resolveScenario(next);
    const keys = restartKeys(this.current, resolved);
    if (keys.length > 0) {
      const k = keys[0];
      throw new ScenarioError(k, getValue(resolved, k), `${JSON.stringify(getValue(this.current, k))} while the simulation runs; another value needs a restart, because ${restartReason(k)}`);
    }
    let d = toDimless(resolved);
    if (this.f32Params) d = roundedToF32(d);
    this.current = resolved;
    d = this.phaseDimless(d);
    this.backend.setParams(d, num(resolved, 'numerics.mg_cycles'));
    this.dimless = d;
    this.info.scenario = resolved;
    this.version++;
  }

  /**
   * Everything needed to continue this simulation later: pass it to
   * createSimulation(scenario, { backend, restore }). During a run it is taken at the next batch
   * boundary, with nothing in flight (the run pauses its pipelining for one batch), so the fields
   * match the host accumulators and rows.
   */
  checkpoint(): Promise<Checkpoint> {
    if (!this.running) return this.takeCheckpoint();
    return new Promise<Checkpoint>((resolve, reject) => this.checkpointRequests.push({ resolve, reject }));
  }

  private serviceCheckpoints(): void {
    const requests = this.checkpointRequests;
    this.checkpointRequests = [];
    for (const r of requests) this.takeCheckpoint().then(r.resolve, r.reject);
  }

  /** The host part is captured and the solver copies are queued synchronously, before anything else is submitted. */
  private takeCheckpoint(): Promise<Checkpoint> {
    const host: HostCheckpoint = {
      time_s: this.time_s,
      steps: this.steps,
      charge_um: this.charge_um,
      inventoryIn: this.inventoryIn,
      inventory0: this.inventory0,
      sandSeen: this.sandSeen,
      limitSeen: this.limitSeen,
      rows: this.rows.map((r) => ({ ...r })),
      events: this.events.map((e) => ({ ...e })),
      initialMetrics: { ...this.initialMetrics },
      metrics: { ...this.lastMetrics },
      nucleationEvents: this.nucleationBefore + this.nucleationNow,
      dip: { ...this.dip },
      overflowSeen: this.overflowSeen,
      ...(this.cyc ? { cycling: structuredClone(this.cyc) } : {}),
    };
    const scenario = structuredClone(this.current);
    const { nx, ny } = this.dimless;
    return this.backend.checkpointSolver().then(({ fields, solver }) => ({
      version: 2 as const,
      backend: this.backend.name,
      scenario,
      nx,
      ny,
      xi: fields.xi,
      c: fields.c,
      phi: fields.phi,
      solver,
      host,
    }));
  }

  /**
   * The GPU buffers for rendering (undefined on the CPU backend). They are the solver's own
   * buffers: read them in queue order, never write them. Fields are f32, cell (i, j) at k = j·nx + i
   * (j = 0 at the collector), batch member 0 at offset 0.
   *
   * sigmaX / sigmaY are the potential multigrid's finest-level face coefficients (mgPhi.ax / mgPhi.ay;
   * the finest level is the whole of these buffers, offset 0), written by potentialFaces
   * (shaders/potential.wgsl) from the ξ and c̃ of the end of the last step, i.e. the coefficients the
   * φ̃ in `phi` was solved with. Values are the dimensionless conductance σ̃ = σ/σ_l0 at the face,
   * harmonic mean of the two cells' σ̃, NOT divided by h² (the multigrid multiplies by 1/h² itself).
   * Cell σ̃: binary max(1 − h(ξ), sigma_floor)·max(c̃, conc_floor); chen2015 σ_s/σ_l0·h(ξ) + 1 − h(ξ).
   *   sigmaX[k], k = j·nx + i (nx·ny floats): the face between cell (i−1, j) and cell (i, j), i.e. the
   *     WEST face of cell k; x is periodic, so i = 0 pairs with i = nx − 1.
   *   sigmaY[j·nx + i], j = 0 … ny ((ny + 1)·nx floats): the face between cell (i, j−1) and cell (i, j),
   *     i.e. the SOUTH face of cell (i, j). Row 0 is the collector: 0 for binary (no ionic flux), σ̃ of
   *     cell (i, 0) for chen2015 (φ = φ_s half a cell below). Row ny is the reservoir: σ̃ of cell
   *     (i, ny−1), with φ̃ = 0 half a cell above.
   * Current density (i = −σ∇φ, positive along +x / +y, y pointing away from the collector) in mA/cm²,
   * with S = currentScale_mA_cm2 = σ_l0·(RT/F)/(h·1e-6 m)/10 = electrolyte.conductivity_S_m /
   * (d.fInv · d.h · 1e-6) / 10:
   *   i_x(west face of k)        = −S · sigmaX[k] · (φ̃[k] − φ̃[west of k])
   *   i_y(south face of (i, j))  = −S · sigmaY[j·nx + i] · (φ̃(i, j) − φ̃(i, j−1)),  0 < j < ny
   *   i_y(reservoir face, j = ny) = −S · 2·sigmaY[ny·nx + i] · (0 − φ̃(i, ny−1))   (half-cell distance)
   *   i_y(collector face, j = 0) = −S · 2·sigmaY[i] · (φ̃(i, 0) − φ̃_s)              (chen2015 only;
   *     φ̃_s is the electrode potential, applied_potential_V·F/RT; binary: 0)
   * A cell-centred vector is the mean of its two faces per direction (x: k and its east neighbour;
   * y: rows j and j + 1). While plating, the column mean of −i_y at the reservoir face equals the
   * plating current density once φ̃ has settled (the φ̃ source is R linearised about the previous φ̃;
   * tests/live.test.ts finds 0.06 % against current_density_mA_cm2 after 100 steps).
   * This is a snapshot of the scales: call it again after updateScenario (conductivity is live).
   */
  gpuView(): GpuFieldView | undefined {
    if (!(this.backend instanceof GpuBackend) || this.backend.batched) return undefined;
    const s = this.backend.solver;
    const d = this.dimless;
    const c = this.current;
    const sigma = num(c, 'electrolyte.conductivity_S_m') * arrhenius(num(c, 'electrolyte.activation_energy_kJ_mol'), num(c, 'electrolyte.temperature_K'), num(c, 'electrolyte.reference_temperature_K'));
    return {
      device: s.device,
      nx: d.nx,
      ny: d.ny,
      dx_um: d.h,
      xi: s.xi,
      c: s.c,
      phi: s.phi,
      sigmaX: s.mgPhi.ax,
      sigmaY: s.mgPhi.ay,
      geo: s.geoStatic,
      // lane z: the i0 factor the kinetics use this step, 0 on dead Li (shaders/label.wgsl); lane w: the mechanical shift
      kinetics: s.geo,
      c0_mol_L: num(this.current, 'electrolyte.concentration_mol_L'),
      thermalVoltage_V: 1 / d.fInv,
      currentScale_mA_cm2: sigma / (d.fInv * d.h * LENGTH_SCALE_M) / A_M2_PER_MA_CM2,
      // the kernels' live geometry: lane w is the mechanical shift
      ...(d.mechOn && s.elastic ? { sei: { film: s.film, mech: s.geo, stress_MPa_per_shift: 1000 / d.mechScale, interfaceWidth_um: d.w } } : {}),
    };
  }

  /**
   * One cell (i along the collector, j = 0 at the collector): ξ, c̃ and φ in volts. On the GPU a
   * 12-byte copy in queue order (it sees the work submitted so far); at most one is in flight, and a
   * call while one is in flight returns that same promise (its i, j say which cell it read).
   */
  probe(i: number, j: number): Promise<ProbeResult> {
    const { nx, ny } = this.dimless;
    if (!(Number.isInteger(i) && Number.isInteger(j) && i >= 0 && i < nx && j >= 0 && j < ny)) {
      return Promise.reject(new RangeError(`Simulation.probe: cell (${i}, ${j}) is outside the ${nx}×${ny} grid`));
    }
    if (this.probeInFlight) return this.probeInFlight;
    const fInv = this.dimless.fInv;
    const read = this.backend.probe(j * nx + i).then(([xi, c, phi]) => ({ i, j, xi, c, phi_V: phi / fInv }));
    if (this.backend.name === 'cpu') return read;
    const p = read.finally(() => {
      if (this.probeInFlight === p) this.probeInFlight = undefined;
    });
    this.probeInFlight = p;
    return p;
  }

  /** Folds a batch into the f64 accumulators; returns its metrics row (undefined if it held no step). */
  private absorb(out: BatchOutcome): MetricsRow | undefined {
    if (out.records.length === 0) return undefined;
    const d = this.d;
    let dtSum = 0;
    let jdt = 0;
    const nucleated = this.nucleationBefore + out.nuclei > 0; // per batch: the kernels count per batch
    const ph = this.phaseNow;
    const setI = this.setCurrent();
    let cellV = NaN;
    for (const r of out.records) {
      if (r.limitHit > 0 && !this.limitSeen) {
        this.limitSeen = true;
        if (ph?.cutoff_V !== undefined) {
          this.pendingEvents.push({ kind: 'strip_cutoff', step: this.steps, time_s: this.time_s, message: `cycle ${ph.cycle + 1}: stripping reached the cutoff +${ph.cutoff_V} V` });
        } else {
          this.pendingEvents.push({ kind: 'potential_limit', step: this.steps, time_s: this.time_s, message: `the electrode potential reached the limit ±${(d.phiMax / d.fInv).toFixed(3)} V: the target current cannot be supplied` });
        }
      }
      // the counter electrode carries the set current (potentiostatic: the Faradaic current of the step)
      const I = Number.isNaN(setI) ? rateToCurrentDensity(r.j, this.current) : setI;
      cellV = r.phiS / d.fInv - this.counterEta(I);
      if (this.cyc && ph) feedCycleStep(this.cyc, ph.kind === 'plate' ? 'plate' : ph.kind === 'strip' ? 'strip' : 'rest', r.j, r.dt, cellV);
      this.time_s += r.dt;
      this.steps += 1;
      dtSum += r.dt;
      jdt += r.j * r.dt;
      this.inventoryIn += r.dInventory;
      feedDip(this.dip, r.phiS / d.fInv, this.time_s, nucleated);
    }
    this.charge_um += jdt;
    const m = (this.lastMetrics = out.metrics);
    const last = out.records[out.records.length - 1];
    const cellsCount = Math.sqrt(d.nx * d.ny);
    const current = rateToCurrentDensity(jdt / dtSum, this.current);
    const applied = last.phiS / d.fInv;
    this.nucleationNow = out.nuclei;
    this.xiAtLastRow = out.xi;
    const surf = computeSurfaceMetrics(this.geometry, out.xi);
    const morph = computeMorphology(d.nx, d.ny, d.h, out.xi, { initialHeight_um: this.initialMetrics.meanHeight_um, interfaceWidth_um: d.w, solid: this.geometry.solid });
    // SEI Li per unit depth over the collector width, as a plated thickness → charge
    const seiLi_mAh = rateToCurrentDensity(out.sei.li_um2 / (d.nx * d.h), this.current) / 3600;
    // dead Li: the islands the kinetics switched off (the same labelling, on the row's ξ)
    // (metal.island_contact = out_of_plane: no island is dead, all Li counts as connected)
    const lab = labelMetal(d.nx, d.ny, out.xi, this.geometry.solid, undefined, contactRows(d.w, d.h));
    this.deadLi_um = d.deadIslands ? (lab.deadXi * d.h) / d.nx : 0;
    // Li left on the electrode that is not dead: connected metal, and the thin remnants below ξ = ½ that belong to no
    // labelled metal (a lens the strip thinned before the cutoff)
    this.liveLi_um = ((metalSum(out.xi) - (d.deadIslands ? lab.deadXi : 0)) * d.h) / d.nx;
    this.deadIslands = d.deadIslands ? lab.islands : 0;
    const row: MetricsRow = {
      step: this.steps,
      time_s: this.time_s,
      dt_s: last.dt,
      current_density_mA_cm2: current,
      applied_potential_V: applied,
      charge_mAh_cm2: this.charge_mAh_cm2,
      deposit_mean_height_um: m.meanHeight_um,
      deposit_max_height_um: m.maxHeight_um,
      roughness_um: m.roughness_um,
      surface_min_conc: m.surfaceMinConc,
      // electrolyte + metal + SEI-bound Li (µm² of dense Li × C_s/c0 → the inventory's c̃·µm²)
      li_inventory_rel_error: (m.inventory + d.CsOverC0 * out.sei.li_um2 - this.inventory0 - this.inventoryIn) / this.inventory0,
      mg_residual_c: out.resC / cellsCount,
      mg_residual_phi: out.resPhi / cellsCount,
      nucleation_overpotential_mV: nucleationOverpotential_mV(this.dip),
      nucleation_events: this.nucleationBefore + this.nucleationNow,
      nuclei_count: surf.nucleiCount,
      nucleus_spacing_cv: surf.spacingCv,
      collector_coverage: surf.collectorCoverage,
      local_current_density_mA_cm2: surf.interfaceLength_um > 0 ? (current * d.nx * d.h) / surf.interfaceLength_um : NaN,
      pore_filling: surf.poreFilling,
      sei_li_mAh_cm2: seiLi_mAh,
      coulombic_efficiency: this.charge_um > 0 ? this.charge_mAh_cm2 / (this.charge_mAh_cm2 + seiLi_mAh) : NaN,
      sei_crack_events: out.sei.cracks,
      interface_stress_max_MPa: 1000 * out.sei.stressMax,
      interface_stress_mean_MPa: 1000 * out.sei.stressMean,
      tip_count: morph.tipCount,
      deposit_porosity: morph.porosity,
      interface_length_per_width: morph.interfaceLengthPerWidth,
      interface_fractal_dimension: morph.fractalDimension,
      cell_voltage_V: cellV,
      cycle: this.cyc ? this.cyc.cycle + 1 : 0,
      dead_li_mAh_cm2: this.umToMah(this.deadLi_um),
      dead_li_islands: this.deadIslands,
    };
    if (!this.overflowSeen && surf.overflow) {
      this.overflowSeen = true;
      const fill = surf.poreFilling;
      this.pendingEvents.push({ kind: 'host_overflow', step: this.steps, time_s: this.time_s, message: `Li grew above the host's top (${this.geometry.hostHeight_um} µm) with the pores ${(100 * fill).toFixed(1)} % filled` });
    }
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
    const now = performance.now();
    for (const c of this.callbacks) if (c.clock.due(row, now)) await c.fn(this, row);
    for (const r of this.stopRules) {
      if (this.ruleStop === undefined && r.clock.due(row, now) && r.rule(this, row)) {
        this.ruleStop = r.name;
        this.pendingEvents.push({ kind: 'stop_rule', step: this.steps, time_s: this.time_s, message: `stop rule '${r.name}' holds` });
      }
    }
    const events = this.pendingEvents;
    this.pendingEvents = [];
    for (const e of events) await this.event(e);
  }

  private async event(e: SimEvent): Promise<void> {
    this.events.push(e);
    for (const w of this.writers) await w.onEvent?.(e);
  }

  /**
   * ξ at the last metrics row, from the readback the metrics already made (no extra GPU copy); undefined
   * before the first row. A picture of the deposit needs only this.
   */
  get xiAtRow(): Float32Array | Float64Array | undefined {
    return this.xiAtLastRow;
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
