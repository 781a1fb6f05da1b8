// Oracle agreement: the ONNX face tracker against face-api itself (tfjs wasm) on the package's sample photos, fed identical pixels.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageFile } from '../../../main/core/platform/modules.js';
import { DETECTOR_MEAN, FACE_MEAN, squareInput } from '../../../main/core/vision/faceapi-pipeline.js';
import { decodeImage, FaceTracker } from '../../../main/core/vision/tracker.js';
import type { RgbImage, TrackedFace } from '../../../main/core/vision/tracker.js';
import { oracle } from './oracle.js';
import type { FaceApiModule } from './oracle.js';

const SAMPLES = [1, 2, 3, 4, 5, 6].map((i) => packageFile('@vladmandic/face-api', 'demo', `sample${i}.jpg`) ?? '');

interface Face {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  landmarks: [number, number][];
}

/** Decodes and shrinks a sample (both sides get these same pixels). */
async function sample(path: string, width: number, height?: number): Promise<RgbImage> {
  const { data, info } = await sharp(path).removeAlpha().resize(width, height, { fit: height === undefined ? 'inside' : 'cover' }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

async function oracleDetect(api: FaceApiModule, image: RgbImage, inputSize: number): Promise<Face[]> {
  const tensor = api.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
  try {
    const results = await api.detectAllFaces(tensor, new api.TinyFaceDetectorOptions({ inputSize, scoreThreshold: 0.5 })).withFaceLandmarks();
    return results.map((r) => ({
      box: { x: r.detection.box.x, y: r.detection.box.y, width: r.detection.box.width, height: r.detection.box.height },
      score: r.detection.score,
      landmarks: r.landmarks.positions.map((p): [number, number] => [p.x, p.y]),
    }));
  } finally {
    tensor.dispose();
  }
}

/** Largest distance between corresponding box edges, px. */
function boxError(a: Face['box'], b: Face['box']): number {
  return Math.max(Math.abs(a.x - b.x), Math.abs(a.y - b.y), Math.abs(a.x + a.width - b.x - b.width), Math.abs(a.y + a.height - b.y - b.height));
}

function meanLandmarkError(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): number {
  expect(a).toHaveLength(68);
  expect(b).toHaveLength(68);
  return a.reduce((s, [x, y], i) => s + Math.hypot(x - b[i]![0], y - b[i]![1]), 0) / a.length;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Deterministic test pixels. */
function noiseImage(width: number, height: number, seed: number): RgbImage {
  let s = seed;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { data, width, height };
}

function compare(label: string, ours: readonly TrackedFace[], theirs: readonly Face[]): number[] {
  expect(ours.length, `${label}: number of faces`).toBe(theirs.length);
  return ours.map((face, i) => {
    const other = theirs[i]!;
    expect(boxError(face.box, other.box), `${label} face ${i}: box`).toBeLessThan(1);
    expect(Math.abs(face.score - other.score), `${label} face ${i}: score`).toBeLessThan(1e-4);
    const err = meanLandmarkError(face.landmarks, other.landmarks);
    expect(err, `${label} face ${i}: mean landmark error`).toBeLessThanOrEqual(0.5);
    return err;
  });
}

describe('FaceTracker against face-api (tfjs wasm) as the oracle', () => {
  let api: FaceApiModule;
  let tracker: FaceTracker;
  let small: FaceTracker;
  beforeAll(async () => {
    [api, tracker, small] = await Promise.all([oracle(), FaceTracker.open({ detectorSize: 416, threads: 1 }), FaceTracker.open({ detectorSize: 224, threads: 1 })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([tracker?.close(), small?.close()]);
  });

  it('finds the same faces, boxes within 1 px and landmarks within 0.5 px on the six sample photos (416)', async () => {
    const all: number[] = [];
    const perSample: string[] = [];
    for (const path of SAMPLES) {
      const image = await sample(path, 960);
      const label = path.split('/').pop() ?? path;
      const errors = compare(label, await tracker.detect(image), await oracleDetect(api, image, 416));
      expect(errors.length, `${label} has faces`).toBeGreaterThan(0);
      all.push(...errors);
      perSample.push(`${label}: ${errors.length} faces, mean ${(errors.reduce((a, b) => a + b, 0) / errors.length).toExponential(2)} px, max ${Math.max(...errors).toExponential(2)} px`);
    }
    expect(all).toHaveLength(20);
    const mean = all.reduce((a, b) => a + b, 0) / all.length;
    console.log(`trackerMeanErrorPx (416, 960 px photos) = ${mean.toExponential(3)}\n  ${perSample.join('\n  ')}`);
  });

  it('agrees at detector size 224 on a 640x480 frame and on full-size photos', async () => {
    const frame = await sample(SAMPLES[1]!, 640, 480);
    compare('640x480 frame', await small.detect(frame), await oracleDetect(api, frame, 224));
    const full = await decodeImage(SAMPLES[0]!);
    expect([full.width, full.height]).toEqual([1920, 1280]);
    compare('sample1 full size, 224', await small.detect(full), await oracleDetect(api, full, 224));
    compare('sample1 full size, 416', await tracker.detect(full), await oracleDetect(api, full, 416));
  });

  it('finds no face in a smooth gradient or in noise', async () => {
    const width = 320;
    const height = 240;
    const gradient = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) gradient.set([(x * 255) / width, (y * 255) / height, 128], (y * width + x) * 3);
    for (const image of [{ data: gradient, width, height }, noiseImage(width, height, 7)]) {
      expect(await tracker.detect(image)).toEqual([]);
      expect(await small.detect(image)).toEqual([]);
      expect(await oracleDetect(api, image, 224)).toEqual([]);
    }
  });

  it('raw network outputs match face-api on identical inputs', async () => {
    const tf = api.tf;
    for (const [net, size] of [
      [small, 224],
      [tracker, 416],
    ] as const) {
      const image = noiseImage(size, size, size);
      const input = tf.tensor3d(image.data, [size, size, 3], 'int32');
      const reference = api.nets.tinyFaceDetector.forwardInput(await api.toNetInput(input), size);
      const cells = size / 32;
      // tfjs gives NHWC [1, cells, cells, 25]; ours is NCHW [1, 25, cells, cells].
      const nchw = tf.transpose(reference, [0, 3, 1, 2]);
      const ours = await net.runDetector(squareInput(image, { x: 0, y: 0, width: size, height: size }, false, size, DETECTOR_MEAN));
      expect(ours.length).toBe(25 * cells * cells);
      const diff = maxAbsDiff(ours, nchw.dataSync());
      console.log(`raw detector ${size}: max abs diff ${diff.toExponential(2)}`);
      expect(diff, `detector ${size}`).toBeLessThan(1e-3);
      for (const t of [input, reference, nchw]) t.dispose();
    }
    const face = noiseImage(112, 112, 3);
    const faceTensor = tf.tensor3d(face.data, [112, 112, 3], 'int32');
    const landmarks = api.nets.faceLandmark68Net.runNet(await api.toNetInput(faceTensor));
    const ours = await tracker.runLandmarks(squareInput(face, { x: 0, y: 0, width: 112, height: 112 }, true, 112, FACE_MEAN));
    const landmarkDiff = maxAbsDiff(ours, landmarks.dataSync());
    console.log(`raw landmarks: max abs diff ${landmarkDiff.toExponential(2)}`);
    expect(landmarkDiff, 'landmarks').toBeLessThan(1e-4);
    faceTensor.dispose();
    landmarks.dispose();
    const crop = noiseImage(150, 150, 5);
    const cropTensor = tf.tensor3d(crop.data, [150, 150, 3], 'int32');
    const descriptor = api.nets.faceRecognitionNet.forwardInput(await api.toNetInput(cropTensor));
    const ourDescriptor = await tracker.runRecognition(squareInput(crop, { x: 0, y: 0, width: 150, height: 150 }, true, 150, FACE_MEAN));
    const descriptorDiff = maxAbsDiff(ourDescriptor, descriptor.dataSync());
    console.log(`raw descriptor: max abs diff ${descriptorDiff.toExponential(2)}`);
    expect(descriptorDiff, 'descriptor').toBeLessThan(1e-4);
    cropTensor.dispose();
    descriptor.dispose();
  });

  it('computes face-api’s 128-d descriptor for a detected face', async () => {
    const image = await sample(SAMPLES[1]!, 640, 480);
    const [face] = await small.detect(image);
    expect(face).toBeDefined();
    const ours = await small.descriptor(image, face!);
    const tensor = api.tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    const [theirs] = await api.detectAllFaces(tensor, new api.TinyFaceDetectorOptions({ inputSize: 224 })).withFaceLandmarks().withFaceDescriptors();
    tensor.dispose();
    expect(ours).toHaveLength(128);
    const diff = maxAbsDiff(ours, theirs!.descriptor);
    console.log(`descriptor max abs diff ${diff.toExponential(2)}, euclidean distance ${api.euclideanDistance(Array.from(ours), Array.from(theirs!.descriptor)).toExponential(2)}`);
    expect(diff).toBeLessThan(1e-3);
  });

  it('finds the face in a 640x480 webcam-sized frame with the 224 detector on one thread', async () => {
    const frame = await sample(SAMPLES[1]!, 640, 480);
    const faces = await small.detect(frame);
    expect(faces.length).toBeGreaterThan(0);
    expect(faces[0]!.landmarks).toHaveLength(68);
  });
});

describe('decodeImage', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vision-decode-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('decodes a JPEG to RGB', async () => {
    const image = await decodeImage(SAMPLES[1]!);
    expect(image.data.length).toBe(image.width * image.height * 3);
  });

  it('rejects a file that is not an image, a truncated JPEG and a missing file, clearly', async () => {
    const text = join(dir, 'notes.jpg');
    await writeFile(text, 'these are not pixels');
    await expect(decodeImage(text)).rejects.toThrow(/not an image/);
    const { readFile } = await import('node:fs/promises');
    const jpeg = await readFile(SAMPLES[1]!);
    const cut = join(dir, 'cut.jpg');
    await writeFile(cut, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    await expect(decodeImage(cut)).rejects.toThrow(/truncated or corrupt/);
    await expect(decodeImage(join(dir, 'absent.png'))).rejects.toThrow(/does not exist/);
  });
});
