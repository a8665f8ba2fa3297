// Phase field ξ: anisotropic Allen–Cahn + Butler–Volmer kinetics + Langevin noise (MODEL.md §2),
// explicit in time. The CPU twin is src/cpu/solver.ts (same kernel names).
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read_write> xi: array<f32>;
@group(0) @binding(3) var<storage, read> conc: array<f32>;
@group(0) @binding(4) var<storage, read> phi: array<f32>;
// per cell: (ε², εε'∂yξ, εε'∂xξ, R_ac) — anisotropy writes xyz, rateTerms writes w; phaseUpdate
// then leaves (χⁿ = 1 − h(ξⁿ) floored, h'(ξⁿ), 0, 0) for the binary salt balance
@group(0) @binding(5) var<storage, read_write> cellw: array<vec4f>;
@group(0) @binding(6) var<storage, read_write> rate: array<f32>;
// per workgroup partial sums: (Σ R_ac, Σ S_a, Σ S_c, 0) and (max |R|, max stiffness, Σ R, 0)
@group(0) @binding(7) var<storage, read_write> partSum: array<vec4f>;
@group(0) @binding(8) var<storage, read_write> partMax: array<vec4f>;
// ∂R/∂φ_l (binary): the kinetics linearised into the potential solve
@group(0) @binding(9) var<storage, read_write> gain: array<f32>;
// open nucleation sites (shaders/nucleation.wgsl): the ξ of the cap a cell fills to, 0 for none
@group(0) @binding(12) var<storage, read_write> nucSite: array<f32>;
// per cell: (solid, cos θ, i0 factor, mechanical shift Ωσ_h/RT), src/model/geometry.ts and shaders/mechanics.wgsl
@group(0) @binding(10) var<storage, read> geo: array<vec4f>;
// per member: (any nucleus this step, nuclei so far); drive clears the first for the next step
@group(0) @binding(11) var<storage, read_write> nucCount: array<atomic<u32>>;
// thin_interface: the linearly implicit ξ step's system b ξ − ∇·(a∇ξ) = f, solved in place (u = xi)
@group(0) @binding(13) var<storage, read_write> xiBd: array<f32>;
@group(0) @binding(14) var<storage, read_write> xiRhs: array<f32>;
@group(0) @binding(15) var<storage, read_write> xiAx: array<f32>;
@group(0) @binding(16) var<storage, read_write> xiAy: array<f32>;

var<workgroup> red: array<vec4f, 64>;
var<workgroup> redAbs: array<f32, 64>;
var<workgroup> redW: array<f32, 64>;
var<workgroup> doneFlag: u32;


fn mirrored(k: u32, m: u32) -> f32 {
  return select(xi[m], xi[k], geo[m].x > 0.5);
}

const H_PRIME_MAX: f32 = 1.875;

// Weight of the Butler–Volmer term: h'(ξ), or h'_max in an open nucleation site (kineticWeight in src/cpu/solver.ts)
fn kineticWeight(x: f32, site: f32) -> f32 {
  if (site > 0.0) { return H_PRIME_MAX; }
  return hPrime(x);
}

// Laplacian flux through the face to cell m: the Cahn wetting condition at a solid face (ghost
// value ξ + h·cos θ·ξ(1 − ξ)/w, see CpuSolver.rateTerms), else the usual difference.
fn faceFlux(k: u32, m: u32, e2k: f32, x: f32, wet: f32) -> f32 {
  if (geo[m].x > 0.5) { return e2k * geo[m].y * wet; }
  return 0.5 * (e2k + cellw[m].x) * (xi[m] - x);
}

// Kobayashi (1993) anisotropy: √κ(ψ) = ε0 [1 + δ cos ω(ψ − ψ0)], ψ the angle of ∇ξ. Values are
// relative to ε0² (the rate multiplies by Lσκ0).
@compute @workgroup_size(8, 8)
fn anisotropy(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny || state[b].done != 0u) { return; }
  let i = g.x;
  let j = g.y;
  let k = cellAt(b, i, j, P.nx, P.ny);
  if (P.thin != 0u) {
    normals(b, i, j, k, P);
    return;
  }
  if (geo[k].x > 0.5) {
    cellw[k] = vec4f(1.0, 0.0, 0.0, 0.0);
    return;
  }
  // solid neighbours and the collector: mirrored (the wetting flux enters in rateTerms)
  let e = mirrored(k, cellAt(b, eastOf(i, P.nx), j, P.nx, P.ny));
  let w = mirrored(k, cellAt(b, westOf(i, P.nx), j, P.nx, P.ny));
  var s = xi[k];
  if (j > 0u) { s = mirrored(k, k - P.nx); }
  var n = 0.0;
  if (j + 1u < P.ny) { n = mirrored(k, k + P.nx); }
  let gx = (e - w) / (2.0 * P.h);
  let gy = (n - s) / (2.0 * P.h);
  var eps = 1.0;
  var epsP = 0.0;
  if (gx * gx + gy * gy > ANISO_GRAD2_MIN && P.delta > 0.0) {
    let arg = P.omega * (atan2(gy, gx) - P.psi0);
    eps = 1.0 + P.delta * cos(arg);
    epsP = -P.delta * P.omega * sin(arg);
  }
  cellw[k] = vec4f(eps * eps, eps * epsP * gy, eps * epsP * gx, 0.0);
}

// thin_interface: the unit normal ∇ψ/|∇ψ| (into the metal) in cellw.yz, cellw.x = 1 (CpuSolver.normals)
fn normals(b: u32, i: u32, j: u32, k: u32, P: Params) {
  if (geo[k].x > 0.5) {
    cellw[k] = vec4f(1.0, 0.0, 0.0, 0.0);
    return;
  }
  let e = profilePsi(mirrored(k, cellAt(b, eastOf(i, P.nx), j, P.nx, P.ny)));
  let w = profilePsi(mirrored(k, cellAt(b, westOf(i, P.nx), j, P.nx, P.ny)));
  var s = profilePsi(xi[k]);
  if (j > 0u) { s = profilePsi(mirrored(k, k - P.nx)); }
  var n = profilePsi(0.0);
  if (j + 1u < P.ny) { n = profilePsi(mirrored(k, k + P.nx)); }
  let gx = (e - w) / (2.0 * P.h);
  let gy = (n - s) / (2.0 * P.h);
  let len = sqrt(gx * gx + gy * gy);
  var nrm = vec2f(0.0);
  if (len > 1e-6) { nrm = vec2f(gx, gy) / len; }
  cellw[k] = vec4f(1.0, nrm.x, nrm.y, 0.0);
}

// ξ at column ii, row jj seen from cell k: the collector mirrors (row 0), a solid cell mirrors ξ_k,
// the reservoir is 0 (tangentialSecond)
fn xiSeen(b: u32, k: u32, ii: u32, jj: i32, P: Params) -> f32 {
  if (jj >= i32(P.ny)) { return 0.0; }
  let m = cellAt(b, ii, u32(max(jj, 0)), P.nx, P.ny);
  return mirrored(k, m);
}

// h²ξ_tt = h² t̂ᵀ(∇∇ξ)t̂ from the Laplacian's three-point differences (CpuSolver.tangentialSecond)
fn tangentialSecond(b: u32, i: u32, j: u32, k: u32, P: Params) -> f32 {
  let ip = eastOf(i, P.nx);
  let im = westOf(i, P.nx);
  let jj = i32(j);
  let c0 = xi[k];
  let xx = xiSeen(b, k, ip, jj, P) - 2.0 * c0 + xiSeen(b, k, im, jj, P);
  let yy = xiSeen(b, k, i, jj + 1, P) - 2.0 * c0 + xiSeen(b, k, i, jj - 1, P);
  let xy = 0.25 * (xiSeen(b, k, ip, jj + 1, P) - xiSeen(b, k, ip, jj - 1, P) - xiSeen(b, k, im, jj + 1, P) + xiSeen(b, k, im, jj - 1, P));
  let nX = cellw[k].y;
  let nY = cellw[k].z;
  return nY * nY * xx - 2.0 * nX * nY * xy + nX * nX * yy;
}

// c̃ and φ̃ at the interface seen from cell k (CpuSolver.contourSample): the ξ = ½ contour lies at the
// distance −wψ along the normal, on the electrolyte side; bilinear over the fluid cells
fn contourSample(b: u32, i: u32, j: u32, k: u32, P: Params) -> vec2f {
  let s = max(-P.w * profilePsi(xi[k]) / P.h, 0.0);
  let nrm = cellw[k].yz;
  let px = f32(i) + s * nrm.x;
  let py = clamp(f32(j) + s * nrm.y, 0.0, f32(P.ny - 1u));
  let fi = floor(px);
  let j0 = u32(max(min(floor(py), f32(P.ny) - 2.0), 0.0));
  let fx = px - fi;
  let fy = py - f32(j0);
  let n = i32(P.nx);
  let i0 = i32(fi);
  var sc = 0.0;
  var sp = 0.0;
  var ws = 0.0;
  for (var q = 0u; q < 4u; q++) {
    let ii = u32(((i0 + i32(q & 1u)) % n + n) % n);
    let m = cellAt(b, ii, min(j0 + (q >> 1u), P.ny - 1u), P.nx, P.ny);
    if (geo[m].x > 0.5) { continue; }
    let wq = select(1.0 - fx, fx, (q & 1u) == 1u) * select(1.0 - fy, fy, (q >> 1u) == 1u);
    sc += wq * conc[m];
    sp += wq * phi[m];
    ws += wq;
  }
  if (ws > 1e-6) { return vec2f(sc, sp) / ws; }
  return vec2f(conc[k], phi[k]);
}

// normal component of cell m seen from k: a solid neighbour mirrors k's
fn normalSeen(k: u32, m: u32) -> vec2f {
  if (geo[m].x > 0.5) { return cellw[k].yz; }
  return cellw[m].yz;
}

// Conserved Langevin noise (see faceNoise in src/cpu/solver.ts): a random flux on the x-face
// between kWest and kEast, weighted by the interface; zero sum along every row.
fn faceNoise(seed: u32, step: u32, kEast: u32, kWest: u32, base: u32) -> f32 {
  let w = 0.5 * (interfaceWeight(xi[kWest]) + interfaceWeight(xi[kEast]));
  return w * (2.0 * rand01(seed, step, kEast - base) - 1.0) * 0.70710678;
}

// R_ac = Lσκ0 [∇·(ε²∇ξ) − ∂x(εε'∂yξ) + ∂y(εε'∂xξ)] − LσW g'(ξ), the noise, and the Butler–Volmer
// pieces S_a = Lη h' e^{(1−α)δ}, S_c = Lη h' c̃ e^{−αδ} with η = φ_s + δ (binary: δ = −φ_l;
// chen2015: δ = φ − φ_ref), summed per workgroup for the galvanostatic solve.
@compute @workgroup_size(8, 8)
fn rateTerms(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
             @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  var sums = vec4f(0.0);
  if (g.x < P.nx && g.y < P.ny && st.done == 0u) {
    let i = g.x;
    let j = g.y;
    let k = cellAt(b, i, j, P.nx, P.ny);
    let ie = cellAt(b, eastOf(i, P.nx), j, P.nx, P.ny);
    let iw = cellAt(b, westOf(i, P.nx), j, P.nx, P.ny);
    let x = xi[k];
    let cw = cellw[k];
    let solid = geo[k].x > 0.5;
    let wet = x * (1.0 - x) * P.h / P.w;
    if (P.thin != 0u) {
      sums = rateTermsThin(b, i, j, k, ie, iw, P, st, x, wet, solid);
    } else {
    var lap = faceFlux(k, ie, cw.x, x, wet) + faceFlux(k, iw, cw.x, x, wet);
    var bS = cw.z;
    var bN = 0.0;
    if (j > 0u) {
      lap += faceFlux(k, k - P.nx, cw.x, x, wet);
      bS = cellw[k - P.nx].z;
    } else {
      lap += cw.x * geo[k].y * wet;
    }
    if (j + 1u < P.ny) {
      lap += faceFlux(k, k + P.nx, cw.x, x, wet);
      bN = cellw[k + P.nx].z;
    } else {
      lap += cw.x * (0.0 - x);
    }
    let cross = (-(cellw[ie].y - cellw[iw].y) + (bN - bS)) / (2.0 * P.h);
    var rac = P.LsK * (lap / (P.h * P.h) + cross) - P.LsW * wellPrime(x);
    var noise = 0.0;
    // host cells carry nothing; an open nucleation site fills by deposition alone
    let site = nucSite[k];
    if (solid || site > 0.0) { rac = 0.0; }
    if (P.noiseA > 0.0 && !solid && site <= 0.0) {
      let scale = P.noiseA * sqrt(3.0) / sqrt(st.dt);
      let base = b * P.nx * P.ny;
      noise = scale * (faceNoise(P.seed, st.step, k, iw, base) - faceNoise(P.seed, st.step, ie, k, base));
    }
    cellw[k].w = rac;
    rate[k] = noise; // read back by phaseUpdate, which then overwrites it with R
    // geo.w: the mechanical shift Ωσ_h/RT (shaders/mechanics.wgsl): the kinetics see η − Ωσ_h/F
    var delta = -phi[k] - geo[k].w;
    if (onePotential(P)) { delta = phi[k] - st.phiRef; }
    var hp = P.Leta * geo[k].z * kineticWeight(x, site);
    if (solid) { hp = 0.0; }
    sums = vec4f(rac, hp * clampedExp((1.0 - P.alpha) * delta), hp * cathodicConc(P, x, conc[k]) * clampedExp(-P.alpha * delta), 0.0);
    }
  }
  red[li] = sums;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) {
    partSum[b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx)] = red[0];
  }
}

// thin_interface (CpuSolver.rateTermsThin): curvature K = −∇·n̂ clamped to ±1/h, the Gibbs–Thomson shift
// gtCap·a(θ)·K in cellw.x (SITE_MARK at an open site), and in cellw.w the explicit part of the ξ rate:
// LsK(wetting fluxes − ξ_tt)/h² − LsW g'(ξ) + noise. Returns (0, S_a, S_c): only Butler–Volmer passes current.
fn rateTermsThin(b: u32, i: u32, j: u32, k: u32, ie: u32, iw: u32, P: Params, st: State, x: f32, wet: f32, solid: bool) -> vec4f {
  if (solid) {
    cellw[k].x = 0.0;
    cellw[k].w = 0.0;
    return vec4f(0.0);
  }
  var wetSum = 0.0;
  if (geo[ie].x > 0.5) { wetSum += geo[ie].y * wet; }
  if (geo[iw].x > 0.5) { wetSum += geo[iw].y * wet; }
  let own = cellw[k].yz;
  var nS = own.y;
  var nN = own.y;
  if (j == 0u) {
    wetSum += geo[k].y * wet;
  } else {
    if (geo[k - P.nx].x > 0.5) { wetSum += geo[k - P.nx].y * wet; }
    nS = normalSeen(k, k - P.nx).y;
  }
  if (j + 1u < P.ny) {
    if (geo[k + P.nx].x > 0.5) { wetSum += geo[k + P.nx].y * wet; }
    nN = normalSeen(k, k + P.nx).y;
  }
  let divN = (normalSeen(k, ie).x - normalSeen(k, iw).x + nN - nS) / (2.0 * P.h);
  let K = clamp(-divN, -1.0 / P.h, 1.0 / P.h);
  let site = nucSite[k] > 0.0;
  var gt = P.gtCap * stiffnessFactor(P.delta, P.omega, P.psi0, own.x, own.y) * K;
  var e = P.LsK * (wetSum - tangentialSecond(b, i, j, k, P)) / (P.h * P.h) - P.LsW * wellPrime(x);
  var noise = 0.0;
  if (P.noiseA > 0.0 && !site) {
    let scale = P.noiseA * sqrt(3.0) / sqrt(st.dt);
    let base = b * P.nx * P.ny;
    noise = scale * (faceNoise(P.seed, st.step, k, iw, base) - faceNoise(P.seed, st.step, ie, k, base));
  }
  var sample = vec2f(conc[k], phi[k]);
  if (!site) { sample = contourSample(b, i, j, k, P); }
  var delta = -sample.y - geo[k].w;
  if (onePotential(P)) { delta = sample.y - st.phiRef; }
  if (site) {
    gt = SITE_MARK;
    e = 0.0;
  } else {
    delta += gt;
  }
  cellw[k].x = gt;
  cellw[k].w = e + noise;
  // an open site only plates (phaseMatrix): while the drive strips it is out of the drive's sums (CpuSolver.rateTermsThin)
  var hp = P.Leta * geo[k].z * thinWeight(x, site);
  if (site && P.jTarget < 0.0) { hp = 0.0; }
  return vec4f(0.0, hp * clampedExp((1.0 - P.alpha) * delta), hp * sample.x * clampedExp(-P.alpha * delta), 0.0);
}

// Electrode potential for this step: the applied one, or (galvanostatic) the one for which
// Σ R = j̃ Lx / h² (MODEL.md §5). One workgroup per simulation.
@compute @workgroup_size(64)
fn drive(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let P = params[b];
  let count = groupsPerSim(P.nx, P.ny);
  var acc = vec4f(0.0);
  for (var q = li; q < count; q += 64u) { acc += partSum[b * count + q]; }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li != 0u || state[b].done != 0u) { return; }
  atomicStore(&nucCount[2u * b], 0u);
  let sAc = red[0].x;
  let sA = red[0].y;
  let sC = red[0].z;
  state[b].limitHit = 0.0;
  if (P.drive != DRIVE_GALVANOSTATIC) {
    state[b].phiS = P.phiApplied;
    return;
  }
  // less the current that went into SEI re-formation last step (shaders/mechanics.wgsl)
  // (thin_interface: plus what the last step plated short of its goal, CpuSolver.drive)
  let goal = P.jTarget * f32(P.nx) / P.h - state[b].seiRate + state[b].debt / state[b].dt;
  let a = P.alpha;
  // the double layer carries −cap·(φ − φ_prev) (solveElectrodePotential in src/cpu/terms.ts)
  let cap = P.cdl * f32(P.nx) / (P.h * state[b].dt);
  let prev = state[b].phiS;
  let gLo = sAc - exp(-(1.0 - a) * P.phiMax) * sA + exp(a * P.phiMax) * sC - cap * (-P.phiMax - prev) - goal;
  let gHi = sAc - exp((1.0 - a) * P.phiMax) * sA + exp(-a * P.phiMax) * sC - cap * (P.phiMax - prev) - goal;
  if (gLo < 0.0) {
    state[b].phiS = -P.phiMax;
    state[b].limitHit = 1.0;
    return;
  }
  if (gHi > 0.0) {
    state[b].phiS = P.phiMax;
    state[b].limitHit = 1.0;
    return;
  }
  var lo = -P.phiMax;
  var hi = P.phiMax;
  var p = clamp(state[b].phiS, lo, hi);
  for (var it = 0; it < 60; it++) {
    let ea = exp((1.0 - a) * p);
    let ec = exp(-a * p);
    let gv = sAc - ea * sA + ec * sC - cap * (p - prev) - goal;
    if (gv > 0.0) { lo = p; } else { hi = p; }
    let dg = -(1.0 - a) * ea * sA - a * ec * sC - cap;
    var next = p - gv / dg;
    if (!(next > lo && next < hi)) { next = 0.5 * (lo + hi); }
    if (abs(next - p) < 1e-5) {
      p = next;
      break;
    }
    p = next;
  }
  state[b].phiS = p;
}

// ξ ← ξ + dt R, R = R_ac − Lη h'(ξ) [e^{(1−α)η} − c̃ e^{−αη}], and the per-workgroup max |R|,
// explicit stiffness and Σ R for the time-step control and the current.
@compute @workgroup_size(8, 8)
fn phaseUpdate(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
               @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  var m = vec4f(0.0);
  var absWR = 0.0;
  if (g.x < P.nx && g.y < P.ny && st.done == 0u) {
    let k = cellAt(b, g.x, g.y, P.nx, P.ny);
    let x = xi[k];
    if (geo[k].x > 0.5) {
      // host skeleton: never Li, no reaction, no salt beyond the floor
      rate[k] = 0.0;
      gain[k] = 0.0;
      cellw[k] = vec4f(P.sigFloor, 0.0, 0.0, 0.0);
    } else {
      var delta = -phi[k] - geo[k].w;
      if (onePotential(P)) { delta = phi[k] - st.phiRef; }
      let eta = clamp(st.phiS + delta, -EXP_CLAMP, EXP_CLAMP);
      let ea = exp((1.0 - P.alpha) * eta);
      let ec = cathodicConc(P, x, conc[k]) * exp(-P.alpha * eta);
      let bracket = ea - ec;
      let cw = cellw[k];
      let Lk = P.Leta * geo[k].z;
      let site = nucSite[k];
      let hw = kineticWeight(x, site);
      // an open site has no Li to dissolve: it only plates
      let stripOff = site > 0.0 && bracket > 0.0;
      var r = cw.w;
      if (!stripOff) { r -= Lk * hw * bracket; }
      let noise = rate[k];
      rate[k] = r;
      var gk = 0.0;
      if (!onePotential(P) && !stripOff) { gk = Lk * hw * ((1.0 - P.alpha) * ea + P.alpha * ec); }
      gain[k] = gk;
      let next = x + st.dt * (r + noise);
      xi[k] = next;
      // a site cell that reached its cap is ordinary interface from now on
      if (site > 0.0 && next >= site) { nucSite[k] = 0.0; }
      // explicit stability of ξ, and positivity of c̃ under the explicit binary sink (sinkStiffness in src/cpu/solver.ts)
      var sink = 3.0 * P.gammaSrc * P.CsOverC0 * abs(r) / max(conc[k], SINK_CONC_FLOOR);
      var lanes = vec2f(hw, 0.0);
      // hong2018: its Patankar split is made in transportCells (it needs the sink's spread q)
      if (onePotential(P)) { sink = 0.0; }
      if (P.transport == TRANSPORT_CHEN2015) {
        // the sink γ(C_s/c0)R taken as (R/c̃ⁿ)·c̃ⁿ⁺¹ where R > 0 (Patankar; CpuSolver.phaseUpdate):
        // lanes (kinA, kinC) for transportCells and transportBack, c̃ ≥ 0 at any dt
        if (r > 0.0) { lanes = vec2f(0.0, r / max(conc[k], CONTOUR_CONC_FLOOR)); } else { lanes = vec2f(-r, 0.0); }
      }
      // hong2018: the cathodic branch reads c̃(1 − h(ξ)), so ∂R/∂ξ gains Lη h'·h'c̃e^{−αη} (CpuSolver.phaseUpdate)
      var hongSlope = 0.0;
      if (P.transport == TRANSPORT_HONG2018) { hongSlope = Lk * hw * hPrime(x) * conc[k] * exp(-P.alpha * eta); }
      let stiff = max(8.0 * P.LsK * cw.x / (P.h * P.h) + 2.0 * P.LsW + Lk * abs(hSecond(x) * bracket) + hongSlope, sink);
      m = vec4f(abs(r + noise), stiff, r, hw * r);
      absWR = abs(hw * r);
      cellw[k] = vec4f(max(liquidH(x), P.sigFloor), lanes.x, 0.0, lanes.y);
    }
  }
  red[li] = m;
  redAbs[li] = absWR;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let o = red[li + s];
      red[li] = vec4f(max(red[li].x, o.x), max(red[li].y, o.y), red[li].z + o.z, red[li].w + o.w);
      redAbs[li] += redAbs[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    // two vec4 per workgroup: (max |R|, max stiffness, Σ R, Σ wR), (Σ |wR|, 0, 0, 0)
    let q = 2u * (b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx));
    partMax[q] = red[0];
    partMax[q + 1u] = vec4f(redAbs[0], 0.0, 0.0, 0.0);
  }
}

// q of the binary salt sink γ(C_s/c0)·(wR + q|wR|) (see transport.wgsl, sinkSpread in common.wgsl).
// One workgroup per simulation.
@compute @workgroup_size(64)
fn sinkSpread(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let P = params[b];
  let count = groupsPerSim(P.nx, P.ny);
  var acc = vec4f(0.0);
  for (var q = li; q < count; q += 64u) {
    let o = partMax[2u * (b * count + q)];
    acc += vec4f(0.0, partMax[2u * (b * count + q) + 1u].x, o.z, o.w);
  }
  red[li] = acc;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { red[li] += red[li + s]; }
    workgroupBarrier();
  }
  if (li != 0u || state[b].done != 0u) { return; }
  if (P.thin != 0u) {
    // thin_interface: the relaxation's net deposit per unit weight (CpuSolver.sinkSpread); red = (0, Σ weight, Σ R, Σ relax)
    state[b].sinkSpread = select(0.0, red[0].w / red[0].y, red[0].y > 0.0);
    return;
  }
  state[b].sinkSpread = sinkSpreadOf(red[0].z, red[0].w, red[0].y);
}

// ---- thin_interface: the linearly implicit ξ step (CpuSolver.phaseMatrix / phaseCommit)

fn openCell(k: u32) -> bool {
  return geo[k].x <= 0.5 && nucSite[k] <= 0.0;
}

// Faces of the ξ system: LsK between two open cells (not host, not an open nucleation site); the
// collector face carries none (its wetting flux is explicit); the reservoir face holds ξ = 0. A member
// that is done gets no faces (with phaseMatrix's b = 1, f = ξ the solve leaves its ξ as it is).
@compute @workgroup_size(8, 8)
fn phaseFaces(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let i = g.x;
  let j = g.y;
  let k = cellAt(b, i, j, P.nx, P.ny);
  let live = state[b].done == 0u;
  let row = (b * (P.ny + 1u) + j) * P.nx + i;
  xiAx[k] = select(0.0, P.LsK, live && openCell(k) && openCell(cellAt(b, westOf(i, P.nx), j, P.nx, P.ny)));
  xiAy[row] = select(0.0, P.LsK, live && j > 0u && openCell(k) && openCell(k - P.nx));
  if (j + 1u == P.ny) {
    xiAy[(b * (P.ny + 1u) + P.ny) * P.nx + i] = select(0.0, P.LsK, live && openCell(k));
  }
}

// (1/dt + J) ξⁿ⁺¹ − ∇·(LsK∇ξⁿ⁺¹) = (1/dt + J) ξⁿ + E + R, R = kinC·c̃ − kinA the Butler–Volmer rate with the
// Gibbs–Thomson shift, J = LsW g''(ξ) − ∂R/∂ξ; leaves rate = R, gain = ∂R/∂φ_l and cellw = (χⁿ, kinA, 0, kinC)
// for the implicit Li⁺ sink (shaders/transport.wgsl).
@compute @workgroup_size(8, 8)
fn phaseMatrix(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  let x = xi[k];
  if (st.done != 0u) {
    xiBd[k] = 1.0;
    xiRhs[k] = x;
    return;
  }
  let dt = st.dt;
  if (geo[k].x > 0.5) {
    rate[k] = 0.0;
    gain[k] = 0.0;
    cellw[k] = vec4f(P.sigFloor, 0.0, 0.0, 0.0);
    xiBd[k] = 1.0 / dt;
    xiRhs[k] = x / dt;
    return;
  }
  let cw = cellw[k];
  let site = cw.x >= SITE_MARK;
  // the rate follows c̃ and φ̃ at the interface; the sink stays linear in the cell's own c̃ (CpuSolver.phaseMatrix)
  var sample = vec2f(conc[k], phi[k]);
  if (!site) { sample = contourSample(b, g.x, g.y, k, P); }
  let cs = sample.x;
  var delta = -sample.y - geo[k].w;
  if (onePotential(P)) { delta = sample.y - st.phiRef; }
  if (!site) { delta += cw.x; }
  let eta = clamp(st.phiS + delta, -EXP_CLAMP, EXP_CLAMP);
  let ea = exp((1.0 - P.alpha) * eta);
  let ec = exp(-P.alpha * eta);
  let Lk = P.Leta * geo[k].z;
  let hw = thinWeight(x, site);
  let c = conc[k];
  // an open site has no Li to dissolve: it only plates
  let stripOff = site && ea - cs * ec > 0.0;
  var A = Lk * hw * ea;
  var C = Lk * hw * ec * cs / max(c, CONTOUR_CONC_FLOOR);
  if (stripOff) {
    A = 0.0;
    C = 0.0;
  }
  let r = C * c - A;
  rate[k] = r;
  var gk = 0.0;
  if (!onePotential(P) && !stripOff) { gk = Lk * hw * ((1.0 - P.alpha) * ea + P.alpha * cs * ec); }
  gain[k] = gk;
  var J = 0.0;
  // the kinetic Jacobian only where it damps (CpuSolver.phaseMatrix)
  if (!site) { J = P.LsW * wellSecond(x) + max(Lk * thinWeightSlope(x) * (ea - cs * ec), 0.0); }
  xiBd[k] = 1.0 / dt + J;
  xiRhs[k] = (1.0 / dt + J) * x + cw.w + r;
  // lane z: ξⁿ for phaseCommit (which clears it for the SEI Li of filmAdvance)
  cellw[k] = vec4f(max(liquidH(x), P.sigFloor), A, x, C);
}

// After the solve (ξ in place): host cells hold ξ = 0; a site cell that reached its cap is ordinary
// interface; per workgroup (max |R|, Gibbs–Thomson stiffness, Σ R, 0) for the clock and the dt control.
@compute @workgroup_size(8, 8)
fn phaseCommit(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
               @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  var m = vec4f(0.0);
  var relax = vec2f(0.0);
  if (g.x < P.nx && g.y < P.ny && state[b].done == 0u) {
    let k = cellAt(b, g.x, g.y, P.nx, P.ny);
    if (geo[k].x > 0.5) {
      xi[k] = 0.0;
    } else {
      let x = xi[k];
      if (nucSite[k] > 0.0 && x >= nucSite[k]) { nucSite[k] = 0.0; }
      let aMax = 1.0 + max(0.0, P.omega * P.omega - 1.0) * P.delta;
      let r = rate[k];
      m = vec4f(abs(r), max(6.0 * P.w * gain[k] * P.gtCap * aMax / (P.h * P.h), kineticGrowth(x, r)), r, 0.0);
      // what the relaxation deposited on top of the Butler–Volmer rate, and the weight that returns it (sinkSpread)
      relax = vec2f(x - cellw[k].z - state[b].dt * r, thinWeight(x, false));
    }
    cellw[k].z = 0.0;
  }
  red[li] = m;
  redAbs[li] = relax.x;
  redW[li] = relax.y;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let o = red[li + s];
      red[li] = vec4f(max(red[li].x, o.x), max(red[li].y, o.y), red[li].z + o.z, 0.0);
      redAbs[li] += redAbs[li + s];
      redW[li] += redW[li + s];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    let q = 2u * (b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx));
    partMax[q] = vec4f(red[0].x, red[0].y, red[0].z, redAbs[0]);
    partMax[q + 1u] = vec4f(redW[0], 0.0, 0.0, 0.0);
  }
}
