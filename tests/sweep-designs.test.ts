// Designs for `dendrite sweep` (src/sweep/designs.ts): grid and zip index tuples, the seeded PRNG, the
// Latin hypercube's strata, and the Sobol sequence against scipy.stats.qmc.Sobol (scramble=False, the same
// Joe & Kuo new-joe-kuo-6.21201 direction numbers), its balance, and its seeded digital shift.

import { describe, expect, it } from 'vitest';
import { gridIndices, latinHypercube, mapUnit, mulberry32, sobol, SOBOL_MAX_DIMS, zipIndices } from '../src/sweep/designs.ts';

const TWO_32 = 4294967296;

/** How many points fall in each cell [k/cells, (k+1)/cells) of one coordinate. */
function strataCounts(values: readonly number[], cells: number): number[] {
  expect(values.filter((v) => !(v >= 0 && v < 1))).toEqual([]);
  const counts = new Array<number>(cells).fill(0);
  for (const v of values) counts[Math.floor(v * cells)]++;
  return counts;
}

/** True when each of the cells×cells boxes of the (i, j) projection holds exactly one point. */
function boxesBalanced(points: readonly number[][], i: number, j: number, cells: number): boolean {
  const seen = new Set<number>();
  for (const p of points) seen.add(Math.floor(p[i] * cells) * cells + Math.floor(p[j] * cells));
  return seen.size === cells * cells && points.length === cells * cells;
}

describe('gridIndices', () => {
  it('is the Cartesian product, first axis slowest', () => {
    expect(gridIndices([2, 3])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
    ]);
    const g = gridIndices([2, 3, 4]);
    expect(g).toHaveLength(24);
    expect(g[1]).toEqual([0, 0, 1]);
    expect(g[4]).toEqual([0, 1, 0]);
    expect(g[12]).toEqual([1, 0, 0]);
    expect(g[23]).toEqual([1, 2, 3]);
    expect(new Set(g.map((t) => t.join(','))).size).toBe(24);
  });

  it('no axes is one run; an empty axis is none; sizes must be counts', () => {
    expect(gridIndices([])).toEqual([[]]);
    expect(gridIndices([5])).toEqual([[0], [1], [2], [3], [4]]);
    expect(gridIndices([3, 0])).toEqual([]);
    expect(() => gridIndices([2, -1])).toThrow(/axis 1/);
    expect(() => gridIndices([1.5])).toThrow(/1\.5/);
  });
});

describe('zipIndices', () => {
  it('walks the axes together', () => {
    expect(zipIndices([3, 3, 3])).toEqual([
      [0, 0, 0],
      [1, 1, 1],
      [2, 2, 2],
    ]);
    expect(zipIndices([4])).toEqual([[0], [1], [2], [3]]);
    expect(zipIndices([])).toEqual([[]]);
  });

  it('throws a plain Error naming the sizes when they differ', () => {
    expect(() => zipIndices([3, 4])).toThrow(Error);
    expect(() => zipIndices([3, 4])).toThrow(/\[3, 4\]/);
    expect(() => zipIndices([2, 2, 5])).toThrow(/\[2, 2, 5\]/);
  });
});

describe('mulberry32', () => {
  it('is the standard mulberry32 (pinned outputs, so saved sweep designs stay reproducible)', () => {
    const r = mulberry32(12345);
    expect([r(), r(), r()].map((x) => x * TWO_32)).toEqual([4207900869, 1317490944, 2079646450]);
    const r0 = mulberry32(0);
    expect([r0(), r0()].map((x) => x * TWO_32)).toEqual([1144304738, 1416247]);
  });

  it('gives floats in [0,1), spread evenly, and the same stream for the same seed', () => {
    const r = mulberry32(7);
    const draws = Array.from({ length: 20000 }, () => r());
    const counts = strataCounts(draws, 10);
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(200);
    const again = mulberry32(7);
    expect(Array.from({ length: 5 }, () => again())).toEqual(draws.slice(0, 5));
    const other = mulberry32(8);
    expect(Array.from({ length: 5 }, () => other())).not.toEqual(draws.slice(0, 5));
    expect(() => mulberry32(0.5)).toThrow(/integer/);
  });
});

describe('latinHypercube', () => {
  it.each([0, 1, 42, 2 ** 31 + 5])('seed %d: every stratum of every dimension holds exactly one point', (seed) => {
    const n = 7;
    const pts = latinHypercube(n, 3, seed);
    expect(pts).toHaveLength(n);
    for (const p of pts) expect(p).toHaveLength(3);
    for (let d = 0; d < 3; d++) {
      expect(strataCounts(pts.map((p) => p[d]), n)).toEqual(new Array(n).fill(1));
    }
  });

  it('jitters inside the strata and permutes each dimension on its own', () => {
    const pts = latinHypercube(7, 3, 1);
    const offsets = pts.flat().map((v) => v * 7 - Math.floor(v * 7));
    expect(new Set(offsets).size).toBe(offsets.length);
    const orders = [0, 1, 2].map((d) => pts.map((p) => Math.floor(p[d] * 7)).join(','));
    expect(new Set(orders).size).toBe(3);
  });

  it('is deterministic in the seed', () => {
    expect(latinHypercube(7, 3, 99)).toEqual(latinHypercube(7, 3, 99));
    expect(latinHypercube(7, 3, 99)).not.toEqual(latinHypercube(7, 3, 100));
  });

  it('handles one point and rejects bad counts', () => {
    const [p] = latinHypercube(1, 2, 3);
    for (const v of p) expect(v >= 0 && v < 1).toBe(true);
    expect(() => latinHypercube(0, 2, 3)).toThrow(/n/);
    expect(() => latinHypercube(4, -1, 3)).toThrow(/dims/);
  });
});

describe('sobol', () => {
  it('seed 0: the first 8 points of dims 1-3 are the plain Sobol sequence (scipy, scramble=False)', () => {
    const pts = sobol(8, 3, 0);
    const dim = (d: number) => pts.map((p) => p[d]);
    expect(dim(0)).toEqual([0, 0.5, 0.75, 0.25, 0.375, 0.875, 0.625, 0.125]);
    expect(dim(1)).toEqual([0, 0.5, 0.25, 0.75, 0.375, 0.875, 0.125, 0.625]);
    expect(dim(2)).toEqual([0, 0.5, 0.25, 0.75, 0.625, 0.125, 0.875, 0.375]);
  });

  it('seed 0: the direction numbers m_1..m_10 of every dimension equal scipy.stats.qmc.Sobol', () => {
    // point 2^k - 1 of the Gray-code sequence is the k-th direction number alone: m_k = x·2^k. Rows from
    // scipy 1.17 (qmc.Sobol(d=32, scramble=False, bits=32)); they cover the Joe-Kuo initial numbers and
    // the recurrence past them for every polynomial degree embedded.
    const expected = [
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      [1, 3, 5, 15, 17, 51, 85, 255, 257, 771],
      [1, 3, 3, 9, 29, 23, 71, 197, 209, 627],
      [1, 3, 1, 5, 31, 29, 81, 147, 433, 149],
      [1, 1, 1, 11, 31, 55, 61, 157, 181, 191],
      [1, 1, 3, 3, 25, 9, 43, 251, 449, 449],
      [1, 3, 5, 13, 11, 37, 31, 227, 381, 143],
      [1, 1, 5, 5, 17, 9, 9, 45, 237, 633],
      [1, 1, 5, 5, 5, 53, 53, 113, 113, 353],
      [1, 1, 7, 11, 19, 37, 69, 91, 103, 871],
      [1, 1, 5, 1, 1, 27, 79, 35, 175, 695],
      [1, 1, 1, 3, 11, 43, 75, 43, 425, 37],
      [1, 3, 5, 5, 31, 35, 113, 51, 31, 133],
      [1, 3, 3, 9, 7, 49, 33, 163, 483, 681],
      [1, 1, 1, 15, 21, 21, 77, 157, 61, 371],
      [1, 3, 1, 13, 27, 49, 35, 133, 331, 475],
      [1, 1, 1, 15, 7, 5, 123, 103, 287, 321],
      [1, 3, 1, 15, 13, 25, 27, 109, 131, 897],
      [1, 1, 5, 5, 19, 61, 87, 187, 463, 599],
      [1, 3, 7, 11, 23, 15, 103, 65, 67, 327],
      [1, 3, 7, 13, 13, 15, 69, 81, 339, 887],
      [1, 1, 3, 13, 7, 35, 63, 113, 401, 19],
      [1, 3, 5, 9, 1, 25, 53, 137, 331, 813],
      [1, 3, 1, 13, 9, 35, 107, 57, 427, 201],
      [1, 3, 1, 5, 27, 61, 31, 149, 287, 245],
      [1, 1, 5, 11, 19, 41, 61, 213, 5, 385],
      [1, 3, 5, 3, 3, 13, 69, 157, 207, 521],
      [1, 1, 7, 13, 1, 19, 1, 181, 109, 779],
      [1, 3, 7, 5, 13, 19, 59, 247, 109, 861],
      [1, 1, 3, 9, 25, 29, 41, 3, 471, 445],
      [1, 3, 5, 13, 23, 1, 55, 151, 485, 951],
      [1, 3, 7, 3, 13, 59, 17, 43, 109, 629],
    ];
    expect(SOBOL_MAX_DIMS).toBe(expected.length);
    const pts = sobol(1024, SOBOL_MAX_DIMS, 0);
    const got = Array.from({ length: SOBOL_MAX_DIMS }, (_, d) =>
      Array.from({ length: 10 }, (_, k) => pts[2 ** (k + 1) - 1][d] * 2 ** (k + 1)),
    );
    expect(got).toEqual(expected);
  });

  it.each([0, 7, 123456789])('seed %d: each of 64 intervals holds one point, in every dimension', (seed) => {
    const pts = sobol(64, SOBOL_MAX_DIMS, seed);
    expect(pts).toHaveLength(64);
    for (let d = 0; d < SOBOL_MAX_DIMS; d++) {
      expect(strataCounts(pts.map((p) => p[d]), 64), `dim ${d + 1}`).toEqual(new Array(64).fill(1));
    }
  });

  // Joe & Kuo chose the numbers for good 2-D projections, but not every pair of the first 8 dimensions is a
  // (0,6,2)-net: these 8 pairs (1-based, checked against scipy) are not; the other 20 are.
  const UNBALANCED_PAIRS = ['1,6', '1,7', '2,8', '3,5', '4,6', '5,8', '6,7', '7,8'];

  it.each([0, 7])('seed %d: 8x8 boxes of 64 points, pairs among dims 1-8', (seed) => {
    const pts = sobol(64, 8, seed);
    expect(boxesBalanced(pts, 0, 1, 8)).toBe(true); // dims 1, 2: a (0,m,2)-net for every m
    const unbalanced: string[] = [];
    for (let i = 0; i < 8; i++) {
      for (let j = i + 1; j < 8; j++) if (!boxesBalanced(pts, i, j, 8)) unbalanced.push(`${i + 1},${j + 1}`);
    }
    expect(unbalanced).toEqual(UNBALANCED_PAIRS);
  });

  it('dims 1, 2 are a (0,m,2)-net: 2^a x 2^b boxes with a+b = 10 hold one point of 1024', () => {
    const pts = sobol(1024, 2, 3);
    for (let a = 0; a <= 10; a++) {
      const seen = new Set(pts.map((p) => Math.floor(p[0] * 2 ** a) * 2 ** (10 - a) + Math.floor(p[1] * 2 ** (10 - a))));
      expect(seen.size, `2^${a} x 2^${10 - a}`).toBe(1024);
    }
  });

  it('a nonzero seed is a digital shift: every point XOR point 0 is the plain point', () => {
    const plain = sobol(256, SOBOL_MAX_DIMS, 0);
    expect(plain[0]).toEqual(new Array(SOBOL_MAX_DIMS).fill(0));
    for (const seed of [1, 2, 99]) {
      const shifted = sobol(256, SOBOL_MAX_DIMS, seed);
      // point 0 is the shift itself: one random uint32 per dimension, none of them zero for these seeds
      expect(shifted[0].filter((v) => v === 0)).toEqual([]);
      expect(new Set(shifted[0]).size).toBe(SOBOL_MAX_DIMS);
      const s0 = shifted[0].map((v) => v * TWO_32);
      const unshifted = shifted.map((p) => p.map((v, d) => ((v * TWO_32) ^ s0[d]) >>> 0).map((x) => x / TWO_32));
      expect(unshifted).toEqual(plain);
    }
  });

  it('is deterministic in the seed', () => {
    expect(sobol(16, 5, 4)).toEqual(sobol(16, 5, 4));
    expect(sobol(16, 5, 4)).not.toEqual(sobol(16, 5, 5));
    expect(sobol(1, 4, 0)).toEqual([[0, 0, 0, 0]]);
  });

  it('rejects n that is not a power of two, and dims out of range', () => {
    expect(() => sobol(6, 2, 0)).toThrow(
      'sobol: n must be a power of two (1, 2, 4, …), got 6; the balance properties of a Sobol set hold only for 2^k points',
    );
    for (const n of [0, 3, 12, 1.5, -4]) expect(() => sobol(n, 2, 0)).toThrow(/power of two/);
    expect(() => sobol(2 ** 33, 2, 0)).toThrow(/at most 2\^32/);
    expect(() => sobol(8, SOBOL_MAX_DIMS + 1, 0)).toThrow(new RegExp(`\\b${SOBOL_MAX_DIMS}\\b`));
    expect(() => sobol(8, 0, 0)).toThrow(/dims/);
    expect(() => sobol(8, SOBOL_MAX_DIMS, 0)).not.toThrow();
  });
});

describe('mapUnit', () => {
  it('list: values[floor(u·len)], clamped to the last', () => {
    const axis = { kind: 'list', values: ['a', 'b', 'c'] } as const;
    expect(mapUnit(0, axis)).toBe('a');
    expect(mapUnit(0.33, axis)).toBe('a');
    expect(mapUnit(0.34, axis)).toBe('b');
    expect(mapUnit(0.7, axis)).toBe('c');
    expect(mapUnit(0.999999, axis)).toBe('c');
    expect(mapUnit(1, axis)).toBe('c');
    expect(() => mapUnit(0.5, { kind: 'list', values: [] })).toThrow(/at least one/);
  });

  it('lin: lo + u(hi - lo), including hi < lo', () => {
    expect(mapUnit(0, { kind: 'lin', lo: 2, hi: 6 })).toBe(2);
    expect(mapUnit(0.25, { kind: 'lin', lo: 2, hi: 6 })).toBe(3);
    expect(mapUnit(0.5, { kind: 'lin', lo: 10, hi: 0 })).toBe(5);
  });

  it('log: lo·(hi/lo)^u, equal steps in decades', () => {
    const axis = { kind: 'log', lo: 1e-3, hi: 10 } as const;
    expect(mapUnit(0, axis)).toBe(1e-3);
    expect(mapUnit(0.25, axis) as number).toBeCloseTo(1e-2, 15);
    expect(mapUnit(0.5, axis) as number).toBeCloseTo(1e-1, 14);
    expect(mapUnit(0.75, axis) as number).toBeCloseTo(1, 13);
    expect(() => mapUnit(0.5, { kind: 'log', lo: 0, hi: 1 })).toThrow(/lo > 0/);
  });

  it('rejects u outside [0, 1]', () => {
    expect(() => mapUnit(-0.1, { kind: 'lin', lo: 0, hi: 1 })).toThrow(/\[0, 1\]/);
    expect(() => mapUnit(Number.NaN, { kind: 'lin', lo: 0, hi: 1 })).toThrow(/NaN/);
  });
});
