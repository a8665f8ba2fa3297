// Surface and host metrics (issue 4, MODEL.md §6.1–6.2), computed on the host in f64 from ξ and the
// geometry at every metrics row, identically for both backends (the GPU copies ξ into the readback).

import type { Geometry } from '../model/geometry.ts';

export interface SurfaceMetrics {
  nucleiCount: number;
  spacingCv: number;
  collectorCoverage: number;
  interfaceLength_um: number;
  poreFilling: number;
  /** Li (ξ ≥ ½) above the host's top (false without a host) */
  overflow: boolean;
}

/**
 * - nucleiCount: 4-connected components of Li cells (ξ ≥ ½) that touch the collector (row 0) or a
 *   host cell.
 * - spacingCv: the Li runs along row 0 (periodic) are the islands on the collector; the gaps between
 *   their centres (with the wrap-around gap) give std/mean; NaN with fewer than two.
 * - collectorCoverage: fraction of the row-0 electrolyte cells with ξ ≥ ½.
 * - interfaceLength_um: Σ |∇ξ| h² over electrolyte cells (central differences, host neighbours
 *   mirrored, ξ = 0 above the top): the Li/electrolyte interface length per unit depth (Lx for a flat film).
 * - poreFilling: Σ ξ / cells over the electrolyte cells of the host layer; NaN without a host.
 * - overflow: some electrolyte cell above the host layer holds Li (ξ ≥ ½).
 */
export function computeSurfaceMetrics(g: Geometry, xi: ArrayLike<number>): SurfaceMetrics {
  const { nx, ny, h, solid } = g;
  const n = nx * ny;
  const li = (k: number) => !solid[k] && xi[k] >= 0.5;
  const label = new Int32Array(n).fill(-1);
  let nuclei = 0;
  const stack: number[] = [];
  for (let k0 = 0; k0 < n; k0++) {
    if (!li(k0) || label[k0] >= 0) continue;
    let touches = false;
    label[k0] = k0;
    stack.push(k0);
    while (stack.length) {
      const k = stack.pop()!;
      const i = k % nx;
      const j = (k - i) / nx;
      if (j === 0) touches = true;
      const nb = [j * nx + ((i + 1) % nx), j * nx + ((i + nx - 1) % nx)];
      if (j > 0) nb.push(k - nx);
      if (j < ny - 1) nb.push(k + nx);
      for (const m of nb) {
        if (solid[m]) touches = true;
        else if (li(m) && label[m] < 0) {
          label[m] = k0;
          stack.push(m);
        }
      }
    }
    if (touches) nuclei++;
  }

  // islands on the collector: runs of Li along row 0
  let fluid0 = 0;
  let covered = 0;
  for (let i = 0; i < nx; i++) {
    if (solid[i]) continue;
    fluid0++;
    if (xi[i] >= 0.5) covered++;
  }
  const centres: number[] = [];
  if (covered > 0 && covered < fluid0) {
    let start = 0;
    while (li(start) || (start < nx && solid[start])) start++; // a bare cell to start from
    for (let q = 1; q <= nx; q++) {
      const i = (start + q) % nx;
      if (!li(i)) continue;
      let len = 0;
      while (li((start + q + len) % nx) && len < nx) len++;
      centres.push(((start + q + (len - 1) / 2 + 0.5) * h) % (nx * h));
      q += len;
    }
  }
  let spacingCv = NaN;
  if (centres.length >= 2) {
    centres.sort((a, b) => a - b);
    const gaps = centres.map((c, q) => (q + 1 < centres.length ? centres[q + 1] - c : centres[0] + nx * h - c));
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
    spacingCv = sd / mean;
  }

  let length = 0;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (solid[k]) continue;
      const at = (m: number) => (solid[m] ? xi[k] : xi[m]);
      const e = at(j * nx + ((i + 1) % nx));
      const w = at(j * nx + ((i + nx - 1) % nx));
      const s = j > 0 ? at(k - nx) : xi[k];
      const u = j < ny - 1 ? at(k + nx) : 0;
      length += Math.hypot(e - w, u - s) * 0.5 * h;
    }
  }

  let poreFilling = NaN;
  let overflow = false;
  const rows = Math.round(g.hostHeight_um / h);
  if (rows > 0) {
    for (let k = rows * nx; k < n && !overflow; k++) overflow = li(k);
    let sum = 0;
    let cells = 0;
    for (let k = 0; k < rows * nx; k++) {
      if (solid[k]) continue;
      sum += Math.min(Math.max(xi[k], 0), 1);
      cells++;
    }
    poreFilling = cells > 0 ? sum / cells : NaN;
  }
  return { nucleiCount: nuclei, spacingCv, collectorCoverage: fluid0 > 0 ? covered / fluid0 : NaN, interfaceLength_um: length, poreFilling, overflow };
}
