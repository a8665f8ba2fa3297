// Designs for `dendrite sweep`: index tuples (grid, zip) and points in the unit hypercube (Latin
// hypercube, Sobol) that the sweep maps onto its axes with mapUnit. Pure: no Node imports, no
// dependencies, deterministic in the seed. Errors are plain Errors whose message names the bad input.

/** One sweep axis as mapUnit sees it: an explicit list, or a linear or logarithmic range. */
export type UnitAxis =
  | { kind: 'list'; values: readonly unknown[] }
  | { kind: 'lin'; lo: number; hi: number }
  | { kind: 'log'; lo: number; hi: number };

function checkCount(what: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`${what} must be an integer >= ${min}, got ${v}`);
}

/**
 * The Cartesian product of the index ranges [0, sizes[i]), first axis slowest (row-major):
 * [2, 3] -> [0,0] [0,1] [0,2] [1,0] [1,1] [1,2]. No axes -> one run, [[]]; an axis of size 0 -> no runs.
 */
export function gridIndices(sizes: readonly number[]): number[][] {
  sizes.forEach((s, i) => checkCount(`grid: size of axis ${i}`, s, 0));
  let out: number[][] = [[]];
  for (const size of sizes) {
    const next: number[][] = [];
    for (const prefix of out) for (let k = 0; k < size; k++) next.push([...prefix, k]);
    out = next;
  }
  return out;
}

/**
 * The axes walked together: the i-th tuple is [i, i, …]. Every axis must have the same length (the
 * message names the sizes). No axes -> one run, [[]], as for gridIndices.
 */
export function zipIndices(sizes: readonly number[]): number[][] {
  sizes.forEach((s, i) => checkCount(`zip: size of axis ${i}`, s, 0));
  if (sizes.length === 0) return [[]];
  const n = sizes[0];
  if (sizes.some((s) => s !== n)) {
    throw new Error(`zip: all axes must have the same number of values, got sizes [${sizes.join(', ')}]`);
  }
  return Array.from({ length: n }, (_, i) => sizes.map(() => i));
}

/**
 * Mulberry32 (Tommy Ettinger's 32-bit generator): a uint32 seed -> a function returning floats in
 * [0, 1), each a multiple of 2^-32. The seed must be an integer; it is taken modulo 2^32.
 */
export function mulberry32(seed: number): () => number {
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * n points of a Latin hypercube in [0,1)^dims: in every dimension each stratum [k/n, (k+1)/n) holds
 * exactly one point (a random permutation of the strata per dimension, uniform jitter inside each).
 * Deterministic in seed.
 */
export function latinHypercube(n: number, dims: number, seed: number): number[][] {
  checkCount('latinHypercube: n', n, 1);
  checkCount('latinHypercube: dims', dims, 0);
  const rng = mulberry32(seed);
  const points: number[][] = Array.from({ length: n }, () => new Array<number>(dims));
  for (let d = 0; d < dims; d++) {
    const perm = Array.from({ length: n }, (_, k) => k);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let i = 0; i < n; i++) {
      const k = perm[i];
      let v = (k + rng()) / n;
      if (v >= (k + 1) / n) v = k / n; // rounding can only push the top of a stratum up to its end
      points[i][d] = v;
    }
  }
  return points;
}

// Joe & Kuo direction numbers, dims 2-32 as [s, a, m_1..m_s]: new-joe-kuo-6.21201, https://web.maths.unsw.edu.au/~fkuo/sobol/
const JOE_KUO: readonly (readonly number[])[] = [
  [1, 0, 1],
  [2, 1, 1, 3],
  [3, 1, 1, 3, 1],
  [3, 2, 1, 1, 1],
  [4, 1, 1, 1, 3, 3],
  [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17],
  [5, 4, 1, 1, 5, 5, 5],
  [5, 7, 1, 1, 7, 11, 19],
  [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11],
  [5, 14, 1, 3, 5, 5, 31],
  [6, 1, 1, 3, 3, 9, 7, 49],
  [6, 13, 1, 1, 1, 15, 21, 21],
  [6, 16, 1, 3, 1, 13, 27, 49],
  [6, 19, 1, 1, 1, 15, 7, 5],
  [6, 22, 1, 3, 1, 15, 13, 25],
  [6, 25, 1, 1, 5, 5, 19, 61],
  [7, 1, 1, 3, 7, 11, 23, 15, 103],
  [7, 4, 1, 3, 7, 13, 13, 15, 69],
  [7, 7, 1, 1, 3, 13, 7, 35, 63],
  [7, 8, 1, 3, 5, 9, 1, 25, 53],
  [7, 14, 1, 3, 1, 13, 9, 35, 107],
  [7, 19, 1, 3, 1, 5, 27, 61, 31],
  [7, 21, 1, 1, 5, 11, 19, 41, 61],
  [7, 28, 1, 3, 5, 3, 3, 13, 69],
  [7, 31, 1, 1, 7, 13, 1, 19, 1],
  [7, 32, 1, 3, 7, 5, 13, 19, 59],
  [7, 37, 1, 1, 3, 9, 25, 29, 41],
  [7, 41, 1, 3, 5, 13, 23, 1, 55],
  [7, 42, 1, 3, 7, 3, 13, 59, 17],
];

/** How many dimensions sobol() supports: dimension 1 (van der Corput) plus the rows of the table. */
export const SOBOL_MAX_DIMS = 1 + JOE_KUO.length;

const BITS = 32;
const TWO_32 = 4294967296;

/** Direction numbers V[1..32] of dimension d (1-based) as uint32, scaled by 2^32; V[0] unused. */
function directionNumbers(d: number): Uint32Array {
  const v = new Uint32Array(BITS + 1);
  if (d === 1) {
    for (let k = 1; k <= BITS; k++) v[k] = 2 ** (BITS - k);
    return v;
  }
  const [s, a, ...m] = JOE_KUO[d - 2];
  for (let k = 1; k <= s; k++) v[k] = m[k - 1] * 2 ** (BITS - k);
  for (let k = s + 1; k <= BITS; k++) {
    let x = v[k - s] ^ (v[k - s] >>> s);
    for (let i = 1; i < s; i++) if ((a >>> (s - 1 - i)) & 1) x ^= v[k - i];
    v[k] = x >>> 0;
  }
  return v;
}

/**
 * The first n points of the Sobol sequence in [0,1)^dims (Joe & Kuo 2008 direction numbers, Gray-code
 * order as in their sobol.cc and scipy.stats.qmc.Sobol; point 0 is the origin, nothing is skipped).
 * seed 0 gives the plain sequence; any other seed applies a random digital shift (each coordinate's
 * 32-bit integer XOR a per-dimension uint32 drawn from mulberry32(seed)), which keeps the net's balance.
 * n must be a power of two, 1 <= dims <= SOBOL_MAX_DIMS.
 */
export function sobol(n: number, dims: number, seed: number): number[][] {
  if (!Number.isInteger(n) || n < 1 || 2 ** Math.round(Math.log2(n)) !== n) {
    throw new Error(
      `sobol: n must be a power of two (1, 2, 4, …), got ${n}; the balance properties of a Sobol set hold only for 2^k points`,
    );
  }
  if (n > TWO_32) throw new Error(`sobol: n must be at most 2^32 (32-bit direction numbers), got ${n}`);
  if (!Number.isInteger(dims) || dims < 1 || dims > SOBOL_MAX_DIMS) {
    throw new Error(`sobol: dims must be an integer from 1 to ${SOBOL_MAX_DIMS} (the embedded Joe-Kuo dimensions), got ${dims}`);
  }
  const rng = mulberry32(seed);
  const shift = new Uint32Array(dims);
  if (seed !== 0) for (let d = 0; d < dims; d++) shift[d] = Math.floor(rng() * TWO_32);
  const v = Array.from({ length: dims }, (_, d) => directionNumbers(d + 1));
  const x = new Uint32Array(dims);
  const points: number[][] = [];
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      // Gray code: point i differs from point i-1 by direction number c, c = 1 + trailing ones of i-1
      let c = 1;
      for (let j = i - 1; j & 1; j >>>= 1) c++;
      for (let d = 0; d < dims; d++) x[d] = x[d] ^ v[d][c];
    }
    points.push(Array.from(x, (xd, d) => ((xd ^ shift[d]) >>> 0) / TWO_32));
  }
  return points;
}

/**
 * Maps u in [0,1] to a value of the axis: list -> values[floor(u·len)] (clamped to the last value),
 * lin -> lo + u(hi − lo), log -> lo·(hi/lo)^u (lo and hi must be positive).
 */
export function mapUnit(u: number, axis: UnitAxis): unknown {
  if (!(u >= 0 && u <= 1)) throw new Error(`mapUnit: u must lie in [0, 1], got ${u}`);
  switch (axis.kind) {
    case 'list': {
      const len = axis.values.length;
      if (len === 0) throw new Error('mapUnit: a list axis needs at least one value');
      return axis.values[Math.min(Math.floor(u * len), len - 1)];
    }
    case 'lin':
      return axis.lo + u * (axis.hi - axis.lo);
    case 'log':
      if (!(axis.lo > 0 && axis.hi > 0)) {
        throw new Error(`mapUnit: a log axis needs lo > 0 and hi > 0, got lo=${axis.lo} hi=${axis.hi}`);
      }
      return axis.lo * (axis.hi / axis.lo) ** u;
  }
}
