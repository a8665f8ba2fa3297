// Plane-strain elasticity kernels (f32) — the GPU twin of src/cpu/elastic.ts (read its header for the
// discretisation and the solver); encoding in src/gpu/elastic.ts. nm batch members, dispatch z =
// member (2·nm for `update`). Cells (b, j, i) at (b*ny + j)*nx + i; u and the multigrid's u, f hold
// 2·nm planes (u_x of member b at plane 2b, u_y at 2b+1); eig holds 3 planes of nm·nx·ny cells
// (ε*_xx, ε*_yy, ε*_xy); stress out holds 6 planes (σxx, σyy, σxy, σzz, σh, von Mises).
// One global binding numbering; the host builds one layout per entry point (src/gpu/elastic.ts).

struct Params {
  nx: u32, ny: u32, nm: u32, n: u32,   // n = nx*ny (one plane)
  N: u32, _p0: u32, _p1: u32, _p2: u32, // N = nm*n (one field over the batch)
  ih: f32, omega: f32, _p3: f32, _p4: f32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> lam: array<f32>;
@group(0) @binding(2) var<storage, read> mu: array<f32>;
@group(0) @binding(3) var<storage, read> eig: array<f32>;
@group(0) @binding(4) var<storage, read_write> u: array<f32>;
@group(0) @binding(5) var<storage, read_write> mgF: array<f32>;
@group(0) @binding(6) var<storage, read_write> mgU: array<f32>;
@group(0) @binding(7) var<storage, read_write> stressOut: array<f32>;
@group(0) @binding(8) var<storage, read_write> ax: array<f32>;
@group(0) @binding(9) var<storage, read_write> ay: array<f32>;
@group(0) @binding(10) var<storage, read_write> bd: array<f32>;

fn westOf(i: u32) -> u32 { return select(i - 1u, P.nx - 1u, i == 0u); }
fn eastOf(i: u32) -> u32 { return select(i + 1u, 0u, i == P.nx - 1u); }

// u of plane offset o at (j+1, i), or the clamped-wall ghost −u(j, i)
fn uN(o: u32, j: u32, i: u32) -> f32 {
  if (j < P.ny - 1u) { return u[o + (j + 1u) * P.nx + i]; }
  return -u[o + j * P.nx + i];
}

fn uS(o: u32, j: u32, i: u32) -> f32 {
  if (j > 0u) { return u[o + (j - 1u) * P.nx + i]; }
  return -u[o + j * P.nx + i];
}

// eigenstress σ* = C:ε* of cell c: (xx, yy, xy)
fn sstar(c: u32) -> vec3f {
  let L = lam[c];
  let M = mu[c];
  let exx = eig[c];
  let eyy = eig[P.N + c];
  return vec3f((L + 2.0 * M) * exx + L * eyy, L * exx + (L + 2.0 * M) * eyy, 2.0 * M * eig[2u * P.N + c]);
}

// (Sxx, Sxy) on the face between cells i and i+1 (periodic) of row j
fn xFace(cb: u32, ox: u32, oy: u32, j: u32, i: u32) -> vec2f {
  let ie = eastOf(i);
  let c0 = cb + j * P.nx + i;
  let c1 = cb + j * P.nx + ie;
  let lf = 0.5 * (lam[c0] + lam[c1]);
  let mf = 0.5 * (mu[c0] + mu[c1]);
  let s0 = sstar(c0);
  let s1 = sstar(c1);
  let dxux = (u[ox + j * P.nx + ie] - u[ox + j * P.nx + i]) * P.ih;
  let dxuy = (u[oy + j * P.nx + ie] - u[oy + j * P.nx + i]) * P.ih;
  let i4h = 0.25 * P.ih;
  let dyux = (uN(ox, j, i) - uS(ox, j, i) + uN(ox, j, ie) - uS(ox, j, ie)) * i4h;
  let dyuy = (uN(oy, j, i) - uS(oy, j, i) + uN(oy, j, ie) - uS(oy, j, ie)) * i4h;
  return vec2f(
    (lf + 2.0 * mf) * dxux + lf * dyuy - 0.5 * (s0.x + s1.x),
    mf * (dxuy + dyux) - 0.5 * (s0.z + s1.z),
  );
}

// (Syy, Sxy) on the face between rows j and j+1; j = −1: bottom wall, j = ny−1: top wall
fn yFace(cb: u32, ox: u32, oy: u32, j: i32, i: u32) -> vec2f {
  if (j < 0 || j >= i32(P.ny) - 1) {
    // clamped wall: u = 0 on the face half a cell away; derivatives along +y; tangential ∂x u = 0
    let jc = select(P.ny - 1u, 0u, j < 0);
    let sgn = select(-2.0, 2.0, j < 0);
    let c = cb + jc * P.nx + i;
    let L = lam[c];
    let M = mu[c];
    let s = sstar(c);
    let dyux = sgn * u[ox + jc * P.nx + i] * P.ih;
    let dyuy = sgn * u[oy + jc * P.nx + i] * P.ih;
    return vec2f((L + 2.0 * M) * dyuy - s.y, M * dyux - s.z);
  }
  let ju = u32(j);
  let iw = westOf(i);
  let ie = eastOf(i);
  let c0 = cb + ju * P.nx + i;
  let c1 = c0 + P.nx;
  let lf = 0.5 * (lam[c0] + lam[c1]);
  let mf = 0.5 * (mu[c0] + mu[c1]);
  let s0 = sstar(c0);
  let s1 = sstar(c1);
  let r0 = ju * P.nx;
  let r1 = r0 + P.nx;
  let dyux = (u[ox + r1 + i] - u[ox + r0 + i]) * P.ih;
  let dyuy = (u[oy + r1 + i] - u[oy + r0 + i]) * P.ih;
  let i4h = 0.25 * P.ih;
  let dxux = (u[ox + r0 + ie] - u[ox + r0 + iw] + u[ox + r1 + ie] - u[ox + r1 + iw]) * i4h;
  let dxuy = (u[oy + r0 + ie] - u[oy + r0 + iw] + u[oy + r1 + ie] - u[oy + r1 + iw]) * i4h;
  return vec2f(
    (lf + 2.0 * mf) * dyuy + lf * dxux - 0.5 * (s0.y + s1.y),
    mf * (dyux + dxuy) - 0.5 * (s0.z + s1.z),
  );
}

// mgF = div σ(u) (the force balance, the multigrid's right-hand side); mgU = 0 (the cycles start from zero)
@compute @workgroup_size(8, 8, 1)
fn residual(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j >= P.ny) { return; }
  let ox = 2u * b * P.n;
  let oy = ox + P.n;
  let cb = b * P.n;
  let E = xFace(cb, ox, oy, j, i);
  let W = xFace(cb, ox, oy, j, westOf(i));
  let N = yFace(cb, ox, oy, i32(j), i);
  let S = yFace(cb, ox, oy, i32(j) - 1, i);
  let k = j * P.nx + i;
  mgF[ox + k] = (E.x - W.x + (N.y - S.y)) * P.ih;
  mgF[oy + k] = (E.y - W.y + (N.x - S.x)) * P.ih;
  mgU[ox + k] = 0.0;
  mgU[oy + k] = 0.0;
}

// u += ω · mgU (dispatch z = 2·nm planes)
@compute @workgroup_size(8, 8, 1)
fn update(@builtin(global_invocation_id) g: vec3u) {
  if (g.x >= P.nx || g.y >= P.ny) { return; }
  let k = g.z * P.n + g.y * P.nx + g.x;
  u[k] += P.omega * mgU[k];
}

// per-cell stresses from central differences (ghost −u beyond a wall)
@compute @workgroup_size(8, 8, 1)
fn stress(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j >= P.ny) { return; }
  let ox = 2u * b * P.n;
  let oy = ox + P.n;
  let k = j * P.nx + i;
  let iw = j * P.nx + westOf(i);
  let ie = j * P.nx + eastOf(i);
  let i2h = 0.5 * P.ih;
  let dxux = (u[ox + ie] - u[ox + iw]) * i2h;
  let dxuy = (u[oy + ie] - u[oy + iw]) * i2h;
  let dyux = (uN(ox, j, i) - uS(ox, j, i)) * i2h;
  let dyuy = (uN(oy, j, i) - uS(oy, j, i)) * i2h;
  let c = b * P.n + k;
  let L = lam[c];
  let M = mu[c];
  let exx = dxux - eig[c];
  let eyy = dyuy - eig[P.N + c];
  let exy = 0.5 * (dyux + dxuy) - eig[2u * P.N + c];
  let sxx = (L + 2.0 * M) * exx + L * eyy;
  let syy = L * exx + (L + 2.0 * M) * eyy;
  let szz = L * (exx + eyy);
  let sxy = 2.0 * M * exy;
  let a = sxx - syy;
  let d = syy - szz;
  let e = szz - sxx;
  stressOut[c] = sxx;
  stressOut[P.N + c] = syy;
  stressOut[2u * P.N + c] = sxy;
  stressOut[3u * P.N + c] = szz;
  stressOut[4u * P.N + c] = (sxx + syy + szz) / 3.0;
  stressOut[5u * P.N + c] = sqrt(0.5 * (a * a + d * d + e * e) + 3.0 * sxy * sxy);
}

// the multigrid's fine coefficients from λ, μ: K = λ+2μ, ax = mean K across the west face (periodic),
// ay = mean K across the south face, the adjacent cell's K on a wall (Dirichlet); bd = 0. Both
// multigrid members 2b, 2b+1 (u_x, u_y) get the same values. Dispatch (nx, ny+1, nm).
@compute @workgroup_size(8, 8, 1)
fn coefficients(@builtin(global_invocation_id) g: vec3u) {
  let i = g.x;
  let j = g.y;
  let b = g.z;
  if (i >= P.nx || j > P.ny) { return; }
  let cb = b * P.n;
  let jN = min(j, P.ny - 1u);                // the cell north of the face (row ny−1 on the top wall)
  let jS = select(j - 1u, 0u, j == 0u);      // the cell south of it (row 0 on the bottom wall)
  let KN = lam[cb + jN * P.nx + i] + 2.0 * mu[cb + jN * P.nx + i];
  let KS = lam[cb + jS * P.nx + i] + 2.0 * mu[cb + jS * P.nx + i];
  let ayv = 0.5 * (KS + KN);                 // on a wall both are the adjacent cell: its K
  for (var c = 0u; c < 2u; c++) {
    let mb = 2u * b + c;
    ay[(mb * (P.ny + 1u) + j) * P.nx + i] = ayv;
    if (j < P.ny) {
      let kc = cb + j * P.nx + i;
      let kw = cb + j * P.nx + westOf(i);
      let Kc = lam[kc] + 2.0 * mu[kc];
      let Kw = lam[kw] + 2.0 * mu[kw];
      ax[mb * P.n + j * P.nx + i] = 0.5 * (Kw + Kc);
      bd[mb * P.n + j * P.nx + i] = 0.0;
    }
  }
}
