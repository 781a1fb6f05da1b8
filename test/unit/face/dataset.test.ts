// The mouth-generator dataset: face frames only, held-out takes kept out of training and statistics, rest references,
// blanked crops in the network's planar layout, lazily converted examples that batch like eager ones, and the loss weight.
import { describe, expect, it } from 'vitest';
import {
  AUDIO_CLIP,
  blankMouth,
  buildFaceDataset,
  CROP_SIZE,
  cropToPlanar,
  faceFrames,
  faceStats,
  lossWeight,
  normaliseAudio,
  planarToCrop,
  restFrame,
  WINDOW_SIZE,
} from '../../../main/core/face/dataset.js';
import { lowerHalfMask, mouthMask } from '../../../main/core/face/mask.js';
import { AUDIO_WINDOW, MEL_BANDS, MOUTH_SIZE } from '../../../main/core/face/spec.js';
import type { PreparedFaceTake } from '../../../main/core/face/spec.js';
import { stack } from '../../../main/core/ml/train/batches.js';

const PIXELS = MOUTH_SIZE * MOUTH_SIZE;

/** Every crop byte and audio value says where it came from; `noFace` frames get NaN landmarks and openness. */
function tagged(frames: number, tag: number, noFace: readonly number[] = [], openness: (i: number) => number = (i) => 0.1 + ((i * 7) % 5) / 10): PreparedFaceTake {
  const mouths = new Uint8Array(frames * CROP_SIZE);
  for (let i = 0; i < mouths.length; i++) mouths[i] = (i * 13 + Math.floor(i / CROP_SIZE) * 29 + tag * 101) % 256;
  const audio = new Float32Array(frames * WINDOW_SIZE);
  for (let i = 0; i < audio.length; i++) {
    const frame = Math.floor(i / WINDOW_SIZE);
    const band = i % MEL_BANDS;
    audio[i] = -5 + band / 4 + tag + Math.sin(frame + i / MEL_BANDS);
  }
  const landmarks = new Float32Array(frames * 136).fill(50);
  const open = Float32Array.from({ length: frames }, (_, i) => openness(i));
  for (const i of noFace) {
    landmarks.fill(Number.NaN, i * 136, (i + 1) * 136);
    open[i] = Number.NaN;
  }
  return { frames, width: 320, height: 240, landmarks, transforms: new Float32Array(frames * 4), mouths, audio, openness: open };
}

/** Bitwise equality of typed arrays, without the deep comparison's per-element cost. */
function identical(a: ArrayBufferView | undefined, b: ArrayBufferView | undefined): boolean {
  return !!a && !!b && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

function cropOf(take: PreparedFaceTake, frame: number): Uint8Array {
  return take.mouths.subarray(frame * CROP_SIZE, (frame + 1) * CROP_SIZE);
}

describe('face dataset', () => {
  it('keeps face frames only, holds out the named takes and leaves them out of the audio statistics', () => {
    const takes = [tagged(6, 0, [2]), tagged(5, 1), tagged(4, 2, [0, 3]), tagged(3, 3, [1])];
    const data = buildFaceDataset(takes, { validation: [2] });
    expect(data.trainTakes).toEqual([0, 1, 3]);
    expect(data.validationTakes).toEqual([2]);
    expect(faceFrames(takes[0]!)).toEqual([0, 1, 3, 4, 5]);
    expect(data.trainFrames.map((f) => `${f.take}:${f.frame}`)).toEqual(['0:0', '0:1', '0:3', '0:4', '0:5', '1:0', '1:1', '1:2', '1:3', '1:4', '3:0', '3:2']);
    expect(data.validationFrames).toEqual([
      { take: 2, frame: 1 },
      { take: 2, frame: 2 },
    ]);
    expect(data.train).toHaveLength(12);
    expect(data.validation).toHaveLength(2);
    // No training example shows a held-out crop.
    const heldOut = data.validationFrames.map((f) => cropToPlanar(cropOf(takes[f.take]!, f.frame)));
    for (const e of data.train) expect(heldOut.some((h) => identical(h, e.t))).toBe(false);
    expect(data.stats).toEqual(faceStats(takes, data.trainFrames));
    // Changing the held-out take's audio changes nothing in the statistics.
    const louder = { ...takes[2]!, audio: takes[2]!.audio.map((v) => v + 100) };
    expect(buildFaceDataset([takes[0]!, takes[1]!, louder, takes[3]!], { validation: [2] }).stats).toEqual(data.stats);
  });

  it('computes per-band mean and std over the training windows and normalises (and clips) with them', () => {
    const takes = [tagged(4, 0), tagged(4, 1)];
    const data = buildFaceDataset(takes, { validation: [1] });
    const { mean, std } = data.stats;
    expect(data.stats).toMatchObject({ version: 1, bands: MEL_BANDS, window: AUDIO_WINDOW });
    for (const band of [0, 17, MEL_BANDS - 1]) {
      const values: number[] = [];
      for (let i = band; i < takes[0]!.audio.length; i += MEL_BANDS) values.push(takes[0]!.audio[i]!);
      const mu = values.reduce((a, b) => a + b, 0) / values.length;
      const sd = Math.sqrt(values.reduce((a, b) => a + (b - mu) ** 2, 0) / values.length);
      expect(mean[band]).toBeCloseTo(mu, 4);
      expect(std[band]).toBeCloseTo(sd, 4);
    }
    const window = takes[1]!.audio.subarray(2 * WINDOW_SIZE, 3 * WINDOW_SIZE);
    const z = normaliseAudio(window, data.stats);
    for (const k of [0, 41, 999, WINDOW_SIZE - 1]) {
      const band = k % MEL_BANDS;
      expect(z[k]).toBeCloseTo(Math.min(AUDIO_CLIP, Math.max(-AUDIO_CLIP, (window[k]! - mean[band]!) / std[band]!)), 5);
    }
    expect(identical(data.validation[2]!.audio, z)).toBe(true);
    expect(normaliseAudio(window.map((v) => v + 1000), data.stats).every((v) => v === AUDIO_CLIP)).toBe(true);
  });

  it('builds examples in the network layout: rest reference, crop blanked from the upper lip down, target crop, loss weight', () => {
    const takes = [tagged(6, 0, [4], (i) => [0.5, 0.3, 0.7, 0.2, 0, 0.2][i]!), tagged(3, 1)];
    const data = buildFaceDataset(takes, { validation: [1] });
    // Frame 4 has the lowest openness but no face; frame 3 wins over the equal frame 5 by coming first.
    expect(restFrame(takes[0]!)).toBe(3);
    expect(data.references).toEqual([3, restFrame(takes[1]!)]);
    const keep = lowerHalfMask(MOUTH_SIZE);
    const blankRow = keep.indexOf(0) / MOUTH_SIZE;
    expect(Number.isInteger(blankRow) && blankRow > 10 && blankRow < 48).toBe(true);
    const e = data.train[1]!;
    expect(Object.keys(e).sort()).toEqual(['audio', 'masked', 'reference', 't', 'weight']);
    expect(e.audio).toHaveLength(AUDIO_WINDOW * MEL_BANDS);
    for (const name of ['reference', 'masked', 't']) expect(e[name]).toHaveLength(3 * PIXELS);
    expect(e.weight).toHaveLength(PIXELS);
    const crop = cropOf(takes[0]!, 1);
    // Planar: channel c of pixel (y, x) at c·96² + y·96 + x, in 0..1.
    for (const [y, x, c] of [
      [0, 0, 0],
      [5, 90, 2],
      [70, 13, 1],
    ] as const) {
      const p = y * MOUTH_SIZE + x;
      expect(e.t![c * PIXELS + p]).toBeCloseTo(crop[p * 3 + c]! / 255, 6);
      expect(e.masked![c * PIXELS + p]).toBeCloseTo(y < blankRow ? crop[p * 3 + c]! / 255 : 0, 6);
      expect(e.reference![c * PIXELS + p]).toBeCloseTo(cropOf(takes[0]!, 3)[p * 3 + c]! / 255, 6);
    }
    expect(identical(e.masked, cropToPlanar(blankMouth(crop)))).toBe(true);
    // One shared reference and weight per take; fresh arrays per read for the converted inputs.
    expect(data.train[0]!.reference).toBe(e.reference);
    expect(e.t).not.toBe(e.t);
    expect(identical(e.t, e.t)).toBe(true);
  });

  it('stacks lazily converted examples into batches exactly like eager ones', () => {
    const takes = [tagged(5, 0), tagged(2, 1)];
    const data = buildFaceDataset(takes, { validation: [1] });
    const eager = data.train.map((e) => Object.fromEntries(Object.entries(e).map(([name, value]) => [name, Float32Array.from(value)])));
    const lazy = stack(data.train, [3, 0, 4]);
    const wanted = stack(eager, [3, 0, 4]);
    expect(Object.keys(lazy).sort()).toEqual(Object.keys(wanted).sort());
    for (const name of Object.keys(wanted)) expect(identical(lazy[name], wanted[name]), name).toBe(true);
    expect(lazy.t).toHaveLength(3 * 3 * PIXELS);
    expect(lazy.weight).toHaveLength(3 * PIXELS);
  });

  it('weights the loss towards the mouth with mean 1', () => {
    const mouth = mouthMask(MOUTH_SIZE);
    const w = lossWeight(4);
    expect(w.reduce((a, b) => a + b, 0) / PIXELS).toBeCloseTo(1, 5);
    const centre = (MOUTH_SIZE / 2) * MOUTH_SIZE + MOUTH_SIZE / 2;
    expect(mouth[centre]).toBe(1);
    expect(mouth[0]).toBe(0);
    expect(w[centre]! / w[0]!).toBeCloseTo(5, 5);
    expect(lossWeight(0).every((v) => Math.abs(v - 1) < 1e-6)).toBe(true);
    expect(() => lossWeight(-1)).toThrow(/non-negative/);
  });

  it('blanks idempotently and converts crops to planar images and back, rounding and clamping', () => {
    const crop = Uint8Array.from({ length: CROP_SIZE }, (_, i) => (i * 7) % 256);
    const once = blankMouth(crop);
    expect(identical(blankMouth(once), once)).toBe(true);
    expect(identical(planarToCrop(cropToPlanar(crop)), crop)).toBe(true);
    const image = new Float32Array(CROP_SIZE).fill(0.5);
    image[0] = -0.2;
    image[PIXELS] = 1.3;
    image[2 * PIXELS + 1] = 0.1;
    const out = planarToCrop(image);
    expect([out[0], out[1], out[2], out[3], out[4], out[5]]).toEqual([0, 255, 128, 128, 128, 26]);
  });

  it('refuses takes of the wrong size, unknown held-out takes and a side with no face', () => {
    const good = tagged(3, 0);
    expect(() => buildFaceDataset([good, { ...good, mouths: good.mouths.subarray(1) }], { validation: [0] })).toThrow(/take 1: .* mouth crop values for 3 frames/);
    expect(() => buildFaceDataset([good, { ...good, audio: new Float32Array(5) }], { validation: [0] })).toThrow(/take 1: 5 audio values/);
    expect(() => buildFaceDataset([good, good], { validation: [2] })).toThrow(/no take 2/);
    expect(() => buildFaceDataset([good, tagged(2, 1, [0, 1])], { validation: [1] })).toThrow(/need frames with a face/);
    expect(() => buildFaceDataset([good, good], { validation: [] })).toThrow(/need frames with a face/);
    expect(() => restFrame(tagged(2, 1, [0, 1]))).toThrow(/no frame with a face/);
    const nan = { ...good, audio: good.audio.map((v, i) => (i === 77 ? Number.NaN : v)) };
    expect(() => buildFaceDataset([nan, good], { validation: [1] })).toThrow(/take 0 frame 0 has an audio value that is not a finite number/);
    expect(() => normaliseAudio(new Float32Array(10), buildFaceDataset([good, good], { validation: [1] }).stats)).toThrow(/10 values/);
  });
});
