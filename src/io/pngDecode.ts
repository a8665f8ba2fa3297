// A small PNG decoder for reading back the simulator's own images (e.g. to build a sweep montage).
// Node-only: it inflates with `node:zlib`. Supports non-interlaced, 8-bit, colour types 0 (grey),
// 2 (RGB), 4 (grey + alpha) and 6 (RGBA), all five filter types and any number of IDAT chunks.
// CRCs are not checked; ancillary chunks (tRNS, gAMA, ...) are ignored.

import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** width * height * 4 bytes, rows top to bottom. */
  rgba: Uint8Array;
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Bytes per pixel for each supported colour type at bit depth 8. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** Pixels of a PNG file as RGBA8. Throws an Error naming the problem for anything unsupported. */
export function decodePng(bytes: Uint8Array): DecodedPng {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new Error('decodePng: not a PNG file (bad signature)');
  }
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Uint8Array[] = [];
  let sawIhdr = false;
  let sawIend = false;
  for (let o = 8; o + 8 <= bytes.length; ) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(bytes[o + 4], bytes[o + 5], bytes[o + 6], bytes[o + 7]);
    const start = o + 8;
    if (start + len + 4 > bytes.length) throw new Error(`decodePng: truncated ${type} chunk`);
    const data = bytes.subarray(start, start + len);
    if (type === 'IHDR') {
      if (len < 13) throw new Error('decodePng: IHDR chunk too short');
      width = dv.getUint32(start);
      height = dv.getUint32(start + 4);
      const bitDepth = data[8];
      colourType = data[9];
      const compression = data[10];
      const filterMethod = data[11];
      const interlace = data[12];
      if (!(colourType in CHANNELS)) {
        throw new Error(`decodePng: unsupported colour type ${colourType} (supported: 0 grey, 2 RGB, 4 grey+alpha, 6 RGBA)`);
      }
      if (bitDepth !== 8) throw new Error(`decodePng: unsupported bit depth ${bitDepth} (only 8 is supported)`);
      if (interlace !== 0) throw new Error(`decodePng: unsupported interlace method ${interlace} (only 0, none)`);
      if (compression !== 0 || filterMethod !== 0) {
        throw new Error(`decodePng: unknown compression method ${compression} or filter method ${filterMethod}`);
      }
      if (width < 1 || height < 1) throw new Error(`decodePng: bad size ${width} x ${height}`);
      sawIhdr = true;
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      sawIend = true;
      break;
    }
    o = start + len + 4;
  }
  if (!sawIhdr) throw new Error('decodePng: no IHDR chunk');
  if (idat.length === 0) throw new Error('decodePng: no IDAT chunk');
  if (!sawIend) throw new Error('decodePng: no IEND chunk (truncated file?)');

  const compressed = new Uint8Array(idat.reduce((s, d) => s + d.length, 0));
  let p = 0;
  for (const d of idat) {
    compressed.set(d, p);
    p += d.length;
  }
  const raw = new Uint8Array(inflateSync(compressed));

  const bpp = CHANNELS[colourType];
  const stride = width * bpp;
  if (raw.length < (stride + 1) * height) {
    throw new Error(`decodePng: image data too short (${raw.length} bytes for ${width} x ${height})`);
  }
  // Unfilter in place into `pix`; the previous row starts as zeros, as the spec requires.
  const pix = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const row = y * stride;
    const prev = row - stride; // only read when y > 0
    for (let i = 0; i < stride; i++) {
      const x = raw[src + i];
      const a = i >= bpp ? pix[row + i - bpp] : 0;
      const b = y > 0 ? pix[prev + i] : 0;
      const c = i >= bpp && y > 0 ? pix[prev + i - bpp] : 0;
      let v: number;
      switch (filter) {
        case 0:
          v = x;
          break;
        case 1:
          v = x + a;
          break;
        case 2:
          v = x + b;
          break;
        case 3:
          v = x + ((a + b) >>> 1);
          break;
        case 4:
          v = x + paeth(a, b, c);
          break;
        default:
          throw new Error(`decodePng: unknown filter type ${filter} on row ${y}`);
      }
      pix[row + i] = v & 0xff;
    }
  }

  const rgba = new Uint8Array(width * height * 4);
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const s = i * bpp;
    const d = i * 4;
    switch (colourType) {
      case 0:
        rgba[d] = rgba[d + 1] = rgba[d + 2] = pix[s];
        rgba[d + 3] = 255;
        break;
      case 2:
        rgba[d] = pix[s];
        rgba[d + 1] = pix[s + 1];
        rgba[d + 2] = pix[s + 2];
        rgba[d + 3] = 255;
        break;
      case 4:
        rgba[d] = rgba[d + 1] = rgba[d + 2] = pix[s];
        rgba[d + 3] = pix[s + 1];
        break;
      default:
        rgba[d] = pix[s];
        rgba[d + 1] = pix[s + 1];
        rgba[d + 2] = pix[s + 2];
        rgba[d + 3] = pix[s + 3];
    }
  }
  return { width, height, rgba };
}
