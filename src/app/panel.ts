// The control panel (lil-gui) in physical units. Scenario controls edit flat scenario keys; the
// app decides whether a change applies live or needs a restart (src/sim/live.ts) and says so.

import GUI, { type Controller } from 'lil-gui';
import { KEY_INDEX } from '../model/schema.ts';
import { getValue, listPresets, type Scenario } from '../model/scenario.ts';
import { PRESETS } from '../model/presets.ts';
import { applies } from './applicable.ts';
import { COLORMAP_NAMES, LAYERS, type LayerSpec } from './layers.ts';

/** A scenario key on the panel: its label (with unit) and an optional display scale. */
interface KeyControl {
  key: string;
  label: string;
  /** displayed = value / scale (e.g. D in 10⁻¹⁰ m²/s) */
  scale?: number;
  step?: number;
}

const FOLDERS: { title: string; keys: KeyControl[] }[] = [
  {
    title: 'Drive',
    keys: [
      { key: 'drive.mode', label: 'mode' },
      { key: 'drive.current_density_mA_cm2', label: 'current density [mA/cm²]', step: 0.1 },
      { key: 'drive.overpotential_V', label: 'electrode potential [V]', step: 0.005 },
    ],
  },
  {
    // the cell around the working electrode and the cycling protocol (drive.mode = cycling: the protocol's keys show)
    title: 'Cell & cycling',
    keys: [
      { key: 'cell.kind', label: 'cell (half, Li‖Cu, Li‖Li)' },
      { key: 'cell.counter_exchange_current_mA_cm2', label: 'counter electrode i₀ [mA/cm²] (0 = ideal)', step: 0.1 },
      { key: 'cycling.plate_current_mA_cm2', label: 'plating current [mA/cm²]', step: 0.1 },
      { key: 'cycling.strip_current_mA_cm2', label: 'stripping current [mA/cm²]', step: 0.1 },
      { key: 'cycling.plate_capacity_mAh_cm2', label: 'plated per cycle [mAh/cm²]', step: 0.01 },
      { key: 'cycling.strip_cutoff_V', label: 'strip to [V vs Li] (Li‖Cu; 0 = off)', step: 0.05 },
      { key: 'cycling.strip_capacity_mAh_cm2', label: 'stripped per cycle [mAh/cm²] (0 = to cutoff)', step: 0.01 },
      { key: 'cycling.rest_s', label: 'rest after each half-cycle [s]', step: 1 },
      { key: 'cycling.cycles', label: 'cycles', step: 1 },
      { key: 'cycling.current_step_mA_cm2', label: 'current step (CCD) [mA/cm²] (0 = off)', step: 0.1 },
      { key: 'cycling.cycles_per_step', label: 'cycles per current step', step: 1 },
      { key: 'cycling.polarisation_limit_V', label: 'polarisation limit [V] (0 = off)', step: 0.01 },
      { key: 'metal.island_contact', label: 'cut-off islands (none = dead Li)' },
    ],
  },
  {
    title: 'Electrolyte',
    keys: [
      { key: 'electrolyte.concentration_mol_L', label: 'c₀ [mol/L]', step: 0.05 },
      { key: 'electrolyte.diffusivity_m2_s', label: 'D [10⁻¹⁰ m²/s]', scale: 1e-10, step: 0.05 },
      { key: 'electrolyte.transference_number', label: 't₊', step: 0.01 },
      { key: 'electrolyte.transport', label: 'transport closure' },
      { key: 'electrolyte.kind', label: 'electrolyte preset' },
      { key: 'electrolyte.temperature_K', label: 'T [K]', step: 1 },
    ],
  },
  {
    title: 'Kinetics',
    keys: [
      { key: 'kinetics.exchange_current_mA_cm2', label: 'i₀ [mA/cm²]', step: 0.01 },
      { key: 'kinetics.double_layer_capacitance_uF_cm2', label: 'C_dl [µF/cm²]', step: 1 },
    ],
  },
  {
    title: 'Substrate, host & seeds',
    keys: [
      { key: 'substrate.kind', label: 'collector' },
      { key: 'surface.contact_angle_deg', label: 'collector θ [°]', step: 1 },
      { key: 'host.kind', label: '3D host' },
      { key: 'host.height_um', label: 'host height [µm]', step: 0.5 },
      { key: 'host.porosity', label: 'host porosity', step: 0.01 },
      { key: 'host.fibre_diameter_um', label: 'fibre diameter [µm]', step: 0.25 },
      { key: 'host.width_um', label: 'pillar width [µm]', step: 0.25 },
      { key: 'host.spacing_um', label: 'pillar pitch [µm]', step: 0.5 },
      { key: 'host.contact_angle_deg', label: 'host θ [°]', step: 1 },
      { key: 'seeding.material', label: 'seed material' },
      { key: 'seeding.placement', label: 'seeds on' },
      { key: 'seeding.pattern', label: 'seed pattern' },
      { key: 'seeding.density_per_um', label: 'seeds per µm', step: 0.01 },
      { key: 'seeding.size_um', label: 'seed size [µm]', step: 0.1 },
      { key: 'seeding.host_depth_fraction', label: 'seeded host depth (fraction)', step: 0.05 },
    ],
  },
  {
    title: 'SEI',
    keys: [
      { key: 'sei.kind', label: 'SEI film' },
      { key: 'sei.thickness_nm', label: 'thickness [nm]', step: 1 },
      { key: 'sei.ionic_conductivity_S_cm', label: 'σ_SEI [10⁻⁸ S/cm]', scale: 1e-8, step: 0.1 },
      { key: 'sei.heterogeneity', label: 'mosaic spread [decades]', step: 0.1 },
      { key: 'sei.patch_size_um', label: 'mosaic patch [µm]', step: 0.25 },
    ],
  },
  {
    title: 'Grid',
    keys: [
      { key: 'grid.nx', label: 'nx (cells)', step: 4 },
      { key: 'grid.ny', label: 'ny (cells)', step: 4 },
      { key: 'grid.dx_um', label: 'Δx [µm]', step: 0.05 },
    ],
  },
  {
    title: 'Seed & stop',
    keys: [
      { key: 'run.seed', label: 'random seed', step: 1 },
      { key: 'run.until_s', label: 'stop at [s]', step: 1 },
      { key: 'run.charge_mAh_cm2', label: 'stop at charge [mAh/cm²] (0 = off)', step: 0.01 },
    ],
  },
];

export interface PanelHandlers {
  onPreset(name: string): void;
  /** a scenario key changed on the panel (value in the key's own unit); returns an error message or undefined */
  onKey(key: string, value: number | string | boolean): string | undefined;
  onRestart(): void;
  play(): void;
  step(): void;
  reset(): void;
  onView(): void;
  fit(): void;
  share(): void;
  exportJson(): void;
  importJson(): void;
  exportPng(): void;
  exportCsv(): void;
  exportVti(): void;
  toggleRecord(): void;
  fullscreen(): void;
  /** open compare mode with this run as run 1 (compare.html) */
  compare?(): void;
}

export class Panel {
  readonly gui: GUI;
  /** values shown by the scenario controllers, keyed by scenario key (display units) */
  readonly values: Record<string, number | string | boolean> = {};
  readonly run = { 'steps per frame': 5, 'auto steps/frame': true, 'steps / s': '–', 'sim s / wall s': '–', 'ETA to stop': '–', time: '0 s', steps: 0, cycle: '–' };
  readonly view = { layer: LAYERS[0].id, colormap: 'cividis', contour: true, 'metal as solid': true, 'auto range': true, min: 0, max: 1, 'x axis': 'time' as 'time' | 'charge', 'x scale': 'linear' as 'linear' | 'log' };
  readonly preset = { preset: '' };
  private readonly controllers = new Map<string, Controller>();
  private readonly restartNote: Controller;
  private readonly restartInfo = { 'needs restart': '' };
  private playCtl: Controller;
  private recordCtl: Controller;
  private readonly layerCtl: Controller;
  private readonly cycleCtl: Controller;
  private readonly scaleOf = new Map<string, number>();
  private readonly about: HTMLElement;

  constructor(container: HTMLElement, h: PanelHandlers) {
    this.gui = new GUI({ container, title: 'Dendrite Lab', width: container.clientWidth || 340 });
    const presets = listPresets();
    this.gui
      .add(this.preset, 'preset', presets.map((p) => p.name))
      .name('preset')
      .onChange((v: string) => h.onPreset(v));
    // what the scenario is and where its numbers come from (a preset's about.description and about.sources)
    const aboutF = this.gui.addFolder('About this scenario');
    this.about = document.createElement('div');
    this.about.className = 'about';
    aboutF.$children.appendChild(this.about);

    const runF = this.gui.addFolder('Run');
    const act = {
      play: () => h.play(),
      step: () => h.step(),
      reset: () => h.reset(),
      restart: () => h.onRestart(),
    };
    this.playCtl = runF.add(act, 'play').name('▶ play  [space]');
    runF.add(act, 'step').name('step  [.]');
    runF.add(act, 'reset').name('reset  [r]');
    runF.add(this.run, 'steps per frame', 1, 400, 1).listen().onChange(() => (this.run['auto steps/frame'] = false));
    runF.add(this.run, 'auto steps/frame').name('auto (≈ 12 ms of GPU work a frame)').listen();
    runF.add(this.run, 'steps / s').disable().listen();
    runF.add(this.run, 'sim s / wall s').disable().listen();
    runF.add(this.run, 'ETA to stop').disable().listen();
    runF.add(this.run, 'time').disable().listen();
    runF.add(this.run, 'steps').disable().listen();
    // a cycling run: the cycle and phase in effect ('cycle 2/3 · stripping')
    this.cycleCtl = runF.add(this.run, 'cycle').disable().listen();
    this.cycleCtl.domElement.dataset.key = 'run.cycle';
    this.cycleCtl.hide();
    this.restartNote = runF.add(this.restartInfo, 'needs restart').disable();
    runF.add(act, 'restart').name('apply changes & restart');
    this.restartNote.hide();

    for (const f of FOLDERS) {
      const folder = this.gui.addFolder(f.title);
      if (f.title === 'Grid' || f.title === 'Electrolyte') folder.close();
      for (const c of f.keys) {
        const spec = KEY_INDEX.get(c.key)!;
        const scale = c.scale ?? 1;
        this.scaleOf.set(c.key, scale);
        this.values[c.key] = spec.default;
        let ctl: Controller;
        if (spec.type === 'string' && spec.values) ctl = folder.add(this.values, c.key, [...spec.values]);
        else if (spec.type === 'boolean') ctl = folder.add(this.values, c.key);
        else {
          ctl = folder.add(this.values, c.key);
          if (c.step) ctl.step(c.step / (spec.type === 'integer' ? 1 : 1));
        }
        ctl.name(c.label);
        ctl.onFinishChange((v: number | string | boolean) => {
          const value = typeof v === 'number' ? v * scale : v;
          const err = h.onKey(c.key, value);
          if (err) ctl.domElement.title = err;
        });
        ctl.domElement.dataset.key = c.key;
        this.controllers.set(c.key, ctl);
      }
    }

    const viewF = this.gui.addFolder('View');
    this.layerCtl = viewF.add(this.view, 'layer', layerOptions(LAYERS)).onChange(() => h.onView());
    this.layerCtl.domElement.dataset.key = 'view.layer';
    viewF.add(this.view, 'colormap', [...COLORMAP_NAMES]).onChange(() => h.onView());
    viewF.add(this.view, 'contour').name('interface contour (ξ = ½)').onChange(() => h.onView());
    viewF.add(this.view, 'metal as solid').onChange(() => h.onView());
    viewF.add(this.view, 'auto range').onChange(() => h.onView());
    viewF.add(this.view, 'min').listen().onFinishChange(() => ((this.view['auto range'] = false), h.onView()));
    viewF.add(this.view, 'max').listen().onFinishChange(() => ((this.view['auto range'] = false), h.onView()));
    viewF.add(this.view, 'x axis', ['time', 'charge']).name('plot against').onChange(() => h.onView());
    viewF.add(this.view, 'x scale', ['linear', 'log']).name('plot x scale').onChange(() => h.onView()).domElement.dataset.key = 'view.xscale';
    viewF.add({ fit: () => h.fit() }, 'fit').name('fit view  [f]');
    viewF.add({ fullscreen: () => h.fullscreen() }, 'fullscreen').name('full screen  [F]');

    const ex = this.gui.addFolder('Share & export');
    const exp = {
      share: () => h.share(),
      json: () => h.exportJson(),
      importJson: () => h.importJson(),
      png: () => h.exportPng(),
      csv: () => h.exportCsv(),
      vti: () => h.exportVti(),
      record: () => h.toggleRecord(),
    };
    ex.add(exp, 'share').name('copy share link');
    ex.add(exp, 'json').name('export scenario JSON');
    ex.add(exp, 'importJson').name('import scenario JSON…');
    ex.add(exp, 'png').name('PNG snapshot');
    ex.add(exp, 'csv').name('metrics CSV');
    ex.add(exp, 'vti').name('fields as VTK (.vti)');
    this.recordCtl = ex.add(exp, 'record').name('● record WebM');
    if (h.compare) ex.add({ compare: () => h.compare!() }, 'compare').name('compare with other runs…');
  }

  /** Shows a scenario's values (after a reset, a preset or an import), and only the controls that apply to it. */
  show(s: Scenario, preset: string | undefined): void {
    this.preset.preset = preset ?? '';
    for (const [key, ctl] of this.controllers) {
      const v = getValue(s, key);
      this.values[key] = typeof v === 'number' ? v / (this.scaleOf.get(key) ?? 1) : v;
      ctl.updateDisplay();
    }
    this.showApplicable(s);
    this.gui.controllersRecursive().forEach((c) => c.updateDisplay());
    const about = (preset && PRESETS[preset]?.scenario.about) || (s.about as { name?: string; description?: string; sources?: string } | undefined);
    this.about.replaceChildren();
    const add = (cls: string, label: string, text: string | undefined) => {
      if (!text) return;
      const p = document.createElement('p');
      p.className = cls;
      const b = document.createElement('b');
      b.textContent = label;
      p.append(b, ` ${text}`);
      this.about.appendChild(p);
    };
    add('about-name', 'Scenario:', about?.name);
    add('about-description', 'What it shows:', about?.description);
    add('about-sources', 'Sources:', about?.sources);
  }

  /** Hides the controls the scenario does not read (src/app/applicable.ts). */
  showApplicable(s: Scenario): void {
    for (const [key, ctl] of this.controllers) ctl.show(applies(key, s));
  }

  /** The layers the layer menu offers (the SEI layers only for a scenario with a film). */
  setLayers(layers: readonly LayerSpec[]): void {
    // an option controller updates its options in place (lil-gui)
    this.layerCtl.options(layerOptions(layers));
  }

  /** Shows the cycle readout for a cycling run. */
  setCycling(on: boolean): void {
    this.run.cycle = '–';
    this.cycleCtl.show(on);
  }

  setPendingRestart(keys: string[]): void {
    this.restartInfo['needs restart'] = keys.join(', ');
    this.restartNote.updateDisplay();
    if (keys.length) this.restartNote.show();
    else this.restartNote.hide();
  }

  setPlaying(playing: boolean): void {
    this.playCtl.name(playing ? '❚❚ pause  [space]' : '▶ play  [space]');
  }

  setRecording(on: boolean): void {
    this.recordCtl.name(on ? '■ stop recording (saves .webm)' : '● record WebM');
  }
}

function layerOptions(layers: readonly LayerSpec[]): Record<string, string> {
  return Object.fromEntries(layers.map((l) => [`${l.label} [${l.unit}]`, l.id]));
}
