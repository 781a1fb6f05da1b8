// The burned-in "AI-generated" label: where it goes, that it reads as text, and that it fits small frames.
import { describe, expect, it } from 'vitest';
import { drawLabel, labelStamp } from '../../../main/core/compose/label.js';

describe('the AI-generated label', () => {
  it('sits in the bottom-left corner of a 512 frame, white text on a darkened box', () => {
    const stamp = labelStamp(512);
    expect(stamp.x).toBeGreaterThan(0);
    expect(stamp.y + stamp.height).toBeLessThan(512);
    expect(stamp.width).toBeLessThan(512 / 2);
    const ink = stamp.ink.reduce((n, v) => n + v, 0);
    expect(ink / stamp.ink.length).toBeGreaterThan(0.15);
    expect(ink / stamp.ink.length).toBeLessThan(0.6);
    const frame = new Uint8Array(512 * 512 * 3).fill(200);
    drawLabel(frame, 512, stamp);
    const at = (x: number, y: number) => frame[(y * 512 + x) * 3]!;
    const values = new Set<number>();
    for (let y = stamp.y; y < stamp.y + stamp.height; y++) for (let x = stamp.x; x < stamp.x + stamp.width; x++) values.add(at(x, y));
    expect([...values].sort((a, b) => a - b)).toEqual([50, 255]);
    expect(at(stamp.x - 1, stamp.y)).toBe(200);
    expect(at(400, 100)).toBe(200);
  });

  it('scales with the frame and refuses a frame too small to hold it', () => {
    expect(labelStamp(1024).height).toBeGreaterThan(labelStamp(512).height);
    expect(() => labelStamp(40)).toThrow(/too small/);
    expect(() => labelStamp(512, 'AI?')).toThrow(/no glyph/);
  });
});
