// Live plots of the metrics rows (uPlot): the voltage curve against time or charge, the current
// density, the deposit heights and roughness, the minimum surface concentration, and the nuclei.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRow } from '../sim/types.ts';

export type XAxis = 'time' | 'charge';
export type XScale = 'linear' | 'log';

interface ChartSpec {
  title: string;
  unit: string;
  series: { key: keyof MetricsRow; label: string; stroke: string }[];
}

const CHARTS: ChartSpec[] = [
  { title: 'voltage curve E', unit: 'V', series: [{ key: 'applied_potential_V', label: 'E [V]', stroke: '#f4a261' }] },
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

const AXIS = { stroke: '#c8ccd4', grid: { stroke: 'rgba(255,255,255,0.08)' }, ticks: { stroke: 'rgba(255,255,255,0.15)' } };

export class Plots {
  private readonly charts: uPlot[] = [];
  private readonly columns: number[][] = [];
  private x: XAxis = 'time';
  private xScale: XScale = 'linear';
  private dirty = false;
  private rows: MetricsRow[] = [];

  constructor(private readonly host: HTMLElement) {
    for (const spec of CHARTS) {
      const el = document.createElement('div');
      el.className = 'plot';
      host.appendChild(el);
      const chart = new uPlot(this.options(spec, el), [[], ...spec.series.map(() => [])], el);
      this.charts.push(chart);
    }
    new ResizeObserver(() => this.resize()).observe(host);
  }

  private options(spec: ChartSpec, el?: HTMLElement): uPlot.Options {
    return {
      title: `${spec.title} [${spec.unit}]`,
      ...this.size(el),
      scales: {
        // log: the nucleation and Sand stages (ms) and the growth (minutes) on one axis
        x: this.xScale === 'log' ? { time: false, distr: 3 } : { time: false },
        // a held current or potential is flat to 1e-7: give the axis a visible span around it
        y: {
          range: (_u, lo, hi) => {
            const span = hi - lo;
            const pad = span < 1e-3 * Math.max(Math.abs(hi), Math.abs(lo), 1e-12) ? Math.max(Math.abs(hi) * 0.05, 1e-9) : span * 0.05;
            return [lo - pad, hi + pad];
          },
        },
      },
      // the legend names each curve and, under the cursor, shows its value there
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      axes: [
        { ...AXIS, label: this.xLabel(), space: 44 },
        { ...AXIS, size: 60, space: 24 },
      ],
      series: [{ label: this.xLabel() }, ...spec.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5 }))],
    };
  }

  private xLabel(): string {
    return this.x === 'time' ? 'time [s]' : 'charge [mAh/cm²]';
  }

  setXAxis(x: XAxis, scale: XScale = this.xScale): void {
    if (x === this.x && scale === this.xScale) return;
    this.x = x;
    this.xScale = scale;
    CHARTS.forEach((spec, k) => {
      const el = this.charts[k].root.parentElement!;
      this.charts[k].destroy();
      this.charts[k] = new uPlot(this.options(spec, el), [[], ...spec.series.map(() => [])], el);
    });
    this.setRows(this.rows);
  }

  /** Replaces the data (after a reset or a restore); plotted on the next flush. */
  setRows(rows: readonly MetricsRow[]): void {
    this.rows = [...rows];
    this.columns.length = 0;
    this.dirty = true;
  }

  push(row: MetricsRow): void {
    this.rows.push(row);
    this.dirty = true;
  }

  /** Redraws if rows arrived since the last call (the app calls this a few times a second). */
  flush(): void {
    if (!this.dirty) return;
    this.dirty = false;
    // a log axis has no place for t = 0
    const rows = this.xScale === 'log' ? this.rows.filter((r) => this.xOf(r) > 0) : this.rows;
    const xs = rows.map((r) => this.xOf(r));
    CHARTS.forEach((spec, k) => {
      // undefined metrics (NaN, METRIC_UNDEFINED_WHEN) are gaps: uPlot draws null as a break
      const data: uPlot.AlignedData = [xs, ...spec.series.map((s) => rows.map((r) => (Number.isNaN(r[s.key]) ? null : r[s.key])))];
      this.charts[k].setData(data);
    });
  }

  private xOf(r: MetricsRow): number {
    return this.x === 'time' ? r.time_s : r.charge_mAh_cm2;
  }

  /** The x scale the charts draw with (uPlot's own state: distr 3 is log). */
  xScaleDrawn(): XScale {
    return this.charts.every((c) => c.scales.x.distr === 3) ? 'log' : 'linear';
  }

  /** Points in each chart (what it shows now). */
  pointCounts(): number[] {
    return this.charts.map((c) => c.data[0]?.length ?? 0);
  }

  /** Each chart fills its cell of the grid under the field view (src/app/style.css, #plots). */
  private size(el?: HTMLElement): { width: number; height: number } {
    const w = el?.clientWidth ?? Math.floor(this.host.clientWidth / 3);
    return { width: Math.max(280, w - 4), height: PLOT_HEIGHT };
  }

  private resize(): void {
    for (const c of this.charts) {
      const s = this.size(c.root.parentElement ?? undefined);
      if (Math.abs(c.width - s.width) > 2 || Math.abs(c.height - s.height) > 2) c.setSize(s);
    }
  }
}

/** chart height [CSS px] including title and legend rows */
const PLOT_HEIGHT = 190;
