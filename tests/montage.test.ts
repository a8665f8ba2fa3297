// The sweep montage and its parts: the PNG decoder, the 5x7 bitmap font and the tile grid.

import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { drawText, GLYPH_HEIGHT, GLYPH_WIDTH, textWidth } from '../src/io/font5x7.ts';
import { crc32, encodePng, zlibStored } from '../src/io/png.ts';
import { decodePng } from '../src/io/pngDecode.ts';
import { fitLabel, montage, MONTAGE_MARGIN, NOT_DONE_GREY } from '../src/sweep/montage.ts';
import { mulberry32 } from '../src/sweep/designs.ts';

function randomBytes(n: number, seed: number): Uint8Array {
  const r = mulberry32(seed); // seeded, so failures reproduce
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(r() * 256);
  return out;
}

/** A PNG file from IHDR fields and already-filtered scanlines, the zlib data split over several IDATs. */
function buildPng(
  width: number,
  height: number,
  colourType: number,
  raw: Uint8Array,
  { bitDepth = 8, interlace = 0, idatPieces = 3 } = {},
): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr.set([bitDepth, colourType, 0, 0, interlace], 8);
  const z = new Uint8Array(deflateSync(raw));
  const chunks: [string, Uint8Array][] = [['IHDR', ihdr]];
  const step = Math.ceil(z.length / idatPieces);
  for (let o = 0; o < z.length; o += step) chunks.push(['IDAT', z.subarray(o, o + step)]);
  chunks.push(['IEND', new Uint8Array(0)]);
  const parts: number[] = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  for (const [type, data] of chunks) {
    const body = new Uint8Array(4 + data.length);
    for (let k = 0; k < 4; k++) body[k] = type.charCodeAt(k);
    body.set(data, 4);
    const len = data.length;
    const crc = crc32(body);
    parts.push(len >>> 24, (len >>> 16) & 255, (len >>> 8) & 255, len & 255, ...body);
    parts.push(crc >>> 24, (crc >>> 16) & 255, (crc >>> 8) & 255, crc & 255);
  }
  return new Uint8Array(parts);
}

/** Forward PNG filtering, written independently of the decoder: row y uses filter filters[y]. */
function filterRows(pix: Uint8Array, width: number, height: number, bpp: number, filters: number[]): Uint8Array {
  const stride = width * bpp;
  const raw = new Uint8Array((stride + 1) * height);
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : pix[y * stride + i]);
  for (let y = 0; y < height; y++) {
    const f = filters[y];
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const x = at(y, i);
      const a = at(y, i - bpp);
      const b = at(y - 1, i);
      const c = at(y - 1, i - bpp);
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = Math.floor((a + b) / 2);
      else if (f === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      raw[y * (stride + 1) + 1 + i] = (x - pred) & 255;
    }
  }
  return raw;
}

/** RGB(A) of pixel (x, y). */
function px(img: { width: number; rgba: Uint8Array }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.rgba.subarray(i, i + 4));
}

function blank(width: number, height: number): { width: number; height: number; rgba: Uint8Array } {
  return { width, height, rgba: new Uint8Array(width * height * 4).fill(255) };
}

/** Coordinates of pixels whose red channel is below 128 (the dark text drawn on white). */
function darkPixels(img: { width: number; height: number; rgba: Uint8Array }): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) if (img.rgba[(y * img.width + x) * 4] < 128) out.push([x, y]);
  return out;
}

function solidPng(width: number, height: number, rgb: [number, number, number]): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([...rgb, 255], i * 4);
  return encodePng(width, height, rgba);
}

function countColour(img: { width: number; height: number; rgba: Uint8Array }, rgb: number[]): number {
  let n = 0;
  for (let i = 0; i < img.width * img.height; i++) {
    if (img.rgba[i * 4] === rgb[0] && img.rgba[i * 4 + 1] === rgb[1] && img.rgba[i * 4 + 2] === rgb[2]) n++;
  }
  return n;
}

describe('decodePng', () => {
  it('round-trips encodePng output for random RGBA images, compressed or stored', () => {
    const sizes: [number, number][] = [[1, 1], [7, 5], [33, 17], [1, 40], [300, 3]];
    sizes.forEach(([w, h], k) => {
      const rgba = randomBytes(w * h * 4, 100 + k);
      for (const deflate of [undefined, zlibStored]) {
        const img = decodePng(encodePng(w, h, rgba, deflate));
        expect([img.width, img.height]).toEqual([w, h]);
        expect(img.rgba).toEqual(rgba);
      }
    });
  });

  it('decodes an RGB image whose rows use all five filter types, over several IDAT chunks', () => {
    const [w, h] = [13, 25];
    const noise = randomBytes(w * h * 3, 7);
    // small values make the Paeth predictor's ties (pa = pc, pb = pc) common; 254 and 255 make bytes wrap
    const levels = [0, 1, 2, 3, 4, 5, 128, 254, 255];
    const steps = randomBytes(w * h * 3, 11).map((v) => levels[v % levels.length]);
    for (const rgb of [noise, steps]) {
      const filters = Array.from({ length: h }, (_, y) => y % 5);
      const img = decodePng(buildPng(w, h, 2, filterRows(rgb, w, h, 3, filters)));
      expect([img.width, img.height]).toEqual([w, h]);
      for (let i = 0; i < w * h; i++) {
        expect(px(img, i % w, Math.floor(i / w))).toEqual([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], 255]);
      }
    }
  });

  it('decodes filtered grey and RGBA images', () => {
    const [w, h] = [9, 10];
    const filters = Array.from({ length: h }, (_, y) => (y * 3) % 5);
    const grey = randomBytes(w * h, 8);
    const g = decodePng(buildPng(w, h, 0, filterRows(grey, w, h, 1, filters), { idatPieces: 1 }));
    for (let i = 0; i < w * h; i++) expect(px(g, i % w, Math.floor(i / w))).toEqual([grey[i], grey[i], grey[i], 255]);
    const rgba = randomBytes(w * h * 4, 9);
    expect(decodePng(buildPng(w, h, 6, filterRows(rgba, w, h, 4, filters))).rgba).toEqual(rgba);
  });

  it('rejects what it does not support with an error naming it', () => {
    const raw = new Uint8Array(2 * 3);
    expect(() => decodePng(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toThrow(/signature/);
    expect(() => decodePng(buildPng(2, 2, 3, raw))).toThrow(/colour type 3/);
    expect(() => decodePng(buildPng(2, 2, 2, raw, { bitDepth: 16 }))).toThrow(/bit depth 16/);
    expect(() => decodePng(buildPng(2, 2, 2, raw, { interlace: 1 }))).toThrow(/interlace method 1/);
    const bad = filterRows(new Uint8Array(2 * 2 * 3), 2, 2, 3, [0, 0]);
    bad[0] = 5;
    expect(() => decodePng(buildPng(2, 2, 2, bad))).toThrow(/filter type 5/);
  });
});

describe('font5x7', () => {
  it('measures 5 px per glyph and 1 px between glyphs, times the scale', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('A')).toBe(5);
    expect(textWidth('abc')).toBe(17);
    expect(textWidth('abc', 2)).toBe(34);
    expect(() => textWidth('a', 0)).toThrow(/scale/);
  });

  it('draws dark pixels inside the text box and none outside', () => {
    for (const [text, scale, x, y] of [['A', 1, 3, 4], ['Hi=0.5', 2, 6, 5], ['run.seed_0', 1, 0, 0]] as const) {
      const img = blank(90, 30);
      drawText(img, x, y, text, [0, 0, 0], scale);
      const dark = darkPixels(img);
      expect(dark.length).toBeGreaterThan(0);
      const [x1, y1] = [x + textWidth(text, scale), y + GLYPH_HEIGHT * scale];
      for (const [px0, py0] of dark) {
        expect(px0 >= x && px0 < x1 && py0 >= y && py0 < y1, `(${px0},${py0}) outside box for ${text}`).toBe(true);
      }
      // the box is tight: the glyphs touch its left, right, top and bottom edges
      expect(Math.min(...dark.map((d) => d[0]))).toBe(x);
      expect(Math.max(...dark.map((d) => d[0]))).toBe(x1 - 1);
    }
  });

  it('gives every printable ASCII character its own glyph; unknown ones draw as "?"', () => {
    const render = (ch: string) => {
      const img = blank(GLYPH_WIDTH, GLYPH_HEIGHT);
      drawText(img, 0, 0, ch, [0, 0, 0]);
      return darkPixels(img).join(';');
    };
    const seen = new Map<string, string>();
    for (let c = 33; c <= 126; c++) {
      const ch = String.fromCharCode(c);
      const key = render(ch);
      expect(key, `'${ch}' draws nothing`).not.toBe('');
      expect(seen.get(key), `'${ch}' looks like '${seen.get(key)}'`).toBeUndefined();
      seen.set(key, ch);
    }
    expect(render(' ')).toBe('');
    expect(render('A')).not.toBe(render('B'));
    expect(render('\u2603')).toBe(render('?'));
    expect(render('µ')).toBe(render('u'));
  });

  it('clips at the image edges', () => {
    const img = blank(8, 5);
    expect(() => drawText(img, -3, -2, 'WW', [0, 0, 0], 2)).not.toThrow();
    expect(darkPixels(img).length).toBeGreaterThan(0);
    const far = blank(8, 5);
    drawText(far, 100, 100, 'W', [0, 0, 0]);
    drawText(far, -100, -100, 'W', [0, 0, 0]);
    expect(darkPixels(far)).toEqual([]);
  });
});

describe('montage', () => {
  const RED: [number, number, number] = [230, 20, 20];
  const GREEN: [number, number, number] = [20, 200, 40];
  const BLUE: [number, number, number] = [30, 40, 220];

  it('lays out 3 tiles of different sizes in 2 columns with each tile and its labels', () => {
    const tiles = [
      { png: solidPng(40, 20, RED), label: ['drive.current_density_mA_cm2=0.5', 'run.seed=1'] },
      { png: solidPng(20, 30, GREEN), label: ['drive.current_density_mA_cm2=1'] },
      { png: solidPng(64, 64, BLUE), label: ['drive.current_density_mA_cm2=2', 'run.seed=2'] },
    ];
    const bytes = montage(tiles, { columns: 2 });
    const img = decodePng(bytes);
    // tile width 64 (the widest); image area 96 (20x30 scaled to 64 wide); label strip for 2 lines:
    // 3 px padding above and below, two 7 px lines 3 px apart = 23
    const strip = 3 + 7 + 3 + 7 + 3;
    expect(img.width).toBe(MONTAGE_MARGIN + 2 * (64 + MONTAGE_MARGIN));
    expect(img.height).toBe(MONTAGE_MARGIN + 2 * (96 + strip + MONTAGE_MARGIN));
    expect(countColour(img, RED)).toBe(64 * 32);
    expect(countColour(img, GREEN)).toBe(64 * 96);
    expect(countColour(img, BLUE)).toBe(64 * 64);
    // both label strips of the first row hold dark text, and none spills into the margins
    const y0 = MONTAGE_MARGIN + 96;
    const dark = [0, 0, 0]; // column 0, column 1, margins
    for (let y = y0; y < y0 + strip; y++) {
      for (let x = 0; x < img.width; x++) {
        if (!px(img, x, y).slice(0, 3).every((c) => c < 100)) continue;
        const col = Math.floor((x - MONTAGE_MARGIN) / (64 + MONTAGE_MARGIN));
        const inTile = x >= MONTAGE_MARGIN && (x - MONTAGE_MARGIN) % (64 + MONTAGE_MARGIN) < 64;
        dark[inTile ? col : 2]++;
      }
    }
    expect(dark[0]).toBeGreaterThan(50);
    expect(dark[1]).toBeGreaterThan(50);
    expect(dark[2]).toBe(0);
    expect(bytes.length).toBeLessThan(img.width * img.height); // compressed, not stored
  });

  it('draws a null tile as a grey box reading "not done"', () => {
    const img = decodePng(montage([{ png: solidPng(30, 30, RED), label: ['a=1'] }, { png: null, label: ['a=2'] }]));
    expect(img.width).toBe(MONTAGE_MARGIN + 2 * (30 + MONTAGE_MARGIN));
    const x0 = MONTAGE_MARGIN + 30 + MONTAGE_MARGIN;
    expect(px(img, x0, MONTAGE_MARGIN)).toEqual([...NOT_DONE_GREY, 255]);
    expect(px(img, x0 + 29, MONTAGE_MARGIN + 29)).toEqual([...NOT_DONE_GREY, 255]);
    expect(countColour(img, NOT_DONE_GREY)).toBeGreaterThan(30 * 30 - textWidth('not done') * GLYPH_HEIGHT);
    let text = 0;
    for (let y = MONTAGE_MARGIN; y < MONTAGE_MARGIN + 30; y++) for (let x = x0; x < x0 + 30; x++) if (px(img, x, y)[0] < 100) text++;
    expect(text).toBeGreaterThan(20);
  });

  it('scales by nearest neighbour to the requested tile width', () => {
    // 2x2 checkerboard -> 8x8 with 4x4 blocks
    const rgba = new Uint8Array([...RED, 255, ...BLUE, 255, ...BLUE, 255, ...RED, 255]);
    const img = decodePng(montage([{ png: encodePng(2, 2, rgba), label: [] }], { tileWidth: 8, background: [0, 0, 0] }));
    expect([img.width, img.height]).toEqual([8 + 2 * MONTAGE_MARGIN, 8 + 2 * MONTAGE_MARGIN]);
    const m = MONTAGE_MARGIN;
    for (let y = 0; y < 8; y++) {
      for (let x = 0; x < 8; x++) expect(px(img, m + x, m + y).slice(0, 3)).toEqual((x < 4) === (y < 4) ? RED : BLUE);
    }
    expect(px(img, 0, 0)).toEqual([0, 0, 0, 255]);
  });

  it('survives an unreadable PNG and rejects bad options', () => {
    const img = decodePng(montage([{ png: new Uint8Array([1, 2, 3]), label: ['x=1'] }]));
    expect(countColour(img, NOT_DONE_GREY)).toBeGreaterThan(0);
    expect(() => montage([])).toThrow(/no tiles/);
    expect(() => montage([{ png: null, label: [] }], { columns: 0 })).toThrow(/columns/);
  });

  it('cuts long labels with ".." to the tile width, keeping the value of key=value', () => {
    const long = 'drive.current_density_mA_cm2=0.5';
    expect(fitLabel(long, 1000)).toBe(long);
    const cut = fitLabel(long, 64);
    expect(textWidth(cut)).toBeLessThanOrEqual(64);
    expect(cut.startsWith('..') && cut.endsWith('=0.5')).toBe(true);
    const plain = fitLabel('a very long line without an equals sign', 64);
    expect(plain.endsWith('..') && textWidth(plain) <= 64).toBe(true);
  });
});
