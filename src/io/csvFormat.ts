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
