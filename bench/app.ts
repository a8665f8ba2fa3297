// Browser-app benchmark: the built app in headless chromium, playing a preset at n × n cells for a
// few seconds; prints simulated steps per second, frames per second and the longest gap between
// animation frames (the UI must never block on a readback: frames keep coming while the GPU steps).
// Measures and reports only (HOUSE.md: bench/). On SwiftShader the GPU is emulated on the CPU, so
// the figures say nothing about a real GPU; the adapter is printed with every result.
//
//   npm run bench:app -- [--sizes 128,256,512] [--seconds 8] [--spf auto|N] [--backend gpu|cpu|auto]
//
// --backend (default gpu): the app's view.backend; auto would pick the CPU worker on a software adapter.

import { buildApp, launch, serve } from '../tests/support/browser.ts';

function arg(name: string, fallback: string): string {
  const k = process.argv.indexOf(`--${name}`);
  return k > 0 && process.argv[k + 1] ? process.argv[k + 1] : fallback;
}

const sizes = arg('sizes', '128,256,512').split(',').map(Number);
const seconds = Number(arg('seconds', '8'));
const spf = arg('spf', 'auto');
const backend = arg('backend', 'gpu');

const dist = await buildApp();
const { server, url } = await serve(dist);
const browser = await launch();
try {
  for (const n of sizes) {
    const page = await browser.newPage();
    // tsx (esbuild keepNames) wraps named functions in __name(); the page has no such helper
    await page.addInitScript('window.__name = (f) => f');
    await page.goto(`${url}?preset=hong2018&grid.nx=${n}&grid.ny=${n}&view.layer=c&view.backend=${backend}${spf === 'auto' ? '' : `&view.spf=${spf}`}`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', undefined, { timeout: 300_000 });
    const r = await page.evaluate(async (ms) => {
      const d = (window as unknown as { dendrite: { play(on: boolean): void; state(): { steps: number; adapter: { vendor: string; architecture: string; device: string; isFallback: boolean } } } }).dendrite;
      const s0 = d.state().steps;
      const gaps: number[] = [];
      let last = performance.now();
      const t0 = last;
      d.play(true);
      await new Promise<void>((done) => {
        const tick = (now: number) => {
          gaps.push(now - last);
          last = now;
          if (now - t0 < ms) requestAnimationFrame(tick);
          else done();
        };
        requestAnimationFrame(tick);
      });
      d.play(false);
      const wall = (performance.now() - t0) / 1000;
      return { steps: d.state().steps - s0, wall, frames: gaps.length, maxGap: Math.max(...gaps), adapter: d.state().adapter };
    }, seconds * 1000);
    const a = r.adapter;
    console.log(
      `${n}×${n}: ${(r.steps / r.wall).toFixed(1)} steps/s, ${(r.frames / r.wall).toFixed(1)} frames/s, longest frame gap ${r.maxGap.toFixed(0)} ms ` +
        `(steps per frame: ${spf}; adapter ${a.vendor} ${a.architecture} ${a.device}${a.isFallback ? ', FALLBACK/SOFTWARE: says nothing about a real GPU' : ''})`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
