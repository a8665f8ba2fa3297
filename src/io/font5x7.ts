// A hand-drawn 5x7 bitmap font for labelling images without font libraries or system fonts
// (CI machines have none). Covers printable ASCII 32-126; anything else draws as '?', except a few
// lookalikes mapped in SUBSTITUTES. Glyphs are laid out side by side, 16 to a strip, one space apart.

/** Glyph size in font pixels; drawn glyphs are `scale` image pixels per font pixel. */
export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

const STRIPS: { chars: string; rows: string[] }[] = [
  {
    chars: ' !"#$%&\'()*+,-./',
    rows: [
      '..... ..#.. .#.#. .#.#. ..#.. ##... .##.. ..#.. ...#. .#... ..... ..... ..... ..... ..... .....',
      '..... ..#.. .#.#. .#.#. .#### ##..# #..#. ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..... ..... ....#',
      '..... ..#.. .#.#. ##### #.#.. ...#. #.#.. .#... .#... ...#. #.#.# ..#.. ..... ..... ..... ...#.',
      '..... ..#.. ..... .#.#. .###. ..#.. .#... ..... .#... ...#. .###. ##### ..... ##### ..... ..#..',
      '..... ..#.. ..... ##### ..#.# .#... #.#.# ..... .#... ...#. #.#.# ..#.. .##.. ..... ..... .#...',
      '..... ..... ..... .#.#. ####. #..## #..#. ..... ..#.. ..#.. ..#.. ..#.. ..#.. ..... .##.. #....',
      '..... ..#.. ..... .#.#. ..#.. ...## .##.# ..... ...#. .#... ..... ..... .#... ..... .##.. .....',
    ],
  },
  {
    chars: '0123456789:;<=>?',
    rows: [
      '.###. ..#.. .###. ##### ...#. ##### ..##. ##### .###. .###. ..... ..... ...#. ..... .#... .###.',
      '#...# .##.. #...# ...#. ..##. #.... .#... ....# #...# #...# .##.. .##.. ..#.. ..... ..#.. #...#',
      '#..## ..#.. ....# ..#.. .#.#. ####. #.... ...#. #...# #...# .##.. .##.. .#... ##### ...#. ....#',
      '#.#.# ..#.. ...#. ...#. #..#. ....# ####. ..#.. .###. .#### ..... ..... #.... ..... ....# ...#.',
      '##..# ..#.. ..#.. ....# ##### ....# #...# .#... #...# ....# .##.. .##.. .#... ##### ...#. ..#..',
      '#...# ..#.. .#... #...# ...#. #...# #...# .#... #...# ...#. .##.. ..#.. ..#.. ..... ..#.. .....',
      '.###. .###. ##### .###. ...#. .###. .###. .#... .###. .##.. ..... .#... ...#. ..... .#... ..#..',
    ],
  },
  {
    chars: '@ABCDEFGHIJKLMNO',
    rows: [
      '.###. .###. ####. .###. ###.. ##### ##### .###. #...# .###. ..### #...# #.... #...# #...# .###.',
      '#...# #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. ...#. #..#. #.... ##.## #...# #...#',
      '....# #...# #...# #.... #...# #.... #.... #.... #...# ..#.. ...#. #.#.. #.... #.#.# ##..# #...#',
      '.##.# #...# ####. #.... #...# ####. ####. #.### ##### ..#.. ...#. ##... #.... #.#.# #.#.# #...#',
      '#.#.# ##### #...# #.... #...# #.... #.... #...# #...# ..#.. ...#. #.#.. #.... #...# #..## #...#',
      '#.#.# #...# #...# #...# #..#. #.... #.... #...# #...# ..#.. #..#. #..#. #.... #...# #...# #...#',
      '.###. #...# ####. .###. ###.. ##### #.... .#### #...# .###. .##.. #...# ##### #...# #...# .###.',
    ],
  },
  {
    chars: 'PQRSTUVWXYZ[\\]^_',
    rows: [
      '####. .###. ####. .#### ##### #...# #...# #...# #...# #...# ##### .###. ..... .###. ..#.. .....',
      '#...# #...# #...# #.... ..#.. #...# #...# #...# #...# #...# ....# .#... #.... ...#. .#.#. .....',
      '#...# #...# #...# #.... ..#.. #...# #...# #...# .#.#. #...# ...#. .#... .#... ...#. #...# .....',
      '####. #...# ####. .###. ..#.. #...# #...# #.#.# ..#.. .#.#. ..#.. .#... ..#.. ...#. ..... .....',
      '#.... #.#.# #.#.. ....# ..#.. #...# #...# #.#.# .#.#. ..#.. .#... .#... ...#. ...#. ..... .....',
      '#.... #..#. #..#. ....# ..#.. #...# .#.#. #.#.# #...# ..#.. #.... .#... ....# ...#. ..... .....',
      '#.... .##.# #...# ####. ..#.. .###. ..#.. .#.#. #...# ..#.. ##### .###. ..... .###. ..... #####',
    ],
  },
  {
    chars: '`abcdefghijklmno',
    rows: [
      '.#... ..... #.... ..... ....# ..... ..##. ..... #.... ..#.. ...#. #.... .##.. ..... ..... .....',
      '..#.. ..... #.... ..... ....# ..... .#..# .#### #.... ..... ..... #.... ..#.. ..... ..... .....',
      '...#. .###. #.##. .###. .##.# .###. .#... #...# #.##. .##.. ..##. #..#. ..#.. ##.#. #.##. .###.',
      '..... ....# ##..# #.... #..## #...# ###.. #...# ##..# ..#.. ...#. #.#.. ..#.. #.#.# ##..# #...#',
      '..... .#### #...# #.... #...# ##### .#... .#### #...# ..#.. ...#. ##... ..#.. #.#.# #...# #...#',
      '..... #...# #...# #...# #...# #.... .#... ....# #...# ..#.. #..#. #.#.. ..#.. #...# #...# #...#',
      '..... .#### ####. .###. .#### .###. .#... .###. #...# .###. .##.. #..#. .###. #...# #...# .###.',
    ],
  },
  {
    chars: 'pqrstuvwxyz{|}~',
    rows: [
      '..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ...#. ..#.. .#... .....',
      '..... ..... ..... ..... .#... ..... ..... ..... ..... ..... ..... ..#.. ..#.. ..#.. .....',
      '####. .##.# #.##. .###. ###.. #...# #...# #...# #...# #...# ##### ..#.. ..#.. ..#.. .#...',
      '#...# #..## ##..# #.... .#... #...# #...# #...# .#.#. #...# ...#. .#... ..#.. ...#. #.#.#',
      '####. .#### #.... .###. .#... #...# #...# #.#.# ..#.. .#### ..#.. ..#.. ..#.. ..#.. ...#.',
      '#.... ....# #.... ....# .#..# #..## .#.#. #.#.# .#.#. ....# .#... ..#.. ..#.. ..#.. .....',
      '#.... ....# #.... ####. ..##. .##.# ..#.. .#.#. #...# .###. ##### ...#. ..#.. .#... .....',
    ],
  },
];

/** Characters outside ASCII that have an obvious stand-in (units in parameter names and values). */
const SUBSTITUTES: Record<string, string> = { 'µ': 'u', 'μ': 'u', '²': '2', '³': '3', '°': 'o', '×': 'x', '−': '-' };

/** Each glyph as 7 row bitmasks, bit 4 = leftmost column. */
const GLYPHS: Map<string, number[]> = (() => {
  const m = new Map<string, number[]>();
  for (const { chars, rows } of STRIPS) {
    if (rows.length !== GLYPH_HEIGHT) throw new Error(`font5x7: strip '${chars}' has ${rows.length} rows`);
    [...chars].forEach((ch, k) => {
      m.set(
        ch,
        rows.map((row) => {
          const cell = row.slice(k * (GLYPH_WIDTH + 1), k * (GLYPH_WIDTH + 1) + GLYPH_WIDTH);
          if (!/^[.#]{5}$/.test(cell)) throw new Error(`font5x7: bad cell '${cell}' for '${ch}'`);
          return [...cell].reduce((bits, c) => (bits << 1) | (c === '#' ? 1 : 0), 0);
        }),
      );
    });
  }
  return m;
})();

function checkScale(scale: number): void {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`font5x7: scale must be a positive integer (got ${scale})`);
}

function glyph(ch: string): number[] {
  return GLYPHS.get(ch) ?? GLYPHS.get(SUBSTITUTES[ch] ?? '?') ?? GLYPHS.get('?')!;
}

/** Width in image pixels of `text` drawn at `scale`: 5 per glyph plus 1 between glyphs, times scale. */
export function textWidth(text: string, scale = 1): number {
  checkScale(scale);
  const n = [...text].length; // code points, as drawText iterates them
  return n === 0 ? 0 : (n * (GLYPH_WIDTH + 1) - 1) * scale;
}

/**
 * Draws `text` with its top-left corner at (x, y), setting lit pixels to `rgb` (alpha 255) and
 * leaving the rest untouched. Pixels outside the image are clipped.
 */
export function drawText(
  img: { width: number; height: number; rgba: Uint8Array },
  x: number,
  y: number,
  text: string,
  rgb: [number, number, number],
  scale = 1,
): void {
  checkScale(scale);
  const { width, height, rgba } = img;
  let gx = Math.round(x);
  const y0 = Math.round(y);
  for (const ch of text) {
    const rows = glyph(ch);
    for (let r = 0; r < GLYPH_HEIGHT; r++) {
      const bits = rows[r];
      if (bits === 0) continue;
      for (let c = 0; c < GLYPH_WIDTH; c++) {
        if (!(bits & (1 << (GLYPH_WIDTH - 1 - c)))) continue;
        for (let sy = 0; sy < scale; sy++) {
          const py = y0 + r * scale + sy;
          if (py < 0 || py >= height) continue;
          for (let sx = 0; sx < scale; sx++) {
            const px = gx + c * scale + sx;
            if (px < 0 || px >= width) continue;
            const i = (py * width + px) * 4;
            rgba[i] = rgb[0];
            rgba[i + 1] = rgb[1];
            rgba[i + 2] = rgb[2];
            rgba[i + 3] = 255;
          }
        }
      }
    }
    gx += (GLYPH_WIDTH + 1) * scale;
  }
}
