// Initial conditions, shared by both backends: a Li film on the collector, optional hemispherical
// nuclei, uniform bulk concentration, zero electrolyte potential.

import type { Dimless } from '../model/dimless.ts';
import { initialFilmThickness_um, num, type Scenario } from '../model/scenario.ts';
import { rand01, wellPrime } from '../cpu/terms.ts';

export interface InitialFields {
  xi: Float64Array;
  c: Float64Array;
  phi: Float64Array;
}

/** ξ = ½[1 − tanh(d/2w)] of the signed distance d to the Li surface (MODEL.md §4 profile). */
export function initialFields(s: Scenario, d: Dimless, geometry?: { solid: ArrayLike<number> }): InitialFields {
  const { nx, ny, h, w } = d;
  // bare Cu (anode-free): no film; nuclei, if asked for, sit on the collector
  const film = initialFilmThickness_um(s);
  const count = num(s, 'initial.nuclei_count');
  const radius = num(s, 'initial.nucleus_radius_um');
  const Lx = nx * h;
  // Nuclei evenly spaced, each jittered by up to ±¼ spacing from the seed (step counter 0xFFFFFFFF
  // keeps this stream apart from the Langevin noise).
  const centres: number[] = [];
  for (let k = 0; k < count; k++) {
    const jitter = count > 1 ? (rand01(d.seed, 0xffffffff, k) - 0.5) * 0.5 : 0;
    centres.push(((k + 0.5 + jitter) / count) * Lx);
  }
  const xi = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = (j + 0.5) * h;
    for (let i = 0; i < nx; i++) {
      const x = (i + 0.5) * h;
      let dist = film > 0 ? y - film : Infinity;
      for (const cx of centres) {
        let dx = Math.abs(x - cx);
        dx = Math.min(dx, Lx - dx);
        dist = Math.min(dist, Math.hypot(dx, y - film) - radius);
      }
      xi[j * nx + i] = 0.5 * (1 - Math.tanh(dist / (2 * w)));
    }
  }
  relaxInterface(xi, d);
  // the host skeleton is never Li
  if (geometry) for (let k = 0; k < nx * ny; k++) if (geometry.solid[k] > 0.5) xi[k] = 0;
  // c̃ = 1 everywhere, as Chen et al. 2015: c̃ in the interface is the reactant of the cathodic branch
  return { xi, c: new Float64Array(nx * ny).fill(1), phi: new Float64Array(nx * ny) };
}

/**
 * Relaxes the tanh-of-distance profile towards the discrete interface equilibrium (isotropic
 * Allen–Cahn, no kinetics) for 1/(LσW) = 2w²/(Lσκ) before t = 0: enough to smooth the kinks where
 * nuclei meet the film, whose capillary filling would otherwise dominate the first steps (a
 * 20 mA/cm² galvanostatic start needed +0.18 V of stripping to balance it), and short enough not to
 * shrink µm nuclei much (curvature flow moves at Lσκ/R).
 */
function relaxInterface(xi: Float64Array, d: Dimless): void {
  const { nx, ny, h, LsK, LsW } = d;
  const dt = (0.2 * h * h) / (8 * LsK + 2 * LsW * h * h);
  const steps = Math.ceil(1 / (LsW * dt));
  let cur: Float64Array = xi;
  let next: Float64Array = new Float64Array(xi.length);
  for (let n = 0; n < steps; n++) {
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const k = j * nx + i;
        const x = cur[k];
        const s = j > 0 ? cur[k - nx] : x;
        const up = j < ny - 1 ? cur[k + nx] : 0;
        const lap = cur[j * nx + ((i + 1) % nx)] + cur[j * nx + ((i + nx - 1) % nx)] + s + up - 4 * x;
        next[k] = x + dt * ((LsK * lap) / (h * h) - LsW * wellPrime(x));
      }
    }
    [cur, next] = [next, cur];
  }
  if (cur !== xi) xi.set(cur);
}
