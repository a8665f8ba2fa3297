// Figures for docs/explanation/substrates-and-hosts.md ("Substrates, hosts and seeding"): the presets bare-cu, au-seeded-cu
// and zno-carbon-fibre-host (public/scenarios/*.json, all 1 mA/cm² to 0.1 mAh/cm²; 0.1 µm cells on
// Cu, 0.25 µm in the host) on the f64 CPU backend, each as run by `dendrite run`.
//
//   node --import tsx --loader ./bin/raw-loader.mjs scripts/strategy-figures.ts [--set strategies|sei] [--out docs/<set>]
//
// --set sei: the presets native-sei and li2s-sei instead (docs/explanation/sei.md).
//
// Writes (atomically) into the output folder:
//   <preset>.png   the final ξ field, host solids and seeds drawn (src/io/fieldImage.ts)
//   voltage.png    the applied potential [V] against time for the three runs: log time on the left
//                  (the nucleation dip lies in the first ~2 ms), linear time on the right
//   table.md       the final metrics row of each run, also printed to stdout
// The scenarios are not changed. The runs are advanced one step per Simulation.run call so that the
// voltage curve has a point per step (the presets keep a metrics row every 20 steps); the CPU steps
// are the same either way, so the final row is the one `dendrite run <preset> --backend cpu` writes.

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import { presetScenario } from '../src/model/scenario.ts';
import { createSimulation } from '../src/sim/simulation.ts';
import type { MetricsRow } from '../src/sim/types.ts';

/** the figure sets (--set): presets and their legend labels; output in docs/<set> unless --out */
const SETS: Record<string, { presets: string[]; labels: string[] }> = {
  strategies: { presets: ['bare-cu', 'au-seeded-cu', 'zno-carbon-fibre-host'], labels: ['bare Cu', 'Au-seeded Cu', 'ZnO-coated carbon-fibre host'] },
  sei: { presets: ['native-sei', 'li2s-sei'], labels: ['native carbonate SEI', 'Li2S-type SEI'] },
};
const SET = SETS[argValue(process.argv.slice(2), '--set') ?? 'strategies'];
if (!SET) throw new Error(`--set must be one of ${Object.keys(SETS).join(', ')}`);
const PRESETS = SET.presets;
/** line colours (Okabe–Ito: vermillion, blue, bluish green), in PRESETS order */
const COLOURS: readonly Rgb[] = [
  [213, 94, 0],
  [0, 114, 178],
  [0, 158, 115],
];
const LABELS = SET.labels;
/** integer upscaling of the 128 × 64 ξ images: 2 px per cell, so three fit side by side in docs/explanation/substrates-and-hosts.md */
const FIELD_SCALE = 2;

const TABLE_COLUMNS: readonly (keyof MetricsRow)[] = [
  'nucleation_overpotential_mV',
  'nucleation_events',
  'nuclei_count',
  'nucleus_spacing_cv',
  'collector_coverage',
  'local_current_density_mA_cm2',
  'pore_filling',
  'deposit_max_height_um',
  'roughness_um',
];

type Rgb = readonly [number, number, number];

interface Trace {
  name: string;
  t_s: number[];
  v_V: number[];
  last: MetricsRow;
  steps: number;
  wall_s: number;
}

function argValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (!v) throw new Error(`${flag} needs a value`);
  return v;
}

function parseOut(argv: string[]): string {
  return argValue(argv, '--out') ?? `docs/${argValue(argv, '--set') ?? 'strategies'}`;
}

async function runPreset(name: string, outDir: string): Promise<Trace> {
  const sim = await createSimulation(presetScenario(name), { backend: 'cpu' });
  const t0 = performance.now();
  const t_s: number[] = [];
  const v_V: number[] = [];
  sim.addWriter({
    onMetrics: (row) => {
      t_s.push(row.time_s);
      v_V.push(row.applied_potential_V);
    },
  });
  try {
    let reason: string;
    do {
      reason = (await sim.run({ maxSteps: sim.steps + 1 })).reason;
    } while (reason === 'steps');
    if (reason !== 'time' && reason !== 'charge') process.stderr.write(`strategy-figures: ${name} stopped early: ${reason}\n`);
    const fields = await sim.readFields();
    const img = phaseFieldImage(fields, { scale: FIELD_SCALE }, sim.geometry);
    await writeFileAtomic(join(outDir, `${name}.png`), encodePng(img.width, img.height, img.rgba));
    const last = sim.rows[sim.rows.length - 1];
    if (!last) throw new Error(`${name}: no metrics row`);
    const wall_s = (performance.now() - t0) / 1000;
    process.stdout.write(`${name}: ${reason} after ${sim.steps} steps, t = ${sim.time_s} s, ${wall_s.toFixed(1)} s wall\n`);
    return { name, t_s, v_V, last, steps: sim.steps, wall_s };
  } finally {
    sim.destroy();
  }
}

// ---- markdown table

function fmt(v: number | null | undefined, integer: boolean): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  if (integer) return String(Math.round(v));
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 100) return v.toFixed(0);
  return v.toPrecision(3);
}

function metricsTable(traces: Trace[]): string {
  const ints = new Set<keyof MetricsRow>(['nucleation_events', 'nuclei_count']);
  const head = `| preset | ${TABLE_COLUMNS.map((c) => `\`${c}\``).join(' | ')} |`;
  const rule = `| --- | ${TABLE_COLUMNS.map(() => '---:').join(' | ')} |`;
  const rows = traces.map((t) => `| \`${t.name}\` | ${TABLE_COLUMNS.map((c) => fmt(t.last[c] as number, ints.has(c))).join(' | ')} |`);
  return [head, rule, ...rows].join('\n') + '\n';
}

// ---- a small raster plotter

class Canvas {
  readonly rgba: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.rgba = new Uint8Array(width * height * 4).fill(255);
  }
  set(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = 4 * (y * this.width + x);
    this.rgba[o] = c[0];
    this.rgba[o + 1] = c[1];
    this.rgba[o + 2] = c[2];
    this.rgba[o + 3] = 255;
  }
  rect(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) this.set(x, y, c);
  }
  /** a line of the given width (a square brush along a DDA walk) */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    const r = (width - 1) / 2;
    for (let k = 0; k <= n; k++) {
      const x = x0 + ((x1 - x0) * k) / n;
      const y = y0 + ((y1 - y0) * k) / n;
      for (let dy = -Math.floor(r); dy <= Math.ceil(r); dy++) for (let dx = -Math.floor(r); dx <= Math.ceil(r); dx++) this.set(x + dx, y + dy, c);
    }
  }
  dashedH(x0: number, x1: number, y: number, c: Rgb): void {
    for (let x = x0; x <= x1; x++) if (Math.floor((x - x0) / 3) % 2 === 0) this.set(x, y, c);
  }
  dashedV(x: number, y0: number, y1: number, c: Rgb): void {
    for (let y = y0; y <= y1; y++) if (Math.floor((y - y0) / 3) % 2 === 0) this.set(x, y, c);
  }
}

// 5 × 7 bitmap font for the characters the chart needs
const GLYPHS: Record<string, string[]> = {
  '0': [' ### ', '#   #', '#  ##', '# # #', '##  #', '#   #', ' ### '],
  '1': ['  #  ', ' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  '2': [' ### ', '#   #', '    #', '   # ', '  #  ', ' #   ', '#####'],
  '3': ['#####', '   # ', '  #  ', '   # ', '    #', '#   #', ' ### '],
  '4': ['   # ', '  ## ', ' # # ', '#  # ', '#####', '   # ', '   # '],
  '5': ['#####', '#    ', '#### ', '    #', '    #', '#   #', ' ### '],
  '6': ['  ## ', ' #   ', '#    ', '#### ', '#   #', '#   #', ' ### '],
  '7': ['#####', '    #', '   # ', '  #  ', ' #   ', ' #   ', ' #   '],
  '8': [' ### ', '#   #', '#   #', ' ### ', '#   #', '#   #', ' ### '],
  '9': [' ### ', '#   #', '#   #', ' ####', '    #', '   # ', ' ##  '],
  '.': ['     ', '     ', '     ', '     ', '     ', ' ##  ', ' ##  '],
  ',': ['     ', '     ', '     ', '     ', ' ##  ', '  #  ', ' #   '],
  '-': ['     ', '     ', '     ', '#### ', '     ', '     ', '     '],
  '−': ['     ', '     ', '     ', '#####', '     ', '     ', '     '],
  '(': ['   # ', '  #  ', ' #   ', ' #   ', ' #   ', '  #  ', '   # '],
  ')': [' #   ', '  #  ', '   # ', '   # ', '   # ', '  #  ', ' #   '],
  '/': ['     ', '    #', '   # ', '  #  ', ' #   ', '#    ', '     '],
  ':': ['     ', ' ##  ', ' ##  ', '     ', ' ##  ', ' ##  ', '     '],
  ' ': ['     ', '     ', '     ', '     ', '     ', '     ', '     '],
  A: [' ### ', '#   #', '#   #', '#####', '#   #', '#   #', '#   #'],
  C: [' ### ', '#   #', '#    ', '#    ', '#    ', '#   #', ' ### '],
  L: ['#    ', '#    ', '#    ', '#    ', '#    ', '#    ', '#####'],
  N: ['#   #', '##  #', '# # #', '#  ##', '#   #', '#   #', '#   #'],
  O: [' ### ', '#   #', '#   #', '#   #', '#   #', '#   #', ' ### '],
  V: ['#   #', '#   #', '#   #', '#   #', '#   #', ' # # ', '  #  '],
  S: [' ####', '#    ', '#    ', ' ### ', '    #', '    #', '#### '],
  E: ['#####', '#    ', '#    ', '#### ', '#    ', '#    ', '#####'],
  I: [' ### ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  v: ['     ', '     ', '#   #', '#   #', '#   #', ' # # ', '  #  '],
  Z: ['#####', '    #', '   # ', '  #  ', ' #   ', '#    ', '#####'],
  a: ['     ', '     ', ' ### ', '    #', ' ####', '#   #', ' ####'],
  b: ['#    ', '#    ', '# ## ', '##  #', '#   #', '#   #', '#### '],
  c: ['     ', '     ', ' ### ', '#    ', '#    ', '#   #', ' ### '],
  d: ['    #', '    #', ' ## #', '#  ##', '#   #', '#   #', ' ####'],
  e: ['     ', '     ', ' ### ', '#   #', '#####', '#    ', ' ### '],
  f: ['  ## ', ' #  #', ' #   ', '###  ', ' #   ', ' #   ', ' #   '],
  g: ['     ', ' ####', '#   #', '#   #', ' ####', '    #', ' ### '],
  h: ['#    ', '#    ', '# ## ', '##  #', '#   #', '#   #', '#   #'],
  i: ['  #  ', '     ', ' ##  ', '  #  ', '  #  ', '  #  ', ' ### '],
  l: [' ##  ', '  #  ', '  #  ', '  #  ', '  #  ', '  #  ', ' ### '],
  m: ['     ', '     ', '## # ', '# # #', '# # #', '#   #', '#   #'],
  n: ['     ', '     ', '# ## ', '##  #', '#   #', '#   #', '#   #'],
  o: ['     ', '     ', ' ### ', '#   #', '#   #', '#   #', ' ### '],
  p: ['     ', '     ', '#### ', '#   #', '#### ', '#    ', '#    '],
  r: ['     ', '     ', '# ## ', '##  #', '#    ', '#    ', '#    '],
  s: ['     ', '     ', ' ### ', '#    ', ' ### ', '    #', '#### '],
  t: [' #   ', ' #   ', '###  ', ' #   ', ' #   ', ' #  #', '  ## '],
  u: ['     ', '     ', '#   #', '#   #', '#   #', '#  ##', ' ## #'],
  x: ['     ', '     ', '#   #', ' # # ', '  #  ', ' # # ', '#   #'],
  y: ['     ', '     ', '#   #', '#   #', ' ####', '    #', ' ### '],
};
const FONT_PX = 2; // font pixel size
const ADVANCE = 6 * FONT_PX;
const TEXT_H = 7 * FONT_PX;
const BLACK: Rgb = [0, 0, 0];
const GRID: Rgb = [225, 225, 225];
const GREY: Rgb = [110, 110, 110];

const textWidth = (s: string) => s.length * ADVANCE - FONT_PX;

/** text with its top-left corner at (x, y); vertical: rotated 90° anticlockwise, (x, y) its bottom-left */
function drawText(cv: Canvas, s: string, x: number, y: number, c: Rgb, vertical = false): void {
  [...s].forEach((ch, n) => {
    const g = GLYPHS[ch];
    if (!g) throw new Error(`strategy-figures: no glyph for '${ch}'`);
    for (let gy = 0; gy < 7; gy++) {
      for (let gx = 0; gx < 5; gx++) {
        if (g[gy][gx] !== '#') continue;
        const u = n * ADVANCE + gx * FONT_PX;
        const v = gy * FONT_PX;
        if (vertical) cv.rect(x + v, y - u - FONT_PX, FONT_PX, FONT_PX, c);
        else cv.rect(x + u, y + v, FONT_PX, FONT_PX, c);
      }
    }
  });
}

/** ~n "nice" ticks (1, 2, 5 × 10^k) covering [lo, hi] */
function niceTicks(lo: number, hi: number, n: number): number[] {
  const raw = (hi - lo) / n;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

function tickLabel(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1 ? String(+a.toPrecision(6)) : a.toFixed(Math.max(0, -Math.floor(Math.log10(a) + 1e-9))).replace(/0+$/, '');
  return (v < 0 ? '−' : '') + s;
}

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
  log: boolean;
  tMin: number;
  tMax: number;
  title: string;
}

function drawPanel(cv: Canvas, p: Panel, traces: Trace[], vLo: number, vHi: number, vTicks: number[]): void {
  const tx = (t: number) => (p.log ? (Math.log10(t) - Math.log10(p.tMin)) / (Math.log10(p.tMax) - Math.log10(p.tMin)) : (t - p.tMin) / (p.tMax - p.tMin));
  const X = (t: number) => p.x + tx(t) * p.w;
  const Y = (v: number) => p.y + p.h - ((v - vLo) / (vHi - vLo)) * p.h;
  // grid and ticks
  const xTicks = p.log
    ? Array.from({ length: Math.floor(Math.log10(p.tMax)) - Math.ceil(Math.log10(p.tMin)) + 1 }, (_, k) => 10 ** (Math.ceil(Math.log10(p.tMin)) + k))
    : niceTicks(p.tMin, p.tMax, 4);
  for (const t of xTicks) {
    const x = Math.round(X(t));
    cv.dashedV(x, p.y, p.y + p.h, GRID);
    cv.line(x, p.y + p.h, x, p.y + p.h + 5, BLACK);
    const s = p.log && t < 0.01 ? `1e-${Math.round(-Math.log10(t))}` : tickLabel(t);
    drawText(cv, s, x - textWidth(s) / 2, p.y + p.h + 9, BLACK);
  }
  if (p.log) {
    for (let e = Math.floor(Math.log10(p.tMin)); e < Math.ceil(Math.log10(p.tMax)); e++) {
      for (let m = 2; m <= 9; m++) {
        const t = m * 10 ** e;
        if (t > p.tMin && t < p.tMax) cv.line(Math.round(X(t)), p.y + p.h, Math.round(X(t)), p.y + p.h + 3, BLACK);
      }
    }
  }
  for (const v of vTicks) {
    const y = Math.round(Y(v));
    cv.dashedH(p.x, p.x + p.w, y, GRID);
    cv.line(p.x - 5, y, p.x, y, BLACK);
    const s = tickLabel(v);
    drawText(cv, s, p.x - 9 - textWidth(s), y - TEXT_H / 2, BLACK);
  }
  if (vLo < 0 && vHi > 0) cv.line(p.x, Math.round(Y(0)), p.x + p.w, Math.round(Y(0)), GREY);
  // curves, clipped to the panel
  traces.forEach((tr, n) => {
    let prev: [number, number] | undefined;
    for (let k = 0; k < tr.t_s.length; k++) {
      const t = tr.t_s[k];
      if (!(t >= p.tMin && t <= p.tMax)) {
        prev = undefined;
        continue;
      }
      const pt: [number, number] = [X(t), Math.min(p.y + p.h, Math.max(p.y, Y(tr.v_V[k])))];
      if (prev) cv.line(prev[0], prev[1], pt[0], pt[1], COLOURS[n], 2);
      prev = pt;
    }
  });
  // frame and titles
  cv.line(p.x, p.y, p.x + p.w, p.y, BLACK);
  cv.line(p.x, p.y + p.h, p.x + p.w, p.y + p.h, BLACK);
  cv.line(p.x, p.y, p.x, p.y + p.h, BLACK);
  cv.line(p.x + p.w, p.y, p.x + p.w, p.y + p.h, BLACK);
  drawText(cv, p.title, p.x + (p.w - textWidth(p.title)) / 2, p.y + p.h + 32, BLACK);
}

function voltageChart(traces: Trace[]): { width: number; height: number; rgba: Uint8Array } {
  const W = 1200;
  const H = 520;
  const cv = new Canvas(W, H);
  const all = traces.flatMap((t) => t.v_V).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(0, ...all);
  const pad = 0.05 * (hi - lo || 1);
  const vTicks = niceTicks(lo - pad, hi + pad, 6);
  const vLo = Math.min(lo - pad, vTicks[0]);
  const vHi = Math.max(hi + pad, vTicks[vTicks.length - 1]);
  const tEnd = Math.max(...traces.map((t) => t.t_s[t.t_s.length - 1]));
  const tFirst = Math.min(...traces.map((t) => t.t_s[0]));
  const top = 70;
  const ph = H - top - 80;
  const yLabel = 'applied potential (V)';
  drawText(cv, yLabel, 14, top + (ph + textWidth(yLabel)) / 2, BLACK, true);
  drawPanel(cv, { x: 110, y: top, w: 500, h: ph, log: true, tMin: 10 ** Math.floor(Math.log10(tFirst)), tMax: 10 ** Math.ceil(Math.log10(tEnd)), title: 'time (s), log scale' }, traces, vLo, vHi, vTicks);
  drawPanel(cv, { x: 680, y: top, w: 490, h: ph, log: false, tMin: 0, tMax: tEnd, title: 'time (s)' }, traces, vLo, vHi, vTicks);
  // legend: coloured boxes and names across the top
  let x = 110;
  traces.forEach((_, n) => {
    cv.rect(x, 24, 26, 14, COLOURS[n]);
    drawText(cv, LABELS[n], x + 34, 24, BLACK);
    x += 34 + textWidth(LABELS[n]) + 40;
  });
  return { width: W, height: H, rgba: cv.rgba };
}

async function main(): Promise<void> {
  const outDir = resolve(parseOut(process.argv.slice(2)));
  mkdirSync(outDir, { recursive: true });
  const traces: Trace[] = [];
  for (const name of PRESETS) traces.push(await runPreset(name, outDir));
  const chart = voltageChart(traces);
  await writeFileAtomic(join(outDir, 'voltage.png'), encodePng(chart.width, chart.height, chart.rgba));
  const table = metricsTable(traces);
  await writeFileAtomic(join(outDir, 'table.md'), table);
  process.stdout.write(`\n${table}\nwrote ${PRESETS.map((p) => `${p}.png`).join(', ')}, voltage.png, table.md to ${outDir}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`strategy-figures: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
