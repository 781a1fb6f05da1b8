// Integration test of the consent take's face check on face-api's demo photos: the same person in two
// renders of a photo is under the threshold, different people are over it.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FACE_MATCH_THRESHOLD, matchFace } from '../../../main/core/capture/consent/face-match.js';
import { decodeImage, FaceTracker } from '../../../main/core/vision/tracker.js';
import type { RgbImage } from '../../../main/core/vision/tracker.js';

const demo = join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
const sample = (n: number) => join(demo, `sample${n}.jpg`);

let tracker: FaceTracker;
beforeAll(async () => {
  tracker = await FaceTracker.open();
}, 60_000);
afterAll(async () => {
  await tracker?.close();
});

/** A 3 %-cropped, 0.8×-scaled copy, or a 4°-rotated, 1.1×-scaled one. */
async function render(path: string, kind: 'crop' | 'rotate'): Promise<RgbImage> {
  const meta = await sharp(path).metadata();
  const w = meta.width!;
  const h = meta.height!;
  const img =
    kind === 'crop'
      ? sharp(path).extract({ left: Math.round(w * 0.03), top: Math.round(h * 0.02), width: Math.round(w * 0.94), height: Math.round(h * 0.95) }).resize(Math.round(w * 0.8))
      : sharp(path).rotate(4, { background: '#808080' }).resize(Math.round(w * 1.1));
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Descriptors of the faces in an image, left to right. */
async function faces(image: RgbImage): Promise<Float32Array[]> {
  const found = (await tracker.detect(image)).sort((a, b) => a.box.x - b.box.x);
  return Promise.all(found.map((f) => tracker.descriptor(image, f)));
}

describe('matchFace on face-api sample photos', () => {
  it('accepts one person across two renders of a photo and rejects other people', async () => {
    const original = await faces(await decodeImage(sample(3)));
    const cropped = await faces(await render(sample(3), 'crop'));
    const rotated = await faces(await render(sample(3), 'rotate'));
    expect(original).toHaveLength(3);
    expect(cropped).toHaveLength(3);
    expect(rotated).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const same = matchFace([cropped[i]!, rotated[i]!], [original[i]!]);
      console.log(`sample3 face ${i}, same person: mean ${same.distance.toFixed(3)}, min ${same.minDistance.toFixed(3)}`);
      expect(same.accepted).toBe(true);
      for (let j = 0; j < 3; j++) {
        if (j === i) continue;
        const other = matchFace([cropped[i]!, rotated[i]!], [original[j]!]);
        expect(other.distance).toBeGreaterThan(FACE_MATCH_THRESHOLD);
        expect(other.accepted).toBe(false);
      }
    }
    // Across photos: sample1's people are none of sample3's.
    const elsewhere = await faces(await decodeImage(sample(1)));
    expect(elsewhere.length).toBeGreaterThan(0);
    for (const d of elsewhere) {
      const m = matchFace([d], original);
      expect(m.minDistance).toBeGreaterThan(FACE_MATCH_THRESHOLD);
      expect(m.accepted).toBe(false);
    }
  });
});
