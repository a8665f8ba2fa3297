// Prints the generated reference tables of docs/reference as markdown, from the code, so they stay true
// (tests/docs.test.ts checks that each page holds what this prints):
//   npx tsx scripts/scenario-keys-table.ts            every scenario key (src/model/schema.ts) → docs/reference/scenario-keys.md
//   npx tsx scripts/scenario-keys-table.ts --presets  the presets (public/scenarios/*.json)  → docs/reference/presets.md
//   npx tsx scripts/scenario-keys-table.ts --metrics  the metrics.csv columns (src/sim/metricDocs.ts) → docs/reference/metrics.md

import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIO_KEYS, type KeySpec } from '../src/model/schema.ts';
import { METRIC_DOCS } from '../src/sim/metricDocs.ts';
import { METRIC_COLUMNS, METRIC_UNDEFINED_WHEN } from '../src/sim/types.ts';

/** Unit suffixes of key names (HOUSE.md: units in names at the edges), longest first. */
const UNIT_SUFFIXES: readonly [string, string][] = [
  ['_per_sqrt_s', '1/√s'],
  ['_per_um_s', '1/(µm·s)'],
  ['_kJ_mol', 'kJ/mol'],
  ['_uF_cm2', 'µF/cm²'],
  ['_mol_cm3', 'mol/cm³'],
  ['_per_um', '1/µm'],
  ['_m3_J_s', 'm³/(J·s)'],
  ['_mAh_cm2', 'mAh/cm²'],
  ['_mol_m3', 'mol/m³'],
  ['_mA_cm2', 'mA/cm²'],
  ['_mol_L', 'mol/L'],
  ['_J_m2', 'J/m²'],
  ['_m2_s', 'm²/s'],
  ['_S_cm', 'S/cm'],
  ['_S_m', 'S/m'],
  ['_GPa', 'GPa'],
  ['_MPa', 'MPa'],
  ['_nm', 'nm'],
  ['_deg', 'deg'],
  ['_mV', 'mV'],
  ['_um', 'µm'],
  ['_K', 'K'],
  ['_V', 'V'],
  ['_s', 's'],
];

export function unitOf(key: string): string {
  for (const [suffix, unit] of UNIT_SUFFIXES) if (key.endsWith(suffix)) return unit;
  return '';
}

/** 1e7 and 6.25e-6 rather than 10000000 and 0.00000625 (integers keep all digits). */
function fmtNum(v: number, integer: boolean): string {
  const a = Math.abs(v);
  if (!integer && a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential().replace('e+', 'e');
  return String(v);
}

function allowed(s: KeySpec): string {
  switch (s.type) {
    case 'boolean':
      return 'true, false';
    case 'string':
      return s.values ? s.values.map((v) => `\`${v}\``).join(', ') : 'any text';
    default: {
      const int = s.type === 'integer';
      const lo = s.min === undefined ? '' : `${s.exclusiveMin ? '>' : '≥'} ${fmtNum(s.min, int)}`;
      const hi = s.max === undefined ? '' : `${s.exclusiveMax ? '<' : '≤'} ${fmtNum(s.max, int)}`;
      return [lo, hi].filter(Boolean).join(', ');
    }
  }
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function formatDefault(s: KeySpec): string {
  if (s.type === 'string') return s.default === '' ? '""' : `\`${s.default}\``;
  if (typeof s.default === 'number') return `\`${fmtNum(s.default, s.type === 'integer')}\``;
  return `\`${String(s.default)}\``;
}

export function keysTable(): string {
  const out = ['| key | type | default | unit | allowed | description | source |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const s of SCENARIO_KEYS) {
    out.push(
      `| \`${s.key}\` | ${s.type} | ${formatDefault(s)} | ${unitOf(s.key) || '–'} | ${cell(allowed(s))} | ${cell(s.description)} | ${cell(s.source ?? '')} |`,
    );
  }
  return out.join('\n');
}

export function presetsTable(): string {
  const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'public', 'scenarios');
  const out = ['| preset | description | sources |', '| --- | --- | --- |'];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { about?: { name?: string; description?: string; sources?: string } };
    const name = json.about?.name ?? file.replace(/\.json$/, '');
    out.push(`| \`${name}\` | ${cell(json.about?.description ?? '')} | ${cell(json.about?.sources ?? '')} |`);
  }
  return out.join('\n');
}

/** metrics.csv columns in file order (METRIC_COLUMNS), with unit, meaning and when the column is NaN. */
export function metricsTable(): string {
  const out = ['| column | unit | meaning | NaN when |', '| --- | --- | --- | --- |'];
  for (const k of METRIC_COLUMNS) {
    const doc = METRIC_DOCS[k];
    out.push(`| \`${k}\` | ${cell(doc.unit)} | ${cell(doc.meaning)} | ${cell(METRIC_UNDEFINED_WHEN[k] ?? '')} |`);
  }
  return out.join('\n');
}

const mode = process.argv.includes('--presets') ? presetsTable : process.argv.includes('--metrics') ? metricsTable : keysTable;
process.stdout.write(mode() + '\n');
