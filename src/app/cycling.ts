// What the app shows of a cycling run (drive.mode = cycling): the cycle plot's points, the voltage
// profile of each half-cycle, and the readout line. Pure, unit-tested in tests/app-units.test.ts.

import type { CyclePhase } from '../model/cycling.ts';
import type { CycleRecord, MetricsRow } from '../sim/types.ts';

/** The cycle plot: per completed cycle, its Coulombic efficiency and the dead Li it formed, both in %. */
export interface CyclePoints {
  cycle: number[];
  ce_pct: number[];
  /** dead Li formed in the cycle, % of what it plated */
  dead_pct: number[];
}

export function cyclePoints(records: readonly CycleRecord[]): CyclePoints {
  return {
    cycle: records.map((r) => r.cycle),
    ce_pct: records.map((r) => 100 * r.coulombic_efficiency),
    dead_pct: records.map((r) => r.dead_li_pct_of_plated),
  };
}

/** One half-cycle of the voltage profile: the cell voltage against the capacity passed since it began. */
export interface HalfCycle {
  /** 1-based, as MetricsRow.cycle */
  cycle: number;
  kind: 'plate' | 'strip';
  capacity_mAh_cm2: number[];
  voltage_V: number[];
}

/**
 * The rows of a cycling run split into half-cycles, as a cycler plots them: each starts at zero
 * capacity (|charge − charge at the end of the row before it|). A row's half is the sign of its current;
 * rows with |current| below `restBelow_mA_cm2` are rests (open circuit, no capacity) and are left out.
 */
export function halfCycles(rows: readonly MetricsRow[], restBelow_mA_cm2: number): HalfCycle[] {
  const out: HalfCycle[] = [];
  let open: HalfCycle | undefined;
  let ref = 0;
  let prevCharge = 0;
  for (const r of rows) {
    const i = r.current_density_mA_cm2;
    const kind = i >= restBelow_mA_cm2 ? 'plate' : i <= -restBelow_mA_cm2 ? 'strip' : undefined;
    if (!kind || r.cycle < 1) open = undefined;
    else {
      if (!open || open.kind !== kind || open.cycle !== r.cycle) {
        open = { cycle: r.cycle, kind, capacity_mAh_cm2: [], voltage_V: [] };
        out.push(open);
        ref = prevCharge;
      }
      open.capacity_mAh_cm2.push(Math.abs(r.charge_mAh_cm2 - ref));
      open.voltage_V.push(r.cell_voltage_V);
    }
    prevCharge = r.charge_mAh_cm2;
  }
  return out;
}

/** A Li counter electrode (cell.counter_exchange_current_mA_cm2 > 0) makes the cell voltage differ from the electrode's potential. */
export function cellVoltageDiffers(r: MetricsRow): boolean {
  return Math.abs(r.cell_voltage_V - r.applied_potential_V) > 1e-7;
}

const PHASE_WORDS: Record<CyclePhase['kind'], string> = {
  plate: 'plating',
  rest_after_plate: 'rest after plating',
  strip: 'stripping',
  rest_after_strip: 'rest after stripping',
};

/** 'cycle 2/3 · stripping to 1 V', 'cycle 1/3 · rest after plating', '3/3 cycles done'. */
export function cycleReadout(phase: CyclePhase | undefined, completed: number, total: number): string {
  if (completed >= total) return `${total}/${total} cycles done`;
  if (!phase) return '–';
  const to = phase.kind === 'strip' && phase.cutoff_V !== undefined ? ` to ${phase.cutoff_V} V` : '';
  return `cycle ${phase.cycle + 1}/${total} · ${PHASE_WORDS[phase.kind]}${to}`;
}
