// `dendrite sweep plot`: a metric of a sweep's finished runs against its axes, drawn by Vega-Lite
// (rendered to SVG in Node, no browser). Two axes give a heatmap of the mean over replicates; one
// gives lines, one per value of a second axis when there is one, with every replicate as a point.

import type { ScenarioValue } from '../model/scenario.ts';
import { runRow, runState, type SweepIndex } from './table.ts';

export interface PlotRow {
  params: Record<string, ScenarioValue>;
  seed: number;
  value: number;
}

/** The finished runs that have a finite value of `metric`. */
export function plotRows(dir: string, index: SweepIndex, metric: string): PlotRow[] {
  const rows: PlotRow[] = [];
  for (const run of index.runs) {
    const st = runState(dir, run);
    if (st.status !== 'done' || !st.summary) continue;
    const v = runRow(run, st)[metric];
    if (typeof v === 'number' && Number.isFinite(v)) rows.push({ params: run.params, seed: run.seed, value: v });
  }
  return rows;
}

const isLog = (index: SweepIndex, key: string) => index.spec.axes.some((a) => a.key === key && a.kind === 'log');

/** The Vega-Lite spec. Data fields get plain names: Vega-Lite reads a dot in a field name as a path. */
export function plotSpec(rows: readonly PlotRow[], o: { metric: string; x: string; y?: string; axes: string[]; index?: SweepIndex }): Record<string, unknown> {
  const series = o.y === undefined ? o.axes.find((a) => a !== o.x) : undefined;
  const values = rows.map((r) => ({ x: r.params[o.x], y: o.y ? r.params[o.y] : undefined, s: series ? String(r.params[series]) : undefined, seed: r.seed, v: r.value }));
  const numericX = values.every((d) => typeof d.x === 'number');
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', data: { values }, config: { background: 'white', font: 'sans-serif' } };
  if (o.y !== undefined) {
    const enc = {
      x: { field: 'x', type: 'ordinal', title: o.x, sort: 'ascending' },
      y: { field: 'y', type: 'ordinal', title: o.y, sort: 'descending' },
    };
    return {
      ...base,
      width: { step: 70 },
      height: { step: 40 },
      title: `${o.metric} (mean over replicates)`,
      layer: [
        { mark: 'rect', encoding: { ...enc, color: { aggregate: 'mean', field: 'v', type: 'quantitative', title: o.metric, scale: { scheme: 'viridis' }, legend: { titleLimit: 400 } } } },
        { mark: { type: 'text', fontSize: 10 }, encoding: { ...enc, text: { aggregate: 'mean', field: 'v', type: 'quantitative', format: '.3~g' }, color: { value: 'white' } } },
      ],
    };
  }
  const xEnc = numericX
    ? { field: 'x', type: 'quantitative', title: o.x, scale: o.index && isLog(o.index, o.x) ? { type: 'log' } : { zero: false } }
    : { field: 'x', type: 'ordinal', title: o.x };
  const colour = series ? { field: 's', type: 'nominal', title: series } : { value: '#1f77b4' };
  return {
    ...base,
    width: 420,
    height: 280,
    title: o.metric,
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x: xEnc, y: { aggregate: 'mean', field: 'v', type: 'quantitative', title: `${o.metric} (mean)`, scale: { zero: false } }, color: colour } },
      { mark: { type: 'point', opacity: 0.5, filled: true, size: 20 }, encoding: { x: xEnc, y: { field: 'v', type: 'quantitative' }, color: colour } },
    ],
  };
}

export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const { compile } = await import('vega-lite');
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: 'none' });
  return view.toSVG();
}
