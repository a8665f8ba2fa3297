// The dead-Li layer of the CPU mode (src/app/cpuApp.ts): which cells are dead, from the labelling the
// solver itself uses (src/cpu/label.ts), and the picture the 2D canvas draws, in the colours of the
// WebGPU layer (shaders/render.wgsl). Pure, unit-tested in tests/app-units.test.ts.

import { LABEL_NONE, labelMetal } from '../cpu/label.ts';
import { COPPER, HOST_SOLID, SEED_GOLD, type ImageGeometry, type RgbaImage } from '../io/fieldImage.ts';
import { DEAD_LI, METAL_GREY, OFF_FILM_SLATE } from './layers.ts';

/** 1 on a dead cell: metal or its diffuse interface in an island cut off from the collector and host. */
export function deadCells(nx: number, ny: number, xi: ArrayLike<number>, solid: ArrayLike<number>): Uint8Array {
  const { labels } = labelMetal(nx, ny, xi, solid);
  return Uint8Array.from(labels, (l) => (l !== 0 && l !== LABEL_NONE ? 1 : 0));
}

/**
 * One pixel per cell (y up) and a copper row under the domain: the electrolyte slate, live Li grey,
 * dead Li vermilion, blended by ξ across the interface; host cells brown, seeded ones gold.
 */
export function deadLiImage(nx: number, ny: number, xi: ArrayLike<number>, dead: ArrayLike<number>, geometry?: ImageGeometry): RgbaImage {
  const rgba = new Uint8Array(4 * nx * (ny + 1));
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      let rgb: readonly number[];
      if (geometry && geometry.solid[k] > 0.5) rgb = geometry.seeded[k] > 0.5 ? SEED_GOLD : HOST_SOLID;
      else {
        const li = dead[k] ? DEAD_LI : METAL_GREY;
        // the ξ = ½ edge over about half a cell, as the WebGPU layer's soft edge
        const a = Math.min(1, Math.max(0, (xi[k] - 0.25) / 0.5));
        rgb = OFF_FILM_SLATE.map((e, q) => Math.round(e + a * (li[q] - e)));
      }
      rgba.set([rgb[0], rgb[1], rgb[2], 255], 4 * ((ny - 1 - j) * nx + i));
    }
  }
  for (let i = 0; i < nx; i++) rgba.set([...COPPER, 255], 4 * (ny * nx + i));
  return { width: nx, height: ny + 1, rgba };
}
