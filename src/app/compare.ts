// Compare mode (compare.html): 2–4 runs side by side, advanced together — in one GPU batch, the same
// dispatches, when they share a grid (createGpuBatch) — with shared play, pause and step, one plot set
// with a coloured line per run, runs added from a preset or from run 1 with one key changed, and the
// address bar holding every run. Below it, the sweep viewer: a folder written by `dendrite sweep`
// opened with the file picker or dropped, its montage and table shown, a run opened in the live view.

import './style.css';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getGpu } from '../gpu/device.ts';
import { parseCsvRecords } from '../io/csvFormat.ts';
import { phaseFieldImage } from '../io/fieldImage.ts';
import { applyOverrides, listPresets, presetScenario, scenarioFromJson, type Scenario } from '../model/scenario.ts';
import { createGpuBatch, createSimulation, gpuBatchKey, type Simulation } from '../sim/simulation.ts';
import type { MetricsRow } from '../sim/types.ts';
import { decodeShare, encodeShare } from './share.ts';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
export const RUN_COLOURS = ['#f4a261', '#8ecae6', '#90be6d', '#c77dff'];
export const MAX_RUNS = 4;
const DEFAULT_RUNS = ['preset=first-dendrites&drive.overpotential_V=-0.3', 'preset=first-dendrites'];

interface Run {
  scenario: Scenario;
  preset?: string;
}

const CHARTS: { key: keyof MetricsRow; title: string }[] = [
  { key: 'applied_potential_V', title: 'electrode potential E [V]' },
  { key: 'current_density_mA_cm2', title: 'current density [mA/cm²]' },
  { key: 'deposit_max_height_um', title: 'max deposit height [µm]' },
  { key: 'surface_min_conc', title: 'min surface conc. [c/c₀]' },
];

/** "preset · key=value …": what makes a run differ from its preset. */
function runLabel(r: Run): string {
  const q = new URLSearchParams(encodeShare(r.scenario, r.preset));
  const parts = [...q].filter(([k]) => k !== 'preset' && k !== 'run.seed').map(([k, v]) => `${k}=${v}`);
  const seed = q.get('run.seed');
  return [r.preset ?? 'custom', ...parts, ...(seed && seed !== '1' ? [`seed=${seed}`] : [])].join(' · ');
}

function message(text: string, kind: 'info' | 'error' = 'info'): void {
  const el = document.createElement('div');
  el.className = `msg ${kind}`;
  el.textContent = text;
  $('messages').appendChild(el);
  if (kind === 'info') setTimeout(() => el.remove(), 6000);
}

class CompareApp {
  runs: Run[] = [];
  private sims: Simulation[] = [];
  private batched = false;
  private backend: 'gpu' | 'cpu' = 'cpu';
  private playing = false;
  private busy = false;
  private charts: uPlot[] = [];
  private canvases: HTMLCanvasElement[] = [];

  async start(): Promise<void> {
    const params = new URLSearchParams(location.search);
    const queries = params.getAll('run');
    try {
      this.runs = (queries.length ? queries : DEFAULT_RUNS).map((q) => {
        const d = decodeShare(q);
        return { scenario: d.scenario, preset: d.preset };
      });
      if (this.runs.length > MAX_RUNS) throw new Error(`${this.runs.length} runs in the link; compare mode shows at most ${MAX_RUNS}`);
    } catch (e) {
      message(`The link's runs were not loaded: ${(e as Error).message}. Showing the default pair instead.`, 'error');
      this.runs = DEFAULT_RUNS.map((q) => ({ scenario: decodeShare(q).scenario, preset: decodeShare(q).preset }));
    }
    const forced = params.get('view.backend');
    this.backend = forced === 'cpu' ? 'cpu' : await getGpu().then(() => 'gpu' as const, () => 'cpu' as const);
    this.bindControls();
    await this.rebuild();
    requestAnimationFrame(() => this.frame());
  }

  private bindControls(): void {
    const select = $<HTMLSelectElement>('add-preset');
    for (const p of listPresets()) select.add(new Option(p.name, p.name));
    $('play').addEventListener('click', () => this.togglePlay());
    $('step').addEventListener('click', () => void this.exclusive(() => this.advance(this.stepsPerBatch())));
    $('reset').addEventListener('click', () => void this.exclusive(() => this.rebuild()));
    $('add-preset-go').addEventListener('click', () => void this.add({ scenario: presetScenario(select.value), preset: select.value }));
    $('add-key-go').addEventListener('click', () => {
      const key = $<HTMLInputElement>('add-key').value.trim();
      const value = $<HTMLInputElement>('add-value').value.trim();
      try {
        const first = this.runs[0];
        void this.add({ scenario: applyOverrides(first.scenario, [`${key}=${value}`]), preset: first.preset });
      } catch (e) {
        message((e as Error).message, 'error');
      }
    });
    window.addEventListener('keydown', (e) => {
      if (e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === ' ') {
        e.preventDefault();
        this.togglePlay();
      } else if (e.key === '.') void this.exclusive(() => this.advance(this.stepsPerBatch()));
      else if (e.key === 'r') void this.exclusive(() => this.rebuild());
    });
  }

  private stepsPerBatch(): number {
    return Math.max(...this.runs.map((r) => r.scenario.run['metrics_every_steps'] as number));
  }

  /** Pauses and waits for the step in progress: the runs change only between steps. */
  private async idle(): Promise<void> {
    this.playing = false;
    this.status();
    while (this.busy) await new Promise((r) => setTimeout(r, 20));
  }

  async add(run: Run): Promise<void> {
    await this.idle();
    if (this.runs.length >= MAX_RUNS) {
      message(`compare mode shows at most ${MAX_RUNS} runs: remove one first`, 'error');
      return;
    }
    this.runs.push(run);
    await this.exclusive(() => this.rebuild());
  }

  async remove(k: number): Promise<void> {
    await this.idle();
    if (this.runs.length <= 1) return;
    this.runs.splice(k, 1);
    await this.exclusive(() => this.rebuild());
  }

  private async exclusive<T>(f: () => Promise<T>): Promise<T | undefined> {
    if (this.busy) return undefined;
    this.busy = true;
    try {
      return await f();
    } catch (e) {
      message((e as Error).message, 'error');
      this.playing = false;
      return undefined;
    } finally {
      this.busy = false;
    }
  }

  /** New simulations for the runs (one GPU batch when they share a grid), the cards, the plots, the link. */
  async rebuild(): Promise<void> {
    for (const s of this.sims) s.destroy();
    this.sims = [];
    const scenarios = this.runs.map((r) => r.scenario);
    const key = gpuBatchKey(scenarios[0]);
    this.batched = this.backend === 'gpu' && scenarios.length > 1 && key !== undefined && scenarios.every((s) => gpuBatchKey(s) === key);
    if (this.batched) this.sims = await createGpuBatch(scenarios);
    else for (const s of scenarios) this.sims.push(await createSimulation(s, { backend: this.backend }));
    history.replaceState(null, '', `?${this.query()}`);
    this.renderCards();
    this.renderPlots();
    await this.draw();
    this.status();
  }

  query(): string {
    const q = new URLSearchParams();
    for (const r of this.runs) q.append('run', encodeShare(r.scenario, r.preset));
    if (this.backend === 'cpu' && new URLSearchParams(location.search).get('view.backend') === 'cpu') q.append('view.backend', 'cpu');
    return q.toString();
  }

  private renderCards(): void {
    const host = $('runs');
    host.innerHTML = '';
    this.canvases = this.runs.map((r, k) => {
      const card = document.createElement('figure');
      card.className = 'run-card';
      card.style.borderTopColor = RUN_COLOURS[k];
      const canvas = document.createElement('canvas');
      const cap = document.createElement('figcaption');
      const chip = document.createElement('span');
      chip.className = 'chip';
      chip.style.background = RUN_COLOURS[k];
      cap.append(chip, ` ${k + 1}. ${runLabel(r)}`);
      const open = document.createElement('a');
      open.href = `./index.html?${encodeShare(r.scenario, r.preset)}`;
      open.textContent = 'live view';
      open.className = 'open';
      const del = document.createElement('button');
      del.textContent = '×';
      del.title = 'remove this run';
      del.addEventListener('click', () => void this.remove(k));
      cap.append(' ', open, del);
      const stat = document.createElement('div');
      stat.className = 'run-stat';
      card.append(canvas, cap, stat);
      host.appendChild(card);
      return canvas;
    });
  }

  private renderPlots(): void {
    const host = $('cmp-plots');
    for (const c of this.charts) c.destroy();
    host.innerHTML = '';
    const els = CHARTS.map(() => {
      const el = document.createElement('div');
      el.className = 'plot';
      host.appendChild(el);
      return el;
    });
    this.charts = CHARTS.map((spec, c) => {
      const el = els[c];
      // the grid cell's width, once every cell is in the grid
      const width = Math.max(240, Math.floor(el.getBoundingClientRect().width) - 4);
      const opts: uPlot.Options = {
        title: spec.title,
        width,
        height: 170,
        scales: { x: { time: false } },
        axes: [
          { stroke: '#c8ccd4', grid: { stroke: 'rgba(255,255,255,0.08)' }, label: 'time [s]' },
          { stroke: '#c8ccd4', grid: { stroke: 'rgba(255,255,255,0.08)' }, size: 60 },
        ],
        series: [{ label: 't [s]' }, ...this.runs.map((_, k) => ({ label: `${k + 1}`, stroke: RUN_COLOURS[k], width: 1.5, spanGaps: true }))],
      };
      return new uPlot(opts, [[], ...this.runs.map(() => [])], el);
    });
  }

  private updatePlots(): void {
    CHARTS.forEach((spec, c) => {
      const tables = this.sims.map((s) => [s.rows.map((r) => r.time_s), s.rows.map((r) => r[spec.key] as number)] as uPlot.AlignedData);
      this.charts[c].setData(uPlot.join(tables) as uPlot.AlignedData);
    });
  }

  private async draw(): Promise<void> {
    // ξ is all the picture needs: the metrics' own readback has it, so only a run without a row yet reads back
    const empty = new Float64Array(0);
    const fields = await Promise.all(
      this.sims.map(async (s) => {
        const xi = s.xiAtRow;
        return xi ? { nx: s.d.nx, ny: s.d.ny, dx_um: s.d.h, xi, c: empty, phi_V: empty } : s.readFields();
      }),
    );
    fields.forEach((f, k) => {
      const img = phaseFieldImage(f, { minSize: 192 }, this.sims[k].geometry);
      const canvas = this.canvases[k];
      canvas.width = img.width;
      canvas.height = img.height;
      canvas.getContext('2d')!.putImageData(new ImageData(Uint8ClampedArray.from(img.rgba), img.width, img.height), 0, 0);
      const last = this.sims[k].rows.at(-1);
      const stat = canvas.parentElement!.querySelector('.run-stat')!;
      stat.textContent = last
        ? `t = ${last.time_s.toPrecision(3)} s · ${last.charge_mAh_cm2.toPrecision(3)} mAh/cm² · E = ${last.applied_potential_V.toFixed(3)} V · max ${last.deposit_max_height_um.toFixed(2)} µm`
        : 't = 0';
    });
    this.updatePlots();
  }

  private status(): void {
    const how = this.batched ? `one GPU batch of ${this.sims.length} (same dispatches)` : this.backend === 'gpu' ? 'GPU, one solver per run' : 'f64 CPU, one after another';
    $('status').textContent = `${this.runs.length} runs · ${how} · ${this.playing ? 'playing' : 'paused'}`;
    $('play').textContent = this.playing ? '❚❚ pause' : '▶ play';
  }

  /** n steps of every run, together: the runs of a batch share each round of dispatches. */
  async advance(n: number): Promise<void> {
    // every run finishes its steps before an error is reported (a batch's members share rounds)
    const results = await Promise.allSettled(this.sims.map((s) => s.run({ maxSteps: s.steps + n })));
    await this.draw();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private togglePlay(): void {
    this.playing = !this.playing;
    this.status();
  }

  private frame(): void {
    if (this.playing && !this.busy) void this.exclusive(() => this.advance(this.stepsPerBatch()));
    requestAnimationFrame(() => this.frame());
  }

  hooks() {
    return {
      state: () => ({
        runs: this.runs.length,
        labels: this.runs.map(runLabel),
        batched: this.batched,
        backend: this.backend,
        steps: this.sims.map((s) => s.steps),
        time_s: this.sims.map((s) => s.time_s),
        rows: this.sims.map((s) => s.rows.length),
        query: location.search,
        plotSeries: this.charts.map((c) => c.series.length - 1),
        playing: this.playing,
        busy: this.busy,
      }),
      advance: (n: number) => this.exclusive(() => this.advance(n)),
      busy: () => this.busy,
      readXi: async (k: number) => Array.from((await this.sims[k].readFields()).xi),
    };
  }
}

// ---- sweep viewer

const SHOWN_METRICS = ['charge_mAh_cm2', 'deposit_max_height_um', 'deposit_porosity', 'tip_count', 'applied_potential_V'];

/** Files of a dropped or picked folder, by path relative to the sweep folder (runs.csv's folder). */
async function showSweep(files: Map<string, File>): Promise<void> {
  const view = $('sweep-view');
  view.innerHTML = '';
  const csvPath = [...files.keys()].filter((p) => p === 'runs.csv' || p.endsWith('/runs.csv')).sort((a, b) => a.length - b.length)[0];
  if (!csvPath) {
    message('no runs.csv among the files: choose the folder `dendrite sweep --out DIR` wrote', 'error');
    return;
  }
  const root = csvPath.slice(0, csvPath.length - 'runs.csv'.length);
  const records = parseCsvRecords(await files.get(csvPath)!.text());
  const [header, ...rows] = records;
  const at = (name: string) => header.indexOf(name);
  const axes = header.slice(at('reason') + 1, at('run.seed'));
  const montage = files.get(`${root}montage.png`);
  if (montage) {
    const img = document.createElement('img');
    img.src = URL.createObjectURL(montage);
    img.alt = 'the sweep montage';
    img.className = 'montage';
    view.appendChild(img);
  }
  const table = document.createElement('table');
  table.className = 'sweep-table';
  const cols = ['run_id', 'status', 'reason', ...axes, 'run.seed', ...SHOWN_METRICS.filter((m) => at(m) >= 0)];
  const head = table.createTHead().insertRow();
  for (const c of cols) head.insertCell().textContent = c;
  const body = table.createTBody();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.run = r[at('run_id')];
    for (const c of cols) {
      const v = r[at(c)] ?? '';
      const n = Number(v);
      tr.insertCell().textContent = v !== '' && Number.isFinite(n) && !['run_id', 'run.seed'].includes(c) ? String(Number(n.toPrecision(4))) : v;
    }
    const scenarioFile = files.get(`${root}runs/${r[at('run_id')]}/scenario.json`);
    if (scenarioFile) {
      tr.classList.add('openable');
      tr.title = 'open this run in the live view';
      tr.addEventListener('click', async () => {
        try {
          const s = scenarioFromJson(await scenarioFile.text(), scenarioFile.name);
          location.href = `./index.html?${encodeShare(s)}`;
        } catch (e) {
          message((e as Error).message, 'error');
        }
      });
    }
  }
  view.appendChild(table);
  const openable = body.querySelectorAll('tr.openable').length;
  if (openable === 0) message('runs.csv alone: drop or choose the whole sweep folder to open its runs in the live view');
  view.dataset.runs = String(rows.length);
}

async function entryFiles(entry: FileSystemEntry, into: Map<string, File>): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
    into.set(entry.fullPath.replace(/^\//, ''), file);
  } else if (entry.isDirectory) {
    const reader = (entry as FileSystemDirectoryEntry).createReader();
    for (;;) {
      const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) break;
      for (const e of batch) await entryFiles(e, into);
    }
  }
}

function bindSweepViewer(): void {
  $<HTMLInputElement>('sweep-folder').addEventListener('change', (e) => {
    const files = new Map<string, File>();
    for (const f of (e.target as HTMLInputElement).files ?? []) files.set(f.webkitRelativePath || f.name, f);
    void showSweep(files);
  });
  const drop = $('sweep-drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    const files = new Map<string, File>();
    const entries = [...(e.dataTransfer?.items ?? [])].map((i) => i.webkitGetAsEntry?.()).filter((x): x is FileSystemEntry => !!x);
    void Promise.all(entries.map((en) => entryFiles(en, files))).then(() => showSweep(files));
  });
}

async function boot(): Promise<void> {
  bindSweepViewer();
  const app = new CompareApp();
  (window as unknown as { dendriteCompare: unknown }).dendriteCompare = app.hooks();
  await app.start();
  document.body.dataset.state = 'ready';
}

boot().catch((e: Error) => {
  console.error(e);
  message(e.message, 'error');
  document.body.dataset.state = 'failed';
});
