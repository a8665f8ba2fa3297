// `dendrite sweep`: specs refused by JSON path with nothing written, designs resolved, a sweep
// killed with SIGKILL and restarted that loses and duplicates nothing, shards whose union is the
// full sweep bit for bit, merge, plot, and the cluster files. CPU backend, small grids.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCsvRecords } from '../src/io/csvFormat.ts';
import { decodePng } from '../src/io/pngDecode.ts';
import { sweepCommand } from '../src/sweep/commands.ts';
import { axisValues, resolveSweep, SweepSpecError } from '../src/sweep/spec.ts';
import type { SweepArgs } from '../src/cli/args.ts';
import { HAS_GPU } from './support/env.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dendrite.mjs');
const tmpRoot = mkdtempSync(join(tmpdir(), 'dendrite-sweep-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
const path = (tag: string) => join(tmpRoot, `${tag}-${n++}`);

function dendrite(args: string[], opts: { onSpawn?: (kill: () => void) => void } = {}): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    opts.onSpawn?.(() => child.kill('SIGKILL'));
    child.on('close', (code, signal) => res({ code, signal, stdout, stderr }));
  });
}

/** runs.csv as pandas reads it (RFC 4180), rows keyed by column. */
function parseCsv(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header, ...rest] = parseCsvRecords(text);
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]]))) };
}

const writeSpec = (spec: unknown) => {
  const p = `${path('spec')}.json`;
  writeFileSync(p, JSON.stringify(spec));
  return p;
};

describe('sweep specs', () => {
  const BASE = { base: 'first-dendrites', set: { 'grid.nx': 16, 'grid.ny': 16 }, stop: { until_s: 0.1 } };
  const bad: [string, Record<string, unknown>, string][] = [
    ['an unknown preset', { ...BASE, base: 'nope' }, '$.base = "nope"'],
    ['an unknown top-level field', { ...BASE, axis: {} }, '$.axis'],
    ['an unknown key in set', { ...BASE, set: { 'grid.nz': 4 } }, '$.set["grid.nz"]'],
    ['an unknown axis key', { ...BASE, axes: { 'drive.nope': [1] } }, '$.axes["drive.nope"]'],
    ['an empty axis', { ...BASE, axes: { 'drive.overpotential_V': [] } }, '$.axes["drive.overpotential_V"] = []'],
    ['a non-numeric range', { ...BASE, axes: { 'drive.overpotential_V': { lin: ['a', 1], n: 2 } } }, '$.axes["drive.overpotential_V"].lin[0] = "a"'],
    ['a log range through zero', { ...BASE, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0, 1], n: 2 } } }, '$.axes["kinetics.exchange_current_mA_cm2"].log'],
    ['a grid range without n', { ...BASE, axes: { 'drive.overpotential_V': { lin: [-0.1, -0.2] } } }, '$.axes["drive.overpotential_V"].n'],
    ['a range over a string key', { ...BASE, axes: { 'substrate.kind': { lin: [0, 1], n: 2 } } }, '$.axes["substrate.kind"]'],
    ['a value out of range', { ...BASE, axes: { 'drive.overpotential_V': [-0.1, 'high'] } }, '$.axes["drive.overpotential_V"]'],
    ['a string value not allowed', { ...BASE, axes: { 'substrate.kind': ['cu', 'gold'] } }, '$.axes["substrate.kind"]'],
    ['an unknown preset on the preset axis', { ...BASE, axes: { preset: ['li-foil', 'nope'] } }, '$.axes.preset[1] = "nope"'],
    ['zip axes of two lengths', { ...BASE, design: 'zip', axes: { 'drive.overpotential_V': [-0.1, -0.2], 'run.seed': [1, 2, 3] } }, '$.axes'],
    ['zero lhs points (zero runs)', { ...BASE, design: { lhs: 0 }, axes: { 'drive.overpotential_V': { lin: [-0.1, -0.2] } } }, '$.design.lhs = 0'],
    ['a Sobol set of 6', { ...BASE, design: { sobol: 6 }, axes: { 'drive.overpotential_V': { lin: [-0.1, -0.2] } } }, '$.design.sobol = 6'],
    ['an unknown design', { ...BASE, design: 'random' }, '$.design'],
    ['zero replicates', { ...BASE, replicates: 0 }, '$.replicates = 0'],
    ['replicates with a seed axis', { ...BASE, replicates: 2, axes: { 'run.seed': [1, 2] } }, '$.replicates'],
    ['a negative stop', { ...BASE, stop: { until_s: -1 } }, '$.stop.until_s = -1'],
    ['a key both set and swept', { ...BASE, axes: { 'grid.nx': [16, 32] } }, '$.axes["grid.nx"]'],
    ['run.seed set with replicates', { ...BASE, replicates: 2, set: { ...BASE.set, 'run.seed': 5 } }, '$.set["run.seed"] = 5'],
    ['a million runs (counted before any is built)', { ...BASE, axes: { 'run.seed': { lin: [1, 1000], n: 1000 }, 'drive.overpotential_V': { lin: [-0.1, -0.5], n: 1000 } } }, '$.axes = "1000000 runs"'],
  ];
  it.each(bad)('refuses %s by its JSON path, and writes nothing', async (_what, spec, where) => {
    expect(() => resolveSweep(spec)).toThrow(SweepSpecError);
    const out = path('bad');
    let stderr = '';
    const code = await sweepCommand(
      { command: 'sweep', spec: writeSpec(spec), out, backend: 'cpu', checkpointEveryS: 120, quiet: true } satisfies SweepArgs,
      { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s) } },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(where);
    expect(stderr).toContain('is not allowed');
    expect(existsSync(out)).toBe(false);
  });

  it('resolves a grid with replicates: first axis slowest, seeds base + k, exact end points', () => {
    const s = resolveSweep({
      ...BASE,
      axes: { 'drive.overpotential_V': [-0.1, -0.2], 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10], n: 3 } },
      replicates: 2,
    });
    expect(s.runs).toHaveLength(12);
    expect(s.runs.map((r) => r.id)).toEqual(Array.from({ length: 12 }, (_, i) => String(i).padStart(4, '0')));
    expect(s.runs.map((r) => r.params['kinetics.exchange_current_mA_cm2'])).toEqual([0.1, 0.1, 1, 1, 10, 10, 0.1, 0.1, 1, 1, 10, 10]);
    expect(s.runs.map((r) => r.seed)).toEqual([1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2]);
    expect(s.runs[5].scenario.drive.overpotential_V).toBe(-0.1);
    expect(s.runs[5].scenario.grid.nx).toBe(16);
    expect(s.runs[5].scenario.run.until_s).toBe(0.1);
    // every run is a different scenario, and the hash says so
    expect(new Set(s.runs.map((r) => r.hash)).size).toBe(12);
    expect(axisValues({ key: 'x', kind: 'lin', lo: 0.1, hi: 0.7, n: 4 })).toEqual([0.1, 0.3, 0.5, 0.7]);
  });

  it('resolves the preset axis, string axes, zip, and sampled designs inside their ranges', () => {
    const p = resolveSweep({ ...BASE, axes: { preset: ['li-foil', 'bare-cu'] } });
    expect(p.runs.map((r) => r.scenario.substrate.kind)).toEqual(['li_foil', 'cu']);
    expect(p.runs[1].scenario.grid.nx).toBe(16);
    const z = resolveSweep({ ...BASE, design: 'zip', axes: { 'drive.overpotential_V': [-0.1, -0.2], 'run.seed': [5, 6] } });
    expect(z.runs.map((r) => [r.scenario.drive.overpotential_V, r.seed])).toEqual([[-0.1, 5], [-0.2, 6]]);
    for (const design of [{ lhs: 5 }, { sobol: 8 }]) {
      const s = resolveSweep({ ...BASE, design, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10] }, 'run.seed': { lin: [1, 100] } } });
      expect(s.runs).toHaveLength('lhs' in design ? 5 : 8);
      for (const r of s.runs) {
        const i0 = r.params['kinetics.exchange_current_mA_cm2'] as number;
        expect(i0).toBeGreaterThanOrEqual(0.1);
        expect(i0).toBeLessThanOrEqual(10);
        expect(Number.isInteger(r.seed)).toBe(true); // an integer key takes the nearest integer
      }
      // the same seed gives the same set; another seed another
      expect(resolveSweep({ ...BASE, design, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10] } } }).runs.map((r) => r.hash)).toEqual(
        resolveSweep({ ...BASE, design, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10] } } }).runs.map((r) => r.hash),
      );
      expect(resolveSweep({ ...BASE, design, design_seed: 7, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10] } } }).runs[1].hash).not.toBe(
        resolveSweep({ ...BASE, design, axes: { 'kinetics.exchange_current_mA_cm2': { log: [0.1, 10] } } }).runs[1].hash,
      );
    }
  });
});

describe('a sweep on the CPU backend', () => {
  // 4 runs of 32² of the diffusion-limited case; the −0.6 V runs take a few seconds each
  const SPEC = {
    base: 'first-dendrites',
    set: { 'grid.nx': 32, 'grid.ny': 32 },
    axes: { 'drive.overpotential_V': [-0.3, -0.6], 'run.seed': [1, 2] },
    stop: { until_s: 2 },
  };
  let spec: string;
  let ref: string;
  /** runs.csv without the wall-clock column: what must be equal bit for bit */
  const table = (dir: string) => {
    const t = parseCsv(readFileSync(join(dir, 'runs.csv'), 'utf8'));
    return t.rows.map((r) => {
      const { wall_s: _w, ...rest } = r;
      return rest;
    });
  };
  beforeAll(async () => {
    spec = writeSpec(SPEC);
    ref = path('full');
    const r = await dendrite(['sweep', spec, '--out', ref, '--backend', 'cpu', '-q']);
    expect(r.code, r.stderr).toBe(0);
  });

  it('writes sweep.json, a run folder each, a tidy runs.csv and a labelled montage', () => {
    const sweep = JSON.parse(readFileSync(join(ref, 'sweep.json'), 'utf8'));
    expect(sweep.runs.map((r: { id: string }) => r.id)).toEqual(['0000', '0001', '0002', '0003']);
    for (const id of ['0000', '0003']) for (const f of ['scenario.json', 'metrics.csv', 'final.png', 'summary.json']) expect(existsSync(join(ref, 'runs', id, f))).toBe(true);
    const t = parseCsv(readFileSync(join(ref, 'runs.csv'), 'utf8'));
    expect(t.header.slice(0, 6)).toEqual(['run_id', 'status', 'reason', 'drive.overpotential_V', 'run.seed', 'replicate']);
    for (const c of ['deposit_max_height_um', 'charge_mAh_cm2', 'sand_time_s', 'nucleation_overpotential_mV', 'wall_s']) expect(t.header).toContain(c);
    expect(new Set(t.header).size).toBe(t.header.length);
    expect(t.rows.map((r) => [r.run_id, r.status, r.reason, r['drive.overpotential_V'], r['run.seed']])).toEqual([
      ['0000', 'done', 'time', '-0.3', '1'],
      ['0001', 'done', 'time', '-0.3', '2'],
      ['0002', 'done', 'time', '-0.6', '1'],
      ['0003', 'done', 'time', '-0.6', '2'],
    ]);
    // the row is the run's summary: same final charge
    const s = JSON.parse(readFileSync(join(ref, 'runs', '0002', 'summary.json'), 'utf8'));
    expect(Number(t.rows[2].charge_mAh_cm2)).toBe(s.final_metrics.charge_mAh_cm2);
    // more overpotential, more charge in the same time
    expect(Number(t.rows[2].charge_mAh_cm2)).toBeGreaterThan(Number(t.rows[0].charge_mAh_cm2));
    const m = decodePng(new Uint8Array(readFileSync(join(ref, 'montage.png'))));
    const tile = decodePng(new Uint8Array(readFileSync(join(ref, 'runs', '0000', 'final.png'))));
    expect(m.width).toBeGreaterThanOrEqual(2 * tile.width); // 2 × 2 tiles
    expect(m.height).toBeGreaterThanOrEqual(2 * tile.height);
  });

  it('a sweep killed with SIGKILL and restarted runs every run once and ends with the same table', async () => {
    const dir = path('killed');
    const first = await dendrite(['sweep', spec, '--out', dir, '--backend', 'cpu', '--checkpoint-every-s', '0.2'], {
      onSpawn: (kill) => {
        // kill once the third run (a slow one) has a checkpoint: two runs done, one partial, one not begun
        const poll = setInterval(() => {
          if (existsSync(join(dir, 'runs', '0002', 'checkpoint.bin'))) {
            clearInterval(poll);
            kill();
          }
        }, 20);
      },
    });
    expect(first.signal).toBe('SIGKILL');
    const done = ['0000', '0001'].map((id) => readFileSync(join(dir, 'runs', id, 'summary.json'), 'utf8'));
    expect(existsSync(join(dir, 'runs', '0002', 'summary.json'))).toBe(false);
    const second = await dendrite(['sweep', spec, '--out', dir, '--backend', 'cpu', '--checkpoint-every-s', '0.2']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/4 runs: 2 done, 0 failed, 2 already there, 1 resumed/);
    // the finished runs were not run again; the partial one went on from its checkpoint
    expect(['0000', '0001'].map((id) => readFileSync(join(dir, 'runs', id, 'summary.json'), 'utf8'))).toEqual(done);
    const resumed = JSON.parse(readFileSync(join(dir, 'runs', '0002', 'summary.json'), 'utf8'));
    expect(resumed.resumed_from.step).toBeGreaterThan(0);
    // one row per run, and the same numbers as the uninterrupted sweep, bit for bit
    expect(table(dir)).toEqual(table(ref));
    // once more: nothing to do
    const third = await dendrite(['sweep', spec, '--out', dir, '--backend', 'cpu']);
    expect(third.stdout).toMatch(/0 done, 0 failed, 4 already there/);
  });

  it('shards: the union of 0/2 and 1/2, in two folders merged or in one shared folder, is the full sweep bit for bit', async () => {
    const [a, b, shared] = [path('shardA'), path('shardB'), path('shared')];
    const results = await Promise.all([
      dendrite(['sweep', spec, '--out', a, '--backend', 'cpu', '--shard', '0/2', '-q']),
      dendrite(['sweep', spec, '--out', b, '--backend', 'cpu', '--shard', '1/2', '-q']),
    ]);
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(table(a).map((r) => r.status)).toEqual(['done', 'pending', 'done', 'pending']);
    const merged = path('merged');
    const m = await dendrite(['sweep', 'merge', a, b, '--out', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(table(merged)).toEqual(table(ref));
    const both = await Promise.all([
      dendrite(['sweep', spec, '--out', shared, '--backend', 'cpu', '--shard', '0/2', '-q']),
      dendrite(['sweep', spec, '--out', shared, '--backend', 'cpu', '--shard', '1/2', '-q']),
    ]);
    for (const r of both) expect(r.code, r.stderr).toBe(0);
    // the table the last shard wrote may predate the other's last run: merge into itself rebuilds it
    expect((await dendrite(['sweep', 'merge', shared, '--out', shared])).code).toBe(0);
    expect(table(shared)).toEqual(table(ref));
  });

  it('refuses a DIR that holds another sweep, and a merge of two different sweeps', async () => {
    const other = writeSpec({ ...SPEC, stop: { until_s: 1 } });
    const r = await dendrite(['sweep', other, '--out', ref, '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds another sweep');
    const o = path('other');
    expect((await dendrite(['sweep', writeSpec({ ...SPEC, axes: { 'run.seed': [1] } }), '--out', o, '--backend', 'cpu', '-q'])).code).toBe(0);
    const m = await dendrite(['sweep', 'merge', ref, o, '--out', path('mix')]);
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('is another sweep');
  });

  it('plots a heatmap over two axes and lines over one (Vega-Lite SVG)', async () => {
    const heat = await dendrite(['sweep', 'plot', ref, '--metric', 'deposit_max_height_um']);
    expect(heat.code, heat.stderr).toBe(0);
    expect(heat.stdout).toContain('heatmap of deposit_max_height_um over drive.overpotential_V × run.seed (4 runs)');
    const svg = readFileSync(join(ref, 'plot-deposit_max_height_um.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('drive.overpotential_V');
    const out = `${path('line')}.svg`;
    const line = await dendrite(['sweep', 'plot', ref, '--metric', 'charge_mAh_cm2', '--x', 'drive.overpotential_V', '--out', out]);
    expect(line.code, line.stderr).toBe(0);
    expect(line.stdout).toContain('line plot');
    expect(readFileSync(out, 'utf8')).toContain('run.seed'); // the other axis is the legend
    const bad = await dendrite(['sweep', 'plot', ref, '--metric', 'nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--metric: 'nope' is not allowed");
  });
});

describe.skipIf(!HAS_GPU)('a sweep on the GPU backend', () => {
  it('runs that share a grid go in one GPU batch, and end bit-identical to the same runs one at a time', async () => {
    const spec = writeSpec({
      base: 'first-dendrites',
      set: { 'grid.nx': 16, 'grid.ny': 16 },
      axes: { 'drive.overpotential_V': [-0.3, -0.6] },
      replicates: 2,
      stop: { until_s: 0.5 },
    });
    const [batched, single] = [path('gpu-batch'), path('gpu-single')];
    const b = await dendrite(['sweep', spec, '--out', batched, '--backend', 'gpu']);
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain('runs 0000, 0001, 0002, 0003 in one GPU batch');
    const s = await dendrite(['sweep', spec, '--out', single, '--backend', 'gpu', '--batch', '1']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).not.toContain('GPU batch');
    const rows = (dir: string) =>
      parseCsv(readFileSync(join(dir, 'runs.csv'), 'utf8')).rows.map((r) => {
        const { wall_s: _w, ...rest } = r;
        return rest;
      });
    expect(rows(batched)).toEqual(rows(single));
    expect(rows(batched).map((r) => r.backend)).toEqual(['gpu', 'gpu', 'gpu', 'gpu']);
    // the members stopped on their own clocks: the −0.6 V runs took more steps
    expect(Number(rows(batched)[2].steps)).toBeGreaterThan(Number(rows(batched)[0].steps));
  });
});

describe('cluster files', () => {
  const spec = writeSpec({ base: 'first-dendrites', set: { 'grid.nx': 16, 'grid.ny': 16 }, axes: { 'run.seed': [1, 2, 3, 4, 5] }, stop: { until_s: 0.1 } });

  it('--emit slurm prints a job array of N shards that bash parses, and writes nothing', async () => {
    const out = path('emit');
    const r = await dendrite(['sweep', spec, '--out', out, '--emit', 'slurm', '--shards', '4', '--parallel', '2', '--backend', 'gpu']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('#SBATCH --array=0-3%2');
    expect(r.stdout).toContain('--shard "${SLURM_ARRAY_TASK_ID}/4"');
    expect(r.stdout).toContain('#SBATCH --gres=gpu:1');
    expect(spawnSync('bash', ['-n'], { input: r.stdout }).status).toBe(0);
    expect(existsSync(out)).toBe(false);
  });

  it('--emit k8s prints an Indexed Job that a YAML parser reads, with the shard from JOB_COMPLETION_INDEX', async () => {
    const r = await dendrite(['sweep', spec, '--out', path('emit'), '--emit', 'k8s', '--shards', '3', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const job = parseYaml(r.stdout);
    expect(job.kind).toBe('Job');
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(3);
    const c = job.spec.template.spec.containers[0];
    expect(c.command.join(' ')).toContain('--shard "$JOB_COMPLETION_INDEX/3"');
    expect(c.resources).toBeUndefined(); // no GPU asked for on the CPU backend
    const gpu = parseYaml((await dendrite(['sweep', spec, '--out', path('emit'), '--emit', 'k8s', '--backend', 'gpu'])).stdout);
    expect(gpu.spec.completions).toBe(5); // default: one shard per run
    expect(gpu.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });
});

describe('dendrite compare', () => {
  it('runs two presets to the same charge and writes the figure, the overlay and the tables', async () => {
    const out = path('compare');
    const args = ['compare', 'bare-cu', 'au-seeded-cu', '--out', out, '--set', 'grid.nx=64', '--set', 'grid.ny=32', '--charge-mAh-cm2', '0.02', '--backend', 'cpu'];
    const r = await dendrite(args);
    expect(r.code, r.stderr).toBe(0);
    const table = readFileSync(join(out, 'table.md'), 'utf8');
    expect(r.stdout).toContain(table.trim());
    const rows = table.trim().split('\n').slice(2);
    expect(rows.map((l) => l.split('|')[1].trim())).toEqual(['bare-cu', 'au-seeded-cu']);
    const m = parseCsv(readFileSync(join(out, 'metrics.csv'), 'utf8'));
    // the same stop for both: the charge each passed is the one asked for (to a step)
    for (const row of m.rows) {
      expect(row.reason).toBe('charge');
      expect(Number(row.charge_mAh_cm2)).toBeCloseTo(0.02, 3);
    }
    // Au seeds lower the nucleation overpotential (the trend docs/explanation/trends.md reports)
    expect(Number(m.rows[1].nucleation_overpotential_mV)).toBeLessThan(Number(m.rows[0].nucleation_overpotential_mV));
    const v = parseCsv(readFileSync(join(out, 'voltage.csv'), 'utf8'));
    expect(new Set(v.rows.map((x) => x.run))).toEqual(new Set(['bare-cu', 'au-seeded-cu']));
    expect(readFileSync(join(out, 'voltage.svg'), 'utf8')).toContain('electrode potential (V)');
    const png = decodePng(new Uint8Array(readFileSync(join(out, 'compare.png'))));
    const tile = decodePng(new Uint8Array(readFileSync(join(out, 'runs', '0000', 'final.png'))));
    expect(png.width).toBeGreaterThanOrEqual(2 * Math.min(tile.width, 256)); // side by side
    // again: both runs are there, nothing runs
    const again = await dendrite(args);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('[1/2]');
    expect(existsSync(join(out, 'bare-cu.png')) && existsSync(join(out, 'au-seeded-cu.png'))).toBe(true);
    // the table's columns by name (what scripts/strategy-figures.ts asks for)
    const t = await dendrite([...args, '--table', 'nucleation_overpotential_mV,nuclei_count']);
    expect(t.code, t.stderr).toBe(0);
    const md = readFileSync(join(out, 'table.md'), 'utf8').split('\n');
    expect(md[0]).toBe('| run | `nucleation_overpotential_mV` | `nuclei_count` |');
    expect(md[2].startsWith('| `bare-cu` | 83.0 |')).toBe(true);
  });

  it('refuses one scenario, five, or a bad key, and writes nothing', async () => {
    const out = path('compare-bad');
    for (const args of [['bare-cu'], ['bare-cu', 'li-foil', 'sei', 'bare-cu', 'li-foil'], ['bare-cu', 'li-foil', '--set', 'grid.nz=4'], ['bare-cu', 'li-foil', '--table', 'nope']]) {
      const r = await dendrite(['compare', ...args, '--out', out, '--until-s', '1']);
      expect(r.code).toBe(2);
      expect(existsSync(out)).toBe(false);
    }
  });
});
