// The .vti writer: parsed back with a small regex XML reader and Node's own base64 decoder
// (independent of the encoder in src/io/vti.ts).

import { describe, expect, it } from 'vitest';
import { base64, vtiDocument } from '../src/io/vti.ts';

interface Element {
  attrs: Record<string, string>;
  body: string;
}

function attrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([\w:]+)="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

/** Every <tag ...>body</tag> (or <tag .../>) in document order; no nesting of the same tag. */
function elements(xml: string, tag: string): Element[] {
  const re = new RegExp(`<${tag}\\b([^>]*?)(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  return [...xml.matchAll(re)].map((m) => ({ attrs: attrs(m[1]), body: m[2] ?? '' }));
}

/** Decodes an inline binary array: checks the UInt32 byte-count header and returns the float32 values. */
function decodeArray(b64: string): Float32Array {
  expect(b64).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
  const bytes = Buffer.from(b64, 'base64');
  const header = bytes.readUInt32LE(0);
  expect(header).toBe(bytes.length - 4);
  expect(header % 4).toBe(0);
  const out = new Float32Array(header / 4);
  for (let k = 0; k < out.length; k++) out[k] = bytes.readFloatLE(4 + 4 * k);
  return out;
}

function ramp(n: number, f: (k: number) => number): Float64Array {
  return Float64Array.from({ length: n }, (_, k) => f(k));
}

describe('vtiDocument', () => {
  const nx = 6;
  const ny = 4;
  const xi = ramp(nx * ny, (k) => Math.sin(k) * 0.7 + 0.3);
  const c = ramp(nx * ny, (k) => 1e-7 * k + 1 / 3);
  const phi = new Float32Array(nx * ny).map((_, k) => -0.45 + k * 1e-3);
  const doc = vtiDocument({
    nx,
    ny,
    dx_um: 0.5,
    time_s: 12.125,
    fields: [
      { name: 'xi', data: xi },
      { name: 'c', data: c },
      { name: 'phi_V', data: phi },
    ],
  });

  it('has the VTKFile header VTK expects for inline uncompressed binary', () => {
    expect(doc.startsWith('<?xml version="1.0"?>')).toBe(true);
    const [file] = elements(doc, 'VTKFile');
    expect(file.attrs).toEqual({ type: 'ImageData', version: '1.0', byte_order: 'LittleEndian', header_type: 'UInt32' });
    expect(doc).toMatch(/micrometres/); // units stated in the file
    // XML comments may not contain "--".
    for (const m of doc.matchAll(/<!--([\s\S]*?)-->/g)) expect(m[1]).not.toContain('--');
  });

  it('writes extents, origin at the first cell centre and spacing in µm', () => {
    const [img] = elements(doc, 'ImageData');
    expect(img.attrs.WholeExtent).toBe('0 5 0 3 0 0');
    expect(img.attrs.Origin).toBe('0.25 0.25 0');
    expect(img.attrs.Spacing).toBe('0.5 0.5 0.5');
    const [piece] = elements(doc, 'Piece');
    expect(piece.attrs.Extent).toBe('0 5 0 3 0 0');
  });

  it('writes the time as FieldData TimeValue', () => {
    const [fd] = elements(doc, 'FieldData');
    const [t] = elements(fd.body, 'DataArray');
    expect(t.attrs).toMatchObject({ Name: 'TimeValue', type: 'Float64', NumberOfTuples: '1', format: 'ascii' });
    expect(Number(t.body)).toBe(12.125);
  });

  it('round-trips every field exactly as float32, in order', () => {
    const [pd] = elements(doc, 'PointData');
    expect(pd.attrs.Scalars).toBe('xi');
    const arrays = elements(pd.body, 'DataArray');
    expect(arrays.map((a) => a.attrs.Name)).toEqual(['xi', 'c', 'phi_V']);
    for (const [a, src] of [
      [arrays[0], xi],
      [arrays[1], c],
      [arrays[2], phi],
    ] as const) {
      expect(a.attrs).toMatchObject({ type: 'Float32', NumberOfComponents: '1', format: 'binary' });
      const got = decodeArray(a.body);
      expect(got.length).toBe(nx * ny);
      for (let k = 0; k < got.length; k++) expect(Object.is(got[k], Math.fround(src[k])), `${a.attrs.Name}[${k}]`).toBe(true);
    }
  });

  it('matches a 2×2 example encoded by hand', () => {
    // Bytes: header 16 = 10 00 00 00, then float32 LE 0 = 00 00 00 00, 1 = 00 00 80 3F,
    // −2 = 00 00 00 C0, 0.5 = 00 00 00 3F. In 3-byte groups:
    //   10 00 00 → EAAA   00 00 00 → AAAA   00 00 00 → AAAA   00 80 3F → AIA/
    //   00 00 00 → AAAA   C0 00 00 → wAAA   00 3F (+pad) → AD8=
    const d = vtiDocument({ nx: 2, ny: 2, dx_um: 1, fields: [{ name: 'f', data: [0, 1, -2, 0.5] }] });
    const [a] = elements(d, 'DataArray');
    expect(a.body).toBe('EAAAAAAAAAAAAIA/AAAAwAAAAD8=');
    expect(elements(d, 'FieldData')).toEqual([]); // no time given
    expect(elements(d, 'ImageData')[0].attrs.Origin).toBe('0.5 0.5 0');
  });

  it('base64 agrees with Node for every padding case', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, k) => (k * 97 + 13 * n) & 255);
      expect(base64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('rejects bad inputs with the field and the value', () => {
    const ok = { nx: 2, ny: 2, dx_um: 1, fields: [{ name: 'xi', data: [0, 0, 0, 0] }] };
    expect(() => vtiDocument({ ...ok, fields: [{ name: 'xi', data: [0, 0, 0] }] })).toThrow(/"xi" has 3 values, expected nx·ny = 2·2 = 4/);
    expect(() => vtiDocument({ ...ok, dx_um: 0 })).toThrow(/dx_um = 0/);
    expect(() => vtiDocument({ ...ok, dx_um: -1 })).toThrow(/dx_um = -1/);
    expect(() => vtiDocument({ ...ok, dx_um: NaN })).toThrow(/dx_um = NaN/);
    expect(() => vtiDocument({ ...ok, nx: 2.5 })).toThrow(/nx = 2.5/);
    expect(() => vtiDocument({ ...ok, ny: 0 })).toThrow(/ny = 0/);
    expect(() => vtiDocument({ ...ok, time_s: Infinity })).toThrow(/time_s = Infinity/);
    for (const name of ['', 'two words', 'say"hi"', "it's", 'a<b', 'tab\there']) {
      expect(() => vtiDocument({ ...ok, fields: [{ name, data: [0, 0, 0, 0] }] })).toThrow(JSON.stringify(name));
    }
    expect(() => vtiDocument({ ...ok, fields: [ok.fields[0], ok.fields[0]] })).toThrow(/"xi" is given twice/);
  });
});
