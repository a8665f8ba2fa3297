// The browser app without a hardware GPU: the f64 CPU solver runs in a Web Worker (src/app/cpuWorker.ts)
// and the page draws ξ or c from the fields it sends back, on a 2D canvas. The same panel, plots,
// share links and exports as the WebGPU app (src/app/app.ts); the stress and SEI layers, the hover
// readout and the video recorder need the GPU view and are not offered. A banner says why this mode runs.
// The dead-Li layer draws the cells the worker labels dead (src/app/deadLi.ts).

import { applyOverrides, num, presetScenario, text, type Scenario } from '../model/scenario.ts';
import type { MetricsRow } from '../sim/types.ts';
import type { CyclePhase } from '../model/cycling.ts';
import { cyclingPlots, followingEdits } from './applicable.ts';
import { cycleReadout } from './cycling.ts';
import { deadLiImage } from './deadLi.ts';
import { phaseFieldImage } from '../io/fieldImage.ts';
import { colormap, mapValue } from '../io/colormap.ts';
import { fieldsVti } from '../io/vti.ts';
import { decodeShare, encodeShare, scenarioFromJson, scenarioToJson } from './share.ts';
import { Panel } from './panel.ts';
import { Plots } from './plots.ts';
import { layerById, LAYERS, autoRange } from './layers.ts';
import { copyLink, listMessages, pickJsonFile, renderColorBar, showMessage } from './chrome.ts';
import { download, exportCsv } from './exporters.ts';
import type { AppElements } from './app.ts';
import type { FromWorker, Snapshot, ToWorker } from './cpuWorker.ts';

const DEFAULT_PRESET = 'first-dendrites';
/** the layers a 2D canvas draws from what the worker sends: ξ, dead Li (where islands can die) and c */
const cpuLayers = (s: Scenario) => LAYERS.filter((l) => l.id === 'xi' || l.id === 'c' || (l.id === 'dead' && text(s, 'metal.island_contact') === 'none'));

export class CpuApp {
  private readonly worker: Worker;
  private readonly panel: Panel;
  private readonly plots: Plots;
  private scenario!: Scenario;
  private edited!: Scenario;
  private preset: string | undefined;
  private snap?: Snapshot;
  private geometry?: { solid: Uint8Array; seeded: Uint8Array };
  private rows: MetricsRow[] = [];
  private playing = false;
  private pending?: { resolve: (m: FromWorker) => void };
  private busy = false;
  private finished?: string;
  /** drive.mode = cycling: the phase in effect and the cycles completed (from the worker) */
  private phase?: CyclePhase;
  private cyclesDone = 0;
  private range: [number, number] = [0, 1];
  private rate = { t: 0, wall: 0, steps: 0 };

  constructor(
    private readonly el: AppElements,
    private readonly why: string,
  ) {
    this.worker = new Worker(new URL('./cpuWorker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const p = this.pending;
      this.pending = undefined;
      p?.resolve(e.data);
    };
    const unsupported = (what: string) => () => this.note(`${what} needs the WebGPU view; it is not available on the CPU backend.`);
    this.panel = new Panel(el.panel, {
      onPreset: (name) => void this.load(presetScenario(name), name),
      onKey: (key, value) => this.editKey(key, value),
      onRestart: () => void this.load(this.edited, this.preset),
      play: () => this.setPlaying(!this.playing),
      step: () => void this.advance(1),
      reset: () => void this.load(this.scenario, this.preset),
      onView: () => this.draw(),
      fit: () => this.draw(),
      share: () => void this.share(),
      exportJson: () => download(`${this.stem()}.json`, scenarioToJson(this.scenario, this.preset), 'application/json'),
      importJson: () => this.importJson(),
      exportPng: () => el.canvas.toBlob((b) => b && download(`${this.stem()}.png`, b)),
      exportCsv: () => exportCsv(this.stem(), this.rows),
      exportVti: () => this.exportVti(),
      toggleRecord: unsupported('Recording'),
      fullscreen: () => void (el.canvas.closest('#left') ?? el.canvas).requestFullscreen().catch(() => undefined),
    });
    this.panel.setLayers(cpuLayers(presetScenario(DEFAULT_PRESET)));
    this.plots = new Plots(el.plots);
    new ResizeObserver(() => this.draw()).observe(el.canvas);
    window.addEventListener('keydown', (e) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || (t.tagName === 'INPUT' && !['checkbox', 'button'].includes((t as HTMLInputElement).type)))) return;
      if (e.key === ' ') {
        e.preventDefault();
        (document.activeElement as HTMLElement | null)?.blur?.();
        this.setPlaying(!this.playing);
      } else if (e.key === '.') void this.advance(1);
    });
  }

  async start(): Promise<void> {
    this.banner();
    let scenario: Scenario;
    let preset: string | undefined;
    try {
      const shared = decodeShare(location.search);
      preset = shared.preset;
      scenario = shared.scenario;
      if (!preset && [...new URLSearchParams(location.search).keys()].every((k) => k.startsWith('view.'))) {
        preset = DEFAULT_PRESET;
        scenario = presetScenario(DEFAULT_PRESET);
      }
      if (shared.view.layer && cpuLayers(scenario).some((l) => l.id === shared.view.layer)) this.panel.view.layer = shared.view.layer;
    } catch (e) {
      this.error(`The link's scenario was not loaded: ${(e as Error).message}. Showing the ${DEFAULT_PRESET} preset instead.`);
      preset = DEFAULT_PRESET;
      scenario = presetScenario(DEFAULT_PRESET);
    }
    this.panel.view.colormap = layerById(this.panel.view.layer).colormap;
    await this.load(scenario, preset);
    requestAnimationFrame(() => this.frame());
  }

  private banner(): void {
    const item = document.createElement('div');
    item.className = 'msg note banner pinned';
    item.id = 'cpu-banner';
    item.innerHTML =
      `<b>CPU mode.</b> <span class="why"></span> The f64 CPU solver runs in a Web Worker: the same model as on the GPU, ` +
      `slower, with the ξ and c views (no stress or SEI layers, hover readout or video). Browsers with WebGPU: Chrome or Edge 113+ ` +
      `(Linux: <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>), Firefox 141+ on Windows, Safari 26+. ` +
      `Add <code>view.backend=gpu</code> to the address to use a software WebGPU adapter anyway.`;
    item.querySelector('.why')!.textContent = `${this.why[0].toUpperCase()}${this.why.slice(1)}.`;
    this.el.message.prepend(item);
    document.body.dataset.backend = 'cpu';
  }

  private request(m: ToWorker): Promise<FromWorker> {
    return new Promise((resolve) => {
      this.pending = { resolve };
      this.worker.postMessage(m);
    });
  }

  private async load(s: Scenario, preset: string | undefined): Promise<boolean> {
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    this.busy = true;
    const name = preset ?? (s.about?.name as string | undefined) ?? 'scenario';
    this.el.status.textContent = `loading ${name} (${String(s.grid?.nx)} × ${String(s.grid?.ny)} cells) on the CPU…`;
    document.body.dataset.loading = name;
    try {
      const m = await this.request({ type: 'load', scenario: s });
      if (m.type === 'error') {
        this.error(m.message);
        this.panel.show(this.edited ?? s, this.preset);
        return false;
      }
      if (m.type !== 'loaded') return false;
      this.scenario = s;
      this.edited = s;
      this.preset = preset;
      this.finished = undefined;
      this.geometry = { solid: m.solid, seeded: m.seeded };
      this.rows = [];
      this.phase = undefined;
      this.cyclesDone = 0;
      this.plots.setCycling(cyclingPlots(s));
      this.plots.setCycles([]);
      this.absorb(m);
      this.plots.setRows(this.rows);
      this.plots.flush();
      this.panel.show(s, preset);
      this.panel.setLayers(cpuLayers(s));
      this.panel.setCycling(m.phase !== undefined);
      this.panel.setPendingRestart([]);
      this.rate = { t: 0, wall: 0, steps: 0 };
      history.replaceState(null, '', `${location.pathname}?${this.query()}`);
      return true;
    } finally {
      delete document.body.dataset.loading;
      this.busy = false;
      this.draw();
      this.status();
    }
  }

  private absorb(m: Snapshot): void {
    this.snap = m;
    for (const r of m.rows) {
      this.rows.push(r);
      this.plots.push(r);
    }
    for (const e of m.events) this.note(`${e.kind.replace('_', ' ')} at t = ${e.time_s.toPrecision(4)} s: ${e.message}`);
    for (const c of m.cycles) this.plots.pushCycle(c);
    this.phase = m.phase;
    this.cyclesDone = m.cyclesDone;
  }

  /** Runs n steps in the worker (one request in flight). */
  async advance(n: number): Promise<void> {
    while (this.busy) await new Promise((r) => setTimeout(r, 5));
    if (this.finished) return;
    this.busy = true;
    const w0 = performance.now();
    const t0 = this.snap?.time_s ?? 0;
    const s0 = this.snap?.steps ?? 0;
    try {
      const m = await this.request({ type: 'run', steps: n });
      if (m.type === 'error') {
        this.setPlaying(false);
        this.error(m.message);
        return;
      }
      if (m.type !== 'ran') return;
      this.absorb(m);
      this.plots.flush();
      const wall = (performance.now() - w0) / 1000;
      this.rate = { t: this.rate.t + m.time_s - t0, wall: this.rate.wall + wall, steps: this.rate.steps + m.steps - s0 };
      if (m.reason !== 'steps' && m.reason !== 'aborted') {
        this.finished = m.reason;
        this.setPlaying(false);
        this.note(`Run finished: ${m.reason}.`);
      }
    } finally {
      this.busy = false;
      this.draw();
      this.status();
    }
  }

  private frame(): void {
    if (this.playing && !this.busy) void this.advance(Math.max(1, num(this.scenario, 'run.metrics_every_steps')));
    requestAnimationFrame(() => this.frame());
  }

  setPlaying(on: boolean): void {
    if (on && this.finished) {
      this.note(`The run has finished (${this.finished}); raise its limit or reset.`);
      on = false;
    }
    this.playing = on;
    this.panel.setPlaying(on);
  }

  /** On the CPU every change takes effect on "apply changes & restart" (the worker rebuilds the run). */
  private editKey(key: string, value: number | string | boolean): string | undefined {
    const fmt = (k: string, v: number | string | boolean) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
    // an edit the cross-key rules would refuse alone takes its companions along (applicable.ts)
    const along = followingEdits(this.edited, key, value);
    try {
      this.edited = applyOverrides(this.edited, [fmt(key, value), ...along.map((a) => fmt(a.key, a.value))]);
      if (along.length) {
        this.panel.show(this.edited, this.preset);
        this.note(`With ${key} = ${value}: ${along.map((x) => `${x.key} = ${x.value}`).join(', ')} (${along[0].why}).`);
      }
    } catch (e) {
      this.error((e as Error).message);
      this.panel.show(this.edited, this.preset);
      return (e as Error).message;
    }
    this.panel.showApplicable(this.edited);
    const changed = Object.keys(this.edited).flatMap((sec) => Object.keys(this.edited[sec] ?? {}).map((k) => `${sec}.${k}`)).filter((k) => {
      const [a, b] = k.split('.');
      return this.edited[a]?.[b] !== this.scenario[a]?.[b];
    });
    this.panel.setPendingRestart(changed);
    if (changed.length) this.note(`${changed.join(', ')}: press "apply changes & restart" (on the CPU backend every change restarts the run).`);
    return undefined;
  }

  private layer() {
    return layerById(cpuLayers(this.scenario).some((l) => l.id === this.panel.view.layer) ? this.panel.view.layer : 'xi');
  }

  /** The field on the 2D canvas: one pixel per cell, scaled to fit with square cells, collector at the bottom. */
  private draw(): void {
    const s = this.snap;
    const c = this.el.canvas;
    if (!s) return;
    const dpr = window.devicePixelRatio || 1;
    c.width = Math.max(1, Math.round(c.clientWidth * dpr));
    c.height = Math.max(1, Math.round(c.clientHeight * dpr));
    const layer = this.layer();
    const img =
      layer.id === 'xi'
        ? phaseFieldImage({ nx: s.nx, ny: s.ny, dx_um: s.dx_um, xi: s.xi, c: s.c, phi_V: s.phi_V }, { scale: 1, collectorPx: 1, contour: this.panel.view.contour }, this.geometry)
        : layer.id === 'dead'
          ? deadLiImage(s.nx, s.ny, s.xi, s.dead ?? new Uint8Array(s.nx * s.ny), this.geometry)
          : this.concentrationImage(s);
    const off = new OffscreenCanvas(img.width, img.height);
    off.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(img.rgba), img.width, img.height), 0, 0);
    const ctx = c.getContext('2d')!;
    ctx.fillStyle = '#1b1d22';
    ctx.fillRect(0, 0, c.width, c.height);
    const k = Math.min((c.width * 0.9) / img.width, (c.height * 0.92) / img.height);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off, (c.width - img.width * k) / 2, (c.height - img.height * k) / 2, img.width * k, img.height * k);
    this.drawColorBar(layer);
  }

  /** c [mol/L] over the electrolyte (viridis, automatic range), the metal grey. */
  private concentrationImage(s: Snapshot) {
    const c0 = num(this.scenario, 'electrolyte.concentration_mol_L');
    let lo = Infinity;
    let hi = -Infinity;
    for (let k = 0; k < s.c.length; k++) {
      if (s.xi[k] < 0.5 && !this.geometry?.solid[k]) {
        lo = Math.min(lo, s.c[k] * c0);
        hi = Math.max(hi, s.c[k] * c0);
      }
    }
    this.range = this.panel.view['auto range'] ? autoRange(layerById('c'), lo, hi) : [this.panel.view.min, this.panel.view.max];
    const lut = colormap(this.panel.view.colormap);
    const rgba = new Uint8Array(4 * s.nx * (s.ny + 1));
    for (let j = 0; j < s.ny; j++) {
      for (let i = 0; i < s.nx; i++) {
        const k = j * s.nx + i;
        const o = 4 * ((s.ny - 1 - j) * s.nx + i);
        const rgb: readonly number[] = this.geometry?.solid[k] ? [102, 68, 51] : s.xi[k] >= 0.5 ? [150, 150, 150] : mapValue((s.c[k] * c0 - this.range[0]) / (this.range[1] - this.range[0]), lut);
        rgba.set([rgb[0], rgb[1], rgb[2], 255], o);
      }
    }
    for (let i = 0; i < s.nx; i++) rgba.set([184, 115, 51, 255], 4 * (s.ny * s.nx + i));
    return { width: s.nx, height: s.ny + 1, rgba };
  }

  private drawColorBar(layer: ReturnType<typeof layerById>): void {
    renderColorBar(this.el.colorbar, layer, layer.fixed ?? this.range, this.panel.view.colormap);
  }

  private status(): void {
    const s = this.snap;
    if (!s) return;
    this.panel.run.time = `${s.time_s.toPrecision(5)} s`;
    this.panel.run.steps = s.steps;
    if (this.rate.wall > 1) {
      this.panel.run['steps / s'] = (this.rate.steps / this.rate.wall).toPrecision(3);
      this.panel.run['sim s / wall s'] = (this.rate.t / this.rate.wall).toPrecision(3);
    }
    const row = this.rows.at(-1);
    const q = row ? `${row.charge_mAh_cm2.toPrecision(3)} mAh/cm² · E = ${(row.applied_potential_V * 1000).toFixed(1)} mV` : 'not started';
    if (this.phase) this.panel.run.cycle = cycleReadout(this.phase, this.cyclesDone, num(this.scenario, 'cycling.cycles'));
    const cycle = this.phase ? ` · ${this.panel.run.cycle}` : '';
    this.el.status.textContent = `${this.preset ?? text(this.scenario, 'about.name')} · ${s.nx}×${s.ny} · t = ${s.time_s.toPrecision(4)} s · ${q}${cycle} · f64 CPU solver in a Web Worker`;
  }

  private query(): string {
    return encodeShare(this.scenario, this.preset, { layer: this.layer().id, backend: 'cpu' });
  }

  private async share(): Promise<void> {
    await copyLink(`${location.origin}${location.pathname}?${this.query()}`, (m) => this.note(m));
  }

  private importJson(): void {
    pickJsonFile(async (t, name) => void (await this.load(scenarioFromJson(t, name), undefined)), (m) => this.error(m));
  }

  private exportVti(): void {
    const s = this.snap;
    if (!s) return;
    download(`${this.stem()}.vti`, fieldsVti(s, num(this.scenario, 'electrolyte.concentration_mol_L'), s.time_s), 'application/xml');
  }

  private stem(): string {
    return `dendrite-${this.preset ?? text(this.scenario, 'about.name')}-t${(this.snap?.time_s ?? 0).toPrecision(4)}s`;
  }

  private note = (msg: string) => showMessage(this.el.message, msg, 'note');
  private error = (msg: string) => showMessage(this.el.message, msg, 'error');

  hooks() {
    return {
      advance: (n: number) => this.advance(n),
      state: () => ({
        backend: 'cpu' as const,
        steps: this.snap?.steps ?? 0,
        time_s: this.snap?.time_s ?? 0,
        playing: this.playing,
        scenario: this.scenario,
        query: this.query(),
        rows: this.rows.length,
        lastRow: this.rows.at(-1),
        plotPoints: this.plots.pointCounts(),
        cyclePlot: this.plots.cycleData(),
        profileCurves: this.plots.profileCurves(),
        cycles: this.cyclesDone,
        readout: { ...this.panel.run },
      }),
      readXi: async () => {
        const s = this.snap!;
        return { nx: s.nx, ny: s.ny, dx_um: s.dx_um, xi: Array.from(s.xi) };
      },
      busy: () => this.busy,
      play: (on: boolean) => this.setPlaying(on),
      messages: () => listMessages(this.el.message),
    };
  }
}
