// Multigrid benchmark: time per cycle of the GPU solver (and of the CPU reference for comparison).
// Prints numbers only; nothing here asserts on time.
//
//   VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json \
//     node --import tsx --loader ./bin/raw-loader.mjs bench/multigrid.ts [sizes=256,512,1024] [nb=1] [cycles=20]
//
// (tsx for TypeScript, bin/raw-loader.mjs for the `?raw` WGSL imports, as in bin/dendrite.mjs.)
// Times are the best of 3 submissions, minus an empty submission's time. MG_W=<cells> overrides
// wCycleCells (krylov mode's W-cycle on the cheap levels; 0 = plain V).
// On a software adapter (lavapipe, SwiftShader) the timings say nothing about a real GPU.

import { CpuMultigrid, type MgOptions } from '../src/cpu/multigrid.ts';
import { GpuMultigrid } from '../src/gpu/multigrid.ts';
import { getGpu } from '../src/gpu/device.ts';

function fillJump(c: { ax: Float64Array; ay: Float64Array; bd: Float64Array }, n: number, nb: number, jump: number): void {
  const h = 1 / n;
  const sig = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const x = (i + 0.5) * h;
      const y = (j + 0.5) * h;
      const d = Math.min(y - 0.1, Math.hypot(x - 0.3, y - 0.55) - 0.13, Math.hypot(x - 0.7, y - 0.22) - 0.12);
      sig[j * n + i] = 1 + (jump - 1) * 0.5 * (1 - Math.tanh(d / h));
    }
  }
  const hm = (a: number, b: number) => (2 * a * b) / (a + b);
  for (let b = 0; b < nb; b++) {
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) c.ax[(b * n + j) * n + i] = hm(sig[j * n + i], sig[j * n + ((i + n - 1) % n)]);
    for (let j = 0; j <= n; j++) {
      for (let i = 0; i < n; i++) {
        c.ay[(b * (n + 1) + j) * n + i] = j === 0 ? 0 : j === n ? sig[(n - 1) * n + i] : hm(sig[j * n + i], sig[(j - 1) * n + i]);
      }
    }
  }
}

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? '256,512,1024').split(',').map(Number);
  const nb = Number(process.argv[3] ?? 1);
  const cycles = Number(process.argv[4] ?? 20);
  const { device, label } = await getGpu();
  console.log(`adapter: ${label.vendor} / ${label.architecture} / ${label.description}${label.isFallback ? '  (software fallback: timings are not representative)' : ''}`);
  for (const n of sizes) {
    for (const krylov of [false, true]) {
      const opts: MgOptions = { nx: n, ny: n, nb, h: 1 / n, krylov, ...(process.env.MG_W ? { wCycleCells: Number(process.env.MG_W) } : {}) };
      const cpu = new CpuMultigrid(opts);
      fillJump(cpu, n, nb, 1e4);
      const mg = new GpuMultigrid(device, opts);
      device.queue.writeBuffer(mg.ax, 0, Float32Array.from(cpu.ax));
      device.queue.writeBuffer(mg.ay, 0, Float32Array.from(cpu.ay));
      device.queue.writeBuffer(mg.bd, 0, Float32Array.from(cpu.bd));
      const norms = device.createBuffer({ size: 4 * nb, usage: GPUBufferUsage.STORAGE });
      const run = async (k: number, coarsen: boolean) => {
        const enc = device.createCommandEncoder();
        const pass = enc.beginComputePass();
        if (coarsen) mg.encodeCoarsenCoefficients(pass);
        for (let c = 0; c < k; c++) mg.encodeVCycle(pass);
        mg.encodeResidualNorms(pass, norms, 0);
        pass.end();
        const t = performance.now();
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        return performance.now() - t;
      };
      const best = async (k: number, coarsen: boolean) => {
        let m = Infinity;
        for (let rep = 0; rep < 3; rep++) m = Math.min(m, await run(k, coarsen));
        return m;
      };
      await run(2, true); // warm-up (pipelines, first-use allocations)
      const t0 = await best(0, false);
      const tCoarsen = await best(0, true);
      const t = await best(cycles, false);
      let cpuMs = NaN;
      if (n <= 512) {
        cpu.coarsenCoefficients();
        const s = performance.now();
        for (let c = 0; c < 3; c++) cpu.vcycle();
        cpuMs = (performance.now() - s) / 3;
      }
      console.log(
        `${String(n).padStart(5)}² nb=${nb} ${krylov ? 'krylov ' : 'V(2,2) '} GPU ${((t - t0) / cycles).toFixed(3)} ms/cycle` +
          `  (coarsen+refactor ${Math.max(0, tCoarsen - t0).toFixed(3)} ms; levels ${mg.levels.map((l) => `${l.nx}x${l.ny}`).join(',')})` +
          `  CPU f64 ${Number.isNaN(cpuMs) ? '-' : cpuMs.toFixed(1) + ' ms/cycle'}`,
      );
      mg.destroy();
      norms.destroy();
    }
  }
}

await main();
