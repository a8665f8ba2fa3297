// metrics.csv: a Writer that streams one row per metrics sample. Each row goes to the OS with a
// synchronous write as it arrives, so a crash (or a non-finite abort) keeps every row so far.
// Numbers are written in JavaScript's shortest round-trip form: parsing them gives back the
// exact double.

import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { MetricsRow, Writer } from '../sim/types.ts';
import { METRICS_CSV_HEADER, formatMetricsRow } from './csvFormat.ts';

export { METRICS_CSV_HEADER, formatNumber, formatMetricsRow } from './csvFormat.ts';

export class MetricsCsvWriter implements Writer {
  private fd: number | undefined;
  private rows = 0;
  private last: MetricsRow | undefined;

  /**
   * Creates (truncates) `path` and writes the header row, then `rows` (a resumed run's rows up to
   * its checkpoint, which replace whatever a killed run had streamed past it).
   */
  constructor(
    readonly path: string,
    rows: readonly MetricsRow[] = [],
  ) {
    this.fd = openSync(path, 'w', 0o644);
    this.write(METRICS_CSV_HEADER + '\n');
    for (const row of rows) this.onMetrics(row);
  }

  onMetrics(row: MetricsRow): void {
    if (this.fd === undefined) return;
    this.last = { ...row };
    this.rows++;
    this.write(formatMetricsRow(row) + '\n');
  }

  /** Number of data rows written. */
  get rowCount(): number {
    return this.rows;
  }

  /** The most recent row written (a copy), if any. */
  get lastRow(): MetricsRow | undefined {
    return this.last;
  }

  /** fsync and close; further rows are ignored. Safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private write(text: string): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
  }
}

export interface ParsedCsv {
  header: string[];
  rows: string[][];
}

/** Parse simple CSV (comma-separated, no quoting) as written here; blank lines are skipped. */
export function parseCsv(text: string): ParsedCsv {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length === 0) return { header: [], rows: [] };
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(','));
  return { header, rows };
}

/** Parse a metrics.csv into rows keyed by column name. */
export function parseMetricsCsv(text: string): { header: string[]; rows: MetricsRow[] } {
  const { header, rows } = parseCsv(text);
  return {
    header,
    rows: rows.map((cells) => {
      const r: Record<string, number> = {};
      header.forEach((h, k) => (r[h] = Number(cells[k])));
      return r as unknown as MetricsRow;
    }),
  };
}
