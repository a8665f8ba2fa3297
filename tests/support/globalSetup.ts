// Runs once before the test files: finds out whether this machine has a WebGPU adapter for Dawn (a Vulkan
// driver) and Debian's chromium. Without them the GPU and browser tests are skipped with a notice naming
// what to install, so `npm test` passes on a fresh machine with the CPU tests; CI (.ci/run sets
// DENDRITE_REQUIRE_GPU=1) fails instead, since there a skip would hide the GPU checks.
// The result reaches the test workers through the environment (tests/support/env.ts).

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM } from './browser.ts';

// In a child process: Dawn then never lives in vitest's main process.
const PROBE = `
const { create, globals } = await import('webgpu');
Object.assign(globalThis, globals);
const gpu = create([]);
const a = await gpu.requestAdapter();
process.stdout.write(a ? JSON.stringify({ vendor: a.info.vendor, architecture: a.info.architecture, description: a.info.description }) : 'none');
process.exit(0);
`;

function probeAdapter(): string {
  try {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', PROBE], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return out === 'none' || out === '' ? '' : out;
  } catch {
    return '';
  }
}

export default function setup(): void {
  const wantsGpu = (process.env.DENDRITE_TEST_BACKENDS ?? 'cpu,gpu').split(',').includes('gpu');
  const adapter = wantsGpu ? probeAdapter() : '';
  const browser = existsSync(CHROMIUM);
  process.env.DENDRITE_GPU_AVAILABLE = adapter ? '1' : '0';
  process.env.DENDRITE_BROWSER_AVAILABLE = browser ? '1' : '0';
  const missing: string[] = [];
  if (wantsGpu && !adapter) missing.push('no WebGPU adapter for Dawn (a Vulkan driver: Mesa lavapipe ≥ 25 from bookworm-backports)');
  if (!browser) missing.push(`no chromium at ${CHROMIUM}`);
  if (missing.length === 0) return;
  const what = missing.join(' and ');
  if (process.env.DENDRITE_REQUIRE_GPU === '1') {
    throw new Error(`DENDRITE_REQUIRE_GPU=1 but this machine has ${what}. Install them with: bash scripts/install-system-deps.sh`);
  }
  process.stderr.write(
    `\n[dendrite tests] This machine has ${what}: the ${[wantsGpu && !adapter ? 'GPU (WGSL vs CPU)' : '', browser ? '' : 'browser'].filter(Boolean).join(' and ')} tests are SKIPPED; ` +
      `the CPU physics tests run. To run everything: bash scripts/install-system-deps.sh (root), then ` +
      `VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json npm test.\n\n`,
  );
}
