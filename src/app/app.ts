// The interactive app: one Simulation on the GPU (the same object the CLI drives), drawn from its
// buffers every frame, steered from the panel, plotted live, shareable by URL, and recovered from a
// lost GPU device using the host copy of its state kept every few seconds.

import { createSimulation, type Simulation } from '../sim/simulation.ts';
import type { Checkpoint, MetricsRow, RunResult } from '../sim/types.ts';
import { restartKeys } from '../sim/live.ts';
import { getGpu, resetGpu, type GpuContext } from '../gpu/device.ts';
import { applyOverrides, num, presetScenario, ScenarioError, text, type Scenario } from '../model/scenario.ts';
import { decodeShare, encodeShare, scenarioFromJson, scenarioToJson } from './share.ts';
import { Renderer, type RenderOptions } from './renderer.ts';
import { View } from './view.ts';
import { Panel } from './panel.ts';
import { Plots } from './plots.ts';
import { autoRange, COLORMAP_NAMES, layerById, layersFor, LAYERS, scaleBarLength } from './layers.ts';
import { copyLink, listMessages, pickJsonFile, renderColorBar, showMessage } from './chrome.ts';
import { download, exportCsv, exportVti, Recorder, snapshotPng } from './exporters.ts';
import { etaToStop, formatEta } from './readout.ts';
import { cycleReadout } from './cycling.ts';
import { cyclingPlots, followingEdits } from './applicable.ts';

/** A focused element that takes typed text (where Space and letters are input, not shortcuts). */
function isTextEntry(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  return t.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes((t as HTMLInputElement).type);
}

export const DEFAULT_PRESET = 'diffusion-limited-dendrites';
/** how often the host copy of the state (for device-loss recovery) is refreshed [ms] */
const KEEP_EVERY_MS = 3000;
const RANGE_EVERY_MS = 400;
/** target wall time of the simulation work done per animation frame [s] */
const FRAME_WORK_S = 0.012;

export interface AppElements {
  canvas: HTMLCanvasElement;
  panel: HTMLElement;
  plots: HTMLElement;
  colorbar: HTMLElement;
  scalebar: HTMLElement;
  readout: HTMLElement;
  status: HTMLElement;
  message: HTMLElement;
  help: HTMLElement;
}

export class App {
  private gpu!: GpuContext;
  private sim?: Simulation;
  private renderer?: Renderer;
  private readonly view = new View();
  private readonly panel: Panel;
  private readonly plots: Plots;
  private readonly recorder = new Recorder();
  /** the scenario the running simulation was built from, and the edited one (differs until a restart) */
  private scenario!: Scenario;
  private edited!: Scenario;
  private preset: string | undefined;
  private playing = false;
  /** tasks queued or running in exclusive() */
  private pending = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private get locked(): boolean {
    return this.pending > 0;
  }
  private keep?: Checkpoint;
  private keptAt = 0;
  private rangeAt = 0;
  private range: [number, number] = [0, 1];
  private pointer?: { x: number; y: number };
  private probeAt = 0;
  private rate = { t: 0, wall: 0, steps: 0, charge: 0 };
  /** the user panned or zoomed: a resize keeps their view instead of fitting the domain */
  private userView = false;
  private recovering = false;
  readonly consoleErrors: string[] = [];
  private finishedReason?: RunResult['reason'];
  private shownLayer?: string;

  constructor(private readonly el: AppElements) {
    this.panel = new Panel(el.panel, {
      onPreset: (name) => this.act(this.loadScenario(presetScenario(name), name)),
      onKey: (key, value) => this.editKey(key, value),
      onRestart: () => this.act(this.loadScenario(this.edited, this.preset)),
      play: () => this.togglePlay(),
      step: () => this.act(this.advance(1)),
      reset: () => this.act(this.loadScenario(this.scenario, this.preset)),
      onView: () => this.onView(),
      fit: () => this.fit(),
      share: () => this.act(this.share()),
      exportJson: () => download(`${this.fileStem()}.json`, scenarioToJson(this.scenario, this.preset), 'application/json'),
      importJson: () => this.importJson(),
      exportPng: () => this.act(this.exportPng()),
      exportCsv: () => exportCsv(this.fileStem(), this.sim?.rows ?? []),
      exportVti: () => this.act(this.exportVti()),
      toggleRecord: () => this.act(this.toggleRecord()),
      fullscreen: () => this.toggleFullscreen(),
      compare: () => (location.href = `./compare.html?run=${encodeURIComponent(encodeShare(this.scenario, this.preset))}`),
    });
    this.plots = new Plots(el.plots);
  }

  /** Boots from the page URL: a bad key in it is named, and the default preset runs instead. */
  async start(): Promise<void> {
    this.gpu = await getGpu();
    this.attachRenderer();
    this.bindInput();
    let scenario: Scenario;
    let preset: string | undefined;
    let view: Record<string, string> = {};
    try {
      const shared = decodeShare(location.search);
      view = shared.view;
      preset = shared.preset;
      scenario = shared.scenario;
      if (!preset && location.search.length <= 1) {
        preset = DEFAULT_PRESET;
        scenario = presetScenario(DEFAULT_PRESET);
      }
      if (view.layer) layerById(view.layer);
      if (view.colormap && !(COLORMAP_NAMES as readonly string[]).includes(view.colormap)) {
        throw new Error(`view.colormap = ${JSON.stringify(view.colormap)} is not allowed: one of ${COLORMAP_NAMES.join(', ')}`);
      }
    } catch (e) {
      this.error(`The link's scenario was not loaded: ${(e as Error).message}. Showing the ${DEFAULT_PRESET} preset instead.`);
      preset = DEFAULT_PRESET;
      scenario = presetScenario(DEFAULT_PRESET);
      view = {};
    }
    if (view.layer) this.panel.view.layer = view.layer;
    this.panel.view.colormap = view.colormap ?? layerById(this.panel.view.layer).colormap;
    this.shownLayer = this.panel.view.layer;
    if (view.contour) this.panel.view.contour = view.contour !== '0' && view.contour !== 'false';
    if (view.spf) {
      this.panel.run['steps per frame'] = Math.max(1, Math.min(400, Number(view.spf) || 5));
      this.panel.run['auto steps/frame'] = false;
    }
    this.onView();
    await this.loadScenario(scenario, preset, false);
    requestAnimationFrame(() => this.frame());
  }

  private attachRenderer(): void {
    const ctx = this.el.canvas.getContext('webgpu');
    if (!ctx) throw new Error('the canvas has no WebGPU context');
    this.renderer?.destroy();
    this.renderer = new Renderer(this.gpu.device, ctx);
    const device = this.gpu.device;
    device.lost.then((info) => {
      if (device !== this.gpu.device) return; // an old device (already replaced)
      this.act(this.recover(info.message || info.reason || 'unknown'));
    });
  }

  // ------------------------------------------------------------------ simulation lifecycle

  /** Builds a new simulation (preset, reset, restart, import); on failure the old one keeps running. */
  async loadScenario(s: Scenario, preset: string | undefined, showErrors = true): Promise<boolean> {
    return this.exclusive(async () => {
      let sim: Simulation;
      // a large grid takes seconds to build (pipelines, initial fields, the first potential solve): say so
      const name = preset ?? (s.about?.name as string | undefined) ?? 'scenario';
      this.el.status.textContent = `loading ${name} (${String(s.grid?.nx)} × ${String(s.grid?.ny)} cells)…`;
      document.body.dataset.loading = name;
      try {
        sim = await createSimulation(s, { backend: 'gpu' });
      } catch (e) {
        if (!showErrors && !this.sim && e instanceof ScenarioError) {
          this.error(`${e.message}. Showing the ${DEFAULT_PRESET} preset instead.`);
          s = presetScenario(DEFAULT_PRESET);
          preset = DEFAULT_PRESET;
          sim = await createSimulation(s, { backend: 'gpu' });
        } else {
          this.error((e as Error).message);
          this.panel.show(this.edited ?? s, this.preset);
          delete document.body.dataset.loading;
          return false;
        }
      }
      this.sim?.destroy();
      this.sim = sim;
      this.scenario = s;
      this.edited = s;
      this.preset = preset;
      this.finishedReason = undefined;
      this.attachSim(sim);
      // the plots show this run only, from now (they are otherwise redrawn only as rows arrive)
      this.plots.setCycling(cyclingPlots(s));
      this.plots.setRows([]);
      this.plots.setCycles([]);
      this.plots.flush();
      this.panel.setCycling(sim.cyclePhase !== undefined);
      this.rate = { t: 0, wall: 0, steps: 0, charge: 0 };
      this.panel.show(s, preset);
      this.panel.setPendingRestart([]);
      this.keep = await sim.checkpoint();
      this.keptAt = performance.now();
      this.updateUrl();
      this.fit();
      this.rangeAt = 0;
      delete document.body.dataset.loading;
      this.status();
      return true;
    });
  }

  private attachSim(sim: Simulation): void {
    const src = sim.gpuView();
    if (!src) throw new Error('the app needs the GPU backend');
    this.renderer!.setSource(src);
    this.offerLayers({ mechanics: src.sei !== undefined, film: src.sei !== undefined && this.scenario.sei.kind !== 'none', islands: text(this.scenario, 'metal.island_contact') === 'none' });
    sim.addWriter({
      onMetrics: (row: MetricsRow) => this.plots.push(row),
      onCycle: (record) => this.plots.pushCycle(record),
      onEvent: (e) => this.note(`${e.kind.replace('_', ' ')} at t = ${e.time_s.toPrecision(4)} s: ${e.message}`),
    });
  }

  /**
   * The layer menu offers the stress layer when the run solves the mechanics and the film layers when it
   * has an SEI film; a shown layer the run lacks (a link, or the previous run) falls back to ξ with a
   * note that says why.
   */
  private offerLayers(has: { mechanics: boolean; film: boolean; islands: boolean }): void {
    const layers = layersFor(has);
    const v = this.panel.view;
    this.panel.setLayers(layers);
    if (!layers.some((l) => l.id === v.layer)) {
      const shown = layerById(v.layer);
      v.layer = LAYERS[0].id;
      const why = {
        film: ['No SEI in this scenario (sei.kind = none)', "Choose an SEI film in the SEI folder and restart to see the film's layers."],
        mechanics: ['No mechanics in this scenario (sei.kind = none and electrolyte.growth_strain = 0)', 'Choose an SEI film, or a solid electrolyte with a growth strain, and restart to see the stress.'],
        islands: ['No island is ever dead in this scenario (metal.island_contact = out_of_plane)', 'Set metal.island_contact = none and restart to see dead Li.'],
      }[shown.needs ?? 'mechanics'];
      this.note(`${why[0]}, so there is no "${shown.label}" layer: showing ${LAYERS[0].label}. ${why[1]}`);
      this.onView();
    }
  }

  /**
   * Runs fn with the simulation to itself (no overlapping runs, checkpoints or rebuilds), when the tasks asked
   * for before it are done, first come first served: a live edit queued behind
   * a running step applies before a step asked for after it. (A lock polled every 5 ms let whichever waiter's
   * timer fired first go; under load a step could overtake the edit.)
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.queue.then(fn).finally(() => {
      this.pending--;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Advances exactly n steps (the step button and automation). */
  async advance(n: number): Promise<void> {
    this.setPlaying(false);
    await this.exclusive(() => this.runSteps(n));
  }

  private async runSteps(n: number): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    const t0 = sim.time_s;
    const s0 = sim.steps;
    const q0 = sim.charge_mAh_cm2;
    const w0 = performance.now();
    try {
      const r = await sim.run({ maxSteps: sim.steps + n });
      if (r.reason !== 'steps' && r.reason !== 'aborted') {
        this.finishedReason = r.reason;
        this.setPlaying(false);
        const why: Record<string, string> = {
          time: `reached run.until_s = ${num(sim.scenario, 'run.until_s')} s (raise "stop at" to go on)`,
          charge: 'passed run.charge_mAh_cm2',
          short_circuit: 'the deposit reached the reservoir: short circuit',
          sand: "stopped at Sand's time (run.stop_at_sand)",
          potential_limit: 'the electrode potential reached drive.potential_limit_V: the current cannot be supplied (voltage cutoff)',
          cycles: `ran its ${num(sim.scenario, 'cycling.cycles')} cycles (raise cycling.cycles to go on)`,
          polarisation_limit: 'a cycle\'s |cell voltage| exceeded cycling.polarisation_limit_V',
        };
        this.note(`Run finished: ${why[r.reason] ?? r.reason}.`);
      }
    } catch (e) {
      this.setPlaying(false);
      this.error((e as Error).message);
    }
    const wall = (performance.now() - w0) / 1000;
    this.rate.t += sim.time_s - t0;
    this.rate.steps += sim.steps - s0;
    this.rate.charge += sim.charge_mAh_cm2 - q0;
    this.rate.wall += wall;
    if (this.playing && this.panel.run['auto steps/frame'] && wall > 0) {
      // keep each frame's share of GPU work near FRAME_WORK_S so rendering and input stay smooth;
      // the factor is bounded so one slow batch (a readback hiccup) cannot collapse it
      const run = this.panel.run;
      const f = Math.min(2, Math.max(0.5, FRAME_WORK_S / wall));
      // at most one metrics batch per frame, so at most one readback is ever in flight
      const cap = num(sim.scenario, 'run.metrics_every_steps');
      run['steps per frame'] = Math.max(1, Math.min(cap, Math.round(run['steps per frame'] * f) || 1));
    }
    this.plots.flush();
  }

  private async keepState(): Promise<void> {
    if (!this.sim) return;
    this.keep = await this.sim.checkpoint();
    this.keptAt = performance.now();
  }

  /** Device lost: a new device, the kept state restored, and the run goes on. */
  private async recover(reason: string): Promise<void> {
    if (this.recovering) return;
    this.recovering = true;
    const wasPlaying = this.playing;
    this.setPlaying(false);
    const keep = this.keep;
    this.note(`The GPU device was lost (${reason}). Recovering from the state kept at t = ${keep ? keep.host.time_s.toPrecision(4) : 0} s…`);
    try {
      // wait for a run or checkpoint that was in flight on the dead device to give up
      await this.exclusive(async () => {
        resetGpu();
        this.gpu = await getGpu();
        this.attachRenderer();
        const s = keep?.scenario ?? this.scenario;
        const sim = await createSimulation(s, { backend: 'gpu', restore: keep });
        this.sim = sim;
        this.attachSim(sim);
        this.plots.setRows(sim.rows);
        this.plots.setCycles(sim.cycles);
        this.plots.flush();
      });
      this.note(`Recovered on a new GPU device at t = ${this.sim!.time_s.toPrecision(4)} s (step ${this.sim!.steps}).`);
      if (wasPlaying) this.setPlaying(true);
    } catch (e) {
      this.error(`Could not recover from the lost GPU device: ${(e as Error).message}. Reload the page.`);
    } finally {
      this.recovering = false;
    }
  }

  // ------------------------------------------------------------------ per frame

  private frame(): void {
    const now = performance.now();
    const sim = this.sim;
    if (sim && !this.locked && !this.recovering) {
      if (now - this.keptAt > KEEP_EVERY_MS && sim.steps > (this.keep?.host.steps ?? 0)) {
        // a failure here means the device is going away: recover() takes over
        this.exclusive(() => this.keepState()).catch(() => undefined);
      } else if (this.playing) {
        // a batch of at most run.metrics_every_steps steps: one readback in flight (Simulation.run pipelines longer runs)
        const K = num(sim.scenario, 'run.metrics_every_steps');
        this.act(this.exclusive(() => this.runSteps(Math.min(K, this.panel.run['steps per frame']))));
      }
    }
    if (this.renderer && sim && !this.recovering) {
      this.renderer.draw(this.view, this.renderOptions());
      if (now - this.rangeAt > RANGE_EVERY_MS && this.panel.view['auto range']) {
        this.rangeAt = now;
        const layer = layerById(this.panel.view.layer);
        if (layer.fixed) this.setRange(layer.fixed);
        else {
          this.renderer
            .range.measure(this.renderOptions())
            .then((r) => r && this.setRange(autoRange(layer, r[0], r[1])))
            .catch(() => undefined); // the device was lost mid-readback: recover() takes over
        }
      }
      if (this.pointer && now - this.probeAt > 250) {
        this.probeAt = now;
        this.updateReadout().catch(() => undefined);
      }
    }
    this.status();
    this.drawScaleBar();
    requestAnimationFrame(() => this.frame());
  }

  private renderOptions(): RenderOptions {
    const v = this.panel.view;
    return { layer: layerById(v.layer), colormap: v.colormap, range: this.range, contour: v.contour, metalSolid: v['metal as solid'] };
  }

  private setRange(r: [number, number]): void {
    if (r[0] === this.range[0] && r[1] === this.range[1]) return;
    this.range = r;
    this.panel.view.min = r[0];
    this.panel.view.max = r[1];
    this.drawColorBar();
  }

  private onView(): void {
    const v = this.panel.view;
    const layer = layerById(v.layer);
    if (layer.id !== this.shownLayer) {
      // a new layer comes with its own colour map (the user may pick another afterwards)
      if (this.shownLayer !== undefined) v.colormap = layer.colormap;
      this.shownLayer = layer.id;
      this.panel.gui.controllersRecursive().forEach((c) => c.updateDisplay());
    }
    if (!v['auto range']) this.range = [v.min, v.max];
    else if (layer.fixed) this.range = [...layer.fixed];
    this.rangeAt = 0;
    this.plots.setXAxis(v['x axis'], v['x scale']);
    this.drawColorBar();
    this.updateUrl();
  }

  private drawColorBar(): void {
    renderColorBar(this.el.colorbar, layerById(this.panel.view.layer), this.range, this.panel.view.colormap);
  }

  private drawScaleBar(): void {
    const dpr = window.devicePixelRatio || 1;
    const um = scaleBarLength(120 * dpr / this.view.zoom);
    const px = (um * this.view.zoom) / dpr;
    const el = this.el.scalebar;
    const text = `${um} µm`;
    if (el.dataset.text !== text || el.dataset.px !== px.toFixed(1)) {
      el.dataset.text = text;
      el.dataset.px = px.toFixed(1);
      el.innerHTML = `<div class="sb-bar" style="width:${px}px"></div><div class="sb-label">${text}</div>`;
    }
  }

  private status(): void {
    const sim = this.sim;
    if (!sim) return;
    this.panel.run.time = `${sim.time_s.toPrecision(5)} s`;
    this.panel.run.steps = sim.steps;
    if (this.rate.wall > 1) {
      const r = this.rate;
      this.panel.run['steps / s'] = (r.steps / r.wall).toPrecision(3);
      this.panel.run['sim s / wall s'] = (r.t / r.wall).toPrecision(3);
      this.panel.run['ETA to stop'] = formatEta(
        etaToStop({
          time_s: sim.time_s,
          until_s: num(sim.scenario, 'run.until_s'),
          charge_mAh_cm2: sim.charge_mAh_cm2,
          stopCharge_mAh_cm2: num(sim.scenario, 'run.charge_mAh_cm2'),
          simPerWall: r.t / r.wall,
          chargePerWall: r.charge / r.wall,
        }),
      );
      // a running average over the last few seconds
      this.rate = { t: r.t * 0.5, wall: r.wall * 0.5, steps: r.steps * 0.5, charge: r.charge * 0.5 };
    } else if (!this.playing) this.panel.run['ETA to stop'] = '–';
    const a = this.gpu.label;
    const row = sim.rows[sim.rows.length - 1];
    const q = row ? `${row.charge_mAh_cm2.toPrecision(3)} mAh/cm² · E = ${(row.applied_potential_V * 1000).toFixed(1)} mV` : 'not started';
    if (sim.cyclePhase) this.panel.run.cycle = cycleReadout(sim.cyclePhase, sim.cycles.length, num(sim.scenario, 'cycling.cycles'));
    const cycle = sim.cyclePhase ? ` · ${this.panel.run.cycle}` : '';
    this.el.status.textContent = `${this.preset ?? this.scenario.about?.name ?? 'custom'} · ${sim.d.nx}×${sim.d.ny} · t = ${sim.time_s.toPrecision(4)} s · ${q}${cycle} · ${a.vendor} ${a.architecture || a.device}${a.isFallback ? ' (software adapter)' : ''}`;
  }

  // ------------------------------------------------------------------ input

  private bindInput(): void {
    const c = this.el.canvas;
    const resize = () => {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(1, Math.round(c.clientWidth * dpr));
      const h = Math.max(1, Math.round(c.clientHeight * dpr));
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
        // keep the whole domain in view as the window changes, unless the user has framed it by hand
        if (!this.userView || !this.sim) this.fit();
      }
    };
    new ResizeObserver(resize).observe(c);
    resize();
    const pointers = new Map<number, { x: number; y: number }>();
    let pinch = 0;
    c.addEventListener('pointerdown', (e) => {
      c.setPointerCapture(e.pointerId);
      pointers.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
      if (pointers.size === 2) pinch = this.pinchDistance(pointers);
    });
    const up = (e: PointerEvent) => {
      pointers.delete(e.pointerId);
      pinch = 0;
    };
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    c.addEventListener('pointerleave', () => {
      this.pointer = undefined;
      this.el.readout.hidden = true;
    });
    c.addEventListener('pointermove', (e) => {
      const dpr = window.devicePixelRatio || 1;
      const prev = pointers.get(e.pointerId);
      if (prev) {
        if (pointers.size === 1) this.view.pan((e.offsetX - prev.x) * dpr, (e.offsetY - prev.y) * dpr);
        this.userView = true;
        pointers.set(e.pointerId, { x: e.offsetX, y: e.offsetY });
        if (pointers.size === 2) {
          const d = this.pinchDistance(pointers);
          const [a, b] = [...pointers.values()];
          if (pinch > 0) this.view.zoomAt(((a.x + b.x) / 2) * dpr, ((a.y + b.y) / 2) * dpr, d / pinch);
          pinch = d;
        }
      }
      this.pointer = { x: e.offsetX * dpr, y: e.offsetY * dpr };
      this.probeAt = 0;
    });
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const dpr = window.devicePixelRatio || 1;
        this.view.zoomAt(e.offsetX * dpr, e.offsetY * dpr, Math.exp(-e.deltaY * 0.0015));
        this.userView = true;
      },
      { passive: false },
    );
    c.addEventListener('dblclick', () => this.fit());
    // Shortcuts work wherever the focus is, except in a field that takes text. After a click on a panel
    // button or checkbox the focus stays there, and the browser would otherwise give Space to it: it
    // would press the button again (a second download) instead of play/pause.
    const SHORTCUTS = new Set([' ', '.', 'r', '?', 'Escape', 'f', 'F']);
    window.addEventListener(
      'keydown',
      (e) => {
        if (isTextEntry(e.target) || e.ctrlKey || e.metaKey || e.altKey || !SHORTCUTS.has(e.key)) return;
        e.preventDefault();
        e.stopPropagation();
        if (document.activeElement instanceof HTMLElement && document.activeElement !== document.body) document.activeElement.blur();
        if (e.repeat && e.key !== '.') return;
        if (e.key === ' ') this.togglePlay();
        else if (e.key === '.') this.act(this.advance(1));
        else if (e.key === 'r') this.act(this.loadScenario(this.scenario, this.preset));
        else if (e.key === '?') this.el.help.hidden = !this.el.help.hidden;
        else if (e.key === 'Escape') this.el.help.hidden = true;
        else if (e.key === 'f') this.fit();
        else if (e.key === 'F') this.toggleFullscreen();
      },
      { capture: true },
    );
    // a button activates on the keyup of Space: swallow it too
    window.addEventListener(
      'keyup',
      (e) => {
        if (e.key === ' ' && !isTextEntry(e.target)) {
          e.preventDefault();
          e.stopPropagation();
        }
      },
      { capture: true },
    );
    this.el.help.addEventListener('click', () => (this.el.help.hidden = true));
  }

  private pinchDistance(p: Map<number, { x: number; y: number }>): number {
    const [a, b] = [...p.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  }

  fit(): void {
    const sim = this.sim;
    const c = this.el.canvas;
    if (!sim) return;
    this.userView = false;
    const L = sim.d.nx * sim.d.h;
    const H = sim.d.ny * sim.d.h;
    this.view.fit(c.width, c.height, 0, L, -(this.renderer?.collectorThickness_um() ?? 0), H);
  }

  private async updateReadout(): Promise<void> {
    const sim = this.sim;
    const p = this.pointer;
    if (!sim || !p) return;
    const [x, y] = this.view.toWorld(p.x, p.y);
    const i = Math.floor(x / sim.d.h);
    const j = Math.floor(y / sim.d.h);
    const r = this.el.readout;
    if (i < 0 || j < 0 || i >= sim.d.nx || j >= sim.d.ny) {
      r.hidden = true;
      return;
    }
    const where = `x = ${x.toFixed(2)} µm, y = ${y.toFixed(2)} µm<br>`;
    const k = j * sim.d.nx + i;
    if (sim.geometry.solid[k]) {
      // a host cell holds neither Li nor electrolyte: its field values would mislead
      r.hidden = false;
      r.innerHTML = where + `3D host${sim.geometry.seeded[k] ? ', seeded surface' : ''}`;
    } else {
      const v = await sim.probe(i, j);
      if (!v || this.pointer !== p) return;
      const c0 = num(sim.scenario, 'electrolyte.concentration_mol_L');
      r.hidden = false;
      r.innerHTML =
        where +
        `ξ = ${v.xi.toFixed(3)}<br>` +
        `c = ${(v.c * c0).toPrecision(4)} mol/L (c̃ = ${v.c.toPrecision(4)})<br>` +
        `φ = ${(v.phi_V * 1000).toPrecision(4)} mV`;
    }
    r.style.left = `${p.x / (window.devicePixelRatio || 1) + 14}px`;
    r.style.top = `${p.y / (window.devicePixelRatio || 1) + 14}px`;
  }

  /** The field view and its plots full screen (Esc or F again leaves). */
  private toggleFullscreen(): void {
    const stage = this.el.canvas.closest('#left') ?? this.el.canvas;
    if (document.fullscreenElement) void document.exitFullscreen();
    else stage.requestFullscreen().catch((e: Error) => this.note(`Full screen is not available here: ${e.message}`));
  }

  // ------------------------------------------------------------------ panel actions

  togglePlay(): void {
    this.setPlaying(!this.playing);
  }

  setPlaying(on: boolean): void {
    if (on && this.finishedReason) {
      this.note(`The run has finished (${this.finishedReason}); raise its limit or reset.`);
      on = false;
    }
    this.playing = on;
    this.panel.setPlaying(on);
    this.rate = { t: 0, wall: 0, steps: 0, charge: 0 };
  }

  /** A panel edit: applied live when the running simulation can take it, else kept for a restart. */
  private editKey(key: string, value: number | string | boolean): string | undefined {
    const fmt = (k: string, v: number | string | boolean) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`;
    // an edit the scenario's cross-key rules would refuse on its own takes its companions along (applicable.ts)
    const along = followingEdits(this.edited, key, value);
    const sets = [fmt(key, value), ...along.map((a) => fmt(a.key, a.value))];
    let next: Scenario;
    try {
      next = applyOverrides(this.edited, sets);
    } catch (e) {
      this.error((e as Error).message);
      this.panel.show(this.edited, this.preset);
      return (e as Error).message;
    }
    this.edited = next;
    if (along.length) {
      this.panel.show(next, this.preset);
      this.note(`With ${key} = ${value}: ${along.map((a) => `${a.key} = ${a.value}`).join(', ')} (${along[0].why}).`);
    }
    this.panel.showApplicable(next);
    const restart = restartKeys(this.scenario, next);
    this.panel.setPendingRestart(restart);
    const sim = this.sim;
    if (!restart.includes(key) && sim) {
      // a live key goes to the running simulation at once, even while other edits wait for a restart
      let live: Scenario;
      try {
        live = applyOverrides(this.scenario, sets.filter((x) => !restart.includes(x.slice(0, x.indexOf('=')))));
      } catch (e) {
        this.error((e as Error).message);
        return (e as Error).message;
      }
      this.act(
        this.exclusive(async () => {
          sim.updateScenario(live);
          this.scenario = live;
          if (key.startsWith('run.') || key.startsWith('cycling.')) this.finishedReason = undefined;
          // the link follows the run on screen once the run has the change
          this.updateUrl();
        }),
      );
      this.note(`${key} = ${value} applied live.`);
    }
    if (restart.length) {
      this.note(`${restart.join(', ')} ${restart.length > 1 ? 'need' : 'needs'} a restart: press "apply changes & restart".`);
    }
    this.updateUrl();
    return undefined;
  }

  private shareQuery(): string {
    const v = this.panel.view;
    const view: Record<string, string> = { layer: v.layer, colormap: v.colormap };
    if (!v.contour) view.contour = '0';
    // what is on screen: the running scenario (with the edits applied live), not edits waiting for a restart
    return encodeShare(this.scenario, this.preset, view);
  }

  private updateUrl(): void {
    if (!this.scenario) return;
    history.replaceState(null, '', `${location.pathname}?${this.shareQuery()}`);
  }

  private async share(): Promise<void> {
    this.updateUrl();
    await copyLink(location.href, (m) => this.note(m));
  }

  private importJson(): void {
    pickJsonFile(
      async (t, name) => {
        if (await this.loadScenario(scenarioFromJson(t, name), undefined)) this.note(`Loaded ${name}.`);
      },
      (m) => this.error(m),
    );
  }

  /** Imports scenario JSON text (the file picker and automation). */
  async importJsonText(textJson: string, name = 'scenario.json'): Promise<boolean> {
    try {
      return await this.loadScenario(scenarioFromJson(textJson, name), undefined);
    } catch (e) {
      this.error(`${name}: ${(e as Error).message}`);
      return false;
    }
  }

  private fileStem(): string {
    const t = this.sim ? this.sim.time_s.toPrecision(4) : '0';
    return `dendrite-${this.preset ?? text(this.scenario, 'about.name')}-t${t}s`;
  }

  private async exportPng(): Promise<void> {
    const layer = layerById(this.panel.view.layer);
    const dpr = window.devicePixelRatio || 1;
    const um = scaleBarLength((120 * dpr) / this.view.zoom);
    const blob = await snapshotPng(this.el.canvas, () => this.renderer?.draw(this.view, this.renderOptions()), {
      colormap: this.panel.view.colormap,
      range: this.range,
      label: layer.label,
      unit: layer.unit,
      legend: layer.legend,
      bar_um: um,
      bar_px: um * this.view.zoom,
      caption: this.el.status.textContent ?? '',
    });
    download(`${this.fileStem()}.png`, blob);
  }

  private async exportVti(): Promise<void> {
    const sim = this.sim;
    if (!sim) return;
    const f = await this.exclusive(() => sim.readFields());
    exportVti(this.fileStem(), f, num(sim.scenario, 'electrolyte.concentration_mol_L'), sim.time_s);
  }

  private async toggleRecord(): Promise<void> {
    try {
      if (this.recorder.recording) {
        const blob = await this.recorder.stop();
        this.panel.setRecording(false);
        download(`${this.fileStem()}.webm`, blob);
      } else {
        this.recorder.start(this.el.canvas);
        this.panel.setRecording(true);
        this.note('Recording the field view; press again to stop and save the .webm.');
      }
    } catch (e) {
      this.error((e as Error).message);
    }
  }

  // ------------------------------------------------------------------ messages

  /** Runs a user action in the background; a failure becomes a message, never an unhandled rejection. */
  private act(p: Promise<unknown>): void {
    p.catch((e: Error) => this.error(e.message));
  }

  private note(msg: string): void {
    this.show(msg, 'note');
  }

  private error(msg: string): void {
    this.show(msg, 'error');
  }

  private show(msg: string, kind: 'note' | 'error'): void {
    showMessage(this.el.message, msg, kind);
  }

  // ------------------------------------------------------------------ automation (tests, scripting)

  /** The hooks the end-to-end tests (and anyone scripting the page) use. */
  hooks() {
    return {
      advance: (n: number) => this.advance(n),
      state: () => ({
        steps: this.sim?.steps ?? 0,
        time_s: this.sim?.time_s ?? 0,
        playing: this.playing,
        scenario: this.scenario,
        query: this.shareQuery(),
        rows: this.sim?.rows.length ?? 0,
        lastRow: this.sim?.rows[this.sim.rows.length - 1],
        adapter: this.gpu.label,
        range: this.range,
        /** points in each live plot */
        plotPoints: this.plots.pointCounts(),
        plotXScale: this.plots.xScaleDrawn(),
        /** the legends of the time charts, and what the cycling plots draw (undefined: not a cycling run) */
        plotSeries: this.plots.seriesLabels(),
        cyclePlot: this.plots.cycleData(),
        profileCurves: this.plots.profileCurves(),
        cycles: this.sim?.cycles.length ?? 0,
        about: this.el.panel.querySelector('.about')?.textContent ?? '',
        visibleKeys: [...this.el.panel.querySelectorAll<HTMLElement>('[data-key]')].filter((e) => e.offsetParent !== null).map((e) => e.dataset.key!),
        readout: { ...this.panel.run },
      }),
      /** ξ on the host (for comparing the picture with the field) */
      readXi: async () => {
        const sim = this.sim!;
        const f = await this.exclusive(() => sim.readFields());
        return { nx: f.nx, ny: f.ny, dx_um: f.dx_um, xi: Array.from(f.xi) };
      },
      /** world µm → CSS pixels of the canvas */
      toScreen: (x: number, y: number) => {
        const [px, py] = this.view.toScreen(x, y);
        const dpr = window.devicePixelRatio || 1;
        return [px / dpr, py / dpr];
      },
      setKey: (key: string, value: number | string | boolean) => this.editKey(key, value),
      play: (on: boolean) => this.setPlaying(on),
      loseDevice: () => this.gpu.device.destroy(),
      importJson: (t: string) => this.importJsonText(t),
      busy: () => this.locked || this.recovering,
      messages: () => listMessages(this.el.message),
    };
  }
}
