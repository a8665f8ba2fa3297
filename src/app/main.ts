// Entry point of the browser app: checks for WebGPU, then starts the App (src/app/app.ts).

import './style.css';
import { App } from './app.ts';
import { describeAdapter, type AdapterLabel } from '../gpu/device.ts';
import { chooseBackend } from '../sim/backendChoice.ts';

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
      command-line tool runs the same model on the CPU (<code>npx dendrite run first-dendrites --out runs/first</code>).</p>
  </div>`;
  document.body.dataset.state = 'no-webgpu';
}

function elements() {
  return {
    canvas: $('field') as HTMLCanvasElement,
    panel: $('panel'),
    plots: $('plots'),
    colorbar: $('colorbar'),
    scalebar: $('scalebar'),
    readout: $('readout'),
    status: $('status'),
    message: $('messages'),
    help: $('help'),
  };
}

/**
 * The backend, as the CLI's --backend auto picks it: a hardware WebGPU adapter runs the GPU app; no WebGPU,
 * no adapter, or a software adapter (SwiftShader, lavapipe: slower than the CPU solver on the same cores)
 * runs the f64 CPU solver in a Web Worker. `view.backend=gpu|cpu` in the address forces one.
 */
async function boot(): Promise<void> {
  const requested = new URLSearchParams(location.search).get('view.backend') ?? 'auto';
  if (requested !== 'auto' && requested !== 'gpu' && requested !== 'cpu') {
    throw new Error(`view.backend = ${JSON.stringify(requested)} is not allowed: one of auto, gpu, cpu`);
  }
  const probe = async (): Promise<AdapterLabel> => {
    if (!('gpu' in navigator) || !navigator.gpu) throw new Error('this browser does not expose navigator.gpu');
    const adapter = await navigator.gpu.requestAdapter().catch(() => null);
    if (!adapter) throw new Error('this browser has WebGPU, but no GPU adapter is available (blocklisted driver, disabled hardware acceleration, or no Vulkan/Metal/D3D12 driver)');
    return describeAdapter(adapter);
  };
  if (requested === 'gpu') {
    try {
      await probe();
    } catch (e) {
      noWebGpu(`${(e as Error).message}.`);
      return;
    }
  }
  const choice = await chooseBackend(requested, probe, 'view.backend=gpu in the address');
  $('help-button').addEventListener('click', () => ($('help').hidden = !$('help').hidden));
  if (choice.backend === 'cpu') {
    const { CpuApp } = await import('./cpuApp.ts');
    const app = new CpuApp(elements(), choice.reason.replace(/: running on .*$/, ''));
    (window as unknown as { dendrite: unknown }).dendrite = app.hooks();
    await app.start();
    document.body.dataset.state = 'ready';
    return;
  }
  const app = new App(elements());
  (window as unknown as { dendrite: unknown }).dendrite = app.hooks();
  await app.start();
  document.body.dataset.backend = 'gpu';
  document.body.dataset.state = 'ready';
}

boot().catch((e: Error) => {
  console.error(e);
  const m = document.getElementById('messages');
  if (m) m.innerHTML = `<div class="msg error">${e.message}</div>`;
  document.body.dataset.state = 'failed';
});
