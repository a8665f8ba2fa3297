// A dependency-free PNG encoder: 8-bit RGBA, no interlace, filter type 0 on every row.
// Runs in Node and in the browser: the zlib compressor is a parameter. The default uses Node's
// zlib when it is there (found at run time, so bundlers see no `node:zlib` import) and otherwise
// writes valid but uncompressed ("stored") zlib data; `encodePngAsync` uses the browser's
// CompressionStream instead.

/** zlib (RFC 1950) compression: header, deflate data, Adler-32. */
export type DeflateFn = (data: Uint8Array) => Uint8Array;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO-HDLC, as used by PNG and gzip) of bytes[start, end). */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  const MOD = 65521;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552); // largest block without overflow before the modulo
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream made of uncompressed deflate blocks: always valid, never smaller than the input. */
export function zlibStored(data: Uint8Array): Uint8Array {
  const nBlocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + 5 * nBlocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < nBlocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[o++] = b === nBlocks - 1 ? 1 : 0; // BFINAL, BTYPE = 00
    out[o++] = len & 0xff;
    out[o++] = len >>> 8;
    out[o++] = ~len & 0xff;
    out[o++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), o);
    o += len;
  }
  const ad = adler32(data);
  out[o++] = ad >>> 24;
  out[o++] = (ad >>> 16) & 0xff;
  out[o++] = (ad >>> 8) & 0xff;
  out[o++] = ad & 0xff;
  return out;
}

/** The only place Node's zlib is touched: found at run time, absent in browsers. */
function nodeDeflate(): DeflateFn | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as
    | { deflateSync(data: Uint8Array, opts?: { level?: number }): Uint8Array }
    | undefined;
  if (!zlib) return undefined;
  return (data) => new Uint8Array(zlib.deflateSync(data, { level: 6 }));
}

let defaultDeflate: DeflateFn | undefined;

function getDefaultDeflate(): DeflateFn {
  return (defaultDeflate ??= nodeDeflate() ?? zlibStored);
}

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function checkArgs(width: number, height: number, rgba: Uint8Array): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`encodePng: width and height must be positive integers (got ${width} x ${height})`);
  }
  if (rgba.length !== width * height * 4) {
    throw new Error(`encodePng: expected ${width * height * 4} RGBA bytes, got ${rgba.length}`);
  }
}

/** Raw scanlines: each row prefixed by its filter type byte (0 = None). */
function scanlines(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const stride = width * 4;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  return raw;
}

function assemble(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const chunks: [string, Uint8Array][] = [
    ['IHDR', ihdr],
    ['IDAT', idat],
    ['IEND', new Uint8Array(0)],
  ];
  const total = SIGNATURE.length + chunks.reduce((s, [, d]) => s + 12 + d.length, 0);
  const out = new Uint8Array(total);
  const ov = new DataView(out.buffer);
  out.set(SIGNATURE, 0);
  let o = SIGNATURE.length;
  for (const [type, data] of chunks) {
    ov.setUint32(o, data.length);
    for (let k = 0; k < 4; k++) out[o + 4 + k] = type.charCodeAt(k);
    out.set(data, o + 8);
    ov.setUint32(o + 8 + data.length, crc32(out, o + 4, o + 8 + data.length));
    o += 12 + data.length;
  }
  return out;
}

/**
 * PNG file bytes of a width x height RGBA8 image (rows top to bottom).
 * `deflate` must produce zlib-format data; the default is Node's zlib, or stored blocks elsewhere.
 */
export function encodePng(width: number, height: number, rgba: Uint8Array, deflate?: DeflateFn): Uint8Array {
  checkArgs(width, height, rgba);
  return assemble(width, height, (deflate ?? getDefaultDeflate())(scanlines(width, height, rgba)));
}

/** As encodePng, compressing with CompressionStream('deflate') (zlib format) where available. */
export async function encodePngAsync(width: number, height: number, rgba: Uint8Array): Promise<Uint8Array> {
  checkArgs(width, height, rgba);
  const raw = scanlines(width, height, rgba);
  if (typeof CompressionStream === 'undefined') return encodePng(width, height, rgba);
  const stream = new Blob([raw as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
  const idat = new Uint8Array(await new Response(stream).arrayBuffer());
  return assemble(width, height, idat);
}
