// Pan and zoom: world coordinates in µm (x along the collector, y up from it) to canvas pixels
// (device pixels, y down). The matrices come from gl-matrix; the renderer gets the inverse.

import { mat3, vec2 } from 'gl-matrix';

export class View {
  /** device pixels per µm */
  zoom = 1;
  /** canvas position (device px) of the world origin */
  ox = 0;
  oy = 0;
  private readonly m = mat3.create();
  private readonly inv = mat3.create();

  /** Fits the box [x0, x1] × [y0, y1] µm into a w × h pixel canvas with a margin. */
  fit(w: number, h: number, x0: number, x1: number, y0: number, y1: number, margin = 0.04): void {
    const zx = (w * (1 - 2 * margin)) / (x1 - x0);
    const zy = (h * (1 - 2 * margin)) / (y1 - y0);
    this.zoom = Math.min(zx, zy);
    this.ox = w / 2 - this.zoom * (x0 + x1) / 2;
    this.oy = h / 2 + this.zoom * (y0 + y1) / 2;
  }

  worldToScreen(): mat3 {
    mat3.fromTranslation(this.m, [this.ox, this.oy]);
    mat3.scale(this.m, this.m, [this.zoom, -this.zoom]);
    return this.m;
  }

  screenToWorld(): mat3 {
    return mat3.invert(this.inv, this.worldToScreen()) ?? mat3.identity(this.inv);
  }

  toWorld(px: number, py: number): [number, number] {
    const out = vec2.transformMat3(vec2.create(), [px, py], this.screenToWorld());
    return [out[0], out[1]];
  }

  toScreen(x: number, y: number): [number, number] {
    const out = vec2.transformMat3(vec2.create(), [x, y], this.worldToScreen());
    return [out[0], out[1]];
  }

  pan(dx: number, dy: number): void {
    this.ox += dx;
    this.oy += dy;
  }

  /** Zooms by `factor` keeping the world point under (px, py) fixed. */
  zoomAt(px: number, py: number, factor: number): void {
    const z = Math.min(Math.max(this.zoom * factor, 1e-3), 1e4);
    const f = z / this.zoom;
    this.ox = px - (px - this.ox) * f;
    this.oy = py - (py - this.oy) * f;
    this.zoom = z;
  }
}
