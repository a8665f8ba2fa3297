// Connected-component labelling of the Li metal ("dead Li"): the f64 twin and the exact definition are in
// src/cpu/label.ts. Union-find with atomicMin hooking in one merge pass (Playne & Hawick, IEEE TPDS 29(6),
// 2018; Komura, Comput. Phys. Commun. 194, 2015). Four entry points, in this order:
//  labelInit:    label = 0 (touches the collector: solid, or conducting in row 0), k+1 (other conducting), NONE
//  labelMerge:   each conducting cell unites with its E (periodic) and N conducting neighbours
//  labelResolve: conducting cells take the root of their tree, tail cells the root reached by steepest
//                ascent; writes geo.z (0 on dead cells) and one partial-sum record per workgroup
//  labelStats:   one workgroup per member reduces the partials into stats[b] = (deadXi, islands, liveXi, 0)
// A label is member-local (0 = the collector, else 1 + cell index k = j·nx + i); buffers are indexed
// globally (b·ny + j)·nx + i, member b = dispatch z. In labels[], a conducting cell's value is its parent
// in the union-find forest (0 or parent k + 1, never above its own k + 1), so every chain strictly
// decreases, ends at 0 or at a root (value = own k + 1), and after the merge the root of a component not
// touching the collector is its smallest cell index: the labels are canonical whatever the thread order.
// Connectivity is 4-neighbour only: a corner contact in a diffuse interface carries no metal cross-section.

struct Params {
  nx: u32,
  ny: u32,
  nb: u32,
  wgx: u32,        // workgroups along x = ceil(nx / 8)
  wgPerMember: u32, // ceil(nx / 8) · ceil(ny / 8): partial records per member
  // metal in rows j < contactRows touches the collector (labelMetal in src/cpu/label.ts)
  contactRows: u32,
  _p1: u32,
  _p2: u32,
}

const NONE: u32 = 0xffffffffu;
// THIN_CUT_XI of src/cpu/terms.ts: below it ξ is solver round-off, not a tail of any interface
const THIN_CUT_XI: f32 = 1e-3;
const MAX_MOVES: u32 = 64u;

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> xi: array<f32>;
// per cell (solid, cos θ, i0 factor, seeded)
@group(0) @binding(2) var<storage, read> geoStatic: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> labels: array<atomic<u32>>;
// the kernels' copy (solid, cos θ, i0 factor, mechanical shift): only lane z is written here
@group(0) @binding(4) var<storage, read_write> geo: array<vec4f>;
// per member and workgroup of labelResolve: (deadXi, islands, liveXi, 0)
@group(0) @binding(5) var<storage, read_write> partials: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> stats: array<vec4f>;
// open nucleation sites (the cap ξ a cell fills to, 0: none): a nucleus being born sits on the collector, so
// its cells keep their i0 even where the cap's top crosses ξ = ½ before its base does
@group(0) @binding(7) var<storage, read> nucSite: array<f32>;

var<workgroup> red: array<vec4f, 64>;

fn isSolid(g: u32) -> bool {
  return geoStatic[g].x > 0.5;
}

// metal: ξ ≥ ½, or an open nucleation site (a nucleus being born on a wall: its cap's top can cross ½ first)
fn isMetal(g: u32) -> bool {
  return xi[g] >= 0.5 || nucSite[g] > 0.0;
}
fn conducting(g: u32) -> bool {
  return isSolid(g) || isMetal(g);
}

// Root of label value v (0 or local k + 1) in member `base`. Values only fall (atomicMin) and always point
// to a smaller index, so a stale (relaxed) load still returns an ancestor; `p >= v` ends the chain at a
// root and bounds the loop even on a corrupt buffer.
fn findRoot(base: u32, v0: u32) -> u32 {
  var v = v0;
  loop {
    if (v == 0u) { return 0u; }
    let p = atomicLoad(&labels[base + v - 1u]);
    if (p >= v) { return v; }
    v = p;
  }
}

// Playne–Hawick union: hook the larger root under the smaller one. atomicMin returns the value the
// root held in that location's modification order; if it was no longer a root (another thread hooked it
// first), its link to `old` was just overwritten, so the loop goes on uniting with `old`. Each retry
// strictly lowers a + b, so it ends.
fn unite(base: u32, a0: u32, b0: u32) {
  var a = a0;
  var b = b0;
  loop {
    a = findRoot(base, a);
    b = findRoot(base, b);
    if (a == b) { return; }
    if (a < b) {
      let old = atomicMin(&labels[base + b - 1u], a);
      if (old == b) { return; }
      b = old;
    } else {
      let old = atomicMin(&labels[base + a - 1u], b);
      if (old == a) { return; }
      a = old;
    }
  }
}

@compute @workgroup_size(8, 8, 1)
fn labelInit(@builtin(global_invocation_id) gid: vec3u) {
  if (gid.x >= P.nx || gid.y >= P.ny) { return; }
  let k = gid.y * P.nx + gid.x;
  let g = gid.z * P.nx * P.ny + k;
  var v = NONE;
  if (isSolid(g) || (gid.y < P.contactRows && isMetal(g))) {
    v = 0u; // the host skeleton and row 0 touch the collector
  } else if (isMetal(g)) {
    v = k + 1u;
  }
  atomicStore(&labels[g], v);
}

@compute @workgroup_size(8, 8, 1)
fn labelMerge(@builtin(global_invocation_id) gid: vec3u) {
  let nx = P.nx;
  if (gid.x >= nx || gid.y >= P.ny) { return; }
  let base = gid.z * nx * P.ny;
  let k = gid.y * nx + gid.x;
  if (!conducting(base + k)) { return; }
  // E (periodic in x) and N: every edge of the 4-neighbour graph once
  let ke = gid.y * nx + select(gid.x + 1u, 0u, gid.x + 1u == nx);
  if (conducting(base + ke)) { unite(base, k + 1u, ke + 1u); }
  if (gid.y + 1u < P.ny) {
    let kn = k + nx;
    if (conducting(base + kn)) { unite(base, k + 1u, kn + 1u); }
  }
}

// Steepest ascent from tail cell (i, j): to the non-solid 4-neighbour of largest ξ (order S, N, W, E; a
// later one wins only if strictly greater), only if above the current ξ; the label of the first
// conducting cell reached within MAX_MOVES moves, else NONE.
fn walk(base: u32, i0: u32, j0: u32) -> u32 {
  let nx = P.nx;
  var i = i0;
  var j = j0;
  var cur = xi[base + j * nx + i];
  for (var m = 0u; m < MAX_MOVES; m++) {
    var bestV = cur;
    var bestI = i;
    var bestJ = j;
    var found = false;
    // S, N, W, E
    for (var d = 0u; d < 4u; d++) {
      var ni = i;
      var nj = j;
      if (d == 0u) {
        if (j == 0u) { continue; }
        nj = j - 1u;
      } else if (d == 1u) {
        if (j + 1u >= P.ny) { continue; }
        nj = j + 1u;
      } else if (d == 2u) {
        ni = select(i - 1u, nx - 1u, i == 0u);
      } else {
        ni = select(i + 1u, 0u, i + 1u == nx);
      }
      let gn = base + nj * nx + ni;
      if (isSolid(gn)) { continue; }
      let v = xi[gn];
      if (v > bestV) {
        bestV = v;
        bestI = ni;
        bestJ = nj;
        found = true;
      }
    }
    if (!found) { return NONE; }
    i = bestI;
    j = bestJ;
    cur = bestV;
    if (conducting(base + j * nx + i)) { return findRoot(base, j * nx + i + 1u); }
  }
  return NONE;
}

@compute @workgroup_size(8, 8, 1)
fn labelResolve(
  @builtin(global_invocation_id) gid: vec3u,
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
) {
  var part = vec4f(0.0);
  if (gid.x < P.nx && gid.y < P.ny) {
    let base = gid.z * P.nx * P.ny;
    let k = gid.y * P.nx + gid.x;
    let g = base + k;
    let x = xi[g];
    var lab = NONE;
    // the merge pass is complete (previous dispatch): a find is exact, and the concurrent stores below
    // only shorten chains to their root
    if (conducting(g)) {
      lab = findRoot(base, k + 1u);
      atomicStore(&labels[g], lab);
    } else if (x >= THIN_CUT_XI) {
      lab = walk(base, gid.x, gid.y);
      atomicStore(&labels[g], lab);
    }
    let dead = lab != 0u && lab != NONE;
    geo[g].z = select(geoStatic[g].z, 0.0, dead && !(nucSite[g] > 0.0));
    let q = clamp(x, 0.0, 1.0);
    part = vec4f(select(0.0, q, dead), select(0.0, 1.0, lab == k + 1u), select(0.0, q, lab == 0u), 0.0);
  }
  red[lid] = part;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    partials[gid.z * P.wgPerMember + wid.y * P.wgx + wid.x] = red[0];
  }
}

@compute @workgroup_size(64, 1, 1)
fn labelStats(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let first = wid.z * P.wgPerMember;
  var acc = vec4f(0.0);
  for (var w = lid; w < P.wgPerMember; w += 64u) {
    acc += partials[first + w];
  }
  red[lid] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) {
    stats[wid.z] = vec4f(red[0].xyz, 0.0);
  }
}
