// Render the phase field ξ (1 = Li metal, 0 = electrolyte) as an RGBA image: y up, so the current
// collector (j = 0) is at the bottom, drawn as a copper strip under the domain. Small grids are
// upscaled by an integer factor (nearest neighbour) so the image is at least ~minSize pixels.
// With a geometry, 3D-host cells are painted HOST_SOLID and seeded surfaces SEED_GOLD (the app's
// renderer, shaders/render.wgsl, uses the same two colours).

import type { Fields } from '../sim/types.ts';
import { colormap, mapValue, type ColormapName } from './colormap.ts';

export interface FieldImageOptions {
  /** default 'cividis' */
  colormap?: ColormapName;
  /** integer upscaling factor; default: the smallest making max(width, height) >= minSize */
  scale?: number;
  /** default 256 */
  minSize?: number;
  /** height of the copper collector strip in pixels; default max(4, scale) */
  collectorPx?: number;
  /** 1-px contour at ξ = 0.5, drawn on the electrolyte side; default true */
  contour?: boolean;
}

/** The static cells to draw over the field (src/model/geometry.ts, cell (i, j) at j·nx + i). */
export interface ImageGeometry {
  /** 1: a host cell (never Li), painted HOST_SOLID */
  solid: ArrayLike<number>;
  /** 1 on a host cell: a seeded surface; on a fluid cell of row 0: a seeded collector face under it */
  seeded: ArrayLike<number>;
}

export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export const COPPER: readonly [number, number, number] = [184, 115, 51];
const COPPER_EDGE: readonly [number, number, number] = [122, 70, 28];
const CONTOUR: readonly [number, number, number] = [240, 240, 240];
const NAN_COLOUR: readonly [number, number, number] = [255, 0, 255];
/** 3D host (Cu, carbon): a dark grey-brown, away from every colour map, the Li grey and the copper strip */
export const HOST_SOLID: readonly [number, number, number] = [102, 68, 51];
/** lithiophilic seeds on a host surface or the collector */
export const SEED_GOLD: readonly [number, number, number] = [212, 160, 23];

export function phaseFieldImage(fields: Fields, opts: FieldImageOptions = {}, geometry?: ImageGeometry): RgbaImage {
  const { nx, ny, xi } = fields;
  if (!(nx >= 1 && ny >= 1) || xi.length !== nx * ny) {
    throw new Error(`phaseFieldImage: xi has ${xi.length} values for a ${nx} x ${ny} grid`);
  }
  if (geometry && (geometry.solid.length !== nx * ny || geometry.seeded.length !== nx * ny)) {
    throw new Error(`phaseFieldImage: the geometry does not match the ${nx} x ${ny} grid`);
  }
  const host = (k: number) => geometry !== undefined && geometry.solid[k] > 0.5;
  const seeded = (k: number) => geometry !== undefined && geometry.seeded[k] > 0.5;
  const minSize = opts.minSize ?? 256;
  const s = Math.max(1, Math.floor(opts.scale ?? Math.ceil(minSize / Math.max(nx, ny))));
  const strip = Math.max(0, Math.floor(opts.collectorPx ?? Math.max(4, s)));
  const contour = opts.contour ?? true;
  const lut = colormap(opts.colormap ?? 'cividis');

  const width = nx * s;
  const domainH = ny * s;
  const height = domainH + strip;
  const rgba = new Uint8Array(width * height * 4);

  // Colour per cell once, then replicate.
  const cell = new Uint8Array(nx * ny * 3);
  for (let k = 0; k < nx * ny; k++) {
    const v = xi[k];
    const c = host(k) ? (seeded(k) ? SEED_GOLD : HOST_SOLID) : Number.isFinite(v) ? mapValue(v, lut) : NAN_COLOUR;
    cell[3 * k] = c[0];
    cell[3 * k + 1] = c[1];
    cell[3 * k + 2] = c[2];
  }
  const metal = (i: number, j: number) => xi[j * nx + i] >= 0.5;

  for (let y = 0; y < domainH; y++) {
    const j = ny - 1 - Math.floor(y / s);
    const sy = y % s; // 0 = top edge of the cell block
    for (let x = 0; x < width; x++) {
      const i = Math.floor(x / s);
      const sx = x % s;
      const o = 4 * (y * width + x);
      let r = cell[3 * (j * nx + i)];
      let g = cell[3 * (j * nx + i) + 1];
      let b = cell[3 * (j * nx + i) + 2];
      // the contour is the electrolyte's edge: host cells (ξ = 0) are not electrolyte
      if (contour && !metal(i, j) && !host(j * nx + i) && Number.isFinite(xi[j * nx + i])) {
        const edge =
          (sx === 0 && i > 0 && metal(i - 1, j)) ||
          (sx === s - 1 && i < nx - 1 && metal(i + 1, j)) ||
          (sy === 0 && j < ny - 1 && metal(i, j + 1)) ||
          (sy === s - 1 && j > 0 && metal(i, j - 1));
        if (edge) [r, g, b] = CONTOUR;
      }
      rgba[o] = r;
      rgba[o + 1] = g;
      rgba[o + 2] = b;
      rgba[o + 3] = 255;
    }
  }
  for (let y = domainH; y < height; y++) {
    const edge = y === height - 1 && strip > 2;
    // a seeded collector face: its upper half is gold, a coating on the copper
    const coat = y < domainH + Math.ceil(strip / 2);
    for (let x = 0; x < width; x++) {
      const k = Math.floor(x / s);
      const c = coat && seeded(k) && !host(k) ? SEED_GOLD : edge ? COPPER_EDGE : COPPER;
      const o = 4 * (y * width + x);
      rgba[o] = c[0];
      rgba[o + 1] = c[1];
      rgba[o + 2] = c[2];
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}
