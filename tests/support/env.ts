// What this machine can run, as tests/support/globalSetup.ts found it (unset: assume everything, as before).

/** a WebGPU adapter for Dawn */
export const HAS_GPU = process.env.DENDRITE_GPU_AVAILABLE !== '0';
/** Debian's chromium, for the browser tests */
export const HAS_BROWSER = process.env.DENDRITE_BROWSER_AVAILABLE !== '0';
