// A contact sheet of a sweep's final morphologies: one tile per run, in a grid, each with its
// parameter labels drawn underneath by the built-in 5x7 font (no font libraries or system fonts).
// Node-only, through the PNG decoder and node:zlib.

import { deflateSync } from 'node:zlib';
import { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, textWidth } from '../io/font5x7.ts';
import { encodePng } from '../io/png.ts';
import { decodePng, type DecodedPng } from '../io/pngDecode.ts';

type Rgb = [number, number, number];

export interface MontageTile {
  /** PNG file bytes of the run's final image, or null for a run that failed or has not finished. */
  png: Uint8Array | null;
  /** Lines drawn under the tile, e.g. ["drive.current_density_mA_cm2=0.5", "run.seed=1"]. */
  label: string[];
}

export interface MontageOptions {
  /** Tiles per row; default ceil(sqrt(n)), never more than n. */
  columns?: number;
  /** Width every image is scaled to (nearest neighbour, aspect kept); default the widest, at most 256. */
  tileWidth?: number;
  /** Colour of the margins; default white. */
  background?: Rgb;
}

export const MONTAGE_MARGIN = 8;
const MAX_DEFAULT_TILE_WIDTH = 256;
const LABEL_PAD = 3;
const LINE_HEIGHT = GLYPH_HEIGHT + 3;
const LABEL_BG: Rgb = [240, 240, 240];
const LABEL_FG: Rgb = [20, 20, 20];
/** Fill of a tile without an image. */
export const NOT_DONE_GREY: Rgb = [160, 160, 160];

/**
 * `text` cut with '..' so it is at most `maxWidth` pixels wide in the 5x7 font at scale 1.
 * A "key=value" line loses the start of the key rather than the value, which is what tells tiles apart.
 */
export function fitLabel(text: string, maxWidth: number): string {
  const chars = [...text];
  const maxChars = Math.max(0, Math.floor((maxWidth + 1) / (GLYPH_WIDTH + 1)));
  if (chars.length <= maxChars) return text;
  if (maxChars <= 2) return chars.slice(0, maxChars).join('');
  const keep = maxChars - 2;
  const eq = chars.indexOf('=');
  if (eq >= 0 && chars.length - eq <= keep) return '..' + chars.slice(chars.length - keep).join('');
  return chars.slice(0, keep).join('') + '..';
}

/** `src` scaled to `w` x `h` by nearest neighbour, alpha composited over `bg`, into `dst` at (dx, dy). */
function blitScaled(src: DecodedPng, w: number, h: number, dst: DecodedPng, dx: number, dy: number, bg: Rgb): void {
  for (let y = 0; y < h; y++) {
    const sy = Math.min(src.height - 1, Math.floor(((y + 0.5) * src.height) / h));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(src.width - 1, Math.floor(((x + 0.5) * src.width) / w));
      const s = (sy * src.width + sx) * 4;
      const d = ((dy + y) * dst.width + dx + x) * 4;
      const a = src.rgba[s + 3];
      for (let k = 0; k < 3; k++) dst.rgba[d + k] = Math.round((src.rgba[s + k] * a + bg[k] * (255 - a)) / 255);
      dst.rgba[d + 3] = 255;
    }
  }
}

function fillRect(img: DecodedPng, x0: number, y0: number, w: number, h: number, rgb: Rgb): void {
  for (let y = y0; y < y0 + h; y++) {
    for (let x = x0; x < x0 + w; x++) {
      const i = (y * img.width + x) * 4;
      img.rgba[i] = rgb[0];
      img.rgba[i + 1] = rgb[1];
      img.rgba[i + 2] = rgb[2];
      img.rgba[i + 3] = 255;
    }
  }
}

function positiveInt(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
    throw new Error(`montage: ${name} must be a positive integer (got ${v})`);
  }
}

/**
 * PNG bytes of the tiles in a grid, row by row, each image above a strip with its label lines.
 * Tiles whose png is null are grey boxes reading "not done"; one whose bytes cannot be decoded
 * reads "unreadable PNG" rather than sinking the whole montage.
 */
export function montage(tiles: MontageTile[], opts: MontageOptions = {}): Uint8Array {
  if (tiles.length === 0) throw new Error('montage: no tiles');
  positiveInt('columns', opts.columns);
  positiveInt('tileWidth', opts.tileWidth);
  const bg = opts.background ?? [255, 255, 255];
  const n = tiles.length;

  const images = tiles.map((t): DecodedPng | Error | null => {
    if (!t.png) return null;
    try {
      return decodePng(t.png);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  });
  const decoded = images.filter((im): im is DecodedPng => im !== null && !(im instanceof Error));

  const tileWidth =
    opts.tileWidth ?? (decoded.length ? Math.min(MAX_DEFAULT_TILE_WIDTH, Math.max(...decoded.map((im) => im.width))) : 128);
  const heightOf = (im: DecodedPng) => Math.max(1, Math.round((im.height * tileWidth) / im.width));
  // One image height for the whole grid keeps label strips aligned; without images, square boxes.
  const imageHeight = decoded.length ? Math.max(...decoded.map(heightOf)) : tileWidth;
  const lines = Math.max(0, ...tiles.map((t) => t.label.length));
  const stripHeight = lines ? 2 * LABEL_PAD + lines * LINE_HEIGHT - (LINE_HEIGHT - GLYPH_HEIGHT) : 0;

  const columns = Math.min(n, opts.columns ?? Math.ceil(Math.sqrt(n)));
  const rows = Math.ceil(n / columns);
  const cellW = tileWidth;
  const cellH = imageHeight + stripHeight;
  const width = MONTAGE_MARGIN + columns * (cellW + MONTAGE_MARGIN);
  const height = MONTAGE_MARGIN + rows * (cellH + MONTAGE_MARGIN);
  const out: DecodedPng = { width, height, rgba: new Uint8Array(width * height * 4) };
  fillRect(out, 0, 0, width, height, bg);

  tiles.forEach((tile, i) => {
    const x0 = MONTAGE_MARGIN + (i % columns) * (cellW + MONTAGE_MARGIN);
    const y0 = MONTAGE_MARGIN + Math.floor(i / columns) * (cellH + MONTAGE_MARGIN);
    const im = images[i];
    if (im && !(im instanceof Error)) {
      const h = heightOf(im);
      blitScaled(im, tileWidth, h, out, x0, y0 + Math.floor((imageHeight - h) / 2), bg);
    } else {
      fillRect(out, x0, y0, tileWidth, imageHeight, NOT_DONE_GREY);
      const text = fitLabel(im ? 'unreadable PNG' : 'not done', tileWidth - 2 * LABEL_PAD);
      const tx = x0 + Math.floor((tileWidth - textWidth(text)) / 2);
      drawText(out, tx, y0 + Math.floor((imageHeight - GLYPH_HEIGHT) / 2), text, LABEL_FG);
    }
    if (stripHeight) {
      fillRect(out, x0, y0 + imageHeight, tileWidth, stripHeight, LABEL_BG);
      tile.label.forEach((line, k) => {
        const text = fitLabel(line, tileWidth - 2 * LABEL_PAD);
        drawText(out, x0 + LABEL_PAD, y0 + imageHeight + LABEL_PAD + k * LINE_HEIGHT, text, LABEL_FG);
      });
    }
  });

  return encodePng(width, height, out.rgba, (data) => new Uint8Array(deflateSync(data)));
}
