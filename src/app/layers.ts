// What the app can draw: the layer table (shared numbering with shaders/render.wgsl), colour-map
// tables for the GPU and the colour bar, and the helpers that turn a range readback into numbers.
// Pure functions, unit-tested in tests/app-units.test.ts.

import { colormap, COLORMAP_NAMES, type ColormapName } from '../io/colormap.ts';

/**
 * Where a layer is defined and ranged (shaders/render.wgsl, flags set by the renderer):
 * - 'all': every cell but the 3D host (ξ, the hydrostatic stress, which is read inside the Li too);
 * - 'electrolyte': the colour range is taken over the electrolyte (ξ < ½) only, and "metal as solid"
 *   draws the Li over it (the electrolyte fields);
 * - 'film': only the film cells: those the mechanics carry film on (onFilm() of src/cpu/mechanics.ts:
 *   an interface profile, not a faint ξ halo) on the electrolyte side, ξ < ½, where the film's band
 *   s(ξ) lies (on the Li side the tracked strain and integrity act on nothing); the other cells are
 *   drawn neutral (Li grey, electrolyte slate) and left out of the range;
 * - 'deposit': a categorical picture of the metal (the dead-Li layer): colours from `legend`, no colour map.
 */
export type LayerDomain = 'all' | 'electrolyte' | 'film' | 'deposit';

export interface LayerSpec {
  /** index in shaders/render.wgsl's layerValue() */
  index: number;
  id: string;
  label: string;
  /** unit shown on the colour bar and in the readout */
  unit: string;
  colormap: ColormapName;
  /** a fixed range, or undefined for an automatic one (reduced on the GPU) */
  fixed?: [number, number];
  domain: LayerDomain;
  /**
   * What the layer needs, hidden from the menu otherwise: 'mechanics', a run that solves the elasticity
   * (an SEI film or a growth strain: mechanicsOn in src/model/dimless.ts); 'film', an SEI film (sei.kind ≠ none);
   * 'islands', a run whose cut-off islands are dead (metal.island_contact = none; with out_of_plane none ever is)
   */
  needs?: 'mechanics' | 'film' | 'islands';
  /**
   * The smallest span the automatic range may take [layer unit]: below it the field is uniform to within
   * what matters (a stress-free run carries ±1e-10 MPa of round-off), and stretching the colour map over
   * that noise would paint it as a pattern. About a thousandth of a typical value of the layer.
   */
  minSpan?: number;
  /** a categorical layer: what each colour means (the colour bar lists these instead of a colour map) */
  legend?: readonly LegendEntry[];
}

export interface LegendEntry {
  label: string;
  rgb: readonly [number, number, number];
}

/** the Li where it is drawn as a solid (and off the film on the film layers): light steel grey, distinct from every colour map */
export const METAL_GREY: readonly [number, number, number] = [0xc0, 0xc4, 0xcc];
/** the electrolyte off the film on the film layers, and on the dead-Li layer: slate */
export const OFF_FILM_SLATE: readonly [number, number, number] = [0x3b, 0x41, 0x4d];
/**
 * dead Li on the dead-Li layer: Okabe–Ito vermilion, apart from the live Li grey in hue and lightness
 * for every common colour-vision deficiency, and from the copper collector and the gold seeds
 */
export const DEAD_LI: readonly [number, number, number] = [0xd5, 0x5e, 0x00];

/**
 * A film cell counts as cracked while its integrity is below ½: the model cracks a film only where its
 * integrity after healing exceeds ½ (filmAdvance in src/cpu/mechanics.ts), so below ½ the crack is
 * still re-forming. Integrity drops to 0 at a crack and heals as d → (d + dt/τ)/(1 + dt/τ).
 */
export const CRACKED_BELOW = 0.5;

// The SEI layers (issue 5) read the solver's film buffer (ε_f, integrity) and the kernels' geometry
// (lane w: the mechanical shift Ωσ_h/RT), see GpuFieldView.sei in src/sim/types.ts (Simulation.gpuView()).
export const LAYERS: readonly LayerSpec[] = [
  { index: 0, id: 'xi', label: 'Li metal ξ', unit: '–', colormap: 'cividis', fixed: [0, 1], domain: 'all' },
  // dead Li: the metal the kinetics switched off, islands cut off from the collector and host (shaders/label.wgsl,
  // src/cpu/label.ts); value 1 on a dead cell, 0 elsewhere
  {
    index: 8,
    id: 'dead',
    label: 'dead Li (cut off from the collector)',
    unit: 'live / dead',
    colormap: 'viridis',
    fixed: [0, 1],
    domain: 'deposit',
    needs: 'islands',
    legend: [
      { label: 'live Li', rgb: METAL_GREY },
      { label: 'dead Li', rgb: DEAD_LI },
      { label: 'electrolyte', rgb: OFF_FILM_SLATE },
    ],
  },
  // c: 1e-3 of a 1 M salt; φ: 0.1 mV (0.4 % of RT/F); |i|: 1e-3 of 1 mA/cm²; σ_h: 10 kPa, a kinetic shift
  // Ωσ_h/F of 1.3 µV (Ω = 13 cm³/mol); ε_f: 1e-5 strain
  { index: 1, id: 'c', label: 'Li⁺ concentration', unit: 'mol/L', colormap: 'viridis', domain: 'electrolyte', minSpan: 1e-3 },
  { index: 2, id: 'phi', label: 'electrolyte potential', unit: 'V', colormap: 'magma', domain: 'electrolyte', minSpan: 1e-4 },
  { index: 3, id: 'i', label: 'ionic current density |i|', unit: 'mA/cm²', colormap: 'magma', domain: 'electrolyte', minSpan: 1e-3 },
  { index: 4, id: 'stress', label: 'hydrostatic stress σ_h (capped at yield)', unit: 'MPa', colormap: 'viridis', domain: 'all', needs: 'mechanics', minSpan: 0.01 },
  { index: 5, id: 'strain', label: 'SEI film strain ε_f', unit: '%', colormap: 'magma', domain: 'film', needs: 'film', minSpan: 1e-3 },
  { index: 6, id: 'integrity', label: 'SEI integrity (0 cracked, 1 intact)', unit: '–', colormap: 'magma', fixed: [0, 1], domain: 'film', needs: 'film' },
  { index: 7, id: 'cracked', label: 'cracked SEI (integrity < ½)', unit: '1 = cracked', colormap: 'viridis', fixed: [0, 1], domain: 'film', needs: 'film' },
];

/**
 * The layers a simulation can show: the stress where it solves the mechanics (an SEI film, or a solid
 * electrolyte's growth strain without one), the film layers where it has a film, the dead-Li layer
 * where cut-off islands are dead.
 */
export function layersFor(has: { mechanics: boolean; film: boolean; islands: boolean }): LayerSpec[] {
  return LAYERS.filter((l) => l.needs === undefined || has[l.needs]);
}

export function layerById(id: string): LayerSpec {
  const l = LAYERS.find((x) => x.id === id);
  if (!l) throw new Error(`view.layer = ${JSON.stringify(id)} is not allowed: one of ${LAYERS.map((x) => x.id).join(', ')}`);
  return l;
}

/** The 256-entry table as vec4<f32> (0–1) for the uniform buffer the fragment shader samples. */
export function lutFloats(name: ColormapName | string): Float32Array<ArrayBuffer> {
  const lut = colormap(name);
  const out = new Float32Array(256 * 4);
  for (let k = 0; k < out.length; k++) out[k] = lut[k] / 255;
  return out;
}

/** A CSS linear-gradient of the same table (bottom → top), for the colour bar. */
export function cssGradient(name: ColormapName | string, stops = 16): string {
  const lut = colormap(name);
  const parts: string[] = [];
  for (let s = 0; s < stops; s++) {
    const t = s / (stops - 1);
    const k = Math.round(t * 255) * 4;
    parts.push(`rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]}) ${(t * 100).toFixed(2)}%`);
  }
  return `linear-gradient(to top, ${parts.join(', ')})`;
}

export { COLORMAP_NAMES };

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** TypeScript twin of orderedBits() in shaders/render.wgsl: f32 → u32 preserving order. */
export function orderedBits(v: number): number {
  f32[0] = v;
  const b = u32[0];
  return (b & 0x80000000 ? ~b : b | 0x80000000) >>> 0;
}

/** Inverse of orderedBits. */
export function fromOrderedBits(o: number): number {
  u32[0] = o & 0x80000000 ? (o & 0x7fffffff) >>> 0 : ~o >>> 0;
  return f32[0];
}

/** Rounds a data range outward to "nice" numbers for the colour bar; degenerate ranges are widened. */
export function niceRange(lo: number, hi: number): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) return [0, 1];
  if (hi - lo < 1e-12 * Math.max(1, Math.abs(hi))) {
    const pad = Math.abs(hi) > 0 ? Math.abs(hi) * 0.05 : 1;
    return [lo - pad, hi + pad];
  }
  const step = niceStep((hi - lo) / 8);
  return [Math.floor(lo / step) * step, Math.ceil(hi / step) * step];
}

/**
 * The automatic colour range of a layer: the data range widened, about its middle, to the layer's
 * minSpan, then rounded by niceRange. A field uniform to within its noise shows as one colour.
 */
export function autoRange(layer: LayerSpec, lo: number, hi: number): [number, number] {
  if (layer.minSpan !== undefined && Number.isFinite(lo) && Number.isFinite(hi) && hi - lo < layer.minSpan) {
    const mid = (lo + hi) / 2;
    return niceRange(mid - layer.minSpan / 2, mid + layer.minSpan / 2);
  }
  return niceRange(lo, hi);
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/** Tick values for a colour bar over [lo, hi]. */
export function ticks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / target);
  const out: number[] = [];
  // k·step, rounded to 12 digits, so 0.6 prints as 0.6 and not 0.6000000000000001
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) out.push(k === 0 ? 0 : Number((k * step).toPrecision(12)));
  return out;
}

/** A scale-bar length [µm] of 1, 2 or 5 × 10ⁿ that is at most `maxUm` long. */
export function scaleBarLength(maxUm: number): number {
  const p = 10 ** Math.floor(Math.log10(maxUm));
  const m = maxUm / p;
  return (m >= 5 ? 5 : m >= 2 ? 2 : 1) * p;
}
