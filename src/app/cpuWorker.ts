// The CPU backend in a Web Worker: what the browser app runs when WebGPU is missing or software-only
// (src/app/cpuApp.ts). The worker owns one Simulation on the f64 CPU backend, the same object the CLI
// drives; the page sends it batches of steps and gets back the fields it draws and the new metrics rows.

import { createSimulation, type Simulation } from '../sim/simulation.ts';
import type { MetricsRow, RunResult } from '../sim/types.ts';
import type { Scenario } from '../model/scenario.ts';

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
}

export type FromWorker =
  | ({ type: 'loaded'; solid: Uint8Array; seeded: Uint8Array } & Snapshot)
  | ({ type: 'ran'; reason: RunResult['reason'] } & Snapshot)
  | { type: 'error'; message: string };

let sim: Simulation | undefined;
let rowsSent = 0;
let eventsSent = 0;

async function snapshot(s: Simulation): Promise<Snapshot> {
  const f = await s.readFields();
  const rows = s.rows.slice(rowsSent);
  rowsSent = s.rows.length;
  const events = s.events.slice(eventsSent).map((e) => ({ kind: e.kind, time_s: e.time_s, message: e.message }));
  eventsSent = s.events.length;
  return { time_s: s.time_s, steps: s.steps, charge_mAh_cm2: s.charge_mAh_cm2, nx: f.nx, ny: f.ny, dx_um: f.dx_um, xi: Float32Array.from(f.xi), c: Float32Array.from(f.c), phi_V: Float32Array.from(f.phi_V), rows, events };
}

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
      const snap = await snapshot(next);
      const solid = Uint8Array.from(next.geometry.solid);
      const seeded = Uint8Array.from(next.geometry.seeded);
      post({ type: 'loaded', solid, seeded, ...snap }, [snap.xi.buffer, snap.c.buffer, snap.phi_V.buffer, solid.buffer, seeded.buffer]);
    } else if (m.type === 'run') {
      if (!sim) throw new Error('no simulation loaded');
      const r = await sim.run({ maxSteps: sim.steps + m.steps });
      const snap = await snapshot(sim);
      post({ type: 'ran', reason: r.reason, ...snap }, [snap.xi.buffer, snap.c.buffer, snap.phi_V.buffer]);
    }
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
};
