// Which backend a run gets when the user asks for `auto`: a hardware WebGPU adapter runs the WGSL
// solver; a software or fallback adapter (lavapipe, SwiftShader), or none, runs the f64 CPU backend,
// which is faster than a software adapter on the same cores. Shared by the CLI and the browser app.

import type { AdapterLabel } from '../gpu/device.ts';
import type { BackendName } from './types.ts';

export type BackendRequest = 'auto' | BackendName;

export interface BackendChoice {
  requested: BackendRequest;
  backend: BackendName;
  /** one line for the user: why this backend, and how to force the other */
  reason: string;
  /** the adapter probed for `auto` or `gpu` (null: none, or not probed) */
  adapter: AdapterLabel | null;
}

export function adapterText(a: AdapterLabel): string {
  return `${a.vendor} ${a.architecture} ${a.description || a.device}`.replace(/\s+/g, ' ').trim();
}

/**
 * Resolves a backend request. `probe` returns the adapter (getGpu in Node and the browser) and
 * throws when there is none; it is called only for `auto`. `forceGpu` is how the user forces the
 * GPU in this front end (a CLI flag, a URL key).
 */
export async function chooseBackend(requested: BackendRequest, probe: () => Promise<AdapterLabel>, forceGpu: string): Promise<BackendChoice> {
  if (requested === 'cpu') return { requested, backend: 'cpu', reason: 'the CPU backend was requested', adapter: null };
  if (requested === 'gpu') return { requested, backend: 'gpu', reason: 'the GPU backend was requested', adapter: null };
  let adapter: AdapterLabel;
  try {
    adapter = await probe();
  } catch (e) {
    // NoAdapterError's message is a page of install hints: the line names only other failures (Dawn not loading)
    const msg = e instanceof Error ? e.message : String(e);
    const why = /^no usable webgpu adapter/i.test(msg) ? '' : ` (${msg.split('\n')[0]})`;
    return {
      requested,
      backend: 'cpu',
      reason: `no usable WebGPU adapter${why}: running on the f64 CPU backend; ${forceGpu} forces the GPU once one is installed`,
      adapter: null,
    };
  }
  if (adapter.isFallback) {
    return {
      requested,
      backend: 'cpu',
      reason: `the WebGPU adapter is a software one (${adapterText(adapter)}), slower than the f64 CPU backend: running on the CPU; ${forceGpu} forces the GPU`,
      adapter,
    };
  }
  return { requested, backend: 'gpu', reason: `hardware WebGPU adapter: ${adapterText(adapter)}`, adapter };
}
