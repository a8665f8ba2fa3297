// Deposit metrics of one batch member, computed on the host in f64 from host copies of the fields.
// The GPU reductions (src/gpu/metrics.ts, shaders/metrics.wgsl) compute the very same quantities in
// f32 and pack them in the same 16-float record, in the order of METRICS_KEYS.
//
// Grid: nx × ny cell-centred, square cells of side h (µm), x periodic, j = 0 next to the current
// collector at y = 0, cell centre y = (j + 0.5)·h; field index (b·ny + j)·nx + i.
//
// Column quantities (per column i):
//  - interface height y_i: the TOPMOST crossing of ξ = 0.5 scanning j upward, i.e. the largest j with
//    ξ[j] ≥ 0.5 and (j = ny−1 or ξ[j+1] < 0.5); then
//      y_i = (j + 0.5)·h + h·(ξ_j − 0.5)/(ξ_j − ξ_{j+1})   (ξ = 0.5 interpolated between centres j, j+1),
//      y_i = ny·h  if j = ny−1,
//      y_i = 0     if no cell of the column has ξ ≥ 0.5;
//  - surface concentration: c linearly interpolated at that same point, c_j + t·(c_{j+1} − c_j) with
//    t = (ξ_j − 0.5)/(ξ_j − ξ_{j+1}); c_{ny−1} when j = ny−1 (y_i is the top boundary); c at j = 0 for
//    a column without Li.
//
// Min/max fields (xiMin … phiMax, topXiMax) are taken over the FINITE values only (non-finite values
// are counted in nonFinite instead); they are ±Infinity when there is no finite value. The sums,
// heights and surface concentration are meaningless (and may differ between CPU and GPU) once
// nonFinite > 0.

/** Number of floats in one packed metrics record. */
export const METRICS_LENGTH = 16;

export interface DepositMetrics {
  /** [0] h²·Σ ξ over the whole field (µm², per unit depth). */
  depositVolume_um2: number;
  /** [1] depositVolume / (nx·h): the thickness of a flat film of the same volume (µm). */
  meanThickness_um: number;
  /** [2] max_i y_i (µm). */
  maxHeight_um: number;
  /** [3] mean_i y_i (µm). */
  meanHeight_um: number;
  /** [4] RMS of y_i about their mean, sqrt(mean_i (y_i − mean)²) (µm). */
  roughness_um: number;
  /** [5] min over columns of the surface concentration (see above). */
  surfaceMinConc: number;
  /** [6] h²·Σ (χc + csOverC0·ξ): Li inventory in dimensionless-concentration·µm² (χ = saltWeight, 1 unless saltFloor > 0). */
  inventory: number;
  /** [7] count of non-finite (NaN/±Inf) values in xi, c and phi together. */
  nonFinite: number;
  /** [8] min ξ over finite values. */
  xiMin: number;
  /** [9] max ξ over finite values. */
  xiMax: number;
  /** [10] min c over finite values. */
  cMin: number;
  /** [11] max c over finite values. */
  cMax: number;
  /** [12] min φ over finite values. */
  phiMin: number;
  /** [13] max φ over finite values. */
  phiMax: number;
  /** [14] count of cells with ξ ≥ 0.5. */
  liCells: number;
  /** [15] max ξ over the top row j = ny−1, finite values only (short-circuit detection). */
  topXiMax: number;
}

/** The record order: METRICS_KEYS[k] is float k of a packed record. */
export const METRICS_KEYS: readonly (keyof DepositMetrics)[] = [
  'depositVolume_um2',
  'meanThickness_um',
  'maxHeight_um',
  'meanHeight_um',
  'roughness_um',
  'surfaceMinConc',
  'inventory',
  'nonFinite',
  'xiMin',
  'xiMax',
  'cMin',
  'cMax',
  'phiMin',
  'phiMax',
  'liCells',
  'topXiMax',
];

/** Reads one 16-float record (e.g. a row of GpuMetrics.out) starting at `offset`. */
export function unpackMetrics(a: ArrayLike<number>, offset = 0): DepositMetrics {
  const m = {} as DepositMetrics;
  for (let k = 0; k < METRICS_LENGTH; k++) m[METRICS_KEYS[k]] = a[offset + k];
  return m;
}

/** Packs a metrics record in METRICS_KEYS order. */
export function packMetrics(m: DepositMetrics, out: Float64Array | Float32Array = new Float64Array(METRICS_LENGTH), offset = 0) {
  for (let k = 0; k < METRICS_LENGTH; k++) out[offset + k] = m[METRICS_KEYS[k]];
  return out;
}

function checkSize(nx: number, ny: number, b: number, a: ArrayLike<number>, name: string) {
  if (a.length < (b + 1) * nx * ny) {
    throw new RangeError(`metrics: ${name} has ${a.length} values, batch member ${b} of ${nx}×${ny} needs ${(b + 1) * nx * ny}`);
  }
}

/**
 * Scans column i of batch member b: returns the interface height y_i and the surface concentration
 * (c may be omitted, then the second value is NaN). Definitions in the file header.
 */
function scanColumn(nx: number, ny: number, h: number, xi: ArrayLike<number>, c: ArrayLike<number> | undefined, b: number, i: number, solid?: ArrayLike<number>): [number, number] {
  const base = b * ny * nx + i;
  for (let j = ny - 1; j >= 0; j--) {
    const xj = xi[base + j * nx];
    if (!(xj >= 0.5)) continue;
    if (j === ny - 1) return [ny * h, c ? c[base + j * nx] : NaN];
    const xu = xi[base + (j + 1) * nx];
    if (!(xu < 0.5)) continue;
    const t = (xj - 0.5) / (xj - xu);
    const cs = c ? c[base + j * nx] + t * (c[base + (j + 1) * nx] - c[base + j * nx]) : NaN;
    return [(j + 0.5) * h + h * t, cs];
  }
  // no Li in the column: the concentration of its lowest electrolyte cell
  let j0 = 0;
  while (solid && j0 < ny - 1 && solid[j0 * nx + i] > 0.5) j0++;
  return [0, c ? c[base + j0 * nx] : NaN];
}

/** Interface heights y_i (µm) of the nx columns of batch member b (definition in the file header). */
export function columnHeights(nx: number, ny: number, h: number, xi: ArrayLike<number>, b = 0): Float64Array {
  checkSize(nx, ny, b, xi, 'xi');
  const y = new Float64Array(nx);
  for (let i = 0; i < nx; i++) y[i] = scanColumn(nx, ny, h, xi, undefined, b, i)[0];
  return y;
}

/** All 16 metrics of batch member b, in f64 (definitions in the file header and on DepositMetrics). */
export function computeMetrics(
  nx: number,
  ny: number,
  h: number,
  xi: ArrayLike<number>,
  c: ArrayLike<number>,
  phi: ArrayLike<number>,
  csOverC0: number,
  b = 0,
  saltFloor = 0,
  /** host cells (1), index as the fields without the member offset; absent: none */
  solid?: ArrayLike<number>,
): DepositMetrics {
  checkSize(nx, ny, b, xi, 'xi');
  checkSize(nx, ny, b, c, 'c');
  checkSize(nx, ny, b, phi, 'phi');
  const n = nx * ny;
  const base = b * n;
  let sXi = 0;
  let sInv = 0;
  let nonFinite = 0;
  let liCells = 0;
  let xiMin = Infinity, xiMax = -Infinity, cMin = Infinity, cMax = -Infinity, phiMin = Infinity, phiMax = -Infinity;
  for (let k = base; k < base + n; k++) {
    const x = xi[k];
    const cc = c[k];
    const p = phi[k];
    sXi += x;
    sInv += saltWeight(x, saltFloor, solid ? solid[k - base] : 0) * cc + csOverC0 * x;
    if (x >= 0.5) liCells++;
    if (Number.isFinite(x)) {
      if (x < xiMin) xiMin = x;
      if (x > xiMax) xiMax = x;
    } else nonFinite++;
    if (Number.isFinite(cc)) {
      if (cc < cMin) cMin = cc;
      if (cc > cMax) cMax = cc;
    } else nonFinite++;
    if (Number.isFinite(p)) {
      if (p < phiMin) phiMin = p;
      if (p > phiMax) phiMax = p;
    } else nonFinite++;
  }
  let topXiMax = -Infinity;
  for (let i = 0, k = base + (ny - 1) * nx; i < nx; i++, k++) {
    const x = xi[k];
    if (Number.isFinite(x) && x > topXiMax) topXiMax = x;
  }
  const y = new Float64Array(nx);
  let maxHeight = -Infinity;
  let sumY = 0;
  let surfaceMinConc = Infinity;
  for (let i = 0; i < nx; i++) {
    const [yi, cs] = scanColumn(nx, ny, h, xi, c, b, i, solid);
    y[i] = yi;
    sumY += yi;
    maxHeight = Math.max(maxHeight, yi);
    surfaceMinConc = Math.min(surfaceMinConc, cs);
  }
  const meanHeight = sumY / nx;
  let ss = 0;
  for (let i = 0; i < nx; i++) ss += (y[i] - meanHeight) ** 2;
  const h2 = h * h;
  const depositVolume = h2 * sXi;
  return {
    depositVolume_um2: depositVolume,
    meanThickness_um: depositVolume / (nx * h),
    maxHeight_um: maxHeight,
    meanHeight_um: meanHeight,
    roughness_um: Math.sqrt(ss / nx),
    surfaceMinConc,
    inventory: h2 * sInv,
    nonFinite,
    xiMin,
    xiMax,
    cMin,
    cMax,
    phiMin,
    phiMax,
    liCells,
    topXiMax,
  };
}

/**
 * Weight of c̃ in the Li inventory: χ = max(1 − h(ξ), saltFloor) for the binary closure's
 * smoothed-boundary salt balance (salt only in the electrolyte fraction); 1 when saltFloor ≤ 0.
 */
export function saltWeight(xi: number, saltFloor: number, solid = 0): number {
  if (saltFloor <= 0) return 1;
  const q = Math.min(Math.max(xi, 0), 1);
  return Math.max((1 - q * q * q * (q * (6 * q - 15) + 10)) * (1 - solid), saltFloor);
}
