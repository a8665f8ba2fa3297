// Li⁺ transport, backward Euler (MODEL.md §2, §7), assembled for the multigrid as b u − ∇·(a ∇u) = f.
// binary: salt lives in the electrolyte fraction χ = max(1 − h, floor) (smoothed boundary):
//   (χ c̃ − χⁿc̃ⁿ)/dt = ∇·(χ D_l ∇c̃) − γ (C_s/c0) s·h'(ξ)R,   u = c̃, a = χD_l, b = χ/dt.
//   The sink is weighted by h' (= |∇χ|/|∇ξ|: the flux condition of the smoothed-boundary method) and
//   rescaled by s = ΣR/Σh'R so it removes exactly what deposits. Chen's form (salt in the metal too,
//   sink ∝ R) let the salt on the metal side of the interface feed the sink: Sand's time came 7 % late.
// chen2015 (β = 1): (1/dt) c̃ − ∇·(D_eff ∇c̃ + D_eff c̃ ∇φ̃) = c̃ⁿ/dt − (C_s/c0) R;
// the Slotboom variable u = c̃ e^{φ̃} makes the drift symmetric, a = D_eff e^{−φ̃} with
// Scharfetter–Gummel face weights, b = e^{−φ̃}/dt. CPU twin: CpuSolver.transport* in src/cpu/solver.ts.
// hong2018 (their grand potential, lattice-gas Li⁺ in the liquid fraction χ = 1 − h):
// (χc̃ − χⁿc̃ⁿ)/dt = ∇·(D χ² c̃ ∇(w + φ̃)) − (C_s/c0) S, w = ln(c_l/(1 − c_l)), S = h'R + q|h'R|; in u = e^{w + φ̃}
// (1 at the reservoir) a = Dχ²·latticeFactor·e^{−φ̃} with SG weights, c̃ⁿ⁺¹ on the tangent of c̃(u) at uⁿ
// (slope c̃' = m(1 − c_l0c̃ⁿ), m = c̃ⁿ/uⁿ), b = χc̃'/dt, the sink Patankar-split on that tangent.
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read> xi: array<f32>;
@group(0) @binding(3) var<storage, read_write> conc: array<f32>;
@group(0) @binding(4) var<storage, read> phi: array<f32>;
@group(0) @binding(5) var<storage, read> rate: array<f32>;
@group(0) @binding(6) var<storage, read_write> ax: array<f32>;
@group(0) @binding(7) var<storage, read_write> ay: array<f32>;
@group(0) @binding(8) var<storage, read_write> bd: array<f32>;
@group(0) @binding(9) var<storage, read_write> rhs: array<f32>;
@group(0) @binding(10) var<storage, read_write> u: array<f32>;
// (χⁿ, h'(ξⁿ), SEI Li bound this step, ·) left by phaseUpdate and filmAdvance
@group(0) @binding(11) var<storage, read> cellw: array<vec4f>;
// per cell: (solid, cos θ, i0 factor, seeded): host cells hold no salt beyond the floor
@group(0) @binding(12) var<storage, read> geo: array<vec4f>;
// thin_interface (transportBack): ξ and the potential's source move with the implicit sink
@group(0) @binding(13) var<storage, read_write> xiOut: array<f32>;
@group(0) @binding(14) var<storage, read_write> rateOut: array<f32>;
// per workgroup: lane w the Σ of that move (transportBack), read by finish (shaders/control.wgsl)
@group(0) @binding(15) var<storage, read_write> partSum: array<vec4f>;

var<workgroup> redDr: array<f32, 64>;

// χ = max((1 − h)(1 − solid), floor): the electrolyte fraction of cell k
fn saltFraction(P: Params, k: u32) -> f32 {
  return max(liquidH(xi[k]) * (1.0 - geo[k].x), P.sigFloor);
}

// chen2015: D_eff, with a host cell taken as solid metal
fn diffusivity(P: Params, k: u32) -> f32 {
  let hh = max(hInterp(xi[k]), geo[k].x);
  return P.Dl * (1.0 - hh) + P.Ds * hh;
}

// Cell transport coefficient: χ D_l (binary), D_eff (chen2015) or χ² D_l·latticeFactor (hong2018).
fn cellCoefficient(P: Params, k: u32) -> f32 {
  if (P.transport == TRANSPORT_HONG2018) {
    let x = saltFraction(P, k);
    return P.Dl * x * x * latticeFactor(P, conc[k]);
  }
  if (P.transport == TRANSPORT_CHEN2015) { return diffusivity(P, k); }
  return saltFraction(P, k) * P.Dl;
}

// Face weight between cells ka and kb (harmonic mean; SG drift factor in chen2015 and hong2018).
fn faceWeight(P: Params, ka: u32, kb: u32) -> f32 {
  let da = cellCoefficient(P, ka);
  let db = cellCoefficient(P, kb);
  // thin_interface, binary: arithmetic mean between non-host cells (CpuSolver.transportCoefficients)
  if (P.thin != 0u && !onePotential(P) && geo[ka].x <= 0.5 && geo[kb].x <= 0.5) { return 0.5 * (da + db); }
  let harm = 2.0 * da * db / (da + db);
  if (onePotential(P)) {
    return harm * clampedExp(-phi[ka]) * bernoulli(phi[kb] - phi[ka]);
  }
  return harm;
}

// Reservoir face, half a cell above the top row: c̃ = 1, φ̃ = 0 (u = 1).
fn topWeight(P: Params, k: u32) -> f32 {
  let d = cellCoefficient(P, k);
  if (onePotential(P)) {
    return d * clampedExp(-phi[k]) * bernoulli(0.0 - phi[k]);
  }
  return d;
}

fn faceRow(b: u32, j: u32, i: u32, nx: u32, ny: u32) -> u32 {
  return (b * (ny + 1u) + j) * nx + i;
}

@compute @workgroup_size(8, 8)
fn transportFaces(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny || state[b].done != 0u) { return; }
  let i = g.x;
  let j = g.y;
  let k = cellAt(b, i, j, P.nx, P.ny);
  ax[k] = faceWeight(P, cellAt(b, westOf(i, P.nx), j, P.nx, P.ny), k);
  var south = 0.0; // collector: no ion flux
  if (j > 0u) { south = faceWeight(P, k - P.nx, k); }
  ay[faceRow(b, j, i, P.nx, P.ny)] = south;
  if (j + 1u == P.ny) { ay[faceRow(b, P.ny, i, P.nx, P.ny)] = topWeight(P, k); }
  // chen2015 warm start in the Slotboom variable (binary: u already holds the last c̃)
  if (P.transport == TRANSPORT_CHEN2015) { u[k] = conc[k] * clampedExp(phi[k]); }
  if (P.transport == TRANSPORT_HONG2018) { u[k] = conc[k] / (latticeFactor(P, conc[k]) * clampedExp(-phi[k])); }
}

@compute @workgroup_size(8, 8)
fn transportCells(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny || st.done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  let chen = onePotential(P);
  // c̃ = weight·u: e^{−φ̃} (chen2015), the chord latticeFactor·e^{−φ̃} (hong2018)
  var weight = 1.0;
  if (chen) { weight = clampedExp(-phi[k]); }
  if (P.transport == TRANSPORT_HONG2018) { weight *= latticeFactor(P, conc[k]); }
  var f = 0.0;
  if (P.thin != 0u || chen) {
    // the sink γ(C_s/c0)(kinC·c̃ⁿ⁺¹ − kinA), cellw = (χⁿ, kinA, SEI Li, kinC), implicit (c̃ ≥ 0 without a
    // dt bound): thin_interface, Butler–Volmer's split from phaseMatrix; literature chen2015, the Patankar
    // split from phaseUpdate; chen2015 in the Slotboom u
    let old = cellw[k];
    let g = P.gammaSrc * P.CsOverC0;
    if (P.transport == TRANSPORT_HONG2018) {
      // Newton's tangent of the lattice gas at uⁿ: c̃ⁿ⁺¹ = rest + slope·u; the sink S = h'R + q|h'R| (cellw.y = h'),
      // Patankar-split (CpuSolver.transportCoefficients)
      let c = conc[k];
      let slope = weight * max(1.0 - P.siteFrac * c, 1e-3);
      let rest = c - slope * (c / weight);
      let kin = hongSink(old.y, rate[k], st.sinkSpread, c);
      let chi = saltFraction(P, k);
      bd[k] = chi * slope / st.dt + g * kin.y * slope;
      f = (old.x * c - chi * rest) / st.dt + g * (kin.x - kin.y * rest);
    } else if (chen) {
      bd[k] = weight / st.dt + g * old.w * weight;
      f = conc[k] / st.dt + g * old.y;
    } else {
      bd[k] = saltFraction(P, k) / st.dt + g * old.w;
      f = old.x * conc[k] / st.dt + g * (old.y - old.z / (P.h * P.h * st.dt));
    }
  } else {
    let old = cellw[k];
    bd[k] = saltFraction(P, k) / st.dt;
    // the plating sink, and the Li⁺ the re-forming SEI bound in this cell this step (lane z,
    // shaders/mechanics.wgsl filmAdvance; µm² of dense Li, so /h² is a ξ change)
    f = old.x * conc[k] / st.dt - P.gammaSrc * P.CsOverC0 * (old.y * rate[k] + st.sinkSpread * abs(old.y * rate[k]) + old.z / (P.h * P.h * st.dt));
  }
  if (g.y + 1u == P.ny) { f += 2.0 * topWeight(P, k) / (P.h * P.h); }
  rhs[k] = f;
}

@compute @workgroup_size(8, 8)
fn transportBack(@builtin(global_invocation_id) g: vec3u, @builtin(local_invocation_index) li: u32,
                 @builtin(workgroup_id) wg: vec3u) {
  let b = g.z;
  let P = params[b];
  var moved = 0.0;
  if (g.x < P.nx && g.y < P.ny && state[b].done == 0u) {
    let k = cellAt(b, g.x, g.y, P.nx, P.ny);
    var next = u[k];
    if (P.transport == TRANSPORT_CHEN2015) { next = u[k] * clampedExp(-phi[k]); }
    if (P.transport == TRANSPORT_HONG2018) {
      let c = conc[k];
      let m = latticeFactor(P, c) * clampedExp(-phi[k]);
      let slope = m * max(1.0 - P.siteFrac * c, 1e-3);
      next = c + slope * (u[k] - c / m);
    }
    if (P.thin != 0u) {
      // the phase step plated kinC·c̃ⁿ − kinA, the sink removed kinC·c̃ⁿ⁺¹ − kinA (CpuSolver.transportBack)
      let dr = cellw[k].w * (next - conc[k]);
      // and takes back what the relaxation deposited (state.sinkSpread, phase.wgsl sinkSpread)
      xiOut[k] += state[b].dt * dr - state[b].sinkSpread * thinWeight(xiOut[k], false);
      rateOut[k] += dr;
      moved = dr;
    } else if (P.transport == TRANSPORT_CHEN2015) {
      // literature: phaseUpdate plated R, the sink removed kinC·c̃ⁿ⁺¹ − kinA (CpuSolver.transportBack)
      let cw = cellw[k];
      let dr = cw.w * next - cw.y - rateOut[k];
      xiOut[k] += state[b].dt * dr;
      rateOut[k] += dr;
      moved = dr;
    } else if (P.transport == TRANSPORT_HONG2018) {
      // the sink planned S and removed kinC·c̃ⁿ⁺¹ − kinA: ξ gives back the shortfall, c̃ keeps the salt χc̃ⁿ⁺¹
      // as that move changes χ (CpuSolver.transportBack)
      let kin = hongSink(cellw[k].y, rateOut[k], state[b].sinkSpread, conc[k]);
      var planned = -kin.x;
      if (kin.y > 0.0) { planned = kin.y * max(conc[k], CONTOUR_CONC_FLOOR); }
      let dr = kin.y * next - kin.x - planned;
      let chi = max(liquidH(xiOut[k]) * (1.0 - geo[k].x), P.sigFloor);
      xiOut[k] += state[b].dt * dr;
      next *= chi / max(liquidH(xiOut[k]) * (1.0 - geo[k].x), P.sigFloor);
      rateOut[k] += dr;
      moved = dr;
    }
    conc[k] = next;
  }
  redDr[li] = moved;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) { redDr[li] += redDr[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u && (P.thin != 0u || onePotential(P))) {
    partSum[b * groupsPerSim(P.nx, P.ny) + groupIndex(wg, P.nx)].w = redDr[0];
  }
}
