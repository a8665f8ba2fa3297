// The byte layout shared by host and shaders, generated from one definition so it cannot drift.
// Every field is 4 bytes (f32 or u32), so a struct's WGSL alignment is 4 and an array<Params>
// in a storage buffer has stride 4·fields: one entry per simulation of a batch.

import type { Dimless } from './dimless.ts';

type Scalar = 'f32' | 'u32';

export const PARAM_FIELDS = [
  ['nx', 'u32'],
  ['ny', 'u32'],
  ['transport', 'u32'],
  ['drive', 'u32'],
  ['seed', 'u32'],
  ['h', 'f32'],
  ['LsK', 'f32'],
  ['LsW', 'f32'],
  ['delta', 'f32'],
  ['omega', 'f32'],
  ['psi0', 'f32'],
  ['Leta', 'f32'],
  ['alpha', 'f32'],
  ['Dl', 'f32'],
  ['Ds', 'f32'],
  ['siteFrac', 'f32'],
  ['sigS', 'f32'],
  ['sigFloor', 'f32'],
  ['cFloor', 'f32'],
  ['Kphi', 'f32'],
  ['CsOverC0', 'f32'],
  ['gammaSrc', 'f32'],
  ['tplus', 'f32'],
  ['jTarget', 'f32'],
  ['phiApplied', 'f32'],
  ['phiMax', 'f32'],
  ['noiseA', 'f32'],
  ['dtMax', 'f32'],
  ['dxiMax', 'f32'],
  ['safety', 'f32'],
  ['w', 'f32'],
  ['nucA', 'f32'],
  ['nucB', 'f32'],
  ['cdl', 'f32'],
  ['nucR', 'f32'],
  ['seiRho', 'f32'],
  ['mechOn', 'u32'],
  ['liLam', 'f32'],
  ['liMu', 'f32'],
  ['seiLam', 'f32'],
  ['seiMu', 'f32'],
  ['elLam', 'f32'],
  ['elMu', 'f32'],
  ['hostLam', 'f32'],
  ['hostMu', 'f32'],
  ['seiFrac', 'f32'],
  ['mechScale', 'f32'],
  ['yieldGPa', 'f32'],
  ['healRate', 'f32'],
  ['crackStrain', 'f32'],
  ['seiLiPerLength', 'f32'],
  ['growthStrain', 'f32'],
  ['thin', 'u32'],
  ['gtCap', 'f32'],
  ['phiStep', 'f32'],
  ['zero', 'u32'],
] as const satisfies readonly (readonly [keyof Dimless, Scalar])[];

// A uniform array needs a 16-byte element stride: pad Params to a multiple of 4 fields.
const PARAM_PADDING = (4 - (PARAM_FIELDS.length % 4)) % 4;
const PARAM_STRUCT: readonly (readonly [string, Scalar])[] = [
  ...PARAM_FIELDS,
  ...Array.from({ length: PARAM_PADDING }, (_, k) => [`pad${k}`, 'u32'] as const),
];

/** Per-simulation mutable state, written only by the GPU (or the CPU reference's twin). */
export const STATE_FIELDS = [
  ['dt', 'f32'], // time step of the current step [s]
  ['tHi', 'f32'], // simulated time, compensated sum (tHi + tLo) [s]
  ['tLo', 'f32'],
  ['tEnd', 'f32'], // stop time [s]; dt is clamped to reach it exactly
  ['phiS', 'f32'], // electrode potential [F/RT units]
  ['phiRef', 'f32'], // electrode potential the φ field was last solved with
  ['j', 'f32'], // plating rate of this step [µm/s]
  ['maxRate', 'f32'], // max |∂ξ/∂t| of the last update [1/s]
  ['stiff', 'f32'], // max explicit stiffness of the last update [1/s]
  ['fluxIn', 'f32'], // Li entering through the reservoir this step [c0·µm per unit depth, per s]
  ['limitHit', 'f32'], // 1 when the galvanostatic solve hit the potential limit
  ['sinkSpread', 'f32'], // q of the Li⁺ sink w R + q|w R|, which sums to the deposition Σ R (src/cpu/terms.ts); thin_interface: the relaxation's net deposit per unit weight, taken back in transportBack
  ['seiRate', 'f32'], // Li bound by SEI re-formation last step as a Σ R-equivalent rate (the drive plates that much less)
  ['seiLi', 'f32'], // Li bound in re-formed SEI so far [µm² per unit depth, Li metal]
  ['cracks', 'f32'], // SEI film cells cracked so far
  ['stressMax', 'f32'], // largest compression −σ_h at the interface (h' > 0.1) of the last elastic solve [GPa]
  ['stressMean', 'f32'], // h'-weighted mean interface σ_h of the last elastic solve [GPa]
  ['debt', 'f32'], // thin_interface, galvanostatic: Li the last step plated short of its goal (Σ ξ), made up in the next (the implicit sink lowers c̃ after the drive)
  ['step', 'u32'],
  ['done', 'u32'],
] as const;

/** One record of the per-step history ring, read back asynchronously every K steps. */
export const RING_FIELDS = ['dt', 'phiS', 'j', 'dInventory', 'maxRate', 'limitHit', 'resC', 'resPhi'] as const;
export const RING_STRIDE = RING_FIELDS.length;
export const ringSlot = (name: (typeof RING_FIELDS)[number]): number => RING_FIELDS.indexOf(name);

export const PARAMS_BYTES = PARAM_STRUCT.length * 4;
export const STATE_FLOATS = STATE_FIELDS.length;
export const STATE_BYTES = STATE_FLOATS * 4;
export const stateSlot = (name: (typeof STATE_FIELDS)[number][0]): number => STATE_FIELDS.findIndex(([n]) => n === name);

function structWgsl(name: string, fields: readonly (readonly [string, Scalar])[]): string {
  return `struct ${name} {\n${fields.map(([n, t]) => `  ${n}: ${t},`).join('\n')}\n};`;
}

/** WGSL for `#include "layout"`. */
export function layoutWgsl(): string {
  const ring = RING_FIELDS.map((f, i) => `const RING_${f.toUpperCase()}: u32 = ${i}u;`).join('\n');
  return [
    structWgsl('Params', PARAM_STRUCT),
    structWgsl('State', STATE_FIELDS),
    `const RING_STRIDE: u32 = ${RING_STRIDE}u;`,
    ring,
    `const TRANSPORT_BINARY: u32 = 0u;`,
    `const TRANSPORT_CHEN2015: u32 = 1u;`,
    `const TRANSPORT_HONG2018: u32 = 2u;`,
    `const DRIVE_GALVANOSTATIC: u32 = 1u;`,
  ].join('\n');
}

/** Packs the parameters of a batch (one Dimless per simulation) into an ArrayBuffer. */
export function packParams(batch: readonly Dimless[]): ArrayBuffer {
  const buf = new ArrayBuffer(PARAMS_BYTES * batch.length);
  const f32 = new Float32Array(buf);
  const u32 = new Uint32Array(buf);
  batch.forEach((d, b) => {
    PARAM_FIELDS.forEach(([name, type], k) => {
      const at = b * PARAM_STRUCT.length + k;
      if (type === 'u32') u32[at] = d[name] >>> 0;
      else f32[at] = d[name];
    });
  });
  return buf;
}

/** Rounds a Dimless to what the GPU sees (f32), so the CPU reference can be run on the same numbers. */
export function roundedToF32(d: Dimless): Dimless {
  const out = { ...d };
  for (const [name, type] of PARAM_FIELDS) if (type === 'f32') out[name] = Math.fround(d[name]);
  return out;
}
