// Initial conditions, shared by both backends: a Li film on the collector, optional hemispherical
// nuclei, uniform bulk concentration, zero electrolyte potential.

import type { Dimless } from '../model/dimless.ts';
import { num, type Scenario } from '../model/scenario.ts';
import { rand01 } from '../cpu/terms.ts';

export interface InitialFields {
  xi: Float64Array;
  c: Float64Array;
  phi: Float64Array;
}

/** ξ = ½[1 − tanh(d/2w)] of the signed distance d to the Li surface (MODEL.md §4 profile). */
export function initialFields(s: Scenario, d: Dimless): InitialFields {
  const { nx, ny, h, w } = d;
  const film = num(s, 'initial.li_thickness_um');
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
      let dist = y - film;
      for (const cx of centres) {
        let dx = Math.abs(x - cx);
        dx = Math.min(dx, Lx - dx);
        dist = Math.min(dist, Math.hypot(dx, y - film) - radius);
      }
      xi[j * nx + i] = 0.5 * (1 - Math.tanh(dist / (2 * w)));
    }
  }
  // c̃ = 1 everywhere, as Chen et al. 2015: c̃ in the interface is the reactant of the cathodic branch
  return { xi, c: new Float64Array(nx * ny).fill(1), phi: new Float64Array(nx * ny) };
}
