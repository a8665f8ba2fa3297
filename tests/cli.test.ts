// End-to-end tests of the `dendrite` CLI: spawns `node bin/dendrite.mjs` against the real model,
// simulation and backends. GPU cases run on whatever adapter Dawn finds; on a machine without a
// GPU that is Mesa's lavapipe (VK_ICD_FILENAMES below).
//   npx vitest run tests/cli.test.ts
// Set DENDRITE_CLI_BACKENDS=cpu to skip the GPU runs.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseMetricsCsv } from '../src/io/csv.ts';
import { METRIC_COLUMNS, METRIC_UNDEFINED_WHEN } from '../src/sim/types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dendrite.mjs');
const LVP = '/usr/share/vulkan/icd.d/lvp_icd.json';
const BACKENDS = (process.env.DENDRITE_CLI_BACKENDS ?? 'cpu,gpu').split(',') as ('cpu' | 'gpu')[];

const tmpRoot = mkdtempSync(join(tmpdir(), 'dendrite-cli-'));
afterAll(() => rmSync(tmpRoot, { recursive: true, force: true }));
let n = 0;
/** A path under the temp root that does not exist yet. */
const outPath = (tag: string) => join(tmpRoot, `${tag}-${n++}`);

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function dendrite(
  args: string[],
  opts: { env?: Record<string, string>; onStdout?: (all: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
    if (!opts.env?.VK_ICD_FILENAMES && existsSync(LVP) && !process.env.VK_ICD_FILENAMES) env.VK_ICD_FILENAMES = LVP;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      opts.onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dendrite ${args.join(' ')} timed out\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

const SMALL = ['--set', 'grid.nx=32', '--set', 'grid.ny=32', '--set', 'run.metrics_every_steps=5', '--until-s', '0.05'];

function pngSize(path: string): { width: number; height: number } {
  const png = readFileSync(path);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(png.subarray(12, 16).toString('latin1')).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  // the image data inflates to the right size
  const chunks: Buffer[] = [];
  for (let o = 8; o < png.length; ) {
    const len = png.readUInt32BE(o);
    if (png.subarray(o + 4, o + 8).toString('latin1') === 'IDAT') chunks.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  expect(inflateSync(Buffer.concat(chunks)).length).toBe((width * 4 + 1) * height);
  return { width, height };
}

function readJson(path: string) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('dendrite: usage', () => {
  it('--help, no command, unknown command: usage on stderr, exit 2', async () => {
    for (const args of [['--help'], [], ['frobnicate']]) {
      const r = await dendrite(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Usage:\n {2}dendrite run/);
    }
  });

  it('presets: one line per preset, name padded, then description', async () => {
    const r = await dendrite(['presets']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => /^planar-li-foil\s{2,}\S/.test(l))).toBe(true);
    const col = lines[0].search(/\s{2}\S/);
    for (const l of lines) expect(l.slice(0, col + 2).trimEnd().includes(' ')).toBe(false);
  });
});

describe('dendrite run: bad input exits 2 before touching DIR', () => {
  const cases: { name: string; args: string[]; message: RegExp; env?: Record<string, string>; backend?: string }[] = [
    { name: 'unknown key', args: ['--set', 'grid.foo=1'], message: /grid\.foo.*not a scenario key/ },
    { name: 'wrong type', args: ['--set', 'grid.nx=abc'], message: /grid\.nx.*"abc".*integer/ },
    { name: 'NaN', args: ['--set', 'drive.current_density_mA_cm2=NaN'], message: /drive\.current_density_mA_cm2.*NaN.*finite/ },
    { name: 'zero', args: ['--set', 'grid.dx_um=0'], message: /grid\.dx_um = 0 .*> 0/ },
    { name: 'negative', args: ['--set', 'electrolyte.concentration_mol_L=-1'], message: /electrolyte\.concentration_mol_L = -1 .*> 0/ },
    { name: 'bad --until-s', args: ['--until-s', '-3'], message: /--until-s.*-3/ },
    { name: 'bad --backend', args: ['--backend', 'cuda'], message: /--backend.*cuda.*gpu, cpu/ },
    {
      name: 'grid beyond the adapter limits',
      args: ['--set', 'grid.nx=65536', '--set', 'grid.ny=65536'],
      message: /grid\.n[xy]/,
      backend: 'gpu',
    },
    {
      name: 'no usable adapter',
      args: [],
      message: /adapter.*(driver|mesa-vulkan-drivers|lavapipe)/is,
      env: { VK_ICD_FILENAMES: '/nonexistent.json' },
      backend: 'gpu',
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const out = outPath('bad');
      const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', c.backend ?? 'cpu', ...c.args], {
        env: c.env,
      });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(c.message);
      expect(existsSync(out)).toBe(false);
    });
  }

  it('unknown preset name', async () => {
    const out = outPath('bad');
    const r = await dendrite(['run', 'no-such-preset', '--out', out, '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no-such-preset.*planar-li-foil/);
    expect(existsSync(out)).toBe(false);
  });

  it('missing --out', async () => {
    const r = await dendrite(['run', 'planar-li-foil', '--backend', 'cpu']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out/);
  });

  it('a pre-existing DIR is left untouched', async () => {
    const out = outPath('keep');
    mkdirSync(out);
    writeFileSync(join(out, 'metrics.csv'), 'precious');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', 'cpu', '--set', 'grid.nx=abc']);
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual(['metrics.csv']);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toBe('precious');
  });
});

describe.each(BACKENDS)('dendrite run --backend %s', (backend) => {
  const out = outPath(`run-${backend}`);

  it('writes scenario.json, metrics.csv, final.png and summary.json', async () => {
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', backend, ...SMALL]);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['final.png', 'metrics.csv', 'scenario.json', 'summary.json']);
    // progress: plain lines (stdout is a pipe), the last one at 100 %
    expect(r.stdout).toMatch(/t=\S+ s \((99|100)%\) step \d+ {2}\S+ steps\/s {2}ETA/);

    const scenario = readJson(join(out, 'scenario.json'));
    expect(scenario.grid.nx).toBe(32);
    expect(scenario.run.until_s).toBe(0.05);
    expect(scenario.run.charge_mAh_cm2).toBe(0);

    const csvText = readFileSync(join(out, 'metrics.csv'), 'utf8');
    expect(csvText.split('\n')[0]).toBe(METRIC_COLUMNS.join(','));
    const { rows } = parseMetricsCsv(csvText);
    expect(rows.length).toBeGreaterThan(0);
    // NaN only where a column is undefined by definition (METRIC_UNDEFINED_WHEN), and then for its reason
    for (const row of rows) {
      for (const k of METRIC_COLUMNS) if (Number.isNaN(row[k])) expect(METRIC_UNDEFINED_WHEN, k).toHaveProperty(k);
      if (Number.isNaN(row.nucleus_spacing_cv)) expect(row.nuclei_count).toBeLessThan(2);
      expect(row.pore_filling).toBeNaN(); // planar-li-foil has no host
    }

    const summary = readJson(join(out, 'summary.json'));
    expect(summary.scenario).toBe('planar-li-foil');
    expect(summary.backend).toBe(backend);
    expect(summary.reason).toBe('time');
    // the GPU clock is f32 (compensated): its last step, clamped to the remaining time, lands within
    // an ulp of f32(t_end) (seen: 0.0499999972 after the sink change moved the step sequence)
    expect(summary.simulated_time_s).toBeGreaterThanOrEqual(0.05 * (1 - (backend === 'gpu' ? 2 ** -22 : 1e-9)));
    expect(summary.steps).toBeGreaterThan(0);
    expect(summary.wall_time_s).toBeGreaterThan(0);
    expect(summary.steps_per_s).toBeGreaterThan(0);
    expect(Array.isArray(summary.events)).toBe(true);
    expect(summary).toHaveProperty('sand_time_s');
    expect(summary).toHaveProperty('short_circuit_time_s');
    // JSON has no NaN: undefined columns are null there
    const last = Object.fromEntries(Object.entries(rows.at(-1)!).map(([k, v]) => [k, Number.isNaN(v) ? null : v]));
    expect(summary.final_metrics).toEqual(last);
    expect(summary.host_overflow_time_s).toBeNull();
    expect(summary.nucleation.events).toBe(rows.at(-1)!.nucleation_events);
    // a Li foil has no nucleation stage: no settled dip, so no nucleation overpotential
    expect(summary.nucleation.dip_settled).toBe(false);
    expect(summary.nucleation.overpotential_mV).toBeNull();
    expect(rows.at(-1)!.nucleation_overpotential_mV).toBeNaN();
    if (backend === 'gpu') {
      for (const k of ['vendor', 'architecture', 'device', 'description']) expect(typeof summary.adapter[k]).toBe('string');
      expect(typeof summary.adapter.isFallback).toBe('boolean');
    }

    const { width, height } = pngSize(join(out, 'final.png'));
    expect(width).toBe(256); // 32 cells upscaled 8x
    expect(height).toBeGreaterThan(256); // plus the collector strip
  });

  it('re-running the written scenario.json gives the same final metrics row', async () => {
    const again = outPath(`rerun-${backend}`);
    const r = await dendrite(['run', join(out, 'scenario.json'), '--out', again, '--backend', backend]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(again, 'scenario.json'), 'utf8')).toBe(readFileSync(join(out, 'scenario.json'), 'utf8'));
    const a = readJson(join(out, 'summary.json'));
    const b = readJson(join(again, 'summary.json'));
    expect(b.final_metrics).toEqual(a.final_metrics);
    expect(b.steps).toBe(a.steps);
    expect(readFileSync(join(again, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(out, 'metrics.csv'), 'utf8'));
  });
});

describe('dendrite run: Ctrl-C', () => {
  it('SIGINT aborts the run, writes summary.json with reason aborted, exits 130', async () => {
    const out = outPath('sigint');
    let sent = false;
    const r = await dendrite(
      ['run', 'planar-li-foil', '--out', out, '--backend', 'cpu', '--set', 'grid.nx=32', '--set', 'grid.ny=32', '--until-s', '1e6'],
      {
        onStdout: (all, child) => {
          // the start line is printed once DIR is set up and the run begins
          if (!sent && /^dendrite: .* -> /m.test(all)) {
            sent = true;
            setTimeout(() => child.kill('SIGINT'), 1500);
          }
        },
        timeoutMs: 120_000,
      },
    );
    expect(sent).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.reason).toBe('aborted');
    expect(summary.simulated_time_s).toBeLessThan(1e6);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toBe(METRIC_COLUMNS.join(','));
  });
});
