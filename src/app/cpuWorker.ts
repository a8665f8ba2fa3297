// The CPU backend in a Web Worker: what the browser app runs when WebGPU is missing or software-only
// (src/app/cpuApp.ts). The worker owns one Simulation on the f64 CPU backend, the same object the CLI
// drives; the page sends it batches of steps and gets back the fields it draws, the new metrics rows and
// completed cycles, the cycling phase, and the dead Li cells (labelled on the solver's f64 ξ).

import { createSimulation, type Simulation } from '../sim/simulation.ts';
import type { CycleRecord, MetricsRow, RunResult } from '../sim/types.ts';
import { text, type Scenario } from '../model/scenario.ts';
import type { CyclePhase } from '../model/cycling.ts';
import { deadCells } from './deadLi.ts';

export type ToWorker = { type: 'load'; scenario: Scenario } | { type: 'run'; steps: number };

export interface Snapshot {
  time_s: number;
  steps: number;
  charge_mAh_cm2: number;
  nx: number;
  ny: number;
  dx_um: number;
  xi: Float32Array;
  c: Float32Array;
  phi_V: Float32Array;
  /** metrics rows since the last snapshot */
  rows: MetricsRow[];
  events: { kind: string; time_s: number; message: string }[];
  /** 1 on dead Li (metal.island_contact = none; absent otherwise: no island is ever dead) */
  dead?: Uint8Array;
  /** cycles completed since the last snapshot, all completed so far, and the phase in effect (drive.mode = cycling) */
  cycles: CycleRecord[];
  cyclesDone: number;
  phase?: CyclePhase;
}

export type FromWorker =
  | ({ type: 'loaded'; solid: Uint8Array; seeded: Uint8Array } & Snapshot)
  | ({ type: 'ran'; reason: RunResult['reason'] } & Snapshot)
  | { type: 'error'; message: string };

let sim: Simulation | undefined;
let rowsSent = 0;
let eventsSent = 0;
let cyclesSent = 0;

async function snapshot(s: Simulation): Promise<Snapshot> {
  const f = await s.readFields();
  const rows = s.rows.slice(rowsSent);
  rowsSent = s.rows.length;
  const events = s.events.slice(eventsSent).map((e) => ({ kind: e.kind, time_s: e.time_s, message: e.message }));
  eventsSent = s.events.length;
  const cycles = s.cycles.slice(cyclesSent);
  cyclesSent = s.cycles.length;
  const dead = text(s.scenario, 'metal.island_contact') === 'none' ? deadCells(f.nx, f.ny, f.xi, s.geometry.solid) : undefined;
  return { time_s: s.time_s, steps: s.steps, charge_mAh_cm2: s.charge_mAh_cm2, nx: f.nx, ny: f.ny, dx_um: f.dx_um, xi: Float32Array.from(f.xi), c: Float32Array.from(f.c), phi_V: Float32Array.from(f.phi_V), rows, events, dead, cycles, cyclesDone: s.cycles.length, phase: s.cyclePhase };
}

const buffers = (s: Snapshot): Transferable[] => [s.xi.buffer, s.c.buffer, s.phi_V.buffer, ...(s.dead ? [s.dead.buffer] : [])];

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.onmessage = async (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  try {
    if (m.type === 'load') {
      sim?.destroy();
      sim = undefined;
      const next = await createSimulation(m.scenario, { backend: 'cpu' });
      sim = next;
      rowsSent = 0;
      eventsSent = 0;
      cyclesSent = 0;
      const snap = await snapshot(next);
      const solid = Uint8Array.from(next.geometry.solid);
      const seeded = Uint8Array.from(next.geometry.seeded);
      post({ type: 'loaded', solid, seeded, ...snap }, [...buffers(snap), solid.buffer, seeded.buffer]);
    } else if (m.type === 'run') {
      if (!sim) throw new Error('no simulation loaded');
      const r = await sim.run({ maxSteps: sim.steps + m.steps });
      const snap = await snapshot(sim);
      post({ type: 'ran', reason: r.reason, ...snap }, buffers(snap));
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
