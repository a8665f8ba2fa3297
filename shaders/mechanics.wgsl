// SEI film mechanics (MODEL.md §6.3): film strain, fracture and repair, the elastic material and the
// mechanical shift. The CPU twin is src/cpu/mechanics.ts (read its header for the model); the elastic
// iterations in between are shaders/elastic.wgsl (src/gpu/elastic.ts). Dispatch z = batch member.
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read> xi: array<f32>;
@group(0) @binding(3) var<storage, read> rate: array<f32>;
// per cell: (film strain ε_f, integrity d, next ε_f, SEI Li bound so far [µm²])
@group(0) @binding(4) var<storage, read_write> film: array<vec4f>;
// per cell (solid, cos θ, i0 factor, mechanical shift Ωσ_h/RT): the live geometry the kinetics read
@group(0) @binding(5) var<storage, read_write> geo: array<vec4f>;
// per cell: film-resistance factor the potential kernels read (= mosaic × integrity), and the mosaic alone
@group(0) @binding(6) var<storage, read_write> sei: array<f32>;
@group(0) @binding(7) var<storage, read> seiBase: array<f32>;
// per workgroup: (SEI Li bound this step, cracks this step, max −σ_h, Σ h'σ_h) and (Σ h', 0, 0, 0)
@group(0) @binding(8) var<storage, read_write> mechPart: array<vec4f>;
@group(0) @binding(9) var<storage, read_write> lam: array<f32>;
@group(0) @binding(10) var<storage, read_write> mu: array<f32>;
@group(0) @binding(11) var<storage, read_write> eig: array<f32>;
@group(0) @binding(12) var<storage, read> u: array<f32>;
// per cell (χ, h', SEI Li bound this step, ·): phaseUpdate's weights, lane z filled by filmAdvance for transportCells
@group(0) @binding(13) var<storage, read_write> cellw: array<vec4f>;
// per member and row (b·ny + j): the part m of the growth eigenstrain the stack takes up (kernel growthRows)
@group(0) @binding(14) var<storage, read_write> rowGrowth: array<f32>;

const FILM_PROFILE_FRACTION: f32 = 0.5;
const FILM_CFL: f32 = 0.5;
// the interface read-out (liSideStress in src/cpu/mechanics.ts)
const LI_SIDE_XI: f32 = 0.95;

var<workgroup> red: array<vec4f, 64>;
var<workgroup> red2: array<f32, 64>;


// ξ at (i, j) of member b: x periodic (i may be −1 or nx), walls mirrored (clamped row)
fn xiAt(b: u32, i: i32, j: i32, nx: u32, ny: u32) -> f32 {
  let ii = u32((i + i32(nx)) % i32(nx));
  let jj = u32(clamp(j, 0, i32(ny) - 1));
  return xi[cellAt(b, ii, jj, nx, ny)];
}

struct FilmGeometry { mag: f32, nx: f32, ny: f32, kappa: f32 }

// |∇ξ|, the Li's outward normal −∇ξ/|∇ξ| and κ = ∇·n from face normals (filmGeometry in src/cpu/mechanics.ts)
fn filmGeometry(b: u32, i: i32, j: i32, nx: u32, ny: u32, h: f32) -> FilmGeometry {
  let gx = (xiAt(b, i + 1, j, nx, ny) - xiAt(b, i - 1, j, nx, ny)) / (2.0 * h);
  let gy = (xiAt(b, i, j + 1, nx, ny) - xiAt(b, i, j - 1, nx, ny)) / (2.0 * h);
  let mag = sqrt(gx * gx + gy * gy);
  var f: array<f32, 4>;
  for (var q = 0; q < 2; q++) {
    let di = q - 1;
    let ax = (xiAt(b, i + di + 1, j, nx, ny) - xiAt(b, i + di, j, nx, ny)) / h;
    let ay = (xiAt(b, i + di, j + 1, nx, ny) + xiAt(b, i + di + 1, j + 1, nx, ny) - xiAt(b, i + di, j - 1, nx, ny) - xiAt(b, i + di + 1, j - 1, nx, ny)) / (4.0 * h);
    f[q] = ax / sqrt(ax * ax + ay * ay + 1e-12);
    let dj = q - 1;
    let by = (xiAt(b, i, j + dj + 1, nx, ny) - xiAt(b, i, j + dj, nx, ny)) / h;
    let bx = (xiAt(b, i + 1, j + dj, nx, ny) + xiAt(b, i + 1, j + dj + 1, nx, ny) - xiAt(b, i - 1, j + dj, nx, ny) - xiAt(b, i - 1, j + dj + 1, nx, ny)) / (4.0 * h);
    f[q + 2] = by / sqrt(bx * bx + by * by + 1e-12);
  }
  let kappa = -(f[1] - f[0] + f[3] - f[2]) / h;
  if (mag > 0.0) { return FilmGeometry(mag, -gx / mag, -gy / mag, kappa); }
  return FilmGeometry(0.0, 0.0, 0.0, 0.0);
}

fn onFilm(x: f32, mag: f32, w: f32) -> bool {
  return x > 0.002 && x < 0.998 && mag >= FILM_PROFILE_FRACTION * x * (1.0 - x) / w;
}

// Film strain: upwind transport at v_n n, stretching v_n κ, healing, fracture; SEI Li (filmAdvance in src/cpu/mechanics.ts)
@compute @workgroup_size(8, 8)
fn filmAdvance(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
               @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  var part = vec4f(0.0);
  // no film without an SEI (seiFrac = 0: the mechanics run for a growth strain alone)
  if (g.x < P.nx && g.y < P.ny && st.done == 0u && P.mechOn != 0u && P.seiFrac > 0.0) {
    let i = g.x;
    let j = g.y;
    let k = cellAt(b, i, j, P.nx, P.ny);
    let e = film[k];
    var eNew = e.x;
    if (geo[k].x <= 0.5) {
      let fg = filmGeometry(b, i32(i), i32(j), P.nx, P.ny, P.h);
      if (onFilm(xi[k], fg.mag, P.w)) {
        let dt = st.dt;
        let heal = dt * P.healRate;
        let kappa = clamp(fg.kappa, -1.0 / P.w, 1.0 / P.w);
        let vmax = FILM_CFL * P.h / dt;
        let vn = clamp(rate[k] / fg.mag, -vmax, vmax);
        let vx = vn * fg.nx;
        let vy = vn * fg.ny;
        let ew = film[cellAt(b, westOf(i, P.nx), j, P.nx, P.ny)].x;
        let ee = film[cellAt(b, eastOf(i, P.nx), j, P.nx, P.ny)].x;
        var es = e.x;
        var en = e.x;
        if (j > 0u) { es = film[k - P.nx].x; }
        if (j + 1u < P.ny) { en = film[k + P.nx].x; }
        let dex = select((ee - e.x) / P.h, (e.x - ew) / P.h, vx > 0.0);
        let dey = select((en - e.x) / P.h, (e.x - es) / P.h, vy > 0.0);
        let stretched = max(e.x - dt * (vx * dex + vy * dey) + dt * vn * kappa, 0.0);
        let relaxed = stretched / (1.0 + heal);
        var dNew = (e.y + heal) / (1.0 + heal);
        eNew = relaxed;
        var cracked = 0.0;
        if (relaxed >= P.crackStrain && dNew > 0.5) {
          dNew = 0.0;
          eNew = 0.0;
          cracked = 1.0;
        }
        let bound = (stretched - relaxed + max(dNew - e.y, 0.0)) * fg.mag * P.h * P.h * P.seiLiPerLength;
        film[k] = vec4f(e.x, dNew, eNew, e.w + bound);
        sei[k] = seiBase[k] * dNew;
        // this step's SEI Li for the transport's salt sink (lane z of phaseUpdate's (χ, h', 0, 0))
        cellw[k].z = bound;
        part = vec4f(bound, cracked, 0.0, 0.0);
      } else {
        film[k].z = eNew;
      }
    } else {
      film[k].z = eNew;
    }
  }
  red[li] = part;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    mechPart[2u * (b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx))] = red[0];
  }
}

@compute @workgroup_size(8, 8)
fn filmCommit(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny || state[b].done != 0u || P.mechOn == 0u || P.seiFrac <= 0.0) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  film[k].x = film[k].z;
}

// Per member: the SEI Li of this step as a Σ R-equivalent rate for the next drive, totals of SEI Li and cracks
@compute @workgroup_size(64)
fn filmSum(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let P = params[b];
  let count = groupsPerSim(P.nx, P.ny);
  var acc = vec4f(0.0);
  for (var q = li; q < count; q += 64u) { acc += mechPart[2u * (b * count + q)]; }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li != 0u || state[b].done != 0u || P.mechOn == 0u) { return; }
  state[b].seiRate = red[0].x / (state[b].dt * P.h * P.h);
  state[b].seiLi += red[0].x;
  state[b].cracks += red[0].y;
}

fn cellModuli(P: Params, x: f32, solid: f32, integrity: f32) -> vec3f {
  if (solid > 0.5) { return vec3f(P.hostLam, P.hostMu, 0.0); }
  let hL = hInterp(x);
  let fS = min(P.seiFrac * seiBand(x) * integrity, 1.0 - hL);
  let fE = max(1.0 - hL - fS, 0.0);
  return vec3f(hL * P.liLam + fS * P.seiLam + fE * P.elLam, hL * P.liMu + fS * P.seiMu + fE * P.elMu, fS);
}

fn planeModulus(l: f32, m: f32) -> f32 {
  return 4.0 * m * (l + m) / (l + 2.0 * m);
}

// The Li's share h E'_Li/E'_cell of a cell's stiffness, 0 in the host (liShare in src/cpu/mechanics.ts)
fn liShare(P: Params, x: f32, solid: f32, l: f32, m: f32) -> f32 {
  if (solid > 0.5) { return 0.0; }
  return hInterp(x) * planeModulus(P.liLam, P.liMu) / planeModulus(l, m);
}

// One workgroup per row j = wg.x + 256·wg.y (a grid of 256 × ⌈ny/256⌉ stays within the per-dimension
// dispatch limit) and member: the (λ+2μ)-weighted row mean of ε_g·liShare that the stack
// takes up (growthMean in src/cpu/mechanics.ts), once per step for mechMaterials and mechShift
@compute @workgroup_size(64)
fn growthRows(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let j = wg.x + 256u * wg.y;
  let P = params[b];
  var acc = vec4f(0.0);
  if (j < P.ny && P.growthStrain > 0.0) {
    for (var q = li; q < P.nx; q += 64u) {
      let kq = cellAt(b, q, j, P.nx, P.ny);
      let c = cellModuli(P, xi[kq], geo[kq].x, film[kq].y);
      acc += vec4f((c.x + 2.0 * c.y) * liShare(P, xi[kq], geo[kq].x, c.x, c.y), c.x + 2.0 * c.y, 0.0, 0.0);
    }
  }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li != 0u || j >= P.ny) { return; }
  rowGrowth[b * P.ny + j] = select(0.0, P.growthStrain * red[0].x / red[0].y, P.growthStrain > 0.0);
}

fn growthMean(b: u32, j: u32, P: Params) -> f32 {
  return rowGrowth[b * P.ny + j];
}

// Growth eigenstrain ε*_yy = ε_g·liShare − m of a cell (growthEigen in src/cpu/mechanics.ts)
fn growthEigen(P: Params, x: f32, solid: f32, l: f32, m: f32, mean: f32) -> f32 {
  if (P.growthStrain <= 0.0) { return 0.0; }
  return P.growthStrain * liShare(P, x, solid, l, m) - mean;
}

// ε*_yy of cell (i, j) from the moduli buffers
fn growthAt(b: u32, i: u32, j: u32, P: Params) -> f32 {
  let k = cellAt(b, i, j, P.nx, P.ny);
  return growthEigen(P, xi[k], geo[k].x, lam[k], mu[k], growthMean(b, j, P));
}

// The growth eigenstrain the cell's central ∂y u_y answers to: the mean of its two y faces'
// (λ+2μ)-weighted eigenstrains, a wall face the cell's own (growthAtCell in src/cpu/mechanics.ts)
fn growthAtCell(b: u32, i: u32, j: u32, P: Params) -> f32 {
  if (P.growthStrain <= 0.0) { return 0.0; }
  let k = cellAt(b, i, j, P.nx, P.ny);
  let g = growthAt(b, i, j, P);
  let mk = lam[k] + 2.0 * mu[k];
  var south = g;
  var north = g;
  if (j > 0u) {
    let ks = cellAt(b, i, j - 1u, P.nx, P.ny);
    let ms = lam[ks] + 2.0 * mu[ks];
    south = (ms * growthAt(b, i, j - 1u, P) + mk * g) / (ms + mk);
  }
  if (j + 1u < P.ny) {
    let kn = cellAt(b, i, j + 1u, P.nx, P.ny);
    let mn = lam[kn] + 2.0 * mu[kn];
    north = (mk * g + mn * growthAt(b, i, j + 1u, P)) / (mk + mn);
  }
  return 0.5 * (south + north);
}

// Moduli, the growth eigenstrain and the film eigenstrain −ε_f f_S E'_S/E'_cell t⊗t into the elastic solver's buffers
@compute @workgroup_size(8, 8)
fn mechMaterials(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  let N = P.nx * P.ny * MAX_BATCH;
  let f = film[k];
  let m = cellModuli(P, xi[k], geo[k].x, f.y);
  lam[k] = m.x;
  mu[k] = m.y;
  var ex = 0.0;
  var ey = growthEigen(P, xi[k], geo[k].x, m.x, m.y, growthMean(b, g.y, P));
  var exy = 0.0;
  if (m.z > 0.0 && f.x > 0.0) {
    let fg = filmGeometry(b, i32(g.x), i32(g.y), P.nx, P.ny, P.h);
    if (onFilm(xi[k], fg.mag, P.w)) {
      let s = -f.x * m.z * planeModulus(P.seiLam, P.seiMu) / planeModulus(m.x, m.y);
      ex = s * fg.ny * fg.ny;
      ey += s * fg.nx * fg.nx;
      exy = -s * fg.nx * fg.ny;
    }
  }
  eig[k] = ex;
  eig[N + k] = ey;
  eig[2u * N + k] = exy;
}

// σ_h = K (tr ε − ε*_growth) of the own matrix of non-solid cell (i, j), capped at the yield strength
fn ownStress(b: u32, i: u32, j: u32, P: Params) -> f32 {
  let k = cellAt(b, i, j, P.nx, P.ny);
  let n = P.nx * P.ny;
  let ox = 2u * b * n;
  let oy = ox + n;
  let c = j * P.nx + i;
  var uyN = -u[oy + c];
  var uyS = -u[oy + c];
  if (j + 1u < P.ny) { uyN = u[oy + c + P.nx]; }
  if (j > 0u) { uyS = u[oy + c - P.nx]; }
  let tr = (u[ox + j * P.nx + eastOf(i, P.nx)] - u[ox + j * P.nx + westOf(i, P.nx)] + uyN - uyS) / (2.0 * P.h);
  return clamp((lam[k] + (2.0 / 3.0) * mu[k]) * (tr - growthAtCell(b, i, j, P)), -P.yieldGPa, P.yieldGPa);
}

// The Li's σ_h as non-solid cell (i0, j0) reads it (liSideStress in src/cpu/mechanics.ts): its own
// outside the band; in the band, bilinear in the cells' own σ_h (solid cells left out) at the point
// along −n where the equilibrium profile reaches LI_SIDE_XI, half a cell further in
fn liSideStress(b: u32, i0: u32, j0: u32, P: Params) -> f32 {
  let x = xi[cellAt(b, i0, j0, P.nx, P.ny)];
  if (!(x > 0.002 && x < LI_SIDE_XI)) { return ownStress(b, i0, j0, P); }
  let fg = filmGeometry(b, i32(i0), i32(j0), P.nx, P.ny, P.h);
  if (fg.mag <= 0.0) { return ownStress(b, i0, j0, P); }
  let dist = 2.0 * P.w * (atanh(1.0 - 2.0 * x) - atanh(1.0 - 2.0 * LI_SIDE_XI)) + 0.5 * P.h;
  // the point in cell-centre coordinates
  let px = f32(i0) - fg.nx * dist / P.h;
  let py = clamp(f32(j0) - fg.ny * dist / P.h, 0.0, f32(P.ny) - 1.0);
  let fx = floor(px);
  let fy = min(floor(py), f32(P.ny) - 2.0);
  let tx = px - fx;
  let ty = py - fy;
  var acc = 0.0;
  var wsum = 0.0;
  for (var c = 0u; c < 4u; c++) {
    let di = c & 1u;
    let dj = c >> 1u;
    let ii = u32(((i32(fx) + i32(di)) % i32(P.nx) + i32(P.nx)) % i32(P.nx));
    let jj = u32(i32(fy) + i32(dj));
    let wgt = select(1.0 - tx, tx, di == 1u) * select(1.0 - ty, ty, dj == 1u);
    if (geo[cellAt(b, ii, jj, P.nx, P.ny)].x <= 0.5 && wgt > 0.0) {
      acc += wgt * ownStress(b, ii, jj, P);
      wsum += wgt;
    }
  }
  return select(ownStress(b, i0, j0, P), acc / wsum, wsum > 0.0);
}

// The Li's σ_h as the kinetics read it (interface cells on their Li side) → geo.w = Ωσ_h/RT; per
// workgroup the largest compression and the h'-weighted mean at the interface
@compute @workgroup_size(8, 8)
fn mechShift(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
             @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  var part = vec4f(0.0);
  var wsum = 0.0;
  if (g.x < P.nx && g.y < P.ny && state[b].done == 0u && P.mechOn != 0u) {
    let k = cellAt(b, g.x, g.y, P.nx, P.ny);
    if (geo[k].x > 0.5) {
      geo[k].w = 0.0;
    } else {
      let sh = liSideStress(b, g.x, g.y, P);
      geo[k].w = P.mechScale * sh;
      let hp = hPrime(xi[k]);
      if (hp > 0.1) { part = vec4f(0.0, 0.0, -sh, hp * sh); }
      wsum = hp * f32(hp > 0.1);
    }
  }
  red[li] = part;
  red2[li] = wsum;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let o = red[li + s];
      red[li] = vec4f(0.0, 0.0, max(red[li].z, o.z), red[li].w + o.w);
      red2[li] += red2[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let q = 2u * (b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx));
    mechPart[q + 1u] = vec4f(red2[0], red[0].z, red[0].w, 0.0);
  }
}

// Per member: the largest interface compression [GPa] and the h'-weighted mean interface σ_h of the last solve
@compute @workgroup_size(64)
fn mechSum(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let P = params[b];
  let count = groupsPerSim(P.nx, P.ny);
  var acc = vec4f(0.0);
  for (var q = li; q < count; q += 64u) {
    let o = mechPart[2u * (b * count + q) + 1u];
    acc = vec4f(acc.x + o.x, max(acc.y, o.y), acc.z + o.z, 0.0);
  }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let o = red[li + s];
      red[li] = vec4f(red[li].x + o.x, max(red[li].y, o.y), red[li].z + o.z, 0.0);
    }
    workgroupBarrier();
  }
  if (li != 0u || state[b].done != 0u || P.mechOn == 0u) { return; }
  state[b].stressMax = red[0].y;
  state[b].stressMean = select(0.0, red[0].z / red[0].x, red[0].x > 0.0);
}
