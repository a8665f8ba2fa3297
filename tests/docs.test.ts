// The documentation stays true to the code and to itself:
// - the generated reference tables (scripts/scenario-keys-table.ts) in docs/reference are what the code prints:
//   a key, default, limit, preset or metrics column changed in the code and not regenerated fails here;
// - every relative link and image in README.md, CHANGELOG.md and docs/**/*.md points at a file that exists;
// - the README stays short (issue 21: what it is, the picture, two commands, machines without a GPU, links).
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_DOCS } from '../src/sim/metricDocs.ts';
import { METRIC_COLUMNS } from '../src/sim/types.ts';

const table = (args: string[]) => execFileSync(process.execPath, ['--import', 'tsx', 'scripts/scenario-keys-table.ts', ...args], { encoding: 'utf8' }).trim();
const read = (path: string) => readFileSync(path, 'utf8');

describe('reference tables generated from the code', () => {
  it.each([
    ['scenario keys', 'docs/reference/scenario-keys.md', []],
    ['presets', 'docs/reference/presets.md', ['--presets']],
    ['metrics.csv columns', 'docs/reference/metrics.md', ['--metrics']],
  ] as const)('%s: %s holds the table scripts/scenario-keys-table.ts prints', (_what, page, args) => {
    const printed = table([...args]);
    expect(printed.split('\n').length).toBeGreaterThan(10);
    expect(read(page).includes(printed), `regenerate with: npx tsx scripts/scenario-keys-table.ts ${args.join(' ')}`).toBe(true);
  });

  it('every metrics.csv column is documented, with a unit and a meaning', () => {
    const page = read('docs/reference/metrics.md');
    expect(Object.keys(METRIC_DOCS).sort()).toEqual([...METRIC_COLUMNS].sort());
    for (const column of METRIC_COLUMNS) {
      expect(page, column).toContain(`| \`${column}\` |`);
      expect(METRIC_DOCS[column].unit, column).not.toBe('');
      expect(METRIC_DOCS[column].meaning.length, column).toBeGreaterThan(5);
    }
  });
});

/** README.md, CHANGELOG.md and every .md under docs/. */
function markdownFiles(): string[] {
  const out = ['README.md', 'CHANGELOG.md'];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  };
  walk('docs');
  return out;
}

/** Targets of inline links and images, `[text](target)` and `![alt](target)`, outside code blocks and spans. */
function linkTargets(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  const out: string[] = [];
  // the text may span lines and hold one level of brackets; the target ends at whitespace or ')'
  for (const m of prose.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]);
  return out;
}

describe('links in the documentation', () => {
  it('finds links, images and multi-line link texts, and skips code', () => {
    const md = 'a [b](x.md) ![c](d/e.png) [two\nlines](y.md#z) `[no](code.md)`\n```\n[no](block.md)\n```\n[t](s.md "title") [a [nested] text](n.md)';
    expect(linkTargets(md)).toEqual(['x.md', 'd/e.png', 'y.md#z', 's.md', 'n.md']);
  });

  it.each(markdownFiles())('%s: every relative link and image resolves to a file', (file) => {
    const missing: string[] = [];
    const targets = linkTargets(read(file));
    for (const target of targets) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue; // http(s), mailto, anchors
      const path = decodeURI(target.split('#')[0]);
      if (!existsSync(join(dirname(file), path))) missing.push(`${target} (→ ${relative('.', join(dirname(file), path))})`);
    }
    expect(missing, `${file} links to files that do not exist`).toEqual([]);
  });
});

describe('README', () => {
  it('has at most 250 lines; the rest belongs in docs/', () => {
    const lines = read('README.md').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    expect(lines.length).toBeLessThanOrEqual(250);
  });
});

describe('test tiers (vitest.config.ts)', () => {
  it('every file named in a tier or the physics stream exists, and the fast tier leaves out the slow one', async () => {
    const { FAST_TESTS, SLOW_TESTS, PHYSICS_TESTS } = await import('../vitest.config.ts');
    const { existsSync } = await import('node:fs');
    for (const f of [...FAST_TESTS, ...SLOW_TESTS, ...PHYSICS_TESTS]) expect(existsSync(f), f).toBe(true);
    for (const f of FAST_TESTS) expect(SLOW_TESTS, f).not.toContain(f);
  });
});

describe('units in the key table', () => {
  it('every key whose name ends in a unit has that unit in the generated table (no "–" for _GPa, _nm, …)', async () => {
    const text = readFileSync('docs/reference/scenario-keys.md', 'utf8');
    const rows = [...text.matchAll(/^\| `([a-z_]+\.[A-Za-z0-9_]+)` \| [a-z]+ \| [^|]* \| ([^|]+) \|/gm)].map((m) => ({ key: m[1], unit: m[2].trim() }));
    const { SCENARIO_KEYS } = await import('../src/model/schema.ts');
    expect(rows.map((r) => r.key).sort()).toEqual(SCENARIO_KEYS.map((k) => k.key).sort());
    // a last name token that is a unit: SI-style tokens, or any token with a capital (GPa, MPa, V, K, S)
    const UNIT_TOKENS = new Set(['um', 'nm', 'cm', 'cm2', 'cm3', 'm', 'm2', 'm3', 's', 'deg', 'mol', 'L', 'V', 'mV', 'K']);
    const missing = rows.filter(({ key, unit }) => {
      const last = key.split('_').at(-1)!;
      return (UNIT_TOKENS.has(last) || /[A-Z]/.test(last)) && unit === '–';
    });
    expect(missing.map((r) => r.key), 'add the suffix to UNIT_SUFFIXES in scripts/scenario-keys-table.ts').toEqual([]);
  });
});

describe('the sweep shown in the docs (docs/sweep)', () => {
  it("runs.csv holds the runs spec.json resolves to today, by id and scenario hash, each done", async () => {
    const { loadSweepSpec } = await import('../src/sweep/spec.ts');
    const spec = loadSweepSpec('docs/sweep/spec.json');
    const [header, ...rows] = read('docs/sweep/runs.csv').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((r) => [r[col('run_id')], r[col('scenario_hash')], r[col('status')]]), 'a preset or key changed: rerun `npx dendrite sweep docs/sweep/spec.json --out DIR` and copy montage.png, runs.csv and the plot').toEqual(
      spec.runs.map((r) => [r.id, r.hash, 'done']),
    );
  });
});

describe('the comparison shown in the docs (docs/compare)', () => {
  it('its runs are the bare-cu and au-seeded-cu presets of today, by scenario hash', async () => {
    const { scenarioHash } = await import('../src/sweep/spec.ts');
    const { presetScenario } = await import('../src/model/scenario.ts');
    const [header, ...rows] = read('docs/compare/runs.csv').trim().split('\n').map((l) => l.split(','));
    const col = (name: string) => header.indexOf(name);
    expect(rows.map((r) => [r[col('scenario')], r[col('scenario_hash')], r[col('status')]]), 'a preset changed: rerun `npx dendrite compare bare-cu au-seeded-cu --out DIR` and copy its outputs to docs/compare').toEqual(
      ['bare-cu', 'au-seeded-cu'].map((p) => [p, scenarioHash(presetScenario(p)), 'done']),
    );
  });
});
