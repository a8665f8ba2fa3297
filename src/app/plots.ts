// Live plots of the metrics rows (uPlot): the voltage curve against time or charge, the current
// density, the deposit heights and roughness, the minimum surface concentration, and the nuclei.
// A cycling run (drive.mode = cycling) adds, first, the cycle plot (Coulombic efficiency and dead Li
// per completed cycle) and the voltage profile (cell voltage against the capacity of each half-cycle).

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { CycleRecord, MetricsRow } from '../sim/types.ts';
import { colormap, mapValue } from '../io/colormap.ts';
import { cellVoltageDiffers, cyclePoints, halfCycles, type CyclePoints } from './cycling.ts';

export type XAxis = 'time' | 'charge';
export type XScale = 'linear' | 'log';

interface SeriesSpec {
  key: keyof MetricsRow;
  label: string;
  stroke: string;
  /** drawn once a row has it (until then it would repeat another curve of the chart) */
  when?: (r: MetricsRow) => boolean;
}

interface ChartSpec {
  title: string;
  unit: string;
  series: SeriesSpec[];
}

const CHARTS: ChartSpec[] = [
  {
    title: 'voltage curve E',
    unit: 'V',
    series: [
      { key: 'applied_potential_V', label: 'E [V]', stroke: '#f4a261' },
      // with a Li counter electrode: E less the counter electrode's overpotential, what a cycler reads
      { key: 'cell_voltage_V', label: 'cell voltage [V]', stroke: '#e76f51', when: cellVoltageDiffers },
    ],
  },
  { title: 'current density', unit: 'mA/cm²', series: [{ key: 'current_density_mA_cm2', label: 'i [mA/cm²]', stroke: '#8ecae6' }] },
  {
    title: 'deposit',
    unit: 'µm',
    series: [
      { key: 'deposit_mean_height_um', label: 'mean height [µm]', stroke: '#90be6d' },
      { key: 'deposit_max_height_um', label: 'max height [µm]', stroke: '#f94144' },
      { key: 'roughness_um', label: 'roughness [µm]', stroke: '#c77dff' },
    ],
  },
  { title: 'min surface conc.', unit: 'c/c₀', series: [{ key: 'surface_min_conc', label: 'c_min [c/c₀]', stroke: '#4cc9f0' }] },
  {
    title: 'nuclei',
    unit: 'count',
    series: [
      { key: 'nucleation_events', label: 'nuclei born', stroke: '#f8961e' },
      { key: 'nuclei_count', label: 'islands', stroke: '#43aa8b' },
    ],
  },
];

/** the voltage profile keeps the last few cycles: more overlaid curves would hide each other */
export const PROFILE_CYCLES = 6;

const AXIS = { stroke: '#c8ccd4', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.15)' } };

// a held current or potential is flat to 1e-7: give the axis a visible span around it
const Y_RANGE: uPlot.Range.Function = (_u, lo, hi) => {
  const span = hi - lo;
  const pad = span < 1e-3 * Math.max(Math.abs(hi), Math.abs(lo), 1e-12) ? Math.max(Math.abs(hi) * 0.05, 1e-9) : span * 0.05;
  return [lo - pad, hi + pad];
};

export class Plots {
  private readonly charts: uPlot[] = [];
  /** the series each time chart draws now (SeriesSpec.when) */
  private readonly drawn: SeriesSpec[][] = [];
  private x: XAxis = 'time';
  private xScale: XScale = 'linear';
  private dirty = false;
  private rows: MetricsRow[] = [];
  /** SeriesSpec.when series some row has had */
  private readonly seen = new Set<keyof MetricsRow>();
  private cycling?: CycleCharts;
  private records: CycleRecord[] = [];

  constructor(private readonly host: HTMLElement) {
    for (const spec of CHARTS) {
      const el = document.createElement('div');
      el.className = 'plot';
      host.appendChild(el);
      this.drawn.push(this.seriesOf(spec));
      this.charts.push(new uPlot(this.options(spec, el), this.empty(spec), el));
    }
    new ResizeObserver(() => this.resize()).observe(host);
  }

  private seriesOf(spec: ChartSpec): SeriesSpec[] {
    return spec.series.filter((s) => !s.when || this.seen.has(s.key));
  }

  private empty(spec: ChartSpec): uPlot.AlignedData {
    return [[], ...this.seriesOf(spec).map(() => [])];
  }

  private options(spec: ChartSpec, el?: HTMLElement): uPlot.Options {
    return {
      title: `${spec.title} [${spec.unit}]`,
      ...size(el, this.host),
      scales: {
        // log: the nucleation and Sand stages (ms) and the growth (minutes) on one axis
        x: this.xScale === 'log' ? { time: false, distr: 3 } : { time: false },
        y: { range: Y_RANGE },
      },
      // the legend names each curve and, under the cursor, shows its value there
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      axes: [
        { ...AXIS, label: this.xLabel(), space: 44 },
        { ...AXIS, size: 60, space: 24 },
      ],
      series: [{ label: this.xLabel() }, ...this.seriesOf(spec).map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5 }))],
    };
  }

  private xLabel(): string {
    return this.x === 'time' ? 'time [s]' : 'charge [mAh/cm²]';
  }

  /** Rebuilds time chart k with the series it draws now. */
  private rebuild(k: number): void {
    const spec = CHARTS[k];
    const el = this.charts[k].root.parentElement!;
    this.charts[k].destroy();
    this.drawn[k] = this.seriesOf(spec);
    this.charts[k] = new uPlot(this.options(spec, el), this.empty(spec), el);
  }

  setXAxis(x: XAxis, scale: XScale = this.xScale): void {
    if (x === this.x && scale === this.xScale) return;
    this.x = x;
    this.xScale = scale;
    CHARTS.forEach((_, k) => this.rebuild(k));
    this.setRows(this.rows);
  }

  /**
   * Shows the cycle plot and the voltage profile (a cycling run; `restBelow_mA_cm2` tells its rests from
   * its half-cycles, see halfCycles) or removes them (undefined).
   */
  setCycling(on: { restBelow_mA_cm2: number } | undefined): void {
    this.cycling?.destroy();
    this.cycling = on ? new CycleCharts(this.host, on.restBelow_mA_cm2) : undefined;
    this.dirty = true;
  }

  /** Replaces the data (after a reset or a restore); plotted on the next flush. */
  setRows(rows: readonly MetricsRow[]): void {
    this.rows = [...rows];
    this.seen.clear();
    for (const r of rows) this.see(r);
    this.dirty = true;
  }

  push(row: MetricsRow): void {
    this.rows.push(row);
    this.see(row);
    this.dirty = true;
  }

  /** Replaces the completed cycles (after a reset or a restore). */
  setCycles(records: readonly CycleRecord[]): void {
    this.records = [...records];
    this.dirty = true;
  }

  /** A cycle completed (Writer.onCycle). */
  pushCycle(record: CycleRecord): void {
    this.records.push(record);
    this.dirty = true;
  }

  private see(r: MetricsRow): void {
    for (const spec of CHARTS) for (const s of spec.series) if (s.when && !this.seen.has(s.key) && s.when(r)) this.seen.add(s.key);
  }

  /** Redraws if rows arrived since the last call (the app calls this a few times a second). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    // a log axis has no place for t = 0
    const rows = this.xScale === 'log' ? this.rows.filter((r) => this.xOf(r) > 0) : this.rows;
    const xs = rows.map((r) => this.xOf(r));
    CHARTS.forEach((spec, k) => {
      if (this.seriesOf(spec).length !== this.drawn[k].length) this.rebuild(k);
      // undefined metrics (NaN, METRIC_UNDEFINED_WHEN) are gaps: uPlot draws null as a break
      const data: uPlot.AlignedData = [xs, ...this.drawn[k].map((s) => rows.map((r) => (Number.isNaN(r[s.key]) ? null : r[s.key])))];
      this.charts[k].setData(data);
    });
    this.cycling?.draw(this.records, this.rows);
  }

  private xOf(r: MetricsRow): number {
    return this.x === 'time' ? r.time_s : r.charge_mAh_cm2;
  }

  /** The x scale the charts draw with (uPlot's own state: distr 3 is log). */
  xScaleDrawn(): XScale {
    return this.charts.every((c) => c.scales.x.distr === 3) ? 'log' : 'linear';
  }

  /** Points in each chart (what it shows now): the cycling charts first where they are shown. */
  pointCounts(): number[] {
    return [...(this.cycling?.pointCounts() ?? []), ...this.charts.map((c) => c.data[0]?.length ?? 0)];
  }

  /** The legends of the time charts' curves, chart by chart. */
  seriesLabels(): string[][] {
    return this.drawn.map((d) => d.map((s) => s.label));
  }

  /** What the cycle plot draws (undefined: not a cycling run). */
  cycleData(): CyclePoints | undefined {
    return this.cycling?.drawnPoints();
  }

  /** The voltage profile's curves and their points (undefined: not a cycling run). */
  profileCurves(): { label: string; points: number }[] | undefined {
    return this.cycling?.drawnCurves();
  }

  private resize(): void {
    for (const c of [...this.charts, ...(this.cycling?.charts() ?? [])]) {
      const s = size(c.root.parentElement ?? undefined, this.host);
      if (Math.abs(c.width - s.width) > 2 || Math.abs(c.height - s.height) > 2) c.setSize(s);
    }
  }
}

/**
 * The cycle plot (CE and dead Li per completed cycle, two y axes: CE sits near 100 %, dead Li near 0) and
 * the voltage profile (one curve per half-cycle of the last PROFILE_CYCLES cycles, coloured by cycle,
 * stripping dashed), placed before the time charts.
 */
class CycleCharts {
  private readonly cycleEl: HTMLElement;
  private readonly profileEl: HTMLElement;
  private readonly cycleChart: uPlot;
  private profile: uPlot;
  private labels: string[] = [];

  constructor(
    host: HTMLElement,
    private readonly restBelow_mA_cm2: number,
  ) {
    this.cycleEl = document.createElement('div');
    this.profileEl = document.createElement('div');
    for (const el of [this.profileEl, this.cycleEl]) {
      el.className = 'plot cycling';
      host.prepend(el);
    }
    this.cycleEl.dataset.plot = 'cycles';
    this.profileEl.dataset.plot = 'profile';
    const points = { show: true, size: 7 };
    this.cycleChart = new uPlot(
      {
        title: 'cycles: Coulombic efficiency and dead Li [%]',
        ...size(this.cycleEl, host),
        scales: { x: { time: false }, ce: { range: Y_RANGE }, dead: { range: (_u, lo, hi) => [Math.min(0, lo), Math.max(hi * 1.1, 1)] } },
        legend: { show: true, live: true },
        axes: [
          { ...AXIS, label: 'cycle', space: 30, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
          { ...AXIS, scale: 'ce', size: 60, space: 24, label: 'CE [%]' },
          { ...AXIS, scale: 'dead', side: 1, size: 60, space: 24, grid: { show: false }, label: 'dead Li [% of plated]' },
        ],
        series: [
          { label: 'cycle' },
          { label: 'CE [%]', scale: 'ce', stroke: '#8ecae6', width: 1.5, points },
          { label: 'dead Li formed [% of plated]', scale: 'dead', stroke: '#d55e00', width: 1.5, points },
        ],
      },
      [[], [], []],
      this.cycleEl,
    );
    this.profile = this.makeProfile([]);
  }

  private makeProfile(labels: string[]): uPlot {
    this.labels = labels;
    const first = labels.length ? Number(labels[0].split(' ')[0]) : 1;
    const last = labels.length ? Number(labels[labels.length - 1].split(' ')[0]) : 1;
    const lut = colormap('viridis');
    return new uPlot(
      {
        title: 'voltage profile: cell voltage against capacity [V]',
        ...size(this.profileEl, this.profileEl.parentElement!),
        scales: { x: { time: false }, y: { range: Y_RANGE } },
        legend: { show: true, live: false },
        axes: [
          { ...AXIS, label: 'capacity of the half-cycle [mAh/cm²]', space: 44 },
          { ...AXIS, size: 60, space: 24 },
        ],
        series: [
          { label: 'capacity [mAh/cm²]' },
          ...labels.map((label) => {
            const c = Number(label.split(' ')[0]);
            // later cycles brighter (viridis, its dark end left out on the dark background)
            const rgb = mapValue(0.3 + (0.7 * (c - first)) / Math.max(1, last - first), lut);
            return { label, stroke: `rgb(${rgb.join(',')})`, width: 1.5, dash: label.endsWith('strip') ? [5, 3] : undefined, spanGaps: true };
          }),
        ],
      },
      [[], ...labels.map(() => [])],
      this.profileEl,
    );
  }

  draw(records: readonly CycleRecord[], rows: readonly MetricsRow[]): void {
    const p = cyclePoints(records);
    this.cycleChart.setData([p.cycle, p.ce_pct.map(finite), p.dead_pct.map(finite)]);
    const halves = halfCycles(rows, this.restBelow_mA_cm2);
    const from = (halves.at(-1)?.cycle ?? 0) - PROFILE_CYCLES + 1;
    const shown = halves.filter((h) => h.cycle >= from);
    const labels = shown.map((h) => `${h.cycle} ${h.kind}`);
    if (labels.join('|') !== this.labels.join('|')) {
      this.profile.destroy();
      this.profile = this.makeProfile(labels);
    }
    this.profile.setData(shown.length ? uPlot.join(shown.map((h) => [h.capacity_mAh_cm2, h.voltage_V] as uPlot.AlignedData)) : [[]]);
  }

  drawnPoints(): CyclePoints {
    const d = this.cycleChart.data;
    return { cycle: [...(d[0] ?? [])], ce_pct: [...((d[1] ?? []) as number[])], dead_pct: [...((d[2] ?? []) as number[])] };
  }

  drawnCurves(): { label: string; points: number }[] {
    return this.labels.map((label, k) => ({ label, points: Array.from(this.profile.data[k + 1] ?? [], (v) => v).filter((v) => v !== null && v !== undefined).length }));
  }

  pointCounts(): number[] {
    return [this.profile.data[0]?.length ?? 0, this.cycleChart.data[0]?.length ?? 0];
  }

  charts(): uPlot[] {
    return [this.profile, this.cycleChart];
  }

  destroy(): void {
    this.cycleChart.destroy();
    this.profile.destroy();
    this.cycleEl.remove();
    this.profileEl.remove();
  }
}

const finite = (v: number) => (Number.isFinite(v) ? v : null);

/** Each chart fills its cell of the grid under the field view (src/app/style.css, #plots). */
function size(el: HTMLElement | undefined, host: HTMLElement): { width: number; height: number } {
  const w = el?.clientWidth ?? Math.floor(host.clientWidth / 3);
  return { width: Math.max(280, w - 4), height: PLOT_HEIGHT };
}

/** chart height [CSS px] including title and legend rows */
const PLOT_HEIGHT = 190;
