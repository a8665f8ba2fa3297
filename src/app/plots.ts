// Live plots of the metrics rows (uPlot): the voltage curve against time or charge, the current
// density, the deposit heights and roughness, the minimum surface concentration, and the nuclei.

import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { MetricsRow } from '../sim/types.ts';

export type XAxis = 'time' | 'charge';

interface ChartSpec {
  title: string;
  unit: string;
  series: { key: keyof MetricsRow; label: string; stroke: string }[];
}

const CHARTS: ChartSpec[] = [
  { title: 'voltage curve E', unit: 'V', series: [{ key: 'applied_potential_V', label: 'E', stroke: '#f4a261' }] },
  { title: 'current density', unit: 'mA/cm²', series: [{ key: 'current_density_mA_cm2', label: 'i', stroke: '#8ecae6' }] },
  {
    title: 'deposit: mean (green), max (red), roughness (violet)',
    unit: 'µm',
    series: [
      { key: 'deposit_mean_height_um', label: 'mean height', stroke: '#90be6d' },
      { key: 'deposit_max_height_um', label: 'max height', stroke: '#f94144' },
      { key: 'roughness_um', label: 'roughness', stroke: '#c77dff' },
    ],
  },
  { title: 'min surface conc.', unit: 'c/c₀', series: [{ key: 'surface_min_conc', label: 'c_min', stroke: '#4cc9f0' }] },
  {
    title: 'nuclei: born (orange), islands (teal)',
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
  private dirty = false;
  private rows: MetricsRow[] = [];

  constructor(private readonly host: HTMLElement) {
    for (const spec of CHARTS) {
      const el = document.createElement('div');
      el.className = 'plot';
      host.appendChild(el);
      const chart = new uPlot(this.options(spec), [[], ...spec.series.map(() => [])], el);
      this.charts.push(chart);
    }
    new ResizeObserver(() => this.resize()).observe(host);
  }

  private options(spec: ChartSpec): uPlot.Options {
    return {
      title: `${spec.title} [${spec.unit}]`,
      ...this.size(),
      scales: {
        x: { time: false },
        // a held current or potential is flat to 1e-7: give the axis a visible span around it
        y: {
          range: (_u, lo, hi) => {
            const span = hi - lo;
            const pad = span < 1e-3 * Math.max(Math.abs(hi), Math.abs(lo), 1e-12) ? Math.max(Math.abs(hi) * 0.05, 1e-9) : span * 0.05;
            return [lo - pad, hi + pad];
          },
        },
      },
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      axes: [{ ...AXIS, label: this.xLabel() }, { ...AXIS, size: 56 }],
      series: [{ label: this.xLabel() }, ...spec.series.map((s) => ({ label: s.label, stroke: s.stroke, width: 1.5 }))],
    };
  }

  private xLabel(): string {
    return this.x === 'time' ? 'time [s]' : 'charge [mAh/cm²]';
  }

  setXAxis(x: XAxis): void {
    if (x === this.x) return;
    this.x = x;
    CHARTS.forEach((spec, k) => {
      const el = this.charts[k].root.parentElement!;
      this.charts[k].destroy();
      this.charts[k] = new uPlot(this.options(spec), [[], ...spec.series.map(() => [])], el);
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
    const xs = this.rows.map((r) => (this.x === 'time' ? r.time_s : r.charge_mAh_cm2));
    CHARTS.forEach((spec, k) => {
      // undefined metrics (NaN, METRIC_UNDEFINED_WHEN) are gaps: uPlot draws null as a break
      const data: uPlot.AlignedData = [xs, ...spec.series.map((s) => this.rows.map((r) => (Number.isNaN(r[s.key]) ? null : r[s.key])))];
      this.charts[k].setData(data);
    });
  }

  /** Charts share the strip under the field view side by side. */
  private size(): { width: number; height: number } {
    const w = Math.floor((this.host.clientWidth - 12) / CHARTS.length) - 4;
    return { width: Math.max(220, w), height: Math.max(120, this.host.clientHeight - 46) };
  }

  private resize(): void {
    const s = this.size();
    for (const c of this.charts) if (Math.abs(c.width - s.width) > 2 || Math.abs(c.height - s.height) > 2) c.setSize(s);
  }
}
