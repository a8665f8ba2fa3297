// Collectors, 3D hosts and seeds as static per-cell fields (MODEL.md §6.1, §6.2), generated on the
// host from the scenario and run.seed, identically for both backends (the GPU gets the packed
// vec4 per cell of packGeometry).
//
// Conventions: cell (i, j) has centre ((i + ½)h, (j + ½)h); the collector is the face y = 0 under
// row 0. A host cell is `solid`: an electronic conductor at the collector potential, impermeable to
// ions, never Li. Every solid surface has a contact angle θ for Li; the wetting boundary condition
// and the nucleation barrier read cos θ from `cosTheta`:
//  - for a solid cell: cos θ of its own surface;
//  - for a fluid cell of row 0: cos θ of the collector face under it.
// `kinetic` is the exchange-current factor i0_local/i0 of a fluid cell: the seed's i0 where the cell
// touches a seeded surface, 1 elsewhere.

import { num, text, ScenarioError, type Scenario } from './scenario.ts';
import { seedProperties } from './materials.ts';
import { rand01 } from '../cpu/terms.ts';

/** Counter-based stream ids (the "step" argument of rand01) of the geometry generators. */
const STREAM_FIBRES = 0xfffffff0;
const STREAM_FOAM = 0xfffffff1;
const STREAM_SEEDS = 0xfffffff2;
const STREAM_SEI = 0xfffffff3;

export interface Geometry {
  nx: number;
  ny: number;
  h: number;
  solid: Uint8Array;
  cosTheta: Float64Array;
  kinetic: Float64Array;
  /** 1 where a solid cell's surface, or the collector face under a row-0 cell, carries a seed */
  seeded: Uint8Array;
  /** top of the host layer [µm]; 0 without a host */
  hostHeight_um: number;
  /** whether any surface can nucleate Li (bare Cu, or a host) */
  bareSurfaces: boolean;
  /** mosaic SEI: factor on the film resistance of the SEI that forms in each cell (1: uniform) */
  seiFactor: Float64Array;
}

const rad = (deg: number) => (deg * Math.PI) / 180;

/** Throws a ScenarioError for geometry that cannot be built (called by resolveScenario). */
export function checkGeometry(s: Scenario): void {
  const nx = num(s, 'grid.nx');
  const ny = num(s, 'grid.ny');
  const h = num(s, 'grid.dx_um');
  const Lx = nx * h;
  const H = ny * h;
  const w = num(s, 'phase.interface_width_um');
  const kind = text(s, 'host.kind');
  const substrate = text(s, 'substrate.kind');
  if (kind !== 'none') {
    const height = num(s, 'host.height_um');
    // the deposit needs room above the host: at least four interface widths and 2 cells
    const room = Math.max(4 * w, 2 * h);
    if (height > H - room) throw new ScenarioError('host.height_um', height, `≤ ${(H - room).toPrecision(4)} µm: the host must leave room below the reservoir (the domain is grid.ny·grid.dx_um = ${H} µm tall)`);
    if (height < 2 * h) throw new ScenarioError('host.height_um', height, `≥ ${2 * h} µm (two cells of grid.dx_um = ${h} µm)`);
    if (kind === 'pillars') {
      const width = num(s, 'host.width_um');
      const pitch = num(s, 'host.spacing_um');
      if (pitch > Lx) throw new ScenarioError('host.spacing_um', pitch, `≤ the domain width grid.nx·grid.dx_um = ${Lx} µm (the x direction is periodic: at least one pillar)`);
      if (width < 2 * h) throw new ScenarioError('host.width_um', width, `≥ ${2 * h} µm (two cells of grid.dx_um = ${h} µm)`);
      const n = Math.max(1, Math.round(Lx / pitch));
      if (width > Lx / n - 2 * h) throw new ScenarioError('host.width_um', width, `< host.spacing_um − 2 cells = ${(Lx / n - 2 * h).toPrecision(4)} µm (pillars must leave a channel of at least two cells; ${n} pillars share the ${Lx} µm domain)`);
    }
    if (kind === 'fibres') {
      const dia = num(s, 'host.fibre_diameter_um');
      if (dia > Math.min(height, Lx)) throw new ScenarioError('host.fibre_diameter_um', dia, `≤ ${Math.min(height, Lx)} µm: a fibre must fit in the host layer (host.height_um = ${height}) and the domain width (${Lx} µm)`);
      if (dia < 2 * h) throw new ScenarioError('host.fibre_diameter_um', dia, `≥ ${2 * h} µm (two cells of grid.dx_um = ${h} µm)`);
    }
    if (kind === 'foam') {
      const pore = num(s, 'host.pore_size_um');
      if (pore > Math.min(height, Lx)) throw new ScenarioError('host.pore_size_um', pore, `≤ ${Math.min(height, Lx)} µm: a pore must fit in the host layer (host.height_um = ${height}) and the domain width (${Lx} µm)`);
      if (pore < 3 * h) throw new ScenarioError('host.pore_size_um', pore, `≥ ${3 * h} µm (three cells of grid.dx_um = ${h} µm)`);
    }
  }
  const material = text(s, 'seeding.material');
  if (material !== 'none') {
    const placement = text(s, 'seeding.placement');
    if (placement !== 'host' && substrate === 'li_foil') {
      throw new ScenarioError('seeding.placement', placement, `host when substrate.kind = li_foil: seeds on the collector would lie under the Li film (use substrate.kind = cu for seeds on the collector)`);
    }
    if (placement !== 'collector' && kind === 'none') throw new ScenarioError('seeding.placement', placement, 'collector when host.kind = none (there is no host surface to seed)');
    const depth = num(s, 'seeding.host_depth_fraction');
    if (depth !== 1 && placement === 'collector') throw new ScenarioError('seeding.host_depth_fraction', depth, `1 when seeding.placement = collector (it limits the seeds on host surfaces; use placement host or all)`);
    if (text(s, 'seeding.pattern') !== 'coating') {
      const size = num(s, 'seeding.size_um');
      const density = num(s, 'seeding.density_per_um');
      if (size > Lx) throw new ScenarioError('seeding.size_um', size, `≤ the collector width grid.nx·grid.dx_um = ${Lx} µm: a seed must lie on the collector`);
      if (size < h) throw new ScenarioError('seeding.size_um', size, `≥ one cell, grid.dx_um = ${h} µm`);
      if (density * size > 1) throw new ScenarioError('seeding.density_per_um', density, `≤ 1/seeding.size_um = ${(1 / size).toPrecision(4)} per µm: seeds would overlap and cover more than the surface (use seeding.pattern = coating for a full coating)`);
      if (placement === 'collector' && Math.round(density * Lx) < 1) throw new ScenarioError('seeding.density_per_um', density, `≥ ${(0.5 / Lx).toPrecision(3)} per µm: fewer than one seed would fall on the ${Lx} µm collector`);
    }
  }
}

/** Builds the geometry of a resolved scenario (deterministic in run.seed). */
export function buildGeometry(s: Scenario): Geometry {
  const nx = num(s, 'grid.nx');
  const ny = num(s, 'grid.ny');
  const h = num(s, 'grid.dx_um');
  const seed = num(s, 'run.seed') >>> 0;
  const Lx = nx * h;
  const cells = nx * ny;
  const solid = new Uint8Array(cells);
  const kind = text(s, 'host.kind');
  const height = kind === 'none' ? 0 : num(s, 'host.height_um');
  const rows = Math.round(height / h);
  const periodicDx = (a: number, b: number) => {
    const d = Math.abs(a - b) % Lx;
    return Math.min(d, Lx - d);
  };
  if (kind === 'pillars') {
    const n = Math.max(1, Math.round(Lx / num(s, 'host.spacing_um')));
    const half = num(s, 'host.width_um') / 2;
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < nx; i++) {
        const x = (i + 0.5) * h;
        for (let k = 0; k < n; k++) if (periodicDx(x, ((k + 0.5) * Lx) / n) < half) solid[j * nx + i] = 1;
      }
    }
  } else if (kind === 'fibres') {
    // random fibre cross-sections in the host layer, added until the layer's solid fraction reaches
    // 1 − porosity (carbon cloth: the fibres touch each other and the collector electronically)
    const r = num(s, 'host.fibre_diameter_um') / 2;
    const target = (1 - num(s, 'host.porosity')) * rows * nx;
    let filled = 0;
    for (let k = 0; filled < target && k < 100000; k++) {
      const cx = rand01(seed, STREAM_FIBRES, 2 * k) * Lx;
      const cy = r + rand01(seed, STREAM_FIBRES, 2 * k + 1) * Math.max(height - 2 * r, 0);
      filled += stamp(solid, nx, rows, h, Lx, cx, cy, r, 1);
    }
  } else if (kind === 'foam') {
    // a solid layer opened by random overlapping spherical pores until the open fraction is the porosity
    for (let k = 0; k < rows * nx; k++) solid[k] = 1;
    const r = num(s, 'host.pore_size_um') / 2;
    const target = num(s, 'host.porosity') * rows * nx;
    let open = 0;
    for (let k = 0; open < target && k < 100000; k++) {
      const cx = rand01(seed, STREAM_FOAM, 2 * k) * Lx;
      const cy = rand01(seed, STREAM_FOAM, 2 * k + 1) * height;
      open += stamp(solid, nx, rows, h, Lx, cx, cy, r, 0);
    }
  }

  const cosCollector = Math.cos(rad(num(s, 'surface.contact_angle_deg')));
  const cosHost = Math.cos(rad(num(s, 'host.contact_angle_deg')));
  const cosTheta = new Float64Array(cells);
  for (let k = 0; k < cells; k++) cosTheta[k] = solid[k] ? cosHost : 0;
  const substrate = text(s, 'substrate.kind');
  // a Li foil: the film covers the collector (θ of Li on Li is 0, but ξ = 1 there and the wall term vanishes)
  for (let i = 0; i < nx; i++) if (!solid[i]) cosTheta[i] = substrate === 'cu' ? cosCollector : 0;

  const seeded = new Uint8Array(cells);
  const kinetic = new Float64Array(cells).fill(1);
  const material = text(s, 'seeding.material');
  const props = seedProperties(material, { contactAngle_deg: num(s, 'seeding.contact_angle_deg'), exchangeCurrent_mA_cm2: num(s, 'seeding.exchange_current_mA_cm2') });
  if (props) {
    const placement = text(s, 'seeding.placement');
    const pattern = text(s, 'seeding.pattern');
    const size = num(s, 'seeding.size_um');
    const density = num(s, 'seeding.density_per_um');
    if (placement !== 'host') {
      // collector surface: the faces under the fluid cells of row 0
      const covered = (x: number, centres: number[]) => centres.some((c) => periodicDx(x, c) < size / 2);
      const n = Math.round(density * Lx);
      const centres =
        pattern === 'regular'
          ? Array.from({ length: n }, (_, k) => ((k + 0.5) * Lx) / n)
          : Array.from({ length: n }, (_, k) => rand01(seed, STREAM_SEEDS, k) * Lx);
      for (let i = 0; i < nx; i++) {
        if (solid[i]) continue;
        if (pattern === 'coating' || covered((i + 0.5) * h, centres)) seeded[i] = 1;
      }
    }
    if (placement !== 'collector') {
      // host surfaces: solid cells with a fluid neighbour, taken in scan order
      // only below seeding.host_depth_fraction of the host height (a gradient host, 000:L170)
      const top = num(s, 'seeding.host_depth_fraction') * rows * h;
      const surface: number[] = [];
      for (let k = 0; k < cells; k++) if (solid[k] && fluidNeighbour(solid, nx, ny, k) && (Math.floor(k / nx) + 0.5) * h <= top) surface.push(k);
      if (pattern === 'coating') for (const k of surface) seeded[k] = 1;
      else {
        const centres: number[] = [];
        const stride = Math.max(1, Math.round(1 / (density * h)));
        surface.forEach((k, q) => {
          const pick = pattern === 'regular' ? q % stride === 0 : rand01(seed, STREAM_SEEDS, 0x100000 + k) < density * h;
          if (pick) centres.push(k);
        });
        for (const k of surface) {
          const xk = ((k % nx) + 0.5) * h;
          const yk = (Math.floor(k / nx) + 0.5) * h;
          for (const c of centres) {
            const dx = periodicDx(xk, ((c % nx) + 0.5) * h);
            const dy = yk - (Math.floor(c / nx) + 0.5) * h;
            if (dx * dx + dy * dy < (size / 2) * (size / 2) + 1e-12) {
              seeded[k] = 1;
              break;
            }
          }
        }
      }
    }
    const cosSeed = Math.cos(rad(props.contactAngle_deg));
    const ratio = props.exchangeCurrent_mA_cm2 / num(s, 'kinetics.exchange_current_mA_cm2');
    for (let k = 0; k < cells; k++) {
      if (!seeded[k]) continue;
      cosTheta[k] = cosSeed;
      if (!solid[k]) kinetic[k] = ratio; // a row-0 cell over a seeded collector face
    }
    // fluid cells touching a seeded host surface react with the seed's i0
    for (let k = 0; k < cells; k++) {
      if (solid[k]) continue;
      for (const m of neighbours(nx, ny, k)) if (solid[m] && seeded[m]) kinetic[k] = ratio;
    }
  }
  const bareSurfaces = substrate === 'cu' || kind !== 'none';
  return { nx, ny, h, solid, cosTheta, kinetic, seeded, hostHeight_um: rows * h, bareSurfaces, seiFactor: seiMosaic(s) };
}

/**
 * Mosaic SEI (000:L336): square patches of about sei.patch_size_um (a whole number of them across
 * the periodic width), each with a film-resistance factor 10^(spread·(u − ½)), u uniform from
 * run.seed, so the factors are log-uniform over `spread` decades with geometric mean 1. The film
 * that forms in a cell takes the factor of the patch the cell lies in.
 */
export function seiMosaic(s: Scenario): Float64Array {
  const nx = num(s, 'grid.nx');
  const ny = num(s, 'grid.ny');
  const h = num(s, 'grid.dx_um');
  const out = new Float64Array(nx * ny).fill(1);
  const spread = num(s, 'sei.heterogeneity');
  if (spread === 0 || text(s, 'sei.kind') === 'none') return out;
  const seed = num(s, 'run.seed') >>> 0;
  const size = num(s, 'sei.patch_size_um');
  const px = Math.max(1, Math.round((nx * h) / size));
  const wx = (nx * h) / px;
  for (let j = 0; j < ny; j++) {
    const pj = Math.floor(((j + 0.5) * h) / size);
    for (let i = 0; i < nx; i++) {
      const pi = Math.floor(((i + 0.5) * h) / wx);
      out[j * nx + i] = 10 ** (spread * (rand01(seed, STREAM_SEI, pj * px + pi) - 0.5));
    }
  }
  return out;
}

/** Sets cells of the first `rows` rows within radius r of (cx, cy) (periodic in x) to `value`; returns how many changed. */
function stamp(solid: Uint8Array, nx: number, rows: number, h: number, Lx: number, cx: number, cy: number, r: number, value: number): number {
  let changed = 0;
  const j0 = Math.max(0, Math.floor((cy - r) / h));
  const j1 = Math.min(rows - 1, Math.ceil((cy + r) / h));
  const span = Math.ceil(r / h) + 1;
  const ic = Math.floor(cx / h);
  for (let j = j0; j <= j1; j++) {
    const dy = (j + 0.5) * h - cy;
    for (let di = -span; di <= span; di++) {
      const i = (((ic + di) % nx) + nx) % nx;
      let dx = Math.abs((i + 0.5) * h - cx) % Lx;
      dx = Math.min(dx, Lx - dx);
      if (dx * dx + dy * dy <= r * r) {
        const k = j * nx + i;
        if (solid[k] !== value) {
          solid[k] = value;
          changed++;
        }
      }
    }
  }
  return changed;
}

/** The 4-neighbours of cell k (periodic in x; none below row 0 or above row ny − 1). */
export function neighbours(nx: number, ny: number, k: number): number[] {
  const i = k % nx;
  const j = Math.floor(k / nx);
  const out = [j * nx + ((i + 1) % nx), j * nx + ((i + nx - 1) % nx)];
  if (j > 0) out.push(k - nx);
  if (j < ny - 1) out.push(k + nx);
  return out;
}

function fluidNeighbour(solid: Uint8Array, nx: number, ny: number, k: number): boolean {
  return neighbours(nx, ny, k).some((m) => !solid[m]);
}

/** (solid, cos θ, i0 factor, seeded) per cell, the GPU's `geo` buffer. */
export function packGeometry(g: Geometry): Float32Array {
  const out = new Float32Array(4 * g.nx * g.ny);
  for (let k = 0; k < g.nx * g.ny; k++) {
    out[4 * k] = g.solid[k];
    out[4 * k + 1] = g.cosTheta[k];
    out[4 * k + 2] = g.kinetic[k];
    out[4 * k + 3] = g.seeded[k];
  }
  return out;
}
