// File writers and CLI pieces that need neither the model nor a GPU: PNG, colormaps, the field
// image, metrics.csv, atomic writes, argument parsing and the progress line.

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ArgsError, parseArgs, runOverrides, type RunArgs } from '../src/cli/args.ts';
import { formatDuration, Progress } from '../src/cli/progress.ts';
import { writeFileAtomic, writeFileAtomicSync } from '../src/io/atomic.ts';
import { colormap, mapValue } from '../src/io/colormap.ts';
import { MetricsCsvWriter, parseCsv, parseMetricsCsv } from '../src/io/csv.ts';
import { COPPER, HOST_SOLID, phaseFieldImage, SEED_GOLD } from '../src/io/fieldImage.ts';
import { encodePng, encodePngAsync, zlibStored } from '../src/io/png.ts';
import { METRIC_COLUMNS, type Fields, type MetricsRow } from '../src/sim/types.ts';

const tmpRoot = mkdtempSync(join(tmpdir(), 'dendrite-io-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
const freshDir = () => mkdtempSync(join(tmpRoot, 'x'));

// ---------------------------------------------------------------- PNG

/** Bitwise CRC-32, independent of the table in png.ts. */
function crcRef(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
  crcOk: boolean;
}

function readChunks(png: Uint8Array): Chunk[] {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let o = 8;
  while (o < png.length) {
    const len = dv.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    const data = png.subarray(o + 8, o + 8 + len);
    const crc = dv.getUint32(o + 8 + len);
    chunks.push({ type, data, crcOk: crc === crcRef(png.subarray(o + 4, o + 8 + len)) });
    o += 12 + len;
  }
  expect(o).toBe(png.length);
  return chunks;
}

/** Decode our own PNGs (filter 0 only) back to RGBA. */
function decodePng(png: Uint8Array): { width: number; height: number; rgba: Uint8Array } {
  const chunks = readChunks(png);
  for (const c of chunks) expect(c.crcOk, `CRC of ${c.type}`).toBe(true);
  expect(chunks[0].type).toBe('IHDR');
  expect(chunks.at(-1)!.type).toBe('IEND');
  const ihdr = new DataView(chunks[0].data.buffer, chunks[0].data.byteOffset, 13);
  const width = ihdr.getUint32(0);
  const height = ihdr.getUint32(4);
  expect([...chunks[0].data.subarray(8)]).toEqual([8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, filter 0, no interlace
  const idat = Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data));
  const raw = new Uint8Array(inflateSync(idat));
  const stride = width * 4;
  expect(raw.length).toBe((stride + 1) * height);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(0);
    rgba.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, rgba };
}

function testImage(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let k = 0; k < rgba.length; k++) rgba[k] = (k * 37 + (k >> 7)) & 0xff;
  return rgba;
}

describe('png', () => {
  it('round-trips through node:zlib inflate with valid IHDR and CRCs', () => {
    const rgba = testImage(7, 5);
    const img = decodePng(encodePng(7, 5, rgba));
    expect(img.width).toBe(7);
    expect(img.height).toBe(5);
    expect(img.rgba).toEqual(rgba);
  });

  it('stored (uncompressed) zlib is valid, including over 64 KiB', () => {
    const rgba = testImage(200, 100); // 80 kB of scanlines: two stored blocks
    const img = decodePng(encodePng(200, 100, rgba, zlibStored));
    expect(img.rgba).toEqual(rgba);
    expect(new Uint8Array(inflateSync(zlibStored(new Uint8Array(0))))).toEqual(new Uint8Array(0));
  });

  it('the CompressionStream variant decodes the same', async () => {
    const rgba = testImage(16, 9);
    const img = decodePng(await encodePngAsync(16, 9, rgba));
    expect(img.rgba).toEqual(rgba);
  });

  it('rejects a wrong buffer size', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(/16 RGBA bytes/);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(/positive integers/);
  });
});

// ---------------------------------------------------------------- colormaps

/** CIELAB L* of an sRGB colour. */
function lightness(r: number, g: number, b: number): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const Y = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  return Y > 216 / 24389 ? 116 * Math.cbrt(Y) - 16 : (24389 / 27) * Y;
}

describe('colormap', () => {
  it('has matplotlib endpoints', () => {
    const rgb = (lut: Uint8Array, k: number) => [...lut.subarray(4 * k, 4 * k + 3)];
    expect(rgb(colormap('viridis'), 0)).toEqual([68, 1, 84]);
    expect(rgb(colormap('viridis'), 255)).toEqual([253, 231, 37]);
    expect(rgb(colormap('magma'), 0)).toEqual([0, 0, 4]);
    expect(rgb(colormap('magma'), 255)).toEqual([252, 253, 191]);
    expect(rgb(colormap('cividis'), 0)).toEqual([0, 34, 78]);
    expect(rgb(colormap('cividis'), 255)).toEqual([254, 232, 56]);
    for (const name of ['viridis', 'magma', 'cividis']) {
      const lut = colormap(name);
      expect(lut.length).toBe(1024);
      for (let k = 0; k < 256; k++) expect(lut[4 * k + 3]).toBe(255);
    }
    expect(() => colormap('jet')).toThrow(/allowed: viridis, magma, cividis/);
  });

  it('lightness rises monotonically (viridis, magma, cividis)', () => {
    for (const name of ['viridis', 'magma', 'cividis']) {
      const lut = colormap(name);
      let prev = -1;
      for (let k = 0; k < 256; k++) {
        const L = lightness(lut[4 * k], lut[4 * k + 1], lut[4 * k + 2]);
        // 8-bit quantisation can wobble L* by a few hundredths between neighbours
        expect(L, `${name}[${k}]`).toBeGreaterThan(prev - 0.1);
        prev = Math.max(prev, L);
      }
      const L0 = lightness(lut[0], lut[1], lut[2]);
      const L1 = lightness(lut[1020], lut[1021], lut[1022]);
      expect(L1 - L0).toBeGreaterThan(60);
    }
  });

  it('mapValue clamps and interpolates', () => {
    const lut = colormap('viridis');
    expect(mapValue(0, lut)).toEqual([68, 1, 84]);
    expect(mapValue(-3, lut)).toEqual([68, 1, 84]);
    expect(mapValue(1, lut)).toEqual([253, 231, 37]);
    expect(mapValue(7, lut)).toEqual([253, 231, 37]);
    expect(mapValue(128 / 255, lut)).toEqual([...lut.subarray(512, 515)]);
    const mid = mapValue(127.5 / 255, lut);
    for (let c = 0; c < 3; c++) {
      expect(mid[c]).toBeGreaterThanOrEqual(Math.min(lut[508 + c], lut[512 + c]));
      expect(mid[c]).toBeLessThanOrEqual(Math.max(lut[508 + c], lut[512 + c]));
    }
  });
});

// ---------------------------------------------------------------- field image

describe('phaseFieldImage', () => {
  // 8 x 4 grid: metal (ξ = 1) in rows j = 0, 1 and a one-cell spike at i = 3, j = 2
  const nx = 8;
  const ny = 4;
  const xi = new Float32Array(nx * ny);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) xi[j * nx + i] = j < 2 || (i === 3 && j === 2) ? 1 : 0;
  const fields: Fields = { nx, ny, dx_um: 0.5, xi, c: new Float32Array(nx * ny), phi_V: new Float32Array(nx * ny) };
  const px = (img: { width: number; rgba: Uint8Array }, x: number, y: number) => [
    ...img.rgba.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 4),
  ];

  it('upscales small grids to >= 256 px, y up, copper strip at the bottom', () => {
    const img = phaseFieldImage(fields, { contour: false });
    const s = 32; // ceil(256 / 8)
    expect(img.width).toBe(nx * s);
    const strip = img.height - ny * s;
    expect(strip).toBeGreaterThanOrEqual(3);
    expect(img.rgba.length).toBe(img.width * img.height * 4);
    const lut = colormap('cividis');
    const metal = [...mapValue(1, lut), 255];
    const liquid = [...mapValue(0, lut), 255];
    expect(px(img, 5, 0)).toEqual(liquid); // top row: j = ny-1, electrolyte
    expect(px(img, 5, ny * s - 1)).toEqual(metal); // just above the strip: j = 0, metal
    expect(px(img, 3 * s + 5, s + 5)).toEqual(metal); // the spike at j = 2 is the second row from the top
    expect(px(img, 5, ny * s)).toEqual([...COPPER, 255]); // first strip row
  });

  it('draws a 1-px contour on the electrolyte side of ξ = 0.5', () => {
    const img = phaseFieldImage(fields, { scale: 4, collectorPx: 3 });
    expect(img.width).toBe(32);
    expect(img.height).toBe(19);
    const white = [240, 240, 240, 255];
    // cell (0, 2) (image rows 4..7) lies on metal (0, 1): its bottom pixel row is contour
    expect(px(img, 1, 7)).toEqual(white);
    expect(px(img, 1, 6)).not.toEqual(white);
    // left neighbour of the spike, cell (2, 2): its right-most pixel column
    expect(px(img, 2 * 4 + 3, 5)).toEqual(white);
    expect(px(img, 2 * 4 + 2, 5)).not.toEqual(white);
    // metal cells are never painted
    expect(px(img, 3 * 4 + 1, 5)).toEqual([...mapValue(1, colormap('cividis')), 255]);
  });

  it('encodes to a PNG', () => {
    const img = phaseFieldImage(fields);
    const back = decodePng(encodePng(img.width, img.height, img.rgba));
    expect(back.rgba).toEqual(img.rgba);
  });
});

// ---------------------------------------------------------------- metrics.csv

function row(k: number): MetricsRow {
  return {
    step: 50 * k,
    time_s: 0.1 * k + 1e-12,
    dt_s: 1 / 3,
    current_density_mA_cm2: 1,
    applied_potential_V: -0.123456789012345,
    charge_mAh_cm2: 2.7777777777777777e-5 * k,
    deposit_mean_height_um: 1e-9 * k,
    deposit_max_height_um: 12345.678901234,
    roughness_um: 0,
    surface_min_conc: 0.999999,
    li_inventory_rel_error: -3.5e-17,
    mg_residual_c: 1.2e-8,
    mg_residual_phi: k === 2 ? NaN : 4e-300,
    nucleation_overpotential_mV: 12.5 * k,
    nucleation_events: 3 * k,
    nuclei_count: k,
    nucleus_spacing_cv: k < 2 ? NaN : 0.25,
    collector_coverage: 0.5,
    local_current_density_mA_cm2: 0.75,
    pore_filling: NaN,
    sei_li_mAh_cm2: 1e-4 * k,
    coulombic_efficiency: k === 0 ? NaN : 0.98,
    sei_crack_events: 2 * k,
    interface_stress_max_MPa: 3.25,
    interface_stress_mean_MPa: -1.5,
    tip_count: k,
    deposit_porosity: 0.375,
    interface_length_per_width: 1.25,
    interface_fractal_dimension: 1.125,
    cell_voltage_V: -0.1875,
    cycle: k,
    dead_li_mAh_cm2: 1e-3 * k,
    dead_li_islands: k,
  };
}

describe('MetricsCsvWriter', () => {
  it('writes the header, streams rows before close, round-trips exact numbers', () => {
    const dir = freshDir();
    const path = join(dir, 'metrics.csv');
    const w = new MetricsCsvWriter(path);
    expect(readFileSync(path, 'utf8')).toBe(METRIC_COLUMNS.join(',') + '\n');
    w.onMetrics(row(1));
    w.onMetrics(row(2));
    // visible to readers before close (a crash keeps them)
    const mid = parseMetricsCsv(readFileSync(path, 'utf8'));
    expect(mid.rows.length).toBe(2);
    w.onMetrics(row(3));
    w.close();
    w.close();
    w.onMetrics(row(4)); // ignored after close
    const text = readFileSync(path, 'utf8');
    const { header, rows } = parseMetricsCsv(text);
    expect(header).toEqual([...METRIC_COLUMNS]);
    expect(header[0]).toBe('time_s');
    expect(rows.length).toBe(3);
    expect(rows[0]).toEqual(row(1));
    expect(rows[2]).toEqual(row(3));
    expect(Number.isNaN(rows[1].mg_residual_phi)).toBe(true);
    expect(w.rowCount).toBe(3);
    expect(w.lastRow).toEqual(row(3));
    expect(parseCsv(text).rows.every((r) => r.length === METRIC_COLUMNS.length)).toBe(true);
  });
});

// ---------------------------------------------------------------- atomic writes

describe('writeFileAtomic', () => {
  it('writes, replaces and leaves no temporary file', async () => {
    const dir = freshDir();
    const path = join(dir, 'summary.json');
    await writeFileAtomic(path, '{"a":1}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n');
    await writeFileAtomic(path, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(path)]).toEqual([1, 2, 3]);
    writeFileAtomicSync(path, 'sync');
    expect(readFileSync(path, 'utf8')).toBe('sync');
    expect(readdirSync(dir)).toEqual(['summary.json']);
  });

  it('fails cleanly: no temp file, old content kept', async () => {
    const dir = freshDir();
    const path = join(dir, 'a.json');
    writeFileSync(path, 'old');
    await expect(writeFileAtomic(join(dir, 'missing', 'b.json'), 'x')).rejects.toThrow();
    // rename onto a directory fails after the temp file was written
    await expect(writeFileAtomic(dir, 'x')).rejects.toThrow();
    expect(readdirSync(dir)).toEqual(['a.json']);
    expect(readFileSync(path, 'utf8')).toBe('old');
  });
});

// ---------------------------------------------------------------- args

describe('parseArgs', () => {
  const bad = (argv: string[], pattern: RegExp) => {
    expect(() => parseArgs(argv)).toThrow(ArgsError);
    expect(() => parseArgs(argv)).toThrow(pattern);
  };

  it('parses a full run command', () => {
    const a = parseArgs([
      'run',
      'planar-li-foil',
      '--out',
      'runs/a',
      '--backend=cpu',
      '--until-s',
      '2.5',
      '--set',
      'grid.nx=32',
      '--set=grid.ny=64',
    ]) as RunArgs;
    expect(a).toEqual({
      command: 'run',
      scenario: 'planar-li-foil',
      out: 'runs/a',
      backend: 'cpu',
      untilS: '2.5',
      chargeMAhCm2: undefined,
      sets: ['grid.nx=32', 'grid.ny=64'],
      fieldsEveryS: undefined,
      checkpointEveryS: undefined,
      quiet: false,
      json: false,
    });
    expect(runOverrides(a)).toEqual(['grid.nx=32', 'grid.ny=64', 'run.until_s=2.5', 'run.charge_mAh_cm2=0']);
    const b = parseArgs(['run', 'x.json', '--charge-mAh-cm2', '0.5', '--out', 'o']) as RunArgs;
    expect(b.backend).toBe('auto');
    expect(runOverrides(b)).toEqual(['run.charge_mAh_cm2=0.5']);
    expect(runOverrides({ ...b, chargeMAhCm2: undefined })).toEqual([]);
  });

  it('other commands', () => {
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
    expect(parseArgs(['help', 'check'])).toEqual({ command: 'help', topic: 'check' });
    expect(parseArgs(['run', '--help'])).toEqual({ command: 'help', topic: 'run' });
    expect(parseArgs(['--version'])).toEqual({ command: 'version' });
    expect(parseArgs(['presets'])).toEqual({ command: 'presets', json: false });
    expect(parseArgs(['presets', '--json'])).toEqual({ command: 'presets', json: true });
    expect(parseArgs(['bench', '--sizes', '32,64', '--json'])).toEqual({ command: 'bench', backend: 'gpu', sizes: [32, 64], steps: 200, json: true });
    expect(parseArgs(['check', 'x.json', '--set', 'grid.nx=8', '--until-s', '2'])).toEqual({ command: 'check', scenario: 'x.json', sets: ['grid.nx=8'], untilS: '2', chargeMAhCm2: undefined });
    expect(parseArgs(['run', '--resume', 'runs/a', '-q'])).toEqual({ command: 'resume', dir: 'runs/a', quiet: true, json: false });
    const r = parseArgs(['run', 'p', '--out', 'o', '--fields-every-s', '0.5', '--checkpoint-every-s=60', '--json']) as RunArgs;
    expect([r.fieldsEveryS, r.checkpointEveryS, r.json, r.quiet]).toEqual([0.5, 60, true, false]);
  });

  it('rejects bad command lines with a message naming the problem', () => {
    bad([], /missing command/);
    bad(['simulate'], /unknown command 'simulate'/);
    bad(['presets', 'x'], /no arguments/);
    bad(['run'], /missing the scenario/);
    bad(['run', '--out', 'o'], /missing the scenario/);
    bad(['run', 'planar-li-foil'], /missing --out/);
    bad(['run', 'a', 'b', '--out', 'o'], /expected one scenario/);
    bad(['run', 'a', '--out'], /--out needs a value/);
    bad(['run', 'a', '--out', 'o', '--backend', 'cuda'], /--backend: 'cuda' is not allowed; allowed: auto, gpu, cpu/);
    bad(['run', 'a', '--out', 'o', '--fields-every-s', '0'], /--fields-every-s: '0' is not allowed/);
    bad(['run', 'a', '--out', 'o', '--json=1'], /--json takes no value/);
    bad(['run', '--resume', 'd', 'extra'], /--resume takes the run's DIR and nothing else.*extra/);
    bad(['run', '--resume', 'd', '--set', 'grid.nx=4'], /nothing else.*--set/);
    bad(['help', 'frob'], /help: unknown command 'frob'/);
    bad(['bench', '--sizes', '30'], /--sizes: '30' is not allowed/);
    bad(['bench', '--steps', '0'], /--steps: '0' is not allowed/);
    bad(['check'], /missing the scenario/);
    bad(['run', 'a', '--out', 'o', '--until-s', 'abc'], /--until-s: 'abc' is not allowed/);
    bad(['run', 'a', '--out', 'o', '--until-s', '0'], /--until-s: '0'/);
    bad(['run', 'a', '--out', 'o', '--until-s', '-1'], /--until-s: '-1'/);
    bad(['run', 'a', '--out', 'o', '--until-s', 'NaN'], /--until-s: 'NaN'/);
    bad(['run', 'a', '--out', 'o', '--charge-mAh-cm2', ''], /--charge-mAh-cm2: ''/);
    bad(['run', 'a', '--out', 'o', '--until-s', '1', '--charge-mAh-cm2', '1'], /exclusive/);
    bad(['run', 'a', '--out', 'o', '--set', 'grid.nx'], /--set: 'grid.nx' is not allowed; expected key=value/);
    bad(['run', 'a', '--out', 'o', '--set', '=3'], /expected key=value/);
    bad(['run', 'a', '--out', 'o', '--until', '3'], /unknown option '--until' \(allowed: .*--until-s/);
    bad(['run', 'a', '--out', 'o', '-o', 'x'], /unknown option '-o'/);
  });
});

// ---------------------------------------------------------------- progress

describe('Progress', () => {
  const sink = () => {
    const out: string[] = [];
    return { out, stream: { write: (s: string) => out.push(s) } };
  };

  it('formats durations', () => {
    expect(formatDuration(17)).toBe('00:17');
    expect(formatDuration(61.4)).toBe('01:01');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatDuration(NaN)).toBe('--:--');
  });

  it('plain output: at most one line every 2 s, and one at the end', () => {
    let now = 0;
    const { out, stream } = sink();
    const p = new Progress({ stream, isTTY: false, target: { kind: 'time', until_s: 30 }, now: () => now });
    for (let k = 1; k <= 100; k++) {
      now = k * 100; // 10 s of wall time, 100 samples
      p.update({ time_s: 0.3 * k * 0.41, steps: 12 * k });
    }
    expect(out.length).toBe(5);
    p.finish();
    p.finish();
    expect(out.length).toBe(6);
    for (const l of out) expect(l.endsWith('\n')).toBe(true);
    const last = out.at(-1)!;
    expect(last).toMatch(/^t=12\.3 s \(41%\) step 1200 {2}120 steps\/s {2}ETA 00:14\n$/);
  });

  it('a resumed run: the rate and ETA count from the checkpoint, not from step 0', () => {
    let now = 0;
    const { out, stream } = sink();
    const from = { time_s: 15, steps: 6000 };
    const p = new Progress({ stream, isTTY: false, target: { kind: 'time', until_s: 30 }, now: () => now, from });
    for (let k = 1; k <= 100; k++) {
      now = k * 100; // 10 s of wall time: 1200 more steps and 1.5 more simulated seconds
      p.update({ time_s: 15 + 0.015 * k, steps: 6000 + 12 * k });
    }
    p.finish();
    expect(out.at(-1)).toMatch(/^t=16\.5 s \(55%\) step 7200 {2}120 steps\/s {2}ETA 01:30\n$/);
  });

  it('a resumed cycling run: the ETA counts from the cycles done at the checkpoint', () => {
    let now = 0;
    const { out, stream } = sink();
    const cycle = (done: number) => ({ n: done + 1, done, phase: 'plate' });
    const p = new Progress({ stream, isTTY: false, target: { kind: 'cycles', cycles: 10 }, now: () => now, from: { time_s: 500, steps: 5000, cycle: cycle(5) } });
    now = 10_000; // one more cycle in 10 s of wall time
    p.update({ time_s: 600, steps: 6000, cycle: cycle(6) });
    p.finish();
    expect(out.at(-1)).toMatch(/\(60%\) step 6000 {2}100 steps\/s {2}ETA 00:40\n$/);
  });

  it('TTY output: one redrawn line, at most 5 per second, newline at the end', () => {
    let now = 0;
    const { out, stream } = sink();
    const p = new Progress({
      stream,
      isTTY: true,
      columns: 100,
      target: { kind: 'charge', charge_mAh_cm2: 2 },
      now: () => now,
    });
    for (let k = 1; k <= 100; k++) {
      now = k * 10; // 1 s of wall time
      p.update({ time_s: k, steps: k, charge_mAh_cm2: 0.01 * k });
    }
    expect(out.length).toBeLessThanOrEqual(6);
    for (const l of out) expect(l.startsWith('\r\x1b[K')).toBe(true);
    p.log('event sand_depletion');
    expect(out.at(-2)).toBe('\r\x1b[Kevent sand_depletion\n');
    p.finish();
    expect(out.at(-1)).toBe('\n');
    expect(out.at(-2)).toMatch(/\[#{15}-{15}\] t=100 s Q=1 mAh\/cm² \(50%\)/);
  });
});

// ---------------------------------------------------------------- field image with a 3D host

describe('phaseFieldImage with a geometry', () => {
  // 4 x 3 grid, scale 4, strip 4 px: host cells (1, 0), (1, 1) bare and (2, 1) seeded, (3, 0) a
  // seeded host on the collector; the collector face under the fluid cell (0, 0) seeded; Li at (1, 2)
  const nx = 4;
  const ny = 3;
  const at = (i: number, j: number) => j * nx + i;
  const xi = new Float32Array(nx * ny);
  xi[at(1, 2)] = 1;
  const solid = new Uint8Array(nx * ny);
  const seeded = new Uint8Array(nx * ny);
  for (const k of [at(1, 0), at(1, 1), at(2, 1), at(3, 0)]) solid[k] = 1;
  for (const k of [at(2, 1), at(3, 0), at(0, 0)]) seeded[k] = 1;
  const fields: Fields = { nx, ny, dx_um: 0.5, xi, c: new Float32Array(nx * ny), phi_V: new Float32Array(nx * ny) };
  const img = phaseFieldImage(fields, { scale: 4, collectorPx: 4 }, { solid, seeded });
  const px = (x: number, y: number) => [...img.rgba.subarray(4 * (y * img.width + x), 4 * (y * img.width + x) + 3)];
  /** pixel (sx, sy) of cell (i, j)'s 4 x 4 block, sy = 0 its top row */
  const cellPx = (i: number, j: number, sx = 1, sy = 1) => px(4 * i + sx, 4 * (ny - 1 - j) + sy);

  it('paints host cells in the host colour and seeded host surfaces in gold', () => {
    expect(cellPx(1, 1)).toEqual([...HOST_SOLID]);
    expect(cellPx(1, 0)).toEqual([...HOST_SOLID]);
    expect(cellPx(2, 1)).toEqual([...SEED_GOLD]);
    expect(cellPx(3, 0)).toEqual([...SEED_GOLD]);
    // the Li/host edge is not contoured on the host: the contour is the electrolyte's edge
    expect(cellPx(1, 1, 1, 0)).toEqual([...HOST_SOLID]);
    expect(cellPx(0, 2, 3, 1)).toEqual([240, 240, 240]); // the electrolyte beside the Li is
    expect(cellPx(0, 1)).toEqual([...mapValue(0, colormap('cividis'))]);
  });

  it('draws the seeded collector face as gold over copper', () => {
    const strip = ny * 4;
    expect(px(1, strip)).toEqual([...SEED_GOLD]); // under (0, 0): upper half gold
    expect(px(1, strip + 1)).toEqual([...SEED_GOLD]);
    expect(px(1, strip + 2)).toEqual([...COPPER]); // lower half copper
    expect(px(4 + 1, strip)).toEqual([...COPPER]); // under the bare host (1, 0)
    expect(px(8 + 1, strip)).toEqual([...COPPER]); // under the fluid (2, 0), not seeded
    expect(px(12 + 1, strip)).toEqual([...COPPER]); // under the seeded host (3, 0): its seed is the host's, not the collector's
  });

  it('rejects a geometry of another size', () => {
    expect(() => phaseFieldImage(fields, {}, { solid: new Uint8Array(3), seeded })).toThrow(/geometry/);
  });
});
