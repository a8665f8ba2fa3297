// metrics.csv text without any file system: shared by the CLI's streaming writer (src/io/csv.ts)
// and the browser app's CSV export, so both write the same columns in the same number format.

import { METRIC_COLUMNS, type MetricsRow } from '../sim/types.ts';

export const METRICS_CSV_HEADER = METRIC_COLUMNS.join(',');

/** Shortest round-trip decimal of a number (NaN, Infinity and -Infinity spelt out). */
export function formatNumber(v: number): string {
  if (Object.is(v, -0)) return '0';
  return String(v);
}

export function formatMetricsRow(row: MetricsRow): string {
  return METRIC_COLUMNS.map((k) => formatNumber(row[k])).join(',');
}

/** The whole file: header and one line per row, newline-terminated. */
export function metricsCsv(rows: readonly MetricsRow[]): string {
  return [METRICS_CSV_HEADER, ...rows.map(formatMetricsRow)].join('\n') + '\n';
}

/** A text cell (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvText(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** RFC 4180 records (quoted fields with commas, doubled quotes and line breaks), as pandas reads them. */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let rec: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      rec.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      rec.push(field);
      records.push(rec);
      rec = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || rec.length > 0) {
    rec.push(field);
    records.push(rec);
  }
  return records;
}
