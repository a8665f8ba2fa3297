// When a callback attached to a Simulation fires (Oceananigans-style schedules): every k metrics rows, every T
// simulated seconds, or every T wall-clock seconds. A schedule is checked at each metrics row (the run loop's
// batch boundary), so a time schedule fires at the first row at or past each multiple of T.

import type { MetricsRow } from './types.ts';

export type Schedule =
  | { kind: 'rows'; every: number }
  | { kind: 'sim_time'; every_s: number }
  | { kind: 'wall_time'; every_s: number };

function positive(what: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${what}: ${v} is not allowed; expected a finite number > 0`);
  return v;
}

/** Every k-th metrics row (k = 1: every row). */
export const everyRows = (k = 1): Schedule => {
  if (!(Number.isInteger(k) && k >= 1)) throw new RangeError(`everyRows: ${k} is not allowed; expected an integer ≥ 1`);
  return { kind: 'rows', every: k };
};
/** The first row at or past each multiple of T simulated seconds. */
export const everySimS = (T: number): Schedule => ({ kind: 'sim_time', every_s: positive('everySimS', T) });
/** The first row at least T wall-clock seconds after the last firing (or after the callback was attached). */
export const everyWallS = (T: number): Schedule => ({ kind: 'wall_time', every_s: positive('everyWallS', T) });

/** A schedule's state: whether it is due at a row. */
export class ScheduleClock {
  private rows = 0;
  private nextSim: number;
  private lastWall: number;
  constructor(
    readonly schedule: Schedule,
    startTime_s = 0,
    now_ms = performance.now(),
  ) {
    this.nextSim = schedule.kind === 'sim_time' ? (Math.floor(startTime_s / schedule.every_s) + 1) * schedule.every_s : Infinity;
    this.lastWall = now_ms;
  }
  /** Advances the clock by one row; true when the callback fires at it. */
  due(row: Pick<MetricsRow, 'time_s'>, now_ms = performance.now()): boolean {
    const s = this.schedule;
    switch (s.kind) {
      case 'rows':
        return ++this.rows % s.every === 0;
      case 'sim_time':
        if (row.time_s < this.nextSim) return false;
        this.nextSim = (Math.floor(row.time_s / s.every_s) + 1) * s.every_s;
        return true;
      case 'wall_time':
        if (now_ms - this.lastWall < s.every_s * 1000) return false;
        this.lastWall = now_ms;
        return true;
    }
  }
  /** The callback fired outside the schedule (a wall-time schedule counts from then). */
  reset(now_ms = performance.now()): void {
    this.lastWall = now_ms;
  }
}
