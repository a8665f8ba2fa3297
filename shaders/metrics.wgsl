// Deposit metrics by reduction (definitions: src/analysis/metrics.ts). Two entry points:
//  columns: one thread per column i and batch member b (dispatch z = b); loops over j once and writes
//           a per-column partial record (compensated sums, counts, min/max, height, surface conc.).
//  reduce:  one workgroup per batch member (dispatch z = b); loops over the columns, reduces them in
//           workgroup memory (tree) and writes the 16-float record out[b*16 .. b*16+15].
// Sums are float-float (hi, lo) pairs carried through error-free TwoSum additions, both within a
// thread and in the tree, so an f32 total is accurate to about one rounding.
// Non-finite values are detected by a bit test (exponent all ones), not by x != x, which compilers
// may fold away; they are counted and excluded from the min/max fields.

struct Params {
  nx: u32,
  ny: u32,
  nb: u32,
  h: f32,
  inf: f32,     // +Infinity, written by the host (a WGSL constant cannot be infinite)
  h2: f32,      // h², rounded once from f64 by the host
  hOverNx: f32, // h/nx = h²/(nx·h), for meanThickness
  zero: u32,    // always 0: see opq()
}

struct Col {
  sxi: vec2f,   // Σ_j ξ as (hi, lo)
  sinv: vec2f,  // Σ_j (c + csOverC0·ξ) as (hi, lo)
  y: f32,       // interface height y_i (µm)
  sc: f32,      // surface concentration
  nf: u32,      // non-finite count (xi, c, phi)
  li: u32,      // count of ξ ≥ 0.5
  xmin: f32, xmax: f32,
  cmin: f32, cmax: f32,
  pmin: f32, pmax: f32,
  top: f32,     // ξ at j = ny−1 (−inf if non-finite)
  _pad: f32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> xi: array<f32>;
@group(0) @binding(2) var<storage, read> cf: array<f32>;
@group(0) @binding(3) var<storage, read> phi: array<f32>;
// per member: (csOverC0, saltFloor). saltFloor > 0: the salt is χc̃ with χ = max(1 − h(ξ), saltFloor)
// (the binary closure's smoothed-boundary salt balance); 0: c̃ counts everywhere (chen2015).
@group(0) @binding(4) var<storage, read> csOverC0: array<f32>;

// χ = max((1 − h(ξ))(1 − solid), floor): host cells hold salt only at the floor
fn saltWeight(x: f32, solid: f32, floorValue: f32) -> f32 {
  if (floorValue <= 0.0) { return 1.0; }
  let q = clamp(x, 0.0, 1.0);
  return max((1.0 - q * q * q * (q * (6.0 * q - 15.0) + 10.0)) * (1.0 - solid), floorValue);
}
// per cell: (solid, cos θ, i0 factor, seeded), src/model/geometry.ts
@group(0) @binding(7) var<storage, read> geo: array<vec4f>;
@group(0) @binding(5) var<storage, read_write> cols: array<Col>;
@group(0) @binding(6) var<storage, read_write> outm: array<f32>;

fn finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

// Optimisation barrier: returns x, but the compiler cannot know that (P.zero is a uniform value).
// Drivers apply algebraic float simplifications such as (a + b) − a → b (Mesa's NIR does, unless an
// op is marked exact, and WGSL has no way to mark it), which turn every compensation term into 0 and
// compensated sums into naive ones; measured on lavapipe. Rounded intermediates pass through opq().
fn opq(x: f32) -> f32 {
  return bitcast<f32>(bitcast<u32>(x) ^ P.zero);
}

// Error-free transformation: a + b = s + e exactly (Knuth's TwoSum).
fn twoSum(a: f32, b: f32) -> vec2f {
  let s = opq(a + b);
  let bb = opq(s - a);
  let e = (a - (s - bb)) + (b - bb);
  return vec2f(s, e);
}

// float-float + float-float (hi, lo), renormalised so that |lo| ≤ ulp(hi)/2.
fn ffAdd(a: vec2f, b: vec2f) -> vec2f {
  let s = twoSum(a.x, b.x);
  let e = s.y + (a.y + b.y);
  let hi = opq(s.x + e);
  return vec2f(hi, e - (hi - s.x));
}

// float-float + float.
fn ffAdd1(a: vec2f, x: f32) -> vec2f {
  return ffAdd(a, vec2f(x, 0.0));
}

@compute @workgroup_size(64)
fn columns(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let b = gid.z;
  let nx = P.nx;
  let ny = P.ny;
  if (i >= nx || b >= P.nb) { return; }
  let cs = csOverC0[2u * b];
  let saltFloor = csOverC0[2u * b + 1u];
  let inf = P.inf;
  var sxi = vec2f(0.0);
  var sinv = vec2f(0.0);
  var nf = 0u;
  var li = 0u;
  var xmin = inf; var xmax = -inf;
  var cmin = inf; var cmax = -inf;
  var pmin = inf; var pmax = -inf;
  // topmost crossing: (ξ, c) at centres j* and j*+1, found while streaming upward
  var found = false;
  var jstar = 0u;
  var xa = 0.0; var xb = 0.0; var ca = 0.0; var cb = 0.0;
  var xprev = 0.0; var cprev = 0.0;
  var k = b * ny * nx + i;
  // a column without Li: the concentration of its lowest electrolyte cell (above any host solid)
  var c0 = cf[k];
  var fluidSeen = false;
  for (var j = 0u; j < ny; j++) {
    let x = xi[k];
    let c = cf[k];
    let p = phi[k];
    let solid = geo[k].x;
    k += nx;
    if (!fluidSeen && solid < 0.5) {
      fluidSeen = true;
      c0 = c;
    }
    sxi = ffAdd1(sxi, x);
    sinv = ffAdd1(sinv, saltWeight(x, solid, saltFloor) * c + cs * x);
    if (x >= 0.5) { li++; }
    if (finite(x)) { xmin = min(xmin, x); xmax = max(xmax, x); } else { nf++; }
    if (finite(c)) { cmin = min(cmin, c); cmax = max(cmax, c); } else { nf++; }
    if (finite(p)) { pmin = min(pmin, p); pmax = max(pmax, p); } else { nf++; }
    if (j > 0u && xprev >= 0.5 && x < 0.5) {
      found = true; jstar = j - 1u; xa = xprev; xb = x; ca = cprev; cb = c;
    }
    xprev = x;
    cprev = c;
  }
  let h = P.h;
  var y = 0.0;
  var sc = c0;
  if (xprev >= 0.5) {            // ξ[ny−1] ≥ 0.5: the topmost crossing is the top row
    y = f32(ny) * h;
    sc = cprev;
  } else if (found) {
    let t = (xa - 0.5) / (xa - xb);
    y = (f32(jstar) + 0.5) * h + h * t;
    sc = ca + t * (cb - ca);
  }
  var col: Col;
  col.sxi = sxi;
  col.sinv = sinv;
  col.y = y;
  col.sc = sc;
  col.nf = nf;
  col.li = li;
  col.xmin = xmin; col.xmax = xmax;
  col.cmin = cmin; col.cmax = cmax;
  col.pmin = pmin; col.pmax = pmax;
  col.top = select(-inf, xprev, finite(xprev));
  col._pad = 0.0;
  cols[b * nx + i] = col;
}

const WG: u32 = 128u;

var<workgroup> wSxi: array<vec2f, WG>;
var<workgroup> wSinv: array<vec2f, WG>;
var<workgroup> wSy: array<vec2f, WG>;
var<workgroup> wNf: array<u32, WG>;
var<workgroup> wLi: array<u32, WG>;
var<workgroup> wXmin: array<f32, WG>;
var<workgroup> wXmax: array<f32, WG>;
var<workgroup> wCmin: array<f32, WG>;
var<workgroup> wCmax: array<f32, WG>;
var<workgroup> wPmin: array<f32, WG>;
var<workgroup> wPmax: array<f32, WG>;
var<workgroup> wTop: array<f32, WG>;
var<workgroup> wYmax: array<f32, WG>;
var<workgroup> wScmin: array<f32, WG>;

@compute @workgroup_size(WG)
fn reduce(@builtin(local_invocation_id) lid3: vec3u, @builtin(workgroup_id) wid: vec3u) {
  let t = lid3.x;
  let b = wid.z;
  let nx = P.nx;
  let inf = P.inf;
  let base = b * nx;
  var sxi = vec2f(0.0);
  var sinv = vec2f(0.0);
  var sy = vec2f(0.0);
  var nf = 0u;
  var li = 0u;
  var xmin = inf; var xmax = -inf;
  var cmin = inf; var cmax = -inf;
  var pmin = inf; var pmax = -inf;
  var top = -inf;
  var ymax = -inf;
  var scmin = inf;
  for (var i = t; i < nx; i += WG) {
    let col = cols[base + i];
    sxi = ffAdd(sxi, col.sxi);
    sinv = ffAdd(sinv, col.sinv);
    sy = ffAdd1(sy, col.y);
    nf += col.nf;
    li += col.li;
    xmin = min(xmin, col.xmin); xmax = max(xmax, col.xmax);
    cmin = min(cmin, col.cmin); cmax = max(cmax, col.cmax);
    pmin = min(pmin, col.pmin); pmax = max(pmax, col.pmax);
    top = max(top, col.top);
    ymax = max(ymax, col.y);
    scmin = min(scmin, col.sc);
  }
  wSxi[t] = sxi; wSinv[t] = sinv; wSy[t] = sy;
  wNf[t] = nf; wLi[t] = li;
  wXmin[t] = xmin; wXmax[t] = xmax;
  wCmin[t] = cmin; wCmax[t] = cmax;
  wPmin[t] = pmin; wPmax[t] = pmax;
  wTop[t] = top; wYmax[t] = ymax; wScmin[t] = scmin;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) {
      let u = t + s;
      wSxi[t] = ffAdd(wSxi[t], wSxi[u]);
      wSinv[t] = ffAdd(wSinv[t], wSinv[u]);
      wSy[t] = ffAdd(wSy[t], wSy[u]);
      wNf[t] += wNf[u];
      wLi[t] += wLi[u];
      wXmin[t] = min(wXmin[t], wXmin[u]); wXmax[t] = max(wXmax[t], wXmax[u]);
      wCmin[t] = min(wCmin[t], wCmin[u]); wCmax[t] = max(wCmax[t], wCmax[u]);
      wPmin[t] = min(wPmin[t], wPmin[u]); wPmax[t] = max(wPmax[t], wPmax[u]);
      wTop[t] = max(wTop[t], wTop[u]);
      wYmax[t] = max(wYmax[t], wYmax[u]);
      wScmin[t] = min(wScmin[t], wScmin[u]);
    }
    workgroupBarrier();
  }
  // mean height, then Σ (y_i − mean)² in a second pass over the columns (two-pass variance)
  let syTot = wSy[0];
  let meanY = (syTot.x + syTot.y) / f32(nx);
  workgroupBarrier();
  var ss = vec2f(0.0);
  for (var i = t; i < nx; i += WG) {
    let d = cols[base + i].y - meanY;
    ss = ffAdd1(ss, d * d);
  }
  wSy[t] = ss;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (t < s) { wSy[t] = ffAdd(wSy[t], wSy[t + s]); }
    workgroupBarrier();
  }
  if (t == 0u) {
    let h2 = P.h2;
    let o = b * 16u;
    outm[o + 0u] = wSxi[0].x * h2 + wSxi[0].y * h2;
    outm[o + 1u] = wSxi[0].x * P.hOverNx + wSxi[0].y * P.hOverNx;
    outm[o + 2u] = wYmax[0];
    outm[o + 3u] = meanY;
    outm[o + 4u] = sqrt((wSy[0].x + wSy[0].y) / f32(nx));
    outm[o + 5u] = wScmin[0];
    outm[o + 6u] = wSinv[0].x * h2 + wSinv[0].y * h2;
    outm[o + 7u] = f32(wNf[0]);
    outm[o + 8u] = wXmin[0];
    outm[o + 9u] = wXmax[0];
    outm[o + 10u] = wCmin[0];
    outm[o + 11u] = wCmax[0];
    outm[o + 12u] = wPmin[0];
    outm[o + 13u] = wPmax[0];
    outm[o + 14u] = f32(wLi[0]);
    outm[o + 15u] = wTop[0];
  }
}
