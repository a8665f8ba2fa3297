// Heterogeneous nucleation on bare solid surfaces (MODEL.md §6.2, 000:L117–127). CPU twin:
// CpuSolver.nucleationMark / nucleationPlace and siteGeometry in src/cpu/solver.ts (same order of
// operations, the same counter-based draw).
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read> xi: array<f32>;
@group(0) @binding(3) var<storage, read> conc: array<f32>;
@group(0) @binding(4) var<storage, read> phi: array<f32>;
// per cell: (solid, cos θ, i0 factor, seeded), src/model/geometry.ts
@group(0) @binding(5) var<storage, read> geo: array<vec4f>;
// radius of the nucleus born at a cell this step (0: none)
@group(0) @binding(6) var<storage, read_write> mark: array<f32>;
// open nucleation sites: the ξ of the critical cap each cell fills to (0: none); phase.wgsl
// deposits into them and closes them (CpuSolver.nucleationPlace)
@group(0) @binding(7) var<storage, read_write> nucSite: array<f32>;
// per member: (any nucleus this step, nuclei so far)
@group(0) @binding(8) var<storage, read_write> nucCount: array<atomic<u32>>;

const NUCLEATION_SALT: u32 = 0x6a09e667u;
const BARE_XI: f32 = 0.05;
const NUCLEUS_MIN_WIDTHS: f32 = 2.0;
const NUCLEUS_MAX_WIDTHS: f32 = 8.0;

struct Site {
  n: vec2f,
  cosT: f32,
  faces: f32,
};

// Unit normal into the solid, most wetting cos θ and number of solid faces of cell (i, j).
fn siteGeometry(b: u32, i: u32, j: u32, nx: u32, ny: u32) -> Site {
  let k = cellAt(b, i, j, nx, ny);
  let east = cellAt(b, eastOf(i, nx), j, nx, ny);
  let west = cellAt(b, westOf(i, nx), j, nx, ny);
  var n = vec2f(0.0);
  var c = -1.0;
  var faces = 0.0;
  if (geo[east].x > 0.5) { n.x += 1.0; c = max(c, geo[east].y); faces += 1.0; }
  if (geo[west].x > 0.5) { n.x -= 1.0; c = max(c, geo[west].y); faces += 1.0; }
  if (j == 0u) {
    n.y -= 1.0; c = max(c, geo[k].y); faces += 1.0;
  } else if (geo[k - nx].x > 0.5) {
    n.y -= 1.0; c = max(c, geo[k - nx].y); faces += 1.0;
  }
  if (j + 1u < ny && geo[k + nx].x > 0.5) { n.y += 1.0; c = max(c, geo[k + nx].y); faces += 1.0; }
  let len = length(n);
  if (len > 1e-6) { n = n / len; } else if (faces > 0.0) { n = vec2f(0.0, -1.0); }
  return Site(n, c, faces);
}

fn barrierFactor(c: f32) -> f32 {
  return (2.0 - 3.0 * c + c * c * c) / 4.0;
}

@compute @workgroup_size(8, 8)
fn nucleationMark(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny || st.done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  mark[k] = 0.0;
  if (P.nucA <= 0.0 || geo[k].x > 0.5 || xi[k] >= BARE_XI || nucSite[k] > 0.0) { return; }
  let site = siteGeometry(b, g.x, g.y, P.nx, P.ny);
  if (site.faces == 0.0) { return; }
  var delta = -phi[k];
  if (onePotential(P)) { delta = phi[k] - st.phiRef; }
  let eta = clamp(st.phiS + delta, -EXP_CLAMP, EXP_CLAMP);
  let cc = max(cathodicConc(P, xi[k], conc[k]), P.cFloor);
  let mu = log(cc) - eta;
  if (!(mu > 0.0)) { return; }
  let kin = geo[k].z;
  let J = P.nucA * kin * exp(-barrierFactor(site.cosT) * P.nucB / (mu * mu));
  let p = 1.0 - exp(-J * site.faces * P.h * st.dt);
  let cellLocal = k - b * P.nx * P.ny;
  if (!(rand01(P.seed ^ NUCLEATION_SALT, st.step, cellLocal) < p)) { return; }
  let rStar = P.nucR / mu; // thermodynamic critical radius γV_m/(RT μ), as the CPU's nucleationMark
  if (!(rStar <= NUCLEUS_MAX_WIDTHS * P.w)) { return; }
  let resolved = NUCLEUS_MIN_WIDTHS * P.w / min(1.0, 1.0 - site.cosT);
  mark[k] = min(max(rStar, resolved), NUCLEUS_MAX_WIDTHS * P.w);
  atomicStore(&nucCount[2u * b], 1u);
  atomicAdd(&nucCount[2u * b + 1u], 1u);
}

@compute @workgroup_size(8, 8)
fn nucleationPlace(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny || st.done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  if (atomicLoad(&nucCount[2u * b]) == 0u || geo[k].x > 0.5) { return; }
  let Lx = f32(P.nx) * P.h;
  let x = (f32(g.x) + 0.5) * P.h;
  let y = (f32(g.y) + 0.5) * P.h;
  let reach = i32(ceil((NUCLEUS_MAX_WIDTHS * P.w + 3.0 * P.w) / P.h));
  let xi0 = xi[k];
  var goal = nucSite[k];
  let j0 = max(i32(g.y) - reach, 0);
  let j1 = min(i32(g.y) + reach, i32(P.ny) - 1);
  let span = min(reach, i32(P.nx) / 2);
  for (var jm = j0; jm <= j1; jm++) {
    for (var di = -span; di <= span; di++) {
      // each column once, also when the window wraps the whole domain
      if (2 * span == i32(P.nx) && di == span) { continue; }
      let im = u32((i32(g.x) + di + i32(P.nx)) % i32(P.nx));
      let m = cellAt(b, im, u32(jm), P.nx, P.ny);
      let R = mark[m];
      if (R <= 0.0) { continue; }
      let site = siteGeometry(b, im, u32(jm), P.nx, P.ny);
      let wall = vec2f((f32(im) + 0.5) * P.h, (f32(jm) + 0.5) * P.h) + 0.5 * P.h * site.n;
      var r = vec2f(x, y) - wall;
      r.x -= Lx * round(r.x / Lx);
      if (dot(r, site.n) > 0.0) { continue; }
      let dist = length(r - site.n * R * site.cosT) - R;
      goal = max(goal, 0.5 * (1.0 - tanh(clamp(dist / (2.0 * P.w), -20.0, 20.0))));
    }
  }
  // the cap's faint tanh tail (below BARE_XI) opens no site: those cells stay bare surface
  if (goal > xi0 && goal >= BARE_XI) { nucSite[k] = goal; }
}
