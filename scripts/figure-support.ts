// Shared by the docs figure scripts (sand-dendrites, dendrites, sei-mechanics): the output folder from
// `--out DIR` and the number format of their tables.

import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';

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
