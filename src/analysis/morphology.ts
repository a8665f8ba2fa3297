// Deposit morphology (issue 18, requirement 6), computed on the host in f64 from ξ at every metrics row,
// identically for both backends: the CPU backend passes its f64 ξ, the GPU backend the f32 ξ it
// already copies into every batch's readback for the surface metrics (src/analysis/surface.ts), so
// the GPU does no extra work and transfers nothing more for these.
//
// Grid as in src/analysis/metrics.ts: nx × ny cell-centred square cells of side h (µm), x periodic,
// j = 0 next to the collector, cell centre ((i + ½)h, (j + ½)h), field index (b·ny + j)·nx + i.
// A non-finite ξ is read as 0 (electrolyte), so every result stays finite whatever the fields hold.
// Host cells (solid = 1) are neither Li nor electrolyte: see each quantity.
//
// 1. tipCount: local maxima of the column height profile y_i (the topmost ξ = ½ crossing of each
//    column, columnHeights() in metrics.ts; x periodic) whose topographic prominence is at least
//    p = max(2w, 2h), w the phase-field interface width (ξ = ½[1 − tanh(n/2w)]). The prominence of a
//    peak is its height above the higher of the two lowest points met walking left and right from it
//    until the profile rises above the peak (or the walk has gone round the whole period): the usual
//    definition (topographic prominence; scipy.signal.peak_prominences). A plateau counts once. p is a
//    length in µm, so the count does not change with the resolution once h < w, and bumps smaller
//    than the diffuse interface itself (noise, grid-scale wiggles) are not tips.
// 2. porosity: 1 − V/(Lx·(H − H0)), with H0 the initial surface height (the mean interface height of
//    the run's initial fields), H = max_i y_i, Lx = nx·h, and V the Li area above H0: per column the
//    length above H0 of the intervals where ξ ≥ ½, their ends at the ξ = ½ crossings interpolated
//    linearly between cell centres exactly as the heights y_i are (ξ of the first/last cell held
//    constant to y = 0 and y = ny·h). This sharp reconstruction gives 0 for a compact film at any
//    interface width, where Σξ above H0 would count the diffuse tail of the initial surface (≈ 1.4w per
//    column) as deposit. 0 when H − H0 < h (no deposit above the initial surface yet); clamped to
//    [0, 1]. Host cells are not Li (a host's skeleton counts as pore space).
// 3. interfaceLengthPerWidth: the length of the ξ = ½ contour by marching squares on the dual grid of
//    cell centres (squares between rows j, j + 1 for j = 0 … ny − 2 and columns i, i + 1 mod nx; the
//    crossing points on the square's edges interpolated linearly; the two saddle cases resolved by the
//    mean of the four corners), divided by Lx. A flat film gives 1 exactly; a smooth contour converges as
//    O(h²). Squares with a host-cell corner are skipped (the Li/host boundary is not an electrolyte
//    interface).
// 4. fractalDimension: box-counting dimension of the Li/electrolyte interface, D = the least-squares
//    slope of ln N(s) against ln(1/s), N(s) the number of boxes of side s (a grid of s × s-cell boxes)
//    holding at least one interface cell: a Li cell (ξ ≥ ½, not host) with an electrolyte 4-neighbour (ξ < ½, not host; x periodic;
//    no neighbour past the collector or the top). Box sides: the powers of two s (cells) with
//    s·h ≥ max(2h, w) and s ≤ nx/4 (at least four boxes across the width). N(s) is the fewest over the
//    placements of the box grid shifted by 0, ¼, ½, ¾ box in x and y (the minimal-cover refinement:
//    a smooth front straddling a row of boxes is not counted twice), and a box cut by the periodic
//    domain's edge counts by its width fraction (a line gives nx/s for any nx). D is 0 (sentinel) when there
//    is no interface or fewer than three box sizes fit (nx < 16·max(2, w/h) cells, roughly).
//    Why the boundary and not the deposit's area: (a) a compact film of thickness d has an area whose
//    box count crosses over from slope 2 (s < d) to 1 (s > d), so its "dimension" would measure the
//    thickness against the box range, not the morphology, while its boundary gives 1 at any thickness;
//    (b) for ramified (DLA-like) deposits, whose branches are a few interface widths wide, the boundary
//    and the cluster have the same dimension (≈ 1.7), and for a self-affine rough front the boundary's
//    box dimension is 2 − H (H the Hurst exponent; Mandelbrot 1985), so D > 1 measures roughening and
//    branching alike. The box-counting (Minkowski–Bouligand) dimension is lim ln N(s)/ln(1/s); on a grid
//    it is the slope over the scale range between the resolution and the domain (e.g. Falconer, Fractal
//    Geometry, §3.1). A flat film gives 1, a Koch-curve surface ln 4/ln 3 ≈ 1.26 (measured 1.28–1.29).
//    A smooth but sloped front gives a little more than 1 over this finite range, because axis-aligned
//    boxes see its taxicab length at the small sides and only its width at the large ones (a sinusoid
//    of amplitude 3 µm and period 32 µm: 1.07–1.08 with w = 0.6 µm).

import { columnHeights } from './metrics.ts';

export interface Morphology {
  /** tips: local maxima of y_i with prominence ≥ max(2w, 2h) */
  tipCount: number;
  /** 1 − (Li area above H0)/(Lx·(H − H0)); 0 while H − H0 < h */
  porosity: number;
  /** ξ = ½ contour length / Lx (1 for a flat film) */
  interfaceLengthPerWidth: number;
  /** box-counting dimension of the Li/electrolyte interface (1 for a flat film); 0: no interface, or too small a grid */
  fractalDimension: number;
}

export interface MorphologyOptions {
  /** H0: the initial surface height, the mean interface height of the run's initial fields [µm] */
  initialHeight_um: number;
  /** phase-field interface width w [µm] */
  interfaceWidth_um: number;
  /** host cells (1), index as the fields without the member offset; absent: none */
  solid?: ArrayLike<number>;
  /** batch member (default 0) */
  b?: number;
}

/** Finite values of member b (non-finite → 0), so that every quantity below stays finite. */
function finiteXi(nx: number, ny: number, xi: ArrayLike<number>, b: number): Float64Array {
  const n = nx * ny;
  if (xi.length < (b + 1) * n) throw new RangeError(`morphology: xi has ${xi.length} values, batch member ${b} of ${nx}×${ny} needs ${(b + 1) * n}`);
  const f = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const x = xi[b * n + k];
    f[k] = Number.isFinite(x) ? x : 0;
  }
  return f;
}

/** Finite and ≥ 0, else 0: what may be written as a result. */
function safe(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

/** The prominence threshold p = max(2w, 2h) of a tip [µm]. */
export function tipProminence_um(h: number, interfaceWidth_um: number): number {
  return Math.max(2 * interfaceWidth_um, 2 * h);
}

/**
 * Number of local maxima of the periodic profile y whose topographic prominence is ≥ minProminence
 * (definition in the file header). A plateau (equal neighbours) is one maximum.
 */
export function countTips(y: ArrayLike<number>, minProminence: number): number {
  const n = y.length;
  if (n < 2) return 0;
  // start and end the walk at a global minimum: the periodic profile becomes a line whose ends are
  // its lowest points, and a walk that reaches an end has gone round the period
  let m = 0;
  for (let i = 1; i < n; i++) if (y[i] < y[m]) m = i;
  const z = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) z[k] = y[(m + k) % n];
  z[n] = z[0];
  let count = 0;
  let i = 1;
  while (i < n) {
    if (!(z[i] > z[i - 1])) {
      i++;
      continue;
    }
    let e = i; // plateau i … e
    while (e + 1 < n && z[e + 1] === z[i]) e++;
    if (z[e + 1] < z[i]) {
      const top = z[i];
      let left = top;
      for (let k = i - 1; k >= 0 && z[k] <= top; k--) if (z[k] < left) left = z[k];
      let right = top;
      for (let k = e + 1; k <= n && z[k] <= top; k++) if (z[k] < right) right = z[k];
      if (top - Math.max(left, right) >= minProminence) count++;
    }
    i = e + 1;
  }
  return count;
}

/**
 * Li area above the height y0 [µm²]: per column, the intervals with ξ ≥ ½ (ends at the interpolated
 * ξ = ½ crossings, as columnHeights) clipped to y ≥ y0. `f` holds one member, finite values.
 */
function liAreaAbove(nx: number, ny: number, h: number, f: ArrayLike<number>, y0: number): number {
  let area = 0;
  for (let i = 0; i < nx; i++) {
    let inLi = f[i] >= 0.5;
    let start = 0; // bottom of the current Li interval
    for (let j = 0; j < ny - 1; j++) {
      const a = f[j * nx + i];
      const c = f[(j + 1) * nx + i];
      const next = c >= 0.5;
      if (next === inLi) continue;
      const y = (j + 0.5) * h + (h * (a - 0.5)) / (a - c);
      if (inLi) area += Math.max(0, y - Math.max(start, y0)); // an interval ends at y
      else start = y;
      inLi = next;
    }
    if (inLi) area += Math.max(0, ny * h - Math.max(start, y0));
  }
  return area * h;
}

/** Porosity of the deposit above y0 (definition in the file header) from the member's finite ξ. */
function porosityOf(nx: number, ny: number, h: number, f: ArrayLike<number>, heights: ArrayLike<number>, y0: number): number {
  let top = -Infinity;
  for (let i = 0; i < nx; i++) top = Math.max(top, heights[i]);
  const span = top - y0;
  if (!(span >= h)) return 0;
  const p = 1 - liAreaAbove(nx, ny, h, f, y0) / (nx * h * span);
  return Math.min(1, safe(p));
}

/**
 * Deposit porosity above the initial surface y0 [µm] of member b (definition in the file header):
 * 1 − (Li area above y0) / (Lx·(max height − y0)); 0 while max height − y0 < h.
 */
export function depositPorosity(nx: number, ny: number, h: number, xi: ArrayLike<number>, y0: number, b = 0): number {
  const f = finiteXi(nx, ny, xi, b);
  return porosityOf(nx, ny, h, f, columnHeights(nx, ny, h, f), y0);
}

/** Length [µm] of the ξ = ½ contour by marching squares (definition in the file header); `f` one member, finite. */
function contourLength(nx: number, ny: number, h: number, f: ArrayLike<number>, solid?: ArrayLike<number>): number {
  let len = 0;
  // crossing points (in units of h, relative to the square's lower-left centre) on its edges
  const px = [0, 0, 0, 0];
  const py = [0, 0, 0, 0];
  for (let j = 0; j < ny - 1; j++) {
    for (let i = 0; i < nx; i++) {
      const i1 = i + 1 === nx ? 0 : i + 1;
      const k00 = j * nx + i, k10 = j * nx + i1, k11 = (j + 1) * nx + i1, k01 = (j + 1) * nx + i;
      if (solid && (solid[k00] > 0.5 || solid[k10] > 0.5 || solid[k11] > 0.5 || solid[k01] > 0.5)) continue;
      const a = f[k00], bb = f[k10], c = f[k11], d = f[k01];
      const sa = a >= 0.5, sb = bb >= 0.5, sc = c >= 0.5, sd = d >= 0.5;
      if (sa === sb && sb === sc && sc === sd) continue;
      // edges: 0 bottom (a→b), 1 right (b→c), 2 top (d→c), 3 left (a→d); NaN: no crossing
      px[0] = px[1] = px[2] = px[3] = NaN;
      if (sa !== sb) { px[0] = (a - 0.5) / (a - bb); py[0] = 0; }
      if (sb !== sc) { px[1] = 1; py[1] = (bb - 0.5) / (bb - c); }
      if (sd !== sc) { px[2] = (d - 0.5) / (d - c); py[2] = 1; }
      if (sa !== sd) { px[3] = 0; py[3] = (a - 0.5) / (a - d); }
      const seg = (p: number, q: number) => Math.hypot(px[p] - px[q], py[p] - py[q]);
      if (sa === sc && sb === sd) {
        // saddle: the segments cut off the two corners whose state differs from the centre's
        const centre = (a + bb + c + d) / 4 >= 0.5;
        if (sb !== centre) len += seg(0, 1) + seg(2, 3); // cut off b (bottom–right) and d (top–left)
        else len += seg(0, 3) + seg(1, 2); // cut off a (bottom–left) and c (right–top)
      } else {
        let p = -1, q = -1;
        for (let e = 0; e < 4; e++) {
          if (Number.isNaN(px[e])) continue;
          if (p < 0) p = e;
          else q = e;
        }
        len += seg(p, q);
      }
    }
  }
  return len * h;
}

/** ξ = ½ contour length [µm] of member b (marching squares; definition in the file header). */
export function interfaceLength_um(nx: number, ny: number, h: number, xi: ArrayLike<number>, b = 0, solid?: ArrayLike<number>): number {
  return safe(contourLength(nx, ny, h, finiteXi(nx, ny, xi, b), solid));
}

/** Interface cells (1): Li cells with an electrolyte 4-neighbour (definition in the file header); `f` one member. */
export function interfaceCells(nx: number, ny: number, f: ArrayLike<number>, solid?: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(nx * ny);
  const fluid = (k: number) => !(solid && solid[k] > 0.5);
  const electrolyte = (k: number) => fluid(k) && !(f[k] >= 0.5);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      const k = j * nx + i;
      if (!(f[k] >= 0.5) || !fluid(k)) continue;
      const w = j * nx + (i === 0 ? nx - 1 : i - 1);
      const e = j * nx + (i === nx - 1 ? 0 : i + 1);
      if (electrolyte(w) || electrolyte(e) || (j > 0 && electrolyte(k - nx)) || (j < ny - 1 && electrolyte(k + nx))) out[k] = 1;
    }
  }
  return out;
}

export interface BoxCount {
  /** box-counting dimension (least-squares slope of ln N against ln 1/s); 0 with fewer than 3 sizes or an empty set */
  dimension: number;
  /** box sides s used (cells) */
  sizes: number[];
  /** N(s): boxes holding at least one marked cell (fewest over the placements; cut boxes by their width fraction) */
  counts: number[];
}

/**
 * Box-counting dimension of the marked cells of an nx × ny grid (x periodic) over the box sides
 * `sizes` (cells). N(s) is the smallest count over the grid placements shifted by 0, ¼, ½, ¾ of a box
 * in x and in y (the usual minimal-cover refinement: a smooth curve that straddles a row of boxes
 * is not counted twice). Along x a box that the domain's edge cuts counts by the fraction of its
 * width inside, so the periodic width holds nx/s boxes whatever nx is (a line gives nx/s exactly).
 */
export function boxCountingDimension(nx: number, ny: number, marked: ArrayLike<number>, sizes: readonly number[]): BoxCount {
  const cells: number[] = [];
  for (let k = 0; k < nx * ny; k++) if (marked[k]) cells.push(k);
  const counts: number[] = [];
  for (const s of sizes) {
    const offsets = [...new Set([0, 1, 2, 3].map((q) => Math.floor((q * s) / 4)))];
    let best = Infinity;
    for (const ox of offsets) {
      const bx = Math.ceil((nx + ox) / s);
      // width of box column q inside [0, nx), over s
      const weight = (q: number) => (Math.min(nx, (q + 1) * s - ox) - Math.max(0, q * s - ox)) / s;
      for (const oy of offsets) {
        const occ = new Uint8Array(bx * Math.ceil((ny + oy) / s));
        let n = 0;
        for (const k of cells) {
          const i = k % nx;
          const q = Math.floor((i + ox) / s);
          const box = Math.floor(((k - i) / nx + oy) / s) * bx + q;
          if (!occ[box]) {
            occ[box] = 1;
            n += weight(q);
          }
        }
        best = Math.min(best, n);
      }
    }
    counts.push(best);
  }
  if (sizes.length < 3 || counts[0] === 0) return { dimension: 0, sizes: [...sizes], counts };
  // least squares of ln N against ln(1/s)
  const xs = sizes.map((s) => -Math.log(s));
  const ys = counts.map((c) => Math.log(c));
  const mx = xs.reduce((p, v) => p + v, 0) / xs.length;
  const my = ys.reduce((p, v) => p + v, 0) / ys.length;
  let sxy = 0, sxx = 0;
  for (let k = 0; k < xs.length; k++) {
    sxy += (xs[k] - mx) * (ys[k] - my);
    sxx += (xs[k] - mx) ** 2;
  }
  return { dimension: safe(sxy / sxx), sizes: [...sizes], counts };
}

/** Box sides (cells) for the interface's dimension: powers of two with s·h ≥ max(2h, w) and s ≤ nx/4. */
export function boxSizes(nx: number, h: number, interfaceWidth_um: number): number[] {
  const smin = Math.max(2, interfaceWidth_um / h);
  const sizes: number[] = [];
  for (let s = 1; s <= nx / 4; s *= 2) if (s >= smin * (1 - 1e-9)) sizes.push(s);
  return sizes;
}

/** Box-counting dimension of the Li/electrolyte interface of member b (definition in the file header). */
export function interfaceDimension(nx: number, ny: number, h: number, xi: ArrayLike<number>, interfaceWidth_um: number, b = 0, solid?: ArrayLike<number>): BoxCount {
  const f = finiteXi(nx, ny, xi, b);
  return boxCountingDimension(nx, ny, interfaceCells(nx, ny, f, solid), boxSizes(nx, h, interfaceWidth_um));
}

/** All four morphology metrics of member b (definitions in the file header); always finite and ≥ 0. */
export function computeMorphology(nx: number, ny: number, h: number, xi: ArrayLike<number>, opts: MorphologyOptions): Morphology {
  const b = opts.b ?? 0;
  const w = opts.interfaceWidth_um;
  const f = finiteXi(nx, ny, xi, b);
  const y = columnHeights(nx, ny, h, f);
  const cells = interfaceCells(nx, ny, f, opts.solid);
  return {
    tipCount: countTips(y, tipProminence_um(h, w)),
    porosity: porosityOf(nx, ny, h, f, y, opts.initialHeight_um),
    interfaceLengthPerWidth: safe(contourLength(nx, ny, h, f, opts.solid) / (nx * h)),
    fractalDimension: boxCountingDimension(nx, ny, cells, boxSizes(nx, h, w)).dimension,
  };
}
