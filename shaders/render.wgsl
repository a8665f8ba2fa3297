// The app's field renderer: draws straight from the simulation's storage buffers (no readback).
// One full-screen triangle; each pixel is mapped to world coordinates [µm] by the inverse view
// matrix, then to a cell. Layers (src/app/layers.ts keeps the same numbering):
//   0 ξ (Li metal fraction), 1 Li⁺ concentration [mol/L], 2 electrolyte potential [V],
//   3 ionic current density |i| [mA/cm²] from the potential solve's face conductances;
//   the SEI layers (scenarios with a film; shaders/mechanics.wgsl writes their buffers):
//   4 hydrostatic stress σ_h [MPa] (capped at the yield strength) = the kernels' shift Ωσ_h/RT × V.sei.x,
//   5 film strain ε_f [%], 6 film integrity (0 cracked, 1 intact), 7 cracked film (1 where integrity < ½);
//   8 dead Li (1 on a dead cell): drawn as categories, live Li grey and dead Li vermilion over the electrolyte.
// Layers 5–7 exist on the film cells only (filmCell below: the mechanics' film cells on the electrolyte
// side); elsewhere they are drawn neutral (Li grey, electrolyte slate) and left out of the range.
// rangeMinMax reduces the displayed quantity over the grid for the colour bar's auto range, with the
// same layerValue() the fragment shader uses.
// Host cells (geo.x = 1: pillars, fibres, foam) are painted one solid colour on every layer and left
// out of the range, which is then set by the electrolyte and the Li alone; seeded surfaces (geo.w = 1
// on a host cell, or on a fluid cell of row 0 for the collector face under it) are painted gold.

struct View {
  s2w0: vec4f,            // columns of the 3×3 screen-pixel → world-µm matrix
  s2w1: vec4f,
  s2w2: vec4f,
  nx: u32,
  ny: u32,
  layer: u32,
  flags: u32,             // bit 0: interface contour; bit 1: draw metal over the layer; bit 2: range over
                          // the electrolyte (ξ < ½) only; bit 3: the layer exists on the film cells only
  dx: f32,                // cell size [µm]
  lo: f32,                // colour range of the layer, in its display unit
  hi: f32,
  collector: f32,         // thickness of the drawn collector band [µm]
  cScale: f32,            // c0 [mol/L]: c = c̃·c0
  phiScale: f32,          // RT/F [V]: φ = φ̃·RT/F
  iScale: f32,            // [mA/cm²] per unit σ_rel·Δφ̃ across one cell (σ_l0 RT/F / h / 10)
  pad0: f32,
  metal: vec4f,           // colour of the metal where a field layer is shown
  collectorColour: vec4f,
  background: vec4f,
  solidColour: vec4f,     // 3D host
  seedColour: vec4f,      // lithiophilic seeds
  offFilm: vec4f,         // electrolyte cells off the film on the film layers
  sei: vec4f,             // x: MPa of σ_h per unit of the shift Ωσ_h/RT (RT/Ω·1e-6); y: interface width w [µm]
  dead: vec4f,            // colour of dead Li on the dead-Li layer
}

@group(0) @binding(0) var<uniform> V: View;
@group(0) @binding(1) var<storage, read> xi: array<f32>;
@group(0) @binding(2) var<storage, read> conc: array<f32>;
@group(0) @binding(3) var<storage, read> phi: array<f32>;
@group(0) @binding(4) var<storage, read> sx: array<f32>;   // σ_rel at the west face of cell k
@group(0) @binding(5) var<storage, read> sy: array<f32>;   // σ_rel at the south face, rows 0..ny
@group(0) @binding(6) var<uniform> lut: array<vec4f, 256>;
@group(0) @binding(7) var<storage, read_write> range: array<atomic<u32>, 2>;
@group(0) @binding(8) var<storage, read> geo: array<vec4f>;   // (solid, cos θ, i0 factor, seeded) per cell
// SEI (a 16-byte placeholder without a film): per cell (film strain ε_f, integrity d, scratch, SEI Li),
// and the kernels' live geometry, whose lane w is the mechanical shift Ωσ_h/RT (mechShift)
@group(0) @binding(9) var<storage, read> film: array<vec4f>;
@group(0) @binding(10) var<storage, read> mech: array<vec4f>;
// the kernels' live geometry (GpuFieldView.kinetics): lane z is the i0 factor this step's kinetics use, which
// shaders/label.wgsl sets to 0 on dead Li; geo's lane z is the static factor, > 0 on every fluid cell
@group(0) @binding(11) var<storage, read> kin: array<vec4f>;

const FLAG_CONTOUR: u32 = 1u;
const FLAG_METAL: u32 = 2u;
const FLAG_ELECTROLYTE: u32 = 4u;
const FLAG_FILM: u32 = 8u;
const FLAG_DEPOSIT: u32 = 16u;
// the labelling covers the metal and its diffuse interface down to this ξ (THIN_CUT_XI in src/cpu/terms.ts)
const LABEL_XI: f32 = 1e-3;
const CRACKED_BELOW: f32 = 0.5;   // CRACKED_BELOW in src/app/layers.ts

fn cell(i: u32, j: u32) -> u32 { return j * V.nx + i; }
fn east(i: u32) -> u32 { return select(i + 1u, 0u, i + 1u == V.nx); }
fn west(i: u32) -> u32 { return select(i - 1u, V.nx - 1u, i == 0u); }

fn currentDensity(i: u32, j: u32) -> f32 {
  let k = cell(i, j);
  let p = phi[k];
  // face currents (σ_rel Δφ̃ per cell), averaged to the cell centre; the boundary faces are left out
  let fw = sx[k] * (phi[cell(west(i), j)] - p);
  let fe = sx[cell(east(i), j)] * (p - phi[cell(east(i), j)]);
  var ix = 0.5 * (fw + fe);
  var iy = 0.0;
  var nf = 0.0;
  if (j > 0u) { iy += sy[j * V.nx + i] * (phi[k - V.nx] - p); nf += 1.0; }
  if (j + 1u < V.ny) { iy += sy[(j + 1u) * V.nx + i] * (p - phi[k + V.nx]); nf += 1.0; }
  iy = iy / max(nf, 1.0);
  return length(vec2f(ix, iy)) * V.iScale;
}

// Is cell (i, j) a film cell of the film layers? One the mechanics carry film on (onFilm() and
// filmGeometry()'s |∇ξ| in src/cpu/mechanics.ts: central differences, x periodic, rows clamped; an
// interface profile, not a faint ξ halo), on the electrolyte side (ξ < ½): the film is the band
// s(ξ) = 20ξ(1 − ξ)²⁰ there (peak at ξ ≈ 0.05); on the Li side s(ξ) < 3e-5 of its peak, so the film
// strain and integrity the mechanics track there give the film neither resistance nor stiffness.
fn filmCell(i: u32, j: u32) -> bool {
  let x = xi[cell(i, j)];
  let h2 = 2.0 * V.dx;
  let gx = (xi[cell(east(i), j)] - xi[cell(west(i), j)]) / h2;
  let gy = (xi[cell(i, min(j + 1u, V.ny - 1u))] - xi[cell(i, select(j - 1u, 0u, j == 0u))]) / h2;
  return x > 0.002 && x < 0.5 && sqrt(gx * gx + gy * gy) >= 0.5 * x * (1.0 - x) / V.sei.y;
}

// Dead Li: a fluid cell of the metal or its interface whose kinetics the labelling switched off.
fn deadCell(k: u32) -> bool {
  let g = geo[k];
  return kin[k].z == 0.0 && g.z > 0.0 && g.x < 0.5 && xi[k] >= LABEL_XI;
}

fn layerValue(i: u32, j: u32) -> f32 {
  let k = cell(i, j);
  switch V.layer {
    case 1u: { return conc[k] * V.cScale; }
    case 2u: { return phi[k] * V.phiScale; }
    case 3u: { return currentDensity(i, j); }
    case 4u: { return mech[k].w * V.sei.x; }
    case 5u: { return film[k].x * 100.0; }
    case 6u: { return film[k].y; }
    case 7u: { return select(0.0, 1.0, film[k].y < CRACKED_BELOW); }
    case 8u: { return select(0.0, 1.0, deadCell(k)); }
    default: { return xi[k]; }
  }
}

/** ξ interpolated between cell centres (periodic in x, clamped in y), for a smooth contour. */
fn xiSmooth(x: f32, y: f32) -> f32 {
  let gx = x / V.dx - 0.5;
  let gy = clamp(y / V.dx - 0.5, 0.0, f32(V.ny) - 1.0);
  let fx = floor(gx);
  let fy = min(floor(gy), f32(V.ny) - 2.0);
  let tx = gx - fx;
  let ty = gy - fy;
  let n = i32(V.nx);
  let i0 = u32(((i32(fx) % n) + n) % n);
  let i1 = east(i0);
  let j0 = u32(max(fy, 0.0));
  let j1 = min(j0 + 1u, V.ny - 1u);
  let a = mix(xi[cell(i0, j0)], xi[cell(i1, j0)], tx);
  let b = mix(xi[cell(i0, j1)], xi[cell(i1, j1)], tx);
  return mix(a, b, ty);
}

fn colour(t: f32) -> vec3f {
  let x = clamp(t, 0.0, 1.0) * 255.0;
  let k = u32(min(floor(x), 254.0));
  return mix(lut[k].rgb, lut[k + 1u].rgb, x - f32(k));
}

struct VsOut { @builtin(position) pos: vec4f }

@vertex
fn vs(@builtin(vertex_index) v: u32) -> VsOut {
  let p = vec2f(f32((v << 1u) & 2u), f32(v & 2u)) * 2.0 - 1.0;
  return VsOut(vec4f(p, 0.0, 1.0));
}

@fragment
fn fs(in: VsOut) -> @location(0) vec4f {
  let m = mat3x3f(V.s2w0.xyz, V.s2w1.xyz, V.s2w2.xyz);
  let w = m * vec3f(in.pos.xy, 1.0);
  let Lx = f32(V.nx) * V.dx;
  let Ly = f32(V.ny) * V.dx;
  // derivatives must be taken in uniform control flow: before any branch on the position
  let xs = xiSmooth(clamp(w.x, 0.0, Lx), w.y);
  let fw = max(fwidth(xs), 1e-4);
  if (w.x < 0.0 || w.x >= Lx || w.y >= Ly || w.y < -V.collector) { return V.background; }
  let i = min(u32(w.x / V.dx), V.nx - 1u);
  if (w.y < 0.0) {
    // a seeded collector face: the band's upper half is gold, a coating on the copper
    let g0 = geo[i];
    if (g0.w > 0.5 && g0.x < 0.5 && w.y >= -0.5 * V.collector) { return V.seedColour; }
    return V.collectorColour;
  }
  let j = min(u32(w.y / V.dx), V.ny - 1u);
  let g = geo[cell(i, j)];
  if (g.x > 0.5) { return select(V.solidColour, V.seedColour, g.w > 0.5); }
  var rgb: vec3f;
  if ((V.flags & FLAG_DEPOSIT) != 0u) {
    // the deposit by category: live Li grey, dead Li vermilion, over the electrolyte slate (soft ξ = ½ edge)
    let li = select(V.metal.rgb, V.dead.rgb, deadCell(cell(i, j)));
    rgb = mix(V.offFilm.rgb, li, smoothstep(0.5 - fw, 0.5 + fw, xs));
  } else if ((V.flags & FLAG_FILM) != 0u && !filmCell(i, j)) {
    // a film layer off the film: the Li grey (soft edge) over the electrolyte slate
    rgb = mix(V.offFilm.rgb, V.metal.rgb, smoothstep(0.5 - fw, 0.5 + fw, xs));
  } else {
    rgb = colour((layerValue(i, j) - V.lo) / (V.hi - V.lo));
    if ((V.flags & FLAG_METAL) != 0u) {
      // metal drawn as a solid with a soft edge, so fields are read in the electrolyte only
      let a = smoothstep(0.5 - fw, 0.5 + fw, xs);
      rgb = mix(rgb, V.metal.rgb, a);
    }
  }
  if ((V.flags & FLAG_CONTOUR) != 0u) {
    let a = 1.0 - smoothstep(0.0, 1.5 * fw, abs(xs - 0.5));
    rgb = mix(rgb, vec3f(1.0, 1.0, 1.0), 0.85 * a);
  }
  return vec4f(rgb, 1.0);
}

// Order-preserving map of f32 to u32, so atomicMin/atomicMax work on floats.
fn orderedBits(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  return select(b | 0x80000000u, ~b, (b & 0x80000000u) != 0u);
}

@compute @workgroup_size(8, 8)
fn rangeMinMax(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= V.nx || g.y >= V.ny) { return; }
  if (geo[cell(g.x, g.y)].x > 0.5) { return; } // host cells are drawn as a solid
  // field layers are ranged over the electrolyte (ξ < 0.5) only: the metal is drawn as a solid
  if ((V.flags & FLAG_ELECTROLYTE) != 0u && xi[cell(g.x, g.y)] >= 0.5) { return; }
  // film layers over the film cells only
  if ((V.flags & FLAG_FILM) != 0u && !filmCell(g.x, g.y)) { return; }
  let v = layerValue(g.x, g.y);
  if (v != v || abs(v) > 3.0e38) { return; } // NaN or infinite: leave the range alone
  let o = orderedBits(v);
  atomicMin(&range[0], o);
  atomicMax(&range[1], o);
}
