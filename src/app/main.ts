// Entry point of the browser app: checks for WebGPU, then starts the App (src/app/app.ts).

import './style.css';
import { App } from './app.ts';

const $ = (id: string) => document.getElementById(id)!;

/** The page a browser without usable WebGPU gets: which browsers and settings work. */
function noWebGpu(detail: string): void {
  document.body.innerHTML = `
  <div id="no-webgpu">
    <h1>Dendrite Lab needs WebGPU</h1>
    <p>${detail}</p>
    <p>The simulation runs its solver on the GPU through WebGPU. These browsers have it:</p>
    <ul>
      <li><b>Chrome or Edge 113+</b> on Windows, macOS and ChromeOS (on by default); Chrome 121+ on Android 12+.</li>
      <li><b>Chrome on Linux</b>: start it with <code>--enable-unsafe-webgpu --enable-features=Vulkan</code>
        (or enable <code>chrome://flags/#enable-unsafe-webgpu</code>) and make sure a Vulkan driver is installed.</li>
      <li><b>Firefox 141+</b> on Windows (on by default); elsewhere set <code>dom.webgpu.enabled</code> in
        <code>about:config</code>.</li>
      <li><b>Safari 26+</b> on macOS, iOS and iPadOS.</li>
    </ul>
    <p>The page must be served over <code>https://</code> or from <code>localhost</code>. Without a GPU, the
      command-line tool runs the same model (<code>npx dendrite run diffusion-limited-dendrites --backend cpu --out runs/x</code>).</p>
  </div>`;
  document.body.dataset.state = 'no-webgpu';
}

async function boot(): Promise<void> {
  if (!('gpu' in navigator) || !navigator.gpu) {
    noWebGpu('This browser does not expose <code>navigator.gpu</code>.');
    return;
  }
  const adapter = await navigator.gpu.requestAdapter().catch(() => null);
  if (!adapter) {
    noWebGpu('This browser has WebGPU, but no GPU adapter is available (blocklisted driver, disabled hardware acceleration, or no Vulkan/Metal/D3D12 driver).');
    return;
  }
  const app = new App({
    canvas: $('field') as HTMLCanvasElement,
    panel: $('panel'),
    plots: $('plots'),
    colorbar: $('colorbar'),
    scalebar: $('scalebar'),
    readout: $('readout'),
    status: $('status'),
    message: $('messages'),
    help: $('help'),
  });
  $('help-button').addEventListener('click', () => ($('help').hidden = !$('help').hidden));
  (window as unknown as { dendrite: unknown }).dendrite = app.hooks();
  await app.start();
  document.body.dataset.state = 'ready';
}

boot().catch((e: Error) => {
  console.error(e);
  const m = document.getElementById('messages');
  if (m) m.innerHTML = `<div class="msg error">${e.message}</div>`;
  document.body.dataset.state = 'failed';
});
