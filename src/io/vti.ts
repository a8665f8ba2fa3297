// VTK XML ImageData (.vti) writer: one snapshot of the fields, opened directly by ParaView/VisIt.
// Browser-safe (no node: imports), so the app can offer the same file as the CLI.
//
// Geometry: one VTK point per cell centre. Field arrays are row-major with i fastest and j = 0 at
// the collector, which is exactly VTK's point order (x fastest, then y), so the data are written
// as they are. Lengths are in µm: Origin = (dx/2, dx/2, 0), Spacing = dx.
//
// Arrays are inline `format="binary"`, uncompressed: base64 of ONE byte stream made of a UInt32
// byte count followed by the little-endian float32 values. vtkXMLDataParser reads the header and
// then seeks within the same decoded stream, so header and data must not be base64-encoded
// separately (that is the layout for compressed arrays only).

export interface VtiField {
  /** array name as shown in ParaView; no whitespace, quotes or XML specials */
  name: string;
  /** nx·ny values, row-major, i fastest, j = 0 at the collector */
  data: ArrayLike<number>;
}

export interface VtiOptions {
  nx: number;
  ny: number;
  /** cell size [µm] */
  dx_um: number;
  /** simulated time [s], written as FieldData TimeValue (ParaView's time annotation) */
  time_s?: number;
  fields: VtiField[];
}

export function vtiDocument(opts: VtiOptions): string {
  const { nx, ny, dx_um, time_s, fields } = opts;
  for (const [key, v] of [['nx', nx], ['ny', ny]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`vti: ${key} = ${v} must be a positive integer`);
  }
  if (!(Number.isFinite(dx_um) && dx_um > 0)) throw new Error(`vti: dx_um = ${dx_um} must be a finite number > 0`);
  if (time_s !== undefined && !Number.isFinite(time_s)) throw new Error(`vti: time_s = ${time_s} must be finite`);
  const count = nx * ny;
  // The UInt32 header holds the byte count of one array.
  if (count * 4 > 0xffffffff) throw new Error(`vti: ${nx} × ${ny} float32 values exceed the 4 GiB a UInt32 header can count`);
  const seen = new Set<string>();
  for (const f of fields) {
    if (!/^[^\s"'<>&]+$/.test(f.name)) {
      throw new Error(`vti: field name ${JSON.stringify(f.name)} must be non-empty, without whitespace, quotes or < > &`);
    }
    if (seen.has(f.name)) throw new Error(`vti: field name "${f.name}" is given twice`);
    seen.add(f.name);
    if (f.data.length !== count) {
      throw new Error(`vti: field "${f.name}" has ${f.data.length} values, expected nx·ny = ${nx}·${ny} = ${count}`);
    }
  }

  const extent = `0 ${nx - 1} 0 ${ny - 1} 0 0`;
  const h = String(dx_um / 2);
  const lines = [
    '<?xml version="1.0"?>',
    `<!-- Dendrite Lab field snapshot. Lengths in micrometres (um): points are cell centres, Origin = (dx/2, dx/2, 0), Spacing = dx = ${dx_um} um; y = 0 is the collector. -->`,
    '<VTKFile type="ImageData" version="1.0" byte_order="LittleEndian" header_type="UInt32">',
    `  <ImageData WholeExtent="${extent}" Origin="${h} ${h} 0" Spacing="${dx_um} ${dx_um} ${dx_um}">`,
  ];
  if (time_s !== undefined) {
    lines.push(
      '    <FieldData>',
      `      <DataArray type="Float64" Name="TimeValue" NumberOfTuples="1" format="ascii">${String(time_s)}</DataArray>`,
      '    </FieldData>',
    );
  }
  lines.push(`    <Piece Extent="${extent}">`);
  lines.push(fields.length ? `      <PointData Scalars="${fields[0].name}">` : '      <PointData>');
  for (const f of fields) {
    lines.push(`        <DataArray type="Float32" Name="${f.name}" NumberOfComponents="1" format="binary">${float32Base64(f.data)}</DataArray>`);
  }
  lines.push('      </PointData>', '      <CellData>', '      </CellData>', '    </Piece>', '  </ImageData>', '</VTKFile>', '');
  return lines.join('\n');
}

/** The simulation's fields as one snapshot: ξ, c [mol/L] and φ [V] (the app's export and the CLI's series). */
export function fieldsVti(f: { nx: number; ny: number; dx_um: number; xi: ArrayLike<number>; c: ArrayLike<number>; phi_V: ArrayLike<number> }, c0_mol_L: number, time_s: number): string {
  const c = new Float32Array(f.c.length);
  for (let k = 0; k < c.length; k++) c[k] = f.c[k] * c0_mol_L;
  return vtiDocument({
    nx: f.nx,
    ny: f.ny,
    dx_um: f.dx_um,
    time_s,
    fields: [
      { name: 'xi', data: f.xi },
      { name: 'c_mol_L', data: c },
      { name: 'phi_V', data: f.phi_V },
    ],
  });
}

/** A ParaView collection (.pvd) of .vti snapshots: ParaView opens it as one time series. */
export function pvdDocument(entries: readonly { time_s: number; file: string }[]): string {
  for (const e of entries) {
    if (!Number.isFinite(e.time_s)) throw new Error(`pvd: time_s = ${e.time_s} must be finite`);
    if (!/^[^"'<>&]+$/.test(e.file)) throw new Error(`pvd: file ${JSON.stringify(e.file)} must be non-empty, without quotes or < > &`);
  }
  return [
    '<?xml version="1.0"?>',
    '<VTKFile type="Collection" version="1.0" byte_order="LittleEndian">',
    '  <Collection>',
    ...entries.map((e) => `    <DataSet timestep="${String(e.time_s)}" group="" part="0" file="${e.file}"/>`),
    '  </Collection>',
    '</VTKFile>',
    '',
  ].join('\n');
}

/** base64 of [UInt32 LE byte count][float32 LE values], one stream. */
function float32Base64(data: ArrayLike<number>): string {
  const bytes = new Uint8Array(4 + 4 * data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, 4 * data.length, true);
  for (let k = 0; k < data.length; k++) view.setFloat32(4 + 4 * k, data[k], true);
  return base64(bytes);
}

const B64 = new TextEncoder().encode('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/');

/** Standard base64 with '=' padding. Fields are MBs: btoa would need a binary string as large. */
export function base64(bytes: Uint8Array): string {
  const out = new Uint8Array(4 * Math.ceil(bytes.length / 3));
  const code = (k: number) => B64[k];
  let o = 0;
  let k = 0;
  for (; k + 2 < bytes.length; k += 3) {
    const t = (bytes[k] << 16) | (bytes[k + 1] << 8) | bytes[k + 2];
    out[o++] = code(t >>> 18);
    out[o++] = code((t >>> 12) & 63);
    out[o++] = code((t >>> 6) & 63);
    out[o++] = code(t & 63);
  }
  const rest = bytes.length - k;
  if (rest > 0) {
    const t = (bytes[k] << 16) | (rest === 2 ? bytes[k + 1] << 8 : 0);
    out[o++] = code(t >>> 18);
    out[o++] = code((t >>> 12) & 63);
    out[o++] = rest === 2 ? code((t >>> 6) & 63) : 61; // '='
    out[o++] = 61;
  }
  return new TextDecoder().decode(out);
}
