// Geometric multigrid kernels (f32) — the GPU twin of src/cpu/multigrid.ts; see that file for the
// algorithm and src/gpu/multigrid.ts for the encoding. Problem: A u = bd u − ∇·(a∇u) = f on a
// cell-centred nx × ny grid per batch member (dispatch z = batch member), x periodic, y bounded.
// Layout: cell (b, j, i) at (b*ny + j)*nx + i; ay row j (0 … ny) at (b*(ny+1) + j)*nx + i.
//
// Every resource has its own binding number across the whole module; each entry point uses a subset
// and the host builds one explicit bind-group layout per entry point from the table in
// src/gpu/multigrid.ts (binding → type), so the red/black variants share bind groups.

struct Params {
  nx: u32, ny: u32, nb: u32, odd: u32,      // this level; odd = nx % 2
  fnx: u32, fny: u32, sx: u32, sy: u32,     // the next finer level (restrict/prolong/coarsen), sx,sy ∈ {1,2}
  wgx: u32, wgy: u32, n: u32, bw: u32,      // workgroups in x/y of a 2D dispatch; n = nx*ny; Cholesky band
  ihx2: f32, ihy2: f32, sweeps: u32, _pad: u32,
}

struct OutParams { offset: u32 }

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> ax: array<f32>;
@group(0) @binding(2) var<storage, read> ay: array<f32>;
@group(0) @binding(3) var<storage, read> bd: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read> f: array<f32>;
@group(0) @binding(6) var<storage, read_write> r: array<f32>;
@group(0) @binding(7) var<storage, read> uc: array<f32>;          // coarse u (prolongation)
@group(0) @binding(8) var<storage, read> ayc: array<f32>;         // coarse ay (ghost rules)
@group(0) @binding(9) var<storage, read_write> fc: array<f32>;    // coarse f (restriction)
@group(0) @binding(10) var<storage, read_write> ucw: array<f32>;  // coarse u (restriction zeroes it)
@group(0) @binding(11) var<storage, read_write> cax: array<f32>;  // coarse coefficients (coarsening)
@group(0) @binding(12) var<storage, read_write> cay: array<f32>;
@group(0) @binding(13) var<storage, read_write> cbd: array<f32>;
@group(0) @binding(14) var<storage, read_write> chol: array<f32>; // banded Cholesky factor, per batch n*(bw+1)
@group(0) @binding(15) var<storage, read_write> z: array<f32>;    // krylov: preconditioned residual
@group(0) @binding(16) var<storage, read_write> q: array<f32>;    // krylov: A p
@group(0) @binding(17) var<storage, read_write> p: array<f32>;    // krylov: search direction
@group(0) @binding(18) var<storage, read_write> part: array<f32>; // reduction partials
@group(0) @binding(19) var<storage, read_write> scal: array<f32>; // krylov scalars, 4 per batch: z·q, p·q, r·p, -
@group(0) @binding(20) var<storage, read_write> outBuf: array<f32>;
@group(0) @binding(21) var<uniform> O: OutParams;

override COLOUR: u32 = 0u;      // smooth: 0,1 = (i+j)%2 (excluding the last column when nx is odd); 2,3 = last column, j%2
override CONSTANT_P: bool = false; // prolongation: piecewise constant instead of bilinear
override NCOMP: u32 = 1u;       // finalize: components per partial
override SLOT: u32 = 0u;        // finalize: first scalar slot written

const WG: u32 = 8u;
const WG1: u32 = 256u;

// ---- shared helpers ---------------------------------------------------------------------------

fn cellIndex(b: u32, j: u32, i: u32) -> u32 { return (b * P.ny + j) * P.nx + i; }
fn faceIndexY(b: u32, j: u32, i: u32) -> u32 { return (b * (P.ny + 1u) + j) * P.nx + i; }
fn westOf(i: u32) -> u32 { return select(i - 1u, P.nx - 1u, i == 0u); }
fn eastOf(i: u32) -> u32 { return select(i + 1u, 0u, i == P.nx - 1u); }

// (A v)_ij on this level from the cell value and its four neighbours (0 beyond a boundary face)
fn stencil(b: u32, j: u32, i: u32, vc: f32, vw: f32, ve: f32, vs: f32, vn: f32) -> f32 {
  let k = cellIndex(b, j, i);
  let row = (b * P.ny + j) * P.nx;
  let s = faceIndexY(b, j, i);
  let wS = select(1.0, 2.0, j == 0u);
  let wN = select(1.0, 2.0, j == P.ny - 1u);
  return bd[k] * vc
    + (ax[k] * (vc - vw) + ax[row + eastOf(i)] * (vc - ve)) * P.ihx2
    + (wS * ay[s] * (vc - vs) + wN * ay[s + P.nx] * (vc - vn)) * P.ihy2;
}

// (A u)_ij (two copies: a function may not take a storage array as a parameter)
fn applyU(b: u32, j: u32, i: u32) -> f32 {
  let k = cellIndex(b, j, i);
  let row = (b * P.ny + j) * P.nx;
  var vs = 0.0;
  if (j > 0u) { vs = u[k - P.nx]; }
  var vn = 0.0;
  if (j < P.ny - 1u) { vn = u[k + P.nx]; }
  return stencil(b, j, i, u[k], u[row + westOf(i)], u[row + eastOf(i)], vs, vn);
}

// (A p)_ij
fn applyPdir(b: u32, j: u32, i: u32) -> f32 {
  let k = cellIndex(b, j, i);
  let row = (b * P.ny + j) * P.nx;
  var vs = 0.0;
  if (j > 0u) { vs = p[k - P.nx]; }
  var vn = 0.0;
  if (j < P.ny - 1u) { vn = p[k + P.nx]; }
  return stencil(b, j, i, p[k], p[row + westOf(i)], p[row + eastOf(i)], vs, vn);
}

fn colourOf(i: u32, j: u32) -> u32 {
  if (P.odd == 1u && i == P.nx - 1u) { return 2u + (j & 1u); }
  return (i + j) & 1u;
}

// Gauss–Seidel update of cell (b, j, i) in place (u)
fn relaxCell(b: u32, j: u32, i: u32) {
  let k = cellIndex(b, j, i);
  let row = (b * P.ny + j) * P.nx;
  let s = faceIndexY(b, j, i);
  let ie = eastOf(i);
  let iw = westOf(i);
  let wS = select(1.0, 2.0, j == 0u);
  let wN = select(1.0, 2.0, j == P.ny - 1u);
  var aW = 0.0;
  var aE = 0.0;
  if (P.nx > 1u) {
    aW = ax[k] * P.ihx2;
    aE = ax[row + ie] * P.ihx2;
  }
  let aS = wS * ay[s] * P.ihy2;
  let aN = wN * ay[s + P.nx] * P.ihy2;
  let diag = bd[k] + aW + aE + aS + aN;
  if (!(diag > 0.0)) { return; }
  var uS = 0.0;
  if (j > 0u) { uS = u[k - P.nx]; }
  var uN = 0.0;
  if (j < P.ny - 1u) { uN = u[k + P.nx]; }
  u[k] = (f[k] + aW * u[row + iw] + aE * u[row + ie] + aS * uS + aN * uN) / diag;
}

// ---- smoother, residual, transfers ------------------------------------------------------------

@compute @workgroup_size(8, 8, 1)
fn relax(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j >= P.ny) { return; }
  if (colourOf(i, j) != COLOUR) { return; }
  relaxCell(b, j, i);
}

@compute @workgroup_size(8, 8, 1)
fn residual(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j >= P.ny) { return; }
  let k = cellIndex(b, j, i);
  r[k] = f[k] - applyU(b, j, i);
}

// this level is the coarse one: fc = mean of the children of the fine residual r; ucw = 0
@compute @workgroup_size(8, 8, 1)
fn restrictResidual(@builtin(global_invocation_id) g: vec3u) {
  let I = g.x;
  let J = g.y;
  let b = g.z;
  if (I >= P.nx || J >= P.ny) { return; }
  var s = 0.0;
  for (var qy = 0u; qy < P.sy; qy++) {
    for (var qx = 0u; qx < P.sx; qx++) {
      s += r[(b * P.fny + P.sy * J + qy) * P.fnx + P.sx * I + qx];
    }
  }
  let k = cellIndex(b, J, I);
  fc[k] = s / f32(P.sx * P.sy);
  ucw[k] = 0.0;
}

// coarse value with ghost rules (this level = coarse): periodic in x, −u across a Dirichlet face, +u across Neumann
fn coarseValue(b: u32, I: i32, J: i32) -> f32 {
  let nx = i32(P.nx);
  let ny = i32(P.ny);
  var Iw = I;
  if (Iw < 0) { Iw += nx; }
  if (Iw >= nx) { Iw -= nx; }
  if (J < 0) {
    let v = uc[(b * P.ny) * P.nx + u32(Iw)];
    return select(v, -v, ayc[(b * (P.ny + 1u)) * P.nx + u32(Iw)] != 0.0);
  }
  if (J >= ny) {
    let v = uc[(b * P.ny + P.ny - 1u) * P.nx + u32(Iw)];
    return select(v, -v, ayc[(b * (P.ny + 1u) + P.ny) * P.nx + u32(Iw)] != 0.0);
  }
  return uc[(b * P.ny + u32(J)) * P.nx + u32(Iw)];
}

// thread per fine cell; this level is the coarse one: u(fine) += P uc
@compute @workgroup_size(8, 8, 1)
fn prolong(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.fnx || j >= P.fny) { return; }
  let I0 = select(i, i >> 1u, P.sx == 2u);
  let J0 = select(j, j >> 1u, P.sy == 2u);
  var v: f32;
  if (CONSTANT_P) {
    v = uc[(b * P.ny + J0) * P.nx + I0];
  } else {
    let I1 = select(i32(I0), select(i32(I0) - 1, i32(I0) + 1, (i & 1u) == 1u), P.sx == 2u);
    let J1 = select(i32(J0), select(i32(J0) - 1, i32(J0) + 1, (j & 1u) == 1u), P.sy == 2u);
    let wx = select(0.0, 0.25, P.sx == 2u);
    let wy = select(0.0, 0.25, P.sy == 2u);
    let c00 = coarseValue(b, i32(I0), i32(J0));
    var c10 = 0.0;
    var c01 = 0.0;
    var c11 = 0.0;
    if (P.sx == 2u) { c10 = coarseValue(b, I1, i32(J0)); }
    if (P.sy == 2u) { c01 = coarseValue(b, i32(I0), J1); }
    if (P.sx == 2u && P.sy == 2u) { c11 = coarseValue(b, I1, J1); }
    v = (1.0 - wx) * (1.0 - wy) * c00 + wx * (1.0 - wy) * c10 + (1.0 - wx) * wy * c01 + wx * wy * c11;
  }
  u[(b * P.fny + j) * P.fnx + i] += v;
}

// thread per coarse cell: face averaging of the fine ax/ay/bd (bindings 1–3) into cax/cay/cbd
@compute @workgroup_size(8, 8, 1)
fn coarsen(@builtin(global_invocation_id) g: vec3u) {
  let I = g.x;
  let J = g.y;
  let b = g.z;
  if (I >= P.nx || J >= P.ny) { return; }
  var sa = 0.0;
  for (var qy = 0u; qy < P.sy; qy++) { sa += ax[(b * P.fny + P.sy * J + qy) * P.fnx + P.sx * I]; }
  var sb = 0.0;
  for (var qy = 0u; qy < P.sy; qy++) {
    for (var qx = 0u; qx < P.sx; qx++) { sb += bd[(b * P.fny + P.sy * J + qy) * P.fnx + P.sx * I + qx]; }
  }
  let k = cellIndex(b, J, I);
  cax[k] = sa / f32(P.sy);
  cbd[k] = sb / f32(P.sx * P.sy);
  var sc = 0.0;
  for (var qx = 0u; qx < P.sx; qx++) { sc += ay[(b * (P.fny + 1u) + P.sy * J) * P.fnx + P.sx * I + qx]; }
  cay[faceIndexY(b, J, I)] = sc / f32(P.sx);
  if (J == P.ny - 1u) {
    var st = 0.0;
    for (var qx = 0u; qx < P.sx; qx++) { st += ay[(b * (P.fny + 1u) + P.fny) * P.fnx + P.sx * I + qx]; }
    cay[faceIndexY(b, P.ny, I)] = st / f32(P.sx);
  }
}

// ---- coarsest level: banded Cholesky (one workgroup per batch member) ---------------------------
// Unknown k = j*nx + i; entry (k, k−d), 0 ≤ d ≤ bw, of batch b at (b*n + k)*(bw+1) + d.

fn cholAt(b: u32, k: u32, d: u32) -> u32 { return (b * P.n + k) * (P.bw + 1u) + d; }

@compute @workgroup_size(256, 1, 1)
fn cholFactor(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.z;
  let t = lid.x;
  let n = P.n;
  let bw = P.bw;
  let w = bw + 1u;
  // assemble the lower band
  for (var k = t; k < n; k += WG1) {
    let i = k % P.nx;
    let j = k / P.nx;
    let c = (b * P.ny + j) * P.nx;
    let s = faceIndexY(b, j, i);
    let wS = select(1.0, 2.0, j == 0u);
    let wN = select(1.0, 2.0, j == P.ny - 1u);
    var aW = 0.0;
    var aE = 0.0;
    if (P.nx > 1u) {
      aW = ax[c + i] * P.ihx2;
      aE = ax[c + eastOf(i)] * P.ihx2;
    }
    for (var d = 1u; d <= bw; d++) { chol[cholAt(b, k, d)] = 0.0; }
    chol[cholAt(b, k, 0u)] = bd[c + i] + aW + aE + (wS * ay[s] + wN * ay[s + P.nx]) * P.ihy2;
    if (i > 0u) { chol[cholAt(b, k, 1u)] -= aW; }
    if (i == P.nx - 1u && P.nx > 1u) { chol[cholAt(b, k, P.nx - 1u)] -= aE; }
    if (j > 0u) { chol[cholAt(b, k, P.nx)] -= ay[s] * P.ihy2; }
  }
  storageBarrier();
  // right-looking factorisation A = L Lᵀ
  for (var k = 0u; k < n; k++) {
    var piv = chol[cholAt(b, k, 0u)];
    if (!(piv > 0.0)) { piv = 1e30; } // singular or lost to rounding: drop this direction
    let lkk = sqrt(piv);
    storageBarrier();
    let iEnd = min(n - 1u, k + bw);
    if (t == 0u) { chol[cholAt(b, k, 0u)] = lkk; }
    for (var a = t + 1u; a <= bw; a += WG1) {
      if (k + a <= iEnd) { chol[cholAt(b, k + a, a)] /= lkk; }
    }
    storageBarrier();
    for (var e = t; e < bw * bw; e += WG1) {
      let a = e / bw + 1u; // row  i = k + a
      let c2 = e % bw + 1u; // col m = k + c2, c2 ≤ a
      if (c2 <= a && k + a <= iEnd) {
        chol[cholAt(b, k + a, a - c2)] -= chol[cholAt(b, k + a, a)] * chol[cholAt(b, k + c2, c2)];
      }
    }
    storageBarrier();
  }
}

// u = A⁻¹ f on the coarsest level (forward and back substitution in place in u)
@compute @workgroup_size(256, 1, 1)
fn cholSolve(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.z;
  let t = lid.x;
  let n = P.n;
  let bw = P.bw;
  let o = b * n;
  for (var k = t; k < n; k += WG1) { u[o + k] = f[o + k]; }
  storageBarrier();
  for (var k = 0u; k < n; k++) {
    if (t == 0u) { u[o + k] = u[o + k] / chol[cholAt(b, k, 0u)]; }
    storageBarrier();
    let xk = u[o + k];
    for (var a = t + 1u; a <= bw; a += WG1) {
      if (k + a < n) { u[o + k + a] -= chol[cholAt(b, k + a, a)] * xk; }
    }
    storageBarrier();
  }
  for (var kk = 0u; kk < n; kk++) {
    let k = n - 1u - kk;
    if (t == 0u) { u[o + k] = u[o + k] / chol[cholAt(b, k, 0u)]; }
    storageBarrier();
    let xk = u[o + k];
    for (var a = t + 1u; a <= bw; a += WG1) {
      if (a <= k) { u[o + k - a] -= chol[cholAt(b, k, a)] * xk; }
    }
    storageBarrier();
  }
}

// coarsest level by RB-GS sweeps inside one dispatch (one workgroup per batch member); sweep s runs
// the colours forward for even s and in reverse for odd s
@compute @workgroup_size(256, 1, 1)
fn gsCoarsest(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.z;
  let t = lid.x;
  let nc = select(2u, 4u, P.odd == 1u);
  for (var s = 0u; s < P.sweeps; s++) {
    for (var cc = 0u; cc < nc; cc++) {
      let c = select(cc, nc - 1u - cc, (s & 1u) == 1u);
      for (var k = t; k < P.n; k += WG1) {
        let i = k % P.nx;
        let j = k / P.nx;
        if (colourOf(i, j) == c) { relaxCell(b, j, i); }
      }
      storageBarrier();
    }
  }
}

// ---- reductions and krylov ----------------------------------------------------------------------

var<workgroup> red: array<vec2f, 64>;

// tree reduction of the 8×8 workgroup; thread 0 writes NC components to part
fn reduce64(lidx: u32, v: vec2f, wid: vec3u, nc: u32) {
  red[lidx] = v;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s >>= 1u) {
    if (lidx < s) { red[lidx] += red[lidx + s]; }
    workgroupBarrier();
  }
  if (lidx == 0u) {
    let nwg = P.wgx * P.wgy;
    let w = (wid.z * nwg + wid.y * P.wgx + wid.x) * nc;
    part[w] = red[0].x;
    if (nc == 2u) { part[w + 1u] = red[0].y; }
  }
}

// krylov start: r = f − A u (caller's u, f), z = 0
@compute @workgroup_size(8, 8, 1)
fn krylovResidual(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j >= P.ny) { return; }
  let k = cellIndex(b, j, i);
  r[k] = f[k] - applyU(b, j, i);
  z[k] = 0.0;
}

// partials of z·q
@compute @workgroup_size(8, 8, 1)
fn dotZQ(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) lidx: u32, @builtin(workgroup_id) wid: vec3u) {
  var v = 0.0;
  if (g.x < P.nx && g.y < P.ny) {
    let k = cellIndex(g.z, g.y, g.x);
    v = z[k] * q[k];
  }
  reduce64(lidx, vec2f(v, 0.0), wid, 1u);
}

// p = z − β p, β = (z·q)/(p·q)_previous (0 after a reset)
@compute @workgroup_size(8, 8, 1)
fn updateP(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let b = g.z;
  let k = cellIndex(b, g.y, g.x);
  let pq = scal[b * 4u + 1u];
  if (pq > 0.0) {
    p[k] = z[k] - (scal[b * 4u] / pq) * p[k];
  } else {
    p[k] = z[k];
  }
}

// q = A p and partials of (p·q, r·p)
@compute @workgroup_size(8, 8, 1)
fn applyP(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) lidx: u32, @builtin(workgroup_id) wid: vec3u) {
  var v = vec2f(0.0);
  if (g.x < P.nx && g.y < P.ny) {
    let k = cellIndex(g.z, g.y, g.x);
    let aq = applyPdir(g.z, g.y, g.x);
    q[k] = aq;
    v = vec2f(p[k] * aq, r[k] * p[k]);
  }
  reduce64(lidx, v, wid, 2u);
}

// u += α p, α = (r·p)/(p·q)
@compute @workgroup_size(8, 8, 1)
fn updateU(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let b = g.z;
  let k = cellIndex(b, g.y, g.x);
  let pq = scal[b * 4u + 1u];
  let alpha = select(0.0, scal[b * 4u + 2u] / pq, pq > 0.0);
  u[k] += alpha * p[k];
}

// forget the search direction (the operator changed)
@compute @workgroup_size(64, 1, 1)
fn resetKrylov(@builtin(global_invocation_id) g: vec3u) {
  if (g.x < P.nb) { scal[g.x * 4u + 1u] = 0.0; }
}

var<workgroup> red1: array<vec2f, 256>;

fn sumPartials(t: u32, b: u32, nc: u32) -> vec2f {
  let nwg = P.wgx * P.wgy;
  var acc = vec2f(0.0);
  for (var w = t; w < nwg; w += WG1) {
    let o = (b * nwg + w) * nc;
    acc.x += part[o];
    if (nc == 2u) { acc.y += part[o + 1u]; }
  }
  red1[t] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (t < s) { red1[t] += red1[t + s]; }
    workgroupBarrier();
  }
  return red1[0];
}

// one workgroup per batch member: scal[b*4 + SLOT …] = sums of the partials
@compute @workgroup_size(256, 1, 1)
fn finalize(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.z;
  let s = sumPartials(lid.x, b, NCOMP);
  if (lid.x == 0u) {
    scal[b * 4u + SLOT] = s.x;
    if (NCOMP == 2u) { scal[b * 4u + SLOT + 1u] = s.y; }
  }
}

// partials of (f − A u)² (caller's u, f)
@compute @workgroup_size(8, 8, 1)
fn normPartials(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) lidx: u32, @builtin(workgroup_id) wid: vec3u) {
  var v = 0.0;
  if (g.x < P.nx && g.y < P.ny) {
    let k = cellIndex(g.z, g.y, g.x);
    let d = f[k] - applyU(g.z, g.y, g.x);
    v = d * d;
  }
  reduce64(lidx, vec2f(v, 0.0), wid, 1u);
}

// outBuf[offset + b] = sqrt(sum of partials)
@compute @workgroup_size(256, 1, 1)
fn normFinalize(@builtin(local_invocation_id) lid: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let b = wid.z;
  let s = sumPartials(lid.x, b, 1u);
  if (lid.x == 0u) { outBuf[O.offset + b] = sqrt(s.x); }
}
