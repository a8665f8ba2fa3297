// Connected-component labelling of the Li metal ("dead Li"), the f64 twin of shaders/label.wgsl.
// Island Li that has lost electronic contact with the collector takes no Faradaic current: the solver
// zeroes the i0 factor on dead cells (applyLive). The definition, which both backends follow exactly:
//  - conducting cell: solid (> 0.5) or ξ ≥ 0.5. Cells k = j·nx + i, x periodic, y not.
//  - 4-neighbour connectivity only: a corner contact in a diffuse interface carries no metal cross-section.
//  - the collector is a virtual root, label 0: every solid cell and every conducting cell of the first `rows`
//    rows (contactRows: within one interface width of the wall) joins it.
//  - a conducting cell's label: 0 if its component reaches the root, else 1 + its component's smallest k.
//  - a tail cell (not conducting, THIN_CUT_XI ≤ ξ < 0.5): steepest ascent, moving to the non-solid
//    4-neighbour of largest ξ (examined S, N, W, E; a later one wins only if strictly greater) when that ξ
//    is strictly above the current one; the label of the first conducting cell reached within 64 moves,
//    else NONE (no higher neighbour, or out of moves).
//  - every other cell: NONE. Dead: label ∉ {0, NONE}.
// The labels are canonical (independent of the algorithm): here a BFS, on the GPU a union-find.

import { THIN_CUT_XI } from './terms.ts';

export const LABEL_NONE = 0xffffffff;
/** steepest-ascent moves before a tail cell gives up (MAX_MOVES in shaders/label.wgsl) */
export const LABEL_MAX_MOVES = 64;

export interface LabelResult {
  /** per cell: 0 (connected to the collector), 1 + smallest cell index of its island, or LABEL_NONE */
  labels: Uint32Array;
  /** dead components */
  islands: number;
  /** Σ clamp(ξ, 0, 1) over dead cells (cells; × h² for an area) */
  deadXi: number;
  /** Σ clamp(ξ, 0, 1) over cells with label 0 */
  liveXi: number;
}

/** Buffers reused between calls (labelMetal runs every step). */
export interface LabelWorkspace {
  labels: Uint32Array;
  queue: Int32Array;
}

export function createLabelWorkspace(cells: number): LabelWorkspace {
  return { labels: new Uint32Array(cells), queue: new Int32Array(cells) };
}

/**
 * Rows of metal that touch the collector: those within one interface width w of it. At a non-wetting wall
 * (θ > 90°) the diffuse profile dips below ½ in the first cells even under bulk Li, and a Li lens sitting on
 * bare Cu (θ = 120°) was counted cut off by its first row alone; metal whose centre is within w of the wall is
 * in contact through the interface.
 */
export function contactRows(w_um: number, h_um: number): number {
  return Math.floor(w_um / h_um + 1e-9) + 1;
}

export function labelMetal(nx: number, ny: number, xi: ArrayLike<number>, solid: ArrayLike<number>, ws?: LabelWorkspace, rows = 1, nucSite?: ArrayLike<number>): LabelResult {
  const n = nx * ny;
  if (!(Number.isInteger(nx) && Number.isInteger(ny) && nx > 0 && ny > 0)) throw new RangeError(`labelMetal: bad grid ${nx}×${ny}`);
  if (xi.length < n || solid.length < n) throw new RangeError(`labelMetal: ${xi.length} ξ and ${solid.length} solid values for ${nx}×${ny} cells`);
  if (ws && (ws.labels.length < n || ws.queue.length < n)) throw new RangeError(`labelMetal: workspace for ${ws.labels.length} cells, needs ${n}`);
  const w = ws ?? createLabelWorkspace(n);
  const labels = w.labels.length === n ? w.labels : w.labels.subarray(0, n);
  const queue = w.queue;
  // metal: ξ ≥ ½, or an open nucleation site (a nucleus being born on a wall: its cap's top can cross ½ first)
  const metal = (k: number) => xi[k] >= 0.5 || (nucSite !== undefined && nucSite[k] > 0);
  const conducting = (k: number) => solid[k] > 0.5 || metal(k);
  labels.fill(LABEL_NONE);

  // flood one component from the queued seeds, all taking `label`
  let head = 0;
  let tail = 0;
  const push = (k: number, label: number) => {
    if (labels[k] === LABEL_NONE && conducting(k)) {
      labels[k] = label;
      queue[tail++] = k;
    }
  };
  const flood = (label: number) => {
    while (head < tail) {
      const k = queue[head++];
      const i = k % nx;
      const j = (k - i) / nx;
      if (j > 0) push(k - nx, label);
      if (j + 1 < ny) push(k + nx, label);
      push(i === 0 ? k + nx - 1 : k - 1, label);
      push(i === nx - 1 ? k - nx + 1 : k + 1, label);
    }
  };
  for (let k = 0; k < n; k++) if (solid[k] > 0.5 || (k < rows * nx && metal(k))) push(k, 0);
  flood(0);
  // ascending k: the first cell met of an island is its smallest index
  let islands = 0;
  for (let k = 0; k < n; k++) {
    if (labels[k] !== LABEL_NONE || !conducting(k)) continue;
    islands++;
    push(k, k + 1);
    flood(k + 1);
  }

  // tail cells read only conducting cells' labels, which are final
  for (let k = 0; k < n; k++) {
    const x = xi[k];
    if (!conducting(k) && x >= THIN_CUT_XI) labels[k] = ascend(nx, ny, xi, solid, labels, k, conducting);
  }

  let deadXi = 0;
  let liveXi = 0;
  for (let k = 0; k < n; k++) {
    const l = labels[k];
    if (l === LABEL_NONE) continue;
    const q = Math.min(Math.max(xi[k], 0), 1);
    if (l === 0) liveXi += q;
    else deadXi += q;
  }
  return { labels, islands, deadXi, liveXi };
}

/** The label a tail cell k reaches by steepest ascent (the WGSL `walk`). */
function ascend(nx: number, ny: number, xi: ArrayLike<number>, solid: ArrayLike<number>, labels: Uint32Array, k0: number, conducting: (k: number) => boolean): number {
  let k = k0;
  let cur = xi[k];
  for (let m = 0; m < LABEL_MAX_MOVES; m++) {
    const i = k % nx;
    const j = (k - i) / nx;
    let best = -1;
    let bestV = cur;
    // S, N, W, E (wrapped in x); a later neighbour wins only if strictly higher
    for (let d = 0; d < 4; d++) {
      let kn: number;
      if (d === 0) {
        if (j === 0) continue;
        kn = k - nx;
      } else if (d === 1) {
        if (j + 1 >= ny) continue;
        kn = k + nx;
      } else if (d === 2) kn = i === 0 ? k + nx - 1 : k - 1;
      else kn = i === nx - 1 ? k - nx + 1 : k + 1;
      if (solid[kn] > 0.5) continue;
      if (xi[kn] > bestV) {
        bestV = xi[kn];
        best = kn;
      }
    }
    if (best < 0) return LABEL_NONE;
    k = best;
    cur = bestV;
    if (conducting(k)) return labels[k];
  }
  return LABEL_NONE;
}

/**
 * The live i0 factor: kinOut[k] = 0 on dead cells, kinStatic[k] elsewhere. An open nucleation site
 * (nucSite[k] > 0) keeps its i0: a nucleus being born sits on the collector, even where its cap's top crosses
 * ξ = ½ before its base does (masking it slowed the birth: bare Cu's nucleation overpotential fell from 83.0
 * to 80.3 mV in tests/sweep.test.ts).
 */
export function applyLive(labels: Uint32Array, kinStatic: ArrayLike<number>, kinOut: Float64Array, nucSite?: ArrayLike<number>): void {
  const n = labels.length;
  if (kinStatic.length < n || kinOut.length < n) throw new RangeError(`applyLive: ${kinStatic.length} and ${kinOut.length} values for ${n} labels`);
  for (let k = 0; k < n; k++) {
    const l = labels[k];
    kinOut[k] = l !== 0 && l !== LABEL_NONE && !(nucSite && nucSite[k] > 0) ? 0 : kinStatic[k];
  }
}
