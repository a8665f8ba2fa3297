// Files the app hands to the user: a PNG snapshot (field, colour bar, scale bar and caption), the
// metrics CSV (the CLI's columns), the fields as VTK ImageData, the scenario JSON, a WebM video.

import { metricsCsv } from '../io/csvFormat.ts';
import { fieldsVti } from '../io/vti.ts';
import type { Fields, MetricsRow } from '../sim/types.ts';
import { ticks, type LegendEntry } from './layers.ts';
import { colormap } from '../io/colormap.ts';

export function download(name: string, data: Blob | string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportCsv(name: string, rows: readonly MetricsRow[]): void {
  download(`${name}.csv`, metricsCsv(rows), 'text/csv');
}

export function exportVti(name: string, f: Fields, c0_mol_L: number, time_s: number): void {
  download(`${name}.vti`, fieldsVti(f, c0_mol_L, time_s), 'application/xml');
}

export interface SnapshotOverlay {
  colormap: string;
  range: [number, number];
  label: string;
  unit: string;
  /** a categorical layer: its colours, listed in place of the colour map */
  legend?: readonly LegendEntry[];
  /** scale bar: length in µm and in device pixels */
  bar_um: number;
  bar_px: number;
  caption: string;
}

/** Composites the field canvas (drawn in the same task by `redraw`) with its colour bar and scale bar. */
export function snapshotPng(field: HTMLCanvasElement, redraw: () => void, o: SnapshotOverlay): Promise<Blob> {
  const pad = 16;
  const barW = 110;
  const capH = 28;
  const out = document.createElement('canvas');
  out.width = field.width + barW + 2 * pad;
  out.height = field.height + capH + pad;
  const g = out.getContext('2d')!;
  g.fillStyle = '#1b1d22';
  g.fillRect(0, 0, out.width, out.height);
  redraw();
  g.drawImage(field, pad, capH);
  g.fillStyle = '#e6e8ec';
  g.font = '14px sans-serif';
  g.fillText(o.caption, pad, 19);
  // colour bar
  const x0 = field.width + 2 * pad;
  const y0 = capH + 34;
  const h = Math.max(80, field.height - 60);
  const lut = colormap(o.colormap);
  for (let y = 0; y < h && !o.legend; y++) {
    const k = Math.round((1 - y / (h - 1)) * 255) * 4;
    g.fillStyle = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
    g.fillRect(x0, y0 + y, 18, 1);
  }
  g.fillStyle = '#e6e8ec';
  g.font = '12px sans-serif';
  // the layer's name, wrapped to the colour bar's column
  const lines: string[] = [];
  for (const word of o.label.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && g.measureText(`${last} ${word}`).width <= barW - 8) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  lines.slice(-2).forEach((line, k, all) => g.fillText(line, x0 - 4, y0 - 8 - 14 * (all.length - 1 - k)));
  o.legend?.forEach((e, k) => {
    g.fillStyle = `rgb(${e.rgb.join(',')})`;
    g.fillRect(x0, y0 + 22 * k, 14, 14);
    g.fillStyle = '#e6e8ec';
    g.fillText(e.label, x0 + 20, y0 + 22 * k + 11);
  });
  if (!o.legend) g.fillText(`[${o.unit}]`, x0 + 22, y0 + h + 16);
  const [lo, hi] = o.range;
  for (const t of o.legend ? [] : ticks(lo, hi)) {
    const y = y0 + (1 - (t - lo) / (hi - lo)) * (h - 1);
    g.fillRect(x0 + 18, y, 4, 1);
    g.fillText(formatTick(t), x0 + 26, y + 4);
  }
  // scale bar, bottom left of the field
  const sy = capH + field.height - 18;
  g.fillStyle = '#ffffff';
  g.fillRect(pad + 14, sy, o.bar_px, 4);
  g.fillText(`${o.bar_um} µm`, pad + 14, sy - 6);
  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'));
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(4)));
}

/** Records the field canvas as WebM (VP9 where available, VP8 otherwise). */
export class Recorder {
  private rec?: MediaRecorder;
  private chunks: Blob[] = [];

  get recording(): boolean {
    return this.rec?.state === 'recording';
  }

  static supported(): boolean {
    return typeof MediaRecorder !== 'undefined' && typeof HTMLCanvasElement.prototype.captureStream === 'function';
  }

  start(canvas: HTMLCanvasElement): void {
    if (!Recorder.supported()) throw new Error('this browser cannot record a canvas (MediaRecorder / captureStream missing)');
    const mimeType = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'].find((t) => MediaRecorder.isTypeSupported(t));
    if (!mimeType) throw new Error('this browser cannot encode WebM');
    this.chunks = [];
    this.rec = new MediaRecorder(canvas.captureStream(30), { mimeType, videoBitsPerSecond: 8_000_000 });
    this.rec.ondataavailable = (e) => e.data.size > 0 && this.chunks.push(e.data);
    this.rec.start(1000);
  }

  stop(): Promise<Blob> {
    const rec = this.rec;
    if (!rec) return Promise.reject(new Error('not recording'));
    return new Promise((resolve) => {
      rec.onstop = () => resolve(new Blob(this.chunks, { type: 'video/webm' }));
      rec.stop();
      this.rec = undefined;
    });
  }
}
