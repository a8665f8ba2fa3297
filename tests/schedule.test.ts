// Callbacks and stop rules attached to a Simulation with schedules (src/sim/schedule.ts): they fire at the
// rows the schedule picks, outside the run loop's code, and a stop rule ends the run with reason 'rule'.

import { describe, expect, it } from 'vitest';
import { applyOverrides, presetScenario } from '../src/model/scenario.ts';
import { everyRows, everySimS, everyWallS, ScheduleClock } from '../src/sim/schedule.ts';
import { createSimulation } from '../src/sim/simulation.ts';

describe('schedules', () => {
  it('every k rows, every T simulated seconds (first row at or past each multiple), every T wall seconds', () => {
    const rows = new ScheduleClock(everyRows(3));
    expect([1, 2, 3, 4, 5, 6, 7].map((t) => rows.due({ time_s: t }))).toEqual([false, false, true, false, false, true, false]);
    const sim = new ScheduleClock(everySimS(1), 0);
    expect([0.4, 0.9, 1.2, 1.5, 2.0, 4.7, 5.1].map((t) => sim.due({ time_s: t }))).toEqual([false, false, true, false, true, true, true]);
    // a clock attached at t = 2.5 (a resumed run) next fires at 3
    const later = new ScheduleClock(everySimS(1), 2.5);
    expect([2.8, 3.0].map((t) => later.due({ time_s: t }))).toEqual([false, true]);
    const wall = new ScheduleClock(everyWallS(2), 0, 1000);
    expect([1500, 2999, 3000, 4000, 5100].map((now) => wall.due({ time_s: 0 }, now))).toEqual([false, false, true, false, true]);
    expect(() => everyRows(0)).toThrow(/everyRows: 0 is not allowed/);
    expect(() => everySimS(-1)).toThrow(/everySimS: -1 is not allowed/);
  });
});

describe('callbacks and stop rules on a Simulation (CPU)', () => {
  const scenario = applyOverrides(presetScenario('first-dendrites'), ['grid.nx=16', 'grid.ny=32', 'run.metrics_every_steps=5', 'run.until_s=2']);

  it('a callback fires at the rows its schedule picks; a stop rule stops the run after the row where it holds', async () => {
    const sim = await createSimulation(scenario, { backend: 'cpu' });
    const everySecond: number[] = [];
    const everyThird: number[] = [];
    sim.addCallback((_s, row) => void everySecond.push(row.time_s), everySimS(0.5));
    sim.addCallback((_s, row) => void everyThird.push(row.step), everyRows(3));
    const H = 4; // µm: the film starts at 2 µm and grows past 4 within 2 s at −0.8 V
    sim.addStopRule('max height ≥ 4 µm', (_s, row) => row.deposit_max_height_um >= H);
    const r = await sim.run();
    expect(r.reason).toBe('rule');
    const last = sim.rows.at(-1)!;
    expect(last.deposit_max_height_um).toBeGreaterThanOrEqual(H);
    // it stopped after the first row where it held, plus the batch already queued behind it (as for every
    // reason but time: docs/reference/cli.md)
    const first = sim.rows.findIndex((x) => x.deposit_max_height_um >= H);
    expect(sim.rows.length - 1 - first).toBeLessThanOrEqual(1);
    expect(r.events.filter((e) => e.kind === 'stop_rule').map((e) => e.message)).toEqual(["stop rule 'max height ≥ 4 µm' holds"]);
    expect(everyThird).toEqual(sim.rows.filter((_, k) => (k + 1) % 3 === 0).map((x) => x.step));
    // one firing per half second crossed
    const crossed = new Set(sim.rows.map((x) => Math.floor(x.time_s / 0.5)).filter((k) => k > 0)).size;
    expect(everySecond.length).toBe(crossed);
    for (const [k, t] of everySecond.entries()) expect(t).toBeGreaterThanOrEqual(0.5 * (k + 1));
    // without the rule the same run goes on to its stop time
    const free = await createSimulation(scenario, { backend: 'cpu' });
    expect((await free.run()).reason).toBe('time');
    expect(free.time_s).toBeGreaterThan(sim.time_s);
  });
});
