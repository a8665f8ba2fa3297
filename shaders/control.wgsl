// End of a step (MODEL.md §7): Li entering through the reservoir (inventory check), the history
// record, the next time step (interface motion, explicit stability, growth limit, stop time) and
// the clock. One workgroup per simulation. CPU twin: CpuSolver.finish in src/cpu/solver.ts.
#include "layout"
#include "common"

@group(0) @binding(0) var<uniform> params: array<Params, MAX_BATCH>;
@group(0) @binding(1) var<storage, read_write> state: array<State>;
@group(0) @binding(2) var<storage, read> partMax: array<vec4f>;
@group(0) @binding(3) var<storage, read> ayC: array<f32>;
@group(0) @binding(4) var<storage, read> uC: array<f32>;
@group(0) @binding(5) var<storage, read_write> ring: array<f32>;
// per workgroup: lane w the implicit sink's move of the plating rate (transportBack; thin, or chen2015)
@group(0) @binding(6) var<storage, read> partSum: array<vec4f>;

var<workgroup> red: array<vec4f, 64>;
var<workgroup> redDr: array<f32, 64>;

fn ringAt(slot: u32, field: u32, b: u32) -> u32 {
  return (slot * RING_STRIDE + field) * MAX_BATCH + b;
}

@compute @workgroup_size(64)
fn finish(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3u) {
  let b = wg.z;
  let P = params[b];
  let count = ((P.nx + 7u) / 8u) * ((P.ny + 7u) / 8u);
  var m = vec4f(0.0);
  var dr = 0.0;
  for (var q = li; q < count; q += 64u) {
    let o = partMax[2u * (b * count + q)]; // (max |R|, max stiffness, Σ R, Σ wR) of each workgroup
    m = vec4f(max(m.x, o.x), max(m.y, o.y), m.z + o.z, 0.0);
    if (P.thin != 0u || onePotential(P)) { dr += partSum[b * count + q].w; }
  }
  // reservoir flux: 2 a (u_b − u) per top face (half-cell distance), u_b = 1
  var flux = 0.0;
  for (var i = li; i < P.nx; i += 64u) {
    let top = (b * P.ny + P.ny - 1u) * P.nx + i;
    flux += 2.0 * ayC[(b * (P.ny + 1u) + P.ny) * P.nx + i] * (1.0 - uC[top]);
  }
  m.w = flux;
  red[li] = m;
  redDr[li] = dr;
  workgroupBarrier();
  for (var s = 32u; s > 0u; s = s >> 1u) {
    if (li < s) {
      let o = red[li + s];
      red[li] = vec4f(max(red[li].x, o.x), max(red[li].y, o.y), red[li].z + o.z, red[li].w + o.w);
      redDr[li] += redDr[li + s];
    }
    workgroupBarrier();
  }
  if (li != 0u || state[b].done != 0u) { return; }
  var st = state[b];
  let r = red[0];
  st.maxRate = r.x;
  st.stiff = r.y;
  // the Faradaic rate as plated (thin_interface: after the implicit sink), and what it fell short of the drive's goal
  st.j = (r.z + redDr[0]) * P.h / f32(P.nx);
  st.debt = 0.0;
  if (P.thin != 0u && P.drive == DRIVE_GALVANOSTATIC) { st.debt = -redDr[0] * st.dt; }
  st.fluxIn = r.w;
  let slot = st.step % RING_CAP;
  ring[ringAt(slot, RING_DT, b)] = st.dt;
  ring[ringAt(slot, RING_PHIS, b)] = st.phiS;
  ring[ringAt(slot, RING_J, b)] = st.j;
  // in through the reservoir: diffusion, plus the migrated share t₊ of the current that plates Li and forms SEI
  ring[ringAt(slot, RING_DINVENTORY, b)] = st.dt * (st.fluxIn + P.tplus * P.CsOverC0 * (st.j * f32(P.nx) * P.h + st.seiRate * P.h * P.h));
  ring[ringAt(slot, RING_MAXRATE, b)] = st.maxRate;
  ring[ringAt(slot, RING_LIMITHIT, b)] = st.limitHit;
  // compensated (Kahan) clock; the XOR with a uniform zero keeps compilers from folding
  // (t − tHi) − y to 0 (seen with lavapipe)
  let y = st.dt - st.tLo;
  let t = bitcast<f32>(bitcast<u32>(st.tHi + y) ^ P.zero);
  st.tLo = (t - st.tHi) - y;
  st.tHi = t;
  st.step = st.step + 1u;
  var next = min(min(P.dtMax, DT_GROWTH * st.dt), 2.0 * P.safety / st.stiff);
  if (st.maxRate > 0.0) { next = min(next, P.dxiMax / st.maxRate); }
  // thin_interface: Γ·dt ≤ RELAX_STEP (CpuSolver.finish)
  if (P.thin != 0u) { next = min(next, RELAX_STEP / P.LsW); }
  // cycling: |Δφ_s| ≤ phiStep per step (CpuSolver.finish; phiRef is the last step's potential)
  let dPhi = abs(st.phiS - st.phiRef);
  if (P.phiStep > 0.0 && P.drive == DRIVE_GALVANOSTATIC && dPhi > 0.0) { next = min(next, st.dt * P.phiStep / dPhi); }
  // galvanostatic control: the share of the planned current the implicit sink took back (CpuSolver.finish);
  // not at rest (no set current), where the planned current is the double layer's trickle
  let share = abs(redDr[0]) / max(abs(r.z), 1e-30);
  if (P.thin != 0u && P.drive == DRIVE_GALVANOSTATIC && P.jTarget != 0.0 && r.z != 0.0 && share > GALV_SINK_SHARE) {
    next = min(next, st.dt * GALV_SINK_SHARE / share);
  }
  let remaining = (st.tEnd - st.tHi) - st.tLo;
  // the step that reached the potential limit is the last (CpuSolver.finish)
  if (remaining <= 1e-3 * next || st.limitHit > 0.0) {
    st.done = 1u;
  } else if (P.thin != 0u && remaining > next && remaining < 2.0 * next) {
    // no short last step (CpuSolver.finish)
    next = 0.5 * remaining;
  } else {
    next = min(next, remaining);
  }
  st.dt = next;
  state[b] = st;
}
