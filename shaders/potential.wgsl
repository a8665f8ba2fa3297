// Charge conservation, quasi-static (MODEL.md §2): −∇·(σ ∇φ̃) = −K_φ R.
// binary: φ̃ is the electrolyte potential, σ = max(1 − h, floor)·max(c̃, floor) (relative to σ_l0),
//   φ̃ = 0 at the reservoir, no ionic flux into the collector; η = φ_s − φ_l.
// chen2015: one potential over both phases, σ = σ_s/σ_l0 h + (1 − h), collector held at φ_s.
// CPU twin: CpuSolver.potentialCoefficients in src/cpu/solver.ts.
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read> xi: array<f32>;
@group(0) @binding(3) var<storage, read> conc: array<f32>;
@group(0) @binding(4) var<storage, read> rate: array<f32>;
@group(0) @binding(5) var<storage, read_write> ax: array<f32>;
@group(0) @binding(6) var<storage, read_write> ay: array<f32>;
@group(0) @binding(7) var<storage, read_write> bd: array<f32>;
@group(0) @binding(8) var<storage, read_write> rhs: array<f32>;
@group(0) @binding(9) var<storage, read> phi: array<f32>;
@group(0) @binding(10) var<storage, read> gain: array<f32>;
// per cell: (solid, cos θ, i0 factor, seeded): host cells are electronic conductors, not electrolyte
@group(0) @binding(11) var<storage, read> geo: array<vec4f>;
// per cell: mosaic SEI film-resistance factor (src/model/geometry.ts seiMosaic)
@group(0) @binding(12) var<storage, read> sei: array<f32>;

fn conductivity(P: Params, k: u32) -> f32 {
  let hh = hInterp(xi[k]);
  let solid = geo[k].x;
  if (onePotential(P)) {
    let hs = max(hh, solid);
    return P.sigS * hs + (1.0 - hs);
  }
  return withSeiFilm(max((1.0 - hh) * (1.0 - solid), P.sigFloor) * max(conc[k], P.cFloor), xi[k], P.seiRho, sei[k]);
}

fn harmonic(a: f32, b: f32) -> f32 {
  return 2.0 * a * b / (a + b);
}

fn faceRow(b: u32, j: u32, i: u32, nx: u32, ny: u32) -> u32 {
  return (b * (ny + 1u) + j) * nx + i;
}

@compute @workgroup_size(8, 8)
fn potentialFaces(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  if (g.x >= P.nx || g.y >= P.ny || state[b].done != 0u) { return; }
  let i = g.x;
  let j = g.y;
  let k = cellAt(b, i, j, P.nx, P.ny);
  let s = conductivity(P, k);
  ax[k] = harmonic(conductivity(P, cellAt(b, westOf(i, P.nx), j, P.nx, P.ny)), s);
  var south = 0.0;
  if (j > 0u) {
    south = harmonic(conductivity(P, k - P.nx), s);
  } else if (onePotential(P)) {
    south = s;
  }
  ay[faceRow(b, j, i, P.nx, P.ny)] = south;
  if (j + 1u == P.ny) { ay[faceRow(b, P.ny, i, P.nx, P.ny)] = s; }
}

@compute @workgroup_size(8, 8)
fn potentialCells(@builtin(global_invocation_id) g: vec3u) {
  let b = g.z;
  let P = params[b];
  let st = state[b];
  if (g.x >= P.nx || g.y >= P.ny || st.done != 0u) { return; }
  let k = cellAt(b, g.x, g.y, P.nx, P.ny);
  // R linearised about the φ̃ it was computed with, R ≈ Rⁿ + G (φ̃ − φ̃ⁿ): lagging this algebraic
  // loop diverges once the ohmic drop across the interface exceeds ~RT/(αF).
  let gk = gain[k];
  bd[k] = P.Kphi * gk;
  var f = -P.Kphi * (rate[k] - gk * phi[k]);
  if (g.y == 0u && onePotential(P)) {
    f += 2.0 * conductivity(P, k) * st.phiS / (P.h * P.h);
  }
  rhs[k] = f;
}

// The φ field about to be solved uses this electrode potential (chen2015's η reference).
@compute @workgroup_size(1)
fn potentialReference(@builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  if (state[b].done != 0u) { return; }
  state[b].phiRef = state[b].phiS;
}
