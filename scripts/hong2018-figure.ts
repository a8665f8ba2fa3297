// Figures for the `hong2018` preset at its published size (200 × 200 µm, −0.45 V) from a run directory of
// the CLI, so that the run is the CLI's own (resumable after a kill) and the figure can be redrawn at any
// point of it:
//
//   npx dendrite run hong2018 --out runs/hong2018 --fields-every-s 10 --checkpoint-every-s 300
//   npx dendrite run --resume runs/hong2018          # after a kill, as often as needed
//   npx tsx scripts/hong2018-figure.ts --run runs/hong2018 [--out docs/hong2018]
//
// Writes (atomically), with the simulated time in each name:
//   xi-<t>s.png   ξ (Li metal) of every field snapshot, 2 px per cell, collector at the bottom
//   table.md      the metrics row nearest each snapshot, also printed to stdout

import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../src/io/atomic.ts';
import { parseMetricsCsv } from '../src/io/csv.ts';
import { phaseFieldImage } from '../src/io/fieldImage.ts';
import { encodePng } from '../src/io/png.ts';
import type { MetricsRow } from '../src/sim/types.ts';
import { DEPOSIT_COLUMNS, fmtFigure, outDirArg } from './figure-support.ts';

const COLUMNS: readonly [keyof MetricsRow, string][] = [['step', 'step'], ...DEPOSIT_COLUMNS];

/** One array of a .vti written by src/io/vti.ts: base64 of a UInt32 byte count and little-endian float32s. */
function vtiArray(xml: string, name: string): Float32Array {
  const m = new RegExp(`<DataArray type="Float32" Name="${name}"[^>]*format="binary">([^<]*)</DataArray>`).exec(xml);
  if (!m) throw new Error(`no Float32 array ${name} in the snapshot`);
  const bytes = Buffer.from(m[1].trim(), 'base64');
  const n = bytes.readUInt32LE(0) / 4;
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset + 4, bytes.byteOffset + 4 + 4 * n));
}

function vtiSnapshot(path: string) {
  const xml = readFileSync(path, 'utf8');
  const extent = /WholeExtent="0 (\d+) 0 (\d+) 0 0"/.exec(xml);
  const spacing = /Spacing="([\d.eE+-]+) /.exec(xml);
  const time = /Name="TimeValue"[^>]*>([^<]*)</.exec(xml);
  if (!extent || !spacing || !time) throw new Error(`${path}: not a Dendrite Lab field snapshot`);
  const nx = Number(extent[1]) + 1;
  const ny = Number(extent[2]) + 1;
  const xi = vtiArray(xml, 'xi');
  return { time_s: Number(time[1]), fields: { nx, ny, dx_um: Number(spacing[1]), xi, c: xi, phi_V: xi } };
}

function runDirArg(): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--run');
  if (i < 0 || !argv[i + 1]) throw new Error('usage: npx tsx scripts/hong2018-figure.ts --run RUN_DIR [--out DIR]');
  return resolve(argv[i + 1]);
}

async function main(): Promise<void> {
  const runDir = runDirArg();
  const outDir = outDirArg('docs/hong2018');
  const { rows } = parseMetricsCsv(readFileSync(join(runDir, 'metrics.csv'), 'utf8'));
  const files = readdirSync(join(runDir, 'fields')).filter((f) => f.endsWith('.vti')).sort();
  const table: string[] = [
    `| t [s] | ${COLUMNS.map(([, label]) => label).join(' | ')} |`,
    `| ---: | ${COLUMNS.map(() => '---:').join(' | ')} |`,
  ];
  for (const file of files) {
    const snap = vtiSnapshot(join(runDir, 'fields', file));
    const tag = `${snap.time_s.toFixed(0)}s`;
    const img = phaseFieldImage(snap.fields, { scale: 2 });
    await writeFileAtomic(join(outDir, `xi-${tag}.png`), encodePng(img.width, img.height, img.rgba));
    // the metrics row nearest the snapshot (rows come every run.metrics_every_steps steps)
    let row: MetricsRow | undefined;
    for (const r of rows) if (!row || Math.abs(r.time_s - snap.time_s) < Math.abs(row.time_s - snap.time_s)) row = r;
    const values = COLUMNS.map(([key]) => (row && snap.time_s > 0 ? fmtFigure(row[key] as number) : '–'));
    table.push(`| ${snap.time_s.toFixed(1)} | ${values.join(' | ')} |`);
    process.stdout.write(`xi-${tag}.png\n`);
  }
  const text = table.join('\n') + '\n';
  await writeFileAtomic(join(outDir, 'table.md'), text);
  process.stdout.write(text);
}

await main();
