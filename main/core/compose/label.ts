// The visible "AI-generated" label burned into each frame when the rules require it: our own 5x7 bitmap glyphs, so no font file is needed (pure; render workers).

export const LABEL_TEXT = 'AI-generated';

const GLYPH_WIDTH = 5;
const GLYPH_HEIGHT = 7;

// Only the glyphs the label uses: the text is fixed, and a missing glyph fails loudly at load.
const GLYPHS: Record<string, readonly string[]> = {
  A: ['.###.', '#...#', '#...#', '#####', '#...#', '#...#', '#...#'],
  I: ['.###.', '..#..', '..#..', '..#..', '..#..', '..#..', '.###.'],
  '-': ['.....', '.....', '.....', '.###.', '.....', '.....', '.....'],
  g: ['.....', '.####', '#...#', '#...#', '.####', '....#', '.###.'],
  e: ['.....', '.###.', '#...#', '#####', '#....', '#...#', '.###.'],
  n: ['.....', '#.##.', '##..#', '#...#', '#...#', '#...#', '#...#'],
  r: ['.....', '#.##.', '##..#', '#....', '#....', '#....', '#....'],
  a: ['.....', '.###.', '....#', '.####', '#...#', '#..##', '.##.#'],
  t: ['.#...', '.#...', '####.', '.#...', '.#...', '.#..#', '..##.'],
  d: ['....#', '....#', '.####', '#...#', '#...#', '#..##', '.##.#'],
};

export interface LabelStamp {
  /** Top-left corner of the box and its size, pixels. */
  x: number;
  y: number;
  width: number;
  height: number;
  /** 1 where a pixel of the box is text, 0 where it is background. */
  ink: Uint8Array;
}

/** Where the label goes on a size×size frame, and which of its pixels are text: computed once per render. */
export function labelStamp(size: number, text = LABEL_TEXT): LabelStamp {
  const scale = Math.max(1, Math.round(size / 170));
  const pad = 2 * scale;
  const advance = (GLYPH_WIDTH + 1) * scale;
  const width = pad * 2 + text.length * advance - scale;
  const height = pad * 2 + GLYPH_HEIGHT * scale;
  if (width > size || height > size) throw new RangeError(`a ${size}x${size} frame is too small for the label`);
  const ink = new Uint8Array(width * height);
  [...text].forEach((ch, i) => {
    const glyph = GLYPHS[ch];
    if (!glyph) throw new RangeError(`the label has no glyph for ${JSON.stringify(ch)}`);
    for (let gy = 0; gy < GLYPH_HEIGHT; gy++) {
      for (let gx = 0; gx < GLYPH_WIDTH; gx++) {
        if (glyph[gy]![gx] !== '#') continue;
        for (let dy = 0; dy < scale; dy++) {
          for (let dx = 0; dx < scale; dx++) ink[(pad + gy * scale + dy) * width + pad + i * advance + gx * scale + dx] = 1;
        }
      }
    }
  });
  const margin = Math.round(size / 40);
  return { x: margin, y: size - margin - height, width, height, ink };
}

/** Burns the label into an RGB frame (size×size·3) in place: white text on a darkened box, readable on any background. */
export function drawLabel(rgb: Uint8Array, size: number, stamp: LabelStamp): void {
  for (let y = 0; y < stamp.height; y++) {
    for (let x = 0; x < stamp.width; x++) {
      const at = ((stamp.y + y) * size + stamp.x + x) * 3;
      if (stamp.ink[y * stamp.width + x]) {
        rgb[at] = 255;
        rgb[at + 1] = 255;
        rgb[at + 2] = 255;
      } else {
        rgb[at] = rgb[at]! >> 2;
        rgb[at + 1] = rgb[at + 1]! >> 2;
        rgb[at + 2] = rgb[at + 2]! >> 2;
      }
    }
  }
}
