// Shared by the docs figure scripts (sand-dendrites, dendrites, sei-mechanics, hong2018): the output folder from
// `--out DIR`, the number format of their tables and their deposit columns.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { MetricsRow } from '../src/sim/types.ts';

/** The folder named by `--out DIR` on the command line (else `fallback`), created. */
export function outDirArg(fallback: string): string {
  const argv = process.argv.slice(2);
  const i = argv.indexOf('--out');
  const outDir = resolve(i >= 0 && argv[i + 1] ? argv[i + 1] : fallback);
  mkdirSync(outDir, { recursive: true });
  return outDir;
}

/** A table figure: integers whole, three significant digits, exponent below 1e-3, – when not finite. */
export function fmtFigure(v: number): string {
  if (!Number.isFinite(v)) return '–';
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a < 1e-3) return v.toExponential(2);
  return a >= 100 ? v.toFixed(0) : v.toPrecision(3);
}

/** The deposit's metrics columns of the dendrite figure tables, with their headings. */
export const DEPOSIT_COLUMNS: readonly [keyof MetricsRow, string][] = [
  ['current_density_mA_cm2', 'current [mA/cm²]'],
  ['surface_min_conc', 'surface c̃ min'],
  ['deposit_mean_height_um', 'mean height [µm]'],
  ['deposit_max_height_um', 'max height [µm]'],
  ['tip_count', 'tips'],
  ['deposit_porosity', 'porosity'],
  ['interface_fractal_dimension', 'fractal dim.'],
  ['charge_mAh_cm2', 'charge [mAh/cm²]'],
];
