// Li⁺ transport, backward Euler (MODEL.md §2, §7): (1/dt) c̃ − ∇·(D_eff ∇c̃ + β D_eff c̃ ∇φ̃) = c̃ⁿ/dt − γ (C_s/c0) R.
// Assembled for the multigrid as b u − ∇·(a ∇u) = f. binary: u = c̃, a = D_eff. chen2015 (β = 1):
// the Slotboom variable u = c̃ e^{φ̃} makes the drift symmetric, a = D_eff e^{−φ̃} with
// Scharfetter–Gummel face weights, b = e^{−φ̃}/dt. CPU twin: CpuSolver.transport* in src/cpu/solver.ts.
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

fn diffusivity(P: Params, x: f32) -> f32 {
  let hh = hInterp(x);
  return P.Dl * (1.0 - hh) + P.Ds * hh;
}

// Face weight between cells ka and kb (harmonic mean of D_eff; SG drift factor in chen2015).
fn faceWeight(P: Params, ka: u32, kb: u32) -> f32 {
  let da = diffusivity(P, xi[ka]);
  let db = diffusivity(P, xi[kb]);
  let harm = 2.0 * da * db / (da + db);
  if (P.transport == TRANSPORT_CHEN2015) {
    return harm * clampedExp(-phi[ka]) * bernoulli(phi[kb] - phi[ka]);
  }
  return harm;
}

// Reservoir face, half a cell above the top row: c̃ = 1, φ̃ = 0 (u = 1).
fn topWeight(P: Params, k: u32) -> f32 {
  let d = diffusivity(P, xi[k]);
  if (P.transport == TRANSPORT_CHEN2015) {
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
}

@compute @workgroup_size(8, 8)
fn transportCells(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny || st.done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  let chen = P.transport == TRANSPORT_CHEN2015;
  var weight = 1.0;
  var uk = conc[k];
  if (chen) {
    weight = clampedExp(-phi[k]);
    uk = conc[k] * clampedExp(phi[k]);
  }
  bd[k] = weight / st.dt;
  var f = conc[k] / st.dt - P.gammaSrc * P.CsOverC0 * rate[k];
  if (g.y + 1u == P.ny) { f += 2.0 * topWeight(P, k) / (P.h * P.h); }
  rhs[k] = f;
  u[k] = uk;
}

@compute @workgroup_size(8, 8)
fn transportBack(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny || state[b].done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  if (P.transport == TRANSPORT_CHEN2015) {
    conc[k] = u[k] * clampedExp(-phi[k]);
  } else {
    conc[k] = u[k];
  }
}
