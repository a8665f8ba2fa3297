// Device acquisition for the browser (navigator.gpu) and Node (Dawn's bindings, npm `webgpu`).
// One device per process is shared by every Simulation: pipelines are cached per device.

export interface AdapterLabel {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** true for software/fallback adapters (lavapipe, SwiftShader): their timings say little about a GPU */
  isFallback: boolean;
}

export interface GpuContext {
  device: GPUDevice;
  adapter: GPUAdapter;
  label: AdapterLabel;
}

export class NoAdapterError extends Error {}

const NODE_HINT =
  'No usable WebGPU adapter. On a machine without a GPU install a Vulkan software driver Dawn accepts: ' +
  "on Debian 12, Mesa's lavapipe from bookworm-backports (apt-get install -t bookworm-backports " +
  'mesa-vulkan-drivers) and run with VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json; Debian 12\'s stock ' +
  'lavapipe (Mesa 22.3) is refused by Dawn. Or use --backend cpu.';

// Dawn's GPU object must stay referenced for the whole process: if it is garbage-collected the
// next asynchronous WebGPU call crashes the process.
let nodeGpu: GPU | undefined;
let shared: Promise<GpuContext> | undefined;

async function nodeNavigatorGpu(): Promise<GPU> {
  if (nodeGpu) return nodeGpu;
  // a non-literal specifier keeps bundlers (vite build of the browser app) from pulling Dawn in
  const dawn = 'webgpu';
  const mod = (await import(/* @vite-ignore */ dawn)) as unknown as {
    create: (flags: string[]) => GPU;
    globals: Record<string, unknown>;
  };
  Object.assign(globalThis, mod.globals);
  nodeGpu = mod.create([]);
  (globalThis as Record<string, unknown>).__dendriteDawn = nodeGpu;
  return nodeGpu;
}

export function describeAdapter(adapter: GPUAdapter): AdapterLabel {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const fallbackByName = /llvmpipe|lavapipe|swiftshader|software/i.test(
    `${info.architecture} ${info.device} ${info.description}`,
  );
  return {
    vendor: info.vendor || 'unknown',
    architecture: info.architecture || 'unknown',
    device: info.device || '',
    description: info.description || '',
    isFallback: Boolean(info.isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter) || fallbackByName,
  };
}

async function acquire(): Promise<GpuContext> {
  const inBrowser = typeof navigator !== 'undefined' && 'gpu' in navigator && typeof process === 'undefined';
  const gpu: GPU | undefined = inBrowser ? navigator.gpu : await nodeNavigatorGpu();
  if (!gpu) throw new NoAdapterError('This browser has no WebGPU (navigator.gpu is missing).');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new NoAdapterError(inBrowser ? 'WebGPU is present but no adapter was found.' : NODE_HINT);
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: Math.min(limits.maxStorageBuffersPerShaderStage, 10),
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    },
  });
  device.addEventListener('uncapturederror', (e) => {
    console.error('WebGPU error:', (e as GPUUncapturedErrorEvent).error.message);
  });
  return { device, adapter, label: describeAdapter(adapter) };
}

/**
 * Forgets the shared context after its device was lost, so the next getGpu() asks the adapter for a
 * new device (the app's recovery path; pipelines are cached per device and rebuilt).
 */
export function resetGpu(): void {
  shared = undefined;
}

/** The process-wide GPU context (created on first use). */
export function getGpu(): Promise<GpuContext> {
  if (!shared) {
    shared = acquire();
    shared.catch(() => (shared = undefined));
  }
  return shared;
}
