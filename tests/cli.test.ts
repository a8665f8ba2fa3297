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
import { HAS_GPU } from './support/env.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'dendrite.mjs');
const LVP = '/usr/share/vulkan/icd.d/lvp_icd.json';
const BACKENDS = ((process.env.DENDRITE_CLI_BACKENDS ?? 'cpu,gpu').split(',') as ('cpu' | 'gpu')[]).filter((b) => b !== 'gpu' || HAS_GPU);

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
  opts: { env?: Record<string, string>; onStderr?: (all: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<Result> {
  return new Promise((resolvePromise, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...opts.env };
    if (!opts.env?.VK_ICD_FILENAMES && existsSync(LVP) && !process.env.VK_ICD_FILENAMES) env.VK_ICD_FILENAMES = LVP;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      opts.onStderr?.(stderr, child);
    });
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
  it('--help, help and help run: usage on stdout, exit 0', async () => {
    for (const args of [['--help'], ['help'], ['-h']]) {
      const r = await dendrite(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage:\n {2}dendrite run/);
      expect(r.stderr).toBe('');
    }
    for (const args of [['help', 'run'], ['run', '--help']]) {
      const r = await dendrite(args);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/--fields-every-s/);
      expect(r.stdout).toMatch(/Exit codes: 0 done/);
    }
  });

  it('no command, unknown command: usage on stderr, exit 2', async () => {
    for (const args of [[], ['frobnicate']]) {
      const r = await dendrite(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Usage:\n {2}dendrite run/);
      expect(r.stdout).toBe('');
    }
  });

  it('--version: the package version and the git commit, on stdout', async () => {
    const r = await dendrite(['--version']);
    expect(r.code).toBe(0);
    const pkg = readJson(join(ROOT, 'package.json'));
    expect(r.stdout).toMatch(new RegExp(`^dendrite-lab ${pkg.version.replace(/\./g, '\\.')}( \\(git [0-9a-f]{12}[^)]*\\))?\n$`));
    if (existsSync(join(ROOT, '.git'))) expect(r.stdout).toMatch(/git [0-9a-f]{12}/);
  });

  it('presets --json: name, description and sources of every preset', async () => {
    const r = await dendrite(['presets', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { name: string; description: string; sources: string }[];
    expect(list.map((p) => p.name)).toContain('first-dendrites');
    for (const p of list) {
      expect(p.description.length, p.name).toBeGreaterThan(20);
      expect(p.sources.length, p.name).toBeGreaterThan(10);
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
    { name: 'bad --backend', args: ['--backend', 'cuda'], message: /--backend.*cuda.*auto, gpu, cpu/ },
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
    // a grid beyond the adapter's limits needs an adapter to have limits
    it.skipIf(c.name === 'grid beyond the adapter limits' && !HAS_GPU)(c.name, async () => {
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
    expect(readdirSync(out).sort()).toEqual(['final.png', 'metrics.csv', 'run.json', 'scenario.json', 'summary.json']);
    // progress: plain lines on stderr (a pipe), the last one at 100 %; stdout has the result line only
    expect(r.stderr).toMatch(/t=\S+ s \((99|100)%\) step \d+ {2}\S+ steps\/s {2}ETA/);
    expect(r.stdout).toMatch(/^dendrite: time after \d+ steps, t=\S+ s, \S+ steps\/s; wrote .*\n$/);

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
    expect(summary.backend_choice).toEqual({ requested: backend, reason: `the ${backend.toUpperCase()} backend was requested` });
    expect(summary.version.package).toBe(readJson(join(ROOT, 'package.json')).version);
    if (existsSync(join(ROOT, '.git'))) expect(summary.version.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(summary.resumed_from).toBeNull();
    expect(summary.fields).toBeNull();
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

/** Sends `sig` 1.5 s after the run's start line (printed once DIR is set up and the run begins). */
function signalAfterStart(sig: NodeJS.Signals) {
  let sent = false;
  return {
    sent: () => sent,
    onStderr: (all: string, child: ReturnType<typeof spawn>) => {
      if (!sent && /^dendrite: .* -> /m.test(all)) {
        sent = true;
        setTimeout(() => child.kill(sig), 1500);
      }
    },
  };
}

describe('dendrite run: Ctrl-C', () => {
  it('SIGINT aborts the run, writes summary.json with reason aborted, exits 130', async () => {
    const out = outPath('sigint');
    const signal = signalAfterStart('SIGINT');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', 'cpu', '--set', 'grid.nx=32', '--set', 'grid.ny=32', '--until-s', '1e6'], {
      onStderr: signal.onStderr,
      timeoutMs: 120_000,
    });
    expect(signal.sent()).toBe(true);
    expect(r.code, r.stderr).toBe(130);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.reason).toBe('aborted');
    expect(summary.simulated_time_s).toBeLessThan(1e6);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n')[0]).toBe(METRIC_COLUMNS.join(','));
  });
});

describe('dendrite run: SIGTERM (a scheduler at its time limit)', () => {
  it('stops after the batch, keeps a checkpoint, exits 143; --resume finishes the run', async () => {
    const out = outPath('sigterm');
    const signal = signalAfterStart('SIGTERM');
    const r = await dendrite(['run', 'first-dendrites', '--out', out, '--backend', 'cpu', '--checkpoint-every-s', '3600', '--until-s', '2'], {
      onStderr: signal.onStderr,
      timeoutMs: 120_000,
    });
    expect(signal.sent()).toBe(true);
    expect(r.code, r.stderr).toBe(143);
    expect(r.stderr).toMatch(/terminated: stopping after the current step/);
    const stopped = readJson(join(out, 'summary.json'));
    expect(stopped.reason).toBe('aborted');
    expect(stopped.simulated_time_s).toBeLessThan(2);
    expect(existsSync(join(out, 'checkpoint.bin'))).toBe(true);
    const res = await dendrite(['run', '--resume', out, '--json', '--quiet']);
    expect(res.code, res.stderr).toBe(0);
    const done = JSON.parse(res.stdout);
    expect(done.reason).toBe('time');
    expect(done.simulated_time_s).toBe(2);
    expect(done.resumed_from).toEqual({ step: stopped.steps, time_s: stopped.simulated_time_s });
    const { rows } = parseMetricsCsv(readFileSync(join(out, 'metrics.csv'), 'utf8'));
    expect(rows.map((x) => x.step)).toEqual([...rows.map((x) => x.step)].sort((a, b) => a - b));
    expect(new Set(rows.map((x) => x.step)).size).toBe(rows.length);
  });
});

describe('dendrite run --backend auto (the default)', () => {
  it('no Vulkan driver: runs on the CPU, exits 0 and says why in one line and in summary.json', async () => {
    const out = outPath('auto-none');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--until-s', '1'], { env: { VK_ICD_FILENAMES: '/nonexistent.json' } });
    expect(r.code, r.stderr).toBe(0);
    const why = r.stderr.split('\n').filter((l) => l.startsWith('dendrite: backend'));
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^dendrite: backend cpu: no usable WebGPU adapter.*--backend gpu forces the GPU/);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.backend).toBe('cpu');
    expect(summary.backend_choice.requested).toBe('auto');
    expect(summary.backend_choice.reason).toMatch(/no usable WebGPU adapter/);
    expect(summary.simulated_time_s).toBe(1);
  });

  it('Dawn cannot load (webgpu not importable): auto runs on the CPU; --backend gpu exits 2 naming the cause', async () => {
    const env = { NODE_OPTIONS: `--import ${join(ROOT, 'tests', 'support', 'no-dawn.mjs')}` };
    const out = outPath('no-dawn');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--until-s', '0.05'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^dendrite: backend cpu: no usable WebGPU adapter \(Cannot find package 'webgpu'.*\): running on the f64 CPU backend/m);
    const g = await dendrite(['run', 'planar-li-foil', '--out', outPath('no-dawn-gpu'), '--backend', 'gpu', '--until-s', '0.05'], { env });
    expect(g.code).toBe(2);
    expect(g.stderr).toMatch(/Cannot find package 'webgpu'/);
  });

  it.skipIf(!existsSync(LVP) || !HAS_GPU)('a software adapter (lavapipe) is passed over for the CPU backend', async () => {
    const out = outPath('auto-soft');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--until-s', '0.05'], { env: { VK_ICD_FILENAMES: LVP } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^dendrite: backend cpu: the WebGPU adapter is a software one \(.*\).*--backend gpu forces the GPU/m);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.backend).toBe('cpu');
    expect(summary.backend_choice.reason).toMatch(/software/);
  });
});

describe('dendrite check', () => {
  it('prints the resolved scenario (defaults filled in) and writes nothing', async () => {
    const r = await dendrite(['check', 'planar-li-foil', '--set', 'grid.nx=32', '--until-s', '2']);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.grid.nx).toBe(32);
    expect(s.run.until_s).toBe(2);
    // a default the preset does not set
    expect(typeof s.kinetics.exchange_current_mA_cm2).toBe('number');
    // what check prints, run accepts and writes as scenario.json
    const file = join(outPath('check'), 's.json');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, r.stdout);
    const again = await dendrite(['check', file]);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(s);
  });

  it('names the key, the value and what is allowed; exit 2', async () => {
    const r = await dendrite(['check', 'planar-li-foil', '--set', 'grid.dx_um=-1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/grid\.dx_um = -1 .*> 0/);
  });
});

describe('dendrite run: exit 1', () => {
  it('DIR cannot be created (its parent is a file): exit 1, naming the directory', async () => {
    const file = outPath('a-file');
    writeFileSync(file, '');
    const r = await dendrite(['run', 'planar-li-foil', '--out', join(file, 'sub'), '--backend', 'cpu', '--until-s', '0.01']);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/cannot write to '.*a-file-\d+\/sub': ENOTDIR/);
  });
});

describe('dendrite run: output conventions', () => {
  it('--json prints summary.json on stdout; --quiet silences progress and logs', async () => {
    const out = outPath('json');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', 'cpu', '--quiet', '--json', ...SMALL]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual(readJson(join(out, 'summary.json')));
    const q = await dendrite(['run', 'planar-li-foil', '--out', outPath('quiet'), '--backend', 'cpu', '-q', ...SMALL]);
    expect(q.code).toBe(0);
    expect(q.stdout).toBe('');
    expect(q.stderr).toBe('');
  });
});

/** Decodes a .vti's inline float32 array (UInt32 byte-count header, then the values). */
function vtiArray(xml: string, name: string): Float32Array {
  const m = new RegExp(`<DataArray type="Float32" Name="${name}"[^>]*>([^<]+)<`).exec(xml);
  expect(m, name).not.toBeNull();
  const bytes = Buffer.from(m![1], 'base64');
  expect(bytes.readUInt32LE(0)).toBe(bytes.length - 4);
  const out = new Float32Array((bytes.length - 4) / 4);
  for (let k = 0; k < out.length; k++) out[k] = bytes.readFloatLE(4 + 4 * k);
  return out;
}

describe('dendrite run: VTK series, checkpoints and --resume', () => {
  const COMMON = ['--backend', 'cpu', '--quiet', '--fields-every-s', '0.25', '--checkpoint-every-s', '0.2'];

  it('--fields-every-s: a .pvd collection of .vti snapshots at k·T holding the run’s fields', async () => {
    const out = outPath('fields');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, ...COMMON, '--set', 'grid.nx=32', '--set', 'grid.ny=32', '--until-s', '1']);
    expect(r.code, r.stderr).toBe(0);
    const pvd = readFileSync(join(out, 'fields.pvd'), 'utf8');
    const sets = [...pvd.matchAll(/<DataSet timestep="([^"]+)" group="" part="0" file="([^"]+)"\/>/g)].map((m) => ({ t: Number(m[1]), file: m[2] }));
    expect(sets.map((e) => e.t)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(readJson(join(out, 'summary.json')).fields).toEqual({ every_s: 0.25, snapshots: 5, pvd: 'fields.pvd' });

    // the same run in this process, stopped at the same times: each snapshot is its fields
    const { createSimulation } = await import('../src/sim/simulation.ts');
    const sim = await createSimulation(readJson(join(out, 'scenario.json')), { backend: 'cpu' });
    try {
      for (const [k, e] of sets.entries()) {
        if (k > 0) await sim.run({ until_s: e.t });
        const xml = readFileSync(join(out, e.file), 'utf8');
        expect(Number(/Name="TimeValue"[^>]*>([^<]+)</.exec(xml)![1])).toBe(e.t);
        expect(xml).toMatch(/WholeExtent="0 31 0 31 0 0"/);
        const f = await sim.readFields();
        expect(vtiArray(xml, 'xi')).toEqual(Float32Array.from(f.xi));
        expect(vtiArray(xml, 'phi_V')).toEqual(Float32Array.from(f.phi_V));
      }
      // the Li grew between the first and the last snapshot
      const xi0 = vtiArray(readFileSync(join(out, sets[0].file), 'utf8'), 'xi').reduce((a, b) => a + b, 0);
      const xi1 = vtiArray(readFileSync(join(out, sets.at(-1)!.file), 'utf8'), 'xi').reduce((a, b) => a + b, 0);
      expect(xi1).toBeGreaterThan(xi0);
    } finally {
      sim.destroy();
    }
  });

  it('SIGKILL, then --resume DIR: bit-identical metrics.csv, final.png and VTK series', async () => {
    const args = ['run', 'first-dendrites', ...COMMON, '--until-s', '3'];
    const ref = outPath('ref');
    const a = await dendrite([...args, '--out', ref]);
    expect(a.code, a.stderr).toBe(0);

    const out = outPath('killed');
    let killedAt = -1;
    // kill it once a checkpoint is on disk and the run has gone on past it
    await new Promise<void>((resolveKill, reject) => {
      const child = spawn(process.execPath, [BIN, ...args, '--out', out], { cwd: ROOT, stdio: 'ignore' });
      const poll = setInterval(() => {
        const cp = join(out, 'checkpoint.bin');
        const rows = existsSync(join(out, 'metrics.csv')) ? readFileSync(join(out, 'metrics.csv'), 'utf8').split('\n').length : 0;
        if (existsSync(cp) && rows > 12) {
          killedAt = rows;
          child.kill('SIGKILL');
        }
      }, 50);
      child.on('error', reject);
      child.on('close', (_code, signal) => {
        clearInterval(poll);
        if (signal === 'SIGKILL') resolveKill();
        else reject(new Error(`the run ended (${String(signal)}) before it could be killed`));
      });
    });
    expect(killedAt).toBeGreaterThan(0);
    expect(existsSync(join(out, 'summary.json'))).toBe(false);

    const r = await dendrite(['run', '--resume', out, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.resumed_from.step).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(ref, 'metrics.csv'), 'utf8'));
    expect(readFileSync(join(out, 'final.png')).equals(readFileSync(join(ref, 'final.png')))).toBe(true);
    expect(readFileSync(join(out, 'fields.pvd'), 'utf8')).toBe(readFileSync(join(ref, 'fields.pvd'), 'utf8'));
    expect(readdirSync(join(out, 'fields'))).toEqual(readdirSync(join(ref, 'fields')));
    for (const f of readdirSync(join(ref, 'fields'))) {
      expect(readFileSync(join(out, 'fields', f)).equals(readFileSync(join(ref, 'fields', f))), f).toBe(true);
    }
    expect(summary.final_metrics).toEqual(readJson(join(ref, 'summary.json')).final_metrics);

    // a finished run is not run again
    const again = await dendrite(['run', '--resume', out]);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/is finished \(time after \d+ steps\); nothing to resume/);
  });

  it('--resume refuses other options and a directory that is not a run', async () => {
    const r = await dendrite(['run', '--resume', tmpRoot, '--until-s', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--resume takes the run's DIR and nothing else.*--until-s/);
    const d = outPath('empty');
    mkdirSync(d);
    const e = await dendrite(['run', '--resume', d]);
    expect(e.code).toBe(2);
    expect(e.stderr).toMatch(/has no run\.json/);
  });

  it('a checkpoint whose fields are not finite: exit 3, no NaN row, no final.png', async () => {
    const out = outPath('nan');
    const r = await dendrite(['run', 'planar-li-foil', '--out', out, '--backend', 'cpu', '--quiet', '--checkpoint-every-s', '1e-3', '--set', 'grid.nx=32', '--set', 'grid.ny=32', '--set', 'run.metrics_every_steps=2', '--until-s', '1']);
    expect(r.code, r.stderr).toBe(0);
    const { deserialize, serialize } = await import('node:v8');
    const file = deserialize(readFileSync(join(out, 'checkpoint.bin')));
    file.checkpoint.c[32 * 20 + 5] = Number.NaN;
    writeFileSync(join(out, 'checkpoint.bin'), serialize(file));
    rmSync(join(out, 'summary.json')); // as if killed before the end
    // the last checkpoint may be the end state (t = 1 s): a later stop time makes the resumed run step from it
    const scenario = readJson(join(out, 'scenario.json'));
    scenario.run.until_s = 2;
    writeFileSync(join(out, 'scenario.json'), JSON.stringify(scenario));
    const rows = file.checkpoint.host.rows.length;
    const res = await dendrite(['run', '--resume', out]);
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/non-finite/);
    const summary = readJson(join(out, 'summary.json'));
    expect(summary.reason).toBe('non_finite');
    expect(existsSync(join(out, 'final.png'))).toBe(false);
    const { rows: written } = parseMetricsCsv(readFileSync(join(out, 'metrics.csv'), 'utf8'));
    expect(written.length).toBe(rows);
    for (const row of written) for (const k of METRIC_COLUMNS) if (!(k in METRIC_UNDEFINED_WHEN)) expect(Number.isFinite(row[k]), k).toBe(true);
  });
});

describe("the README's first command", () => {
  it('on a machine without a Vulkan driver: exits 0 on the CPU and the picture shows fingers, not a flat film', async () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(readme)![1].split('\n')[0];
    const m = /^npm install && npx dendrite (run \S+) --out (\S+)$/.exec(block);
    expect(m, block).not.toBeNull();
    const out = outPath('readme');
    const r = await dendrite([...m![1].split(' '), '--out', out], { env: { VK_ICD_FILENAMES: '/nonexistent.json' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^dendrite: backend cpu: no usable WebGPU adapter/m);
    const s = readJson(join(out, 'summary.json'));
    const scenario = readJson(join(out, 'scenario.json'));
    const h0 = scenario.initial.li_thickness_um;
    const f = s.final_metrics;
    console.log(`README command: ${s.steps} steps, ${s.wall_time_s.toFixed(1)} s wall; max/mean height gain ${((f.deposit_max_height_um - h0) / (f.deposit_mean_height_um - h0)).toFixed(2)}, porosity ${f.deposit_porosity.toFixed(3)}, ${f.tip_count} tips`);
    // fingers: the tallest column gained well above the mean, and the deposit above the film is porous
    expect(f.deposit_max_height_um - h0).toBeGreaterThan(1.5 * (f.deposit_mean_height_um - h0));
    expect(f.deposit_porosity).toBeGreaterThan(0.3);
    expect(f.tip_count).toBeGreaterThanOrEqual(1);
    pngSize(join(out, 'final.png'));
  });
});
