// face-api weight files: pinned hashes, manifest parsing, dequantisation (checked against tfjs's own decoder), corrupt files and layout conversion.
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfPads } from '../../../main/core/vision/faceapi-graphs.js';
import { decodeWeights, depthwiseToOnnx, faceApiModelDir, hwioToOihw, loadFaceApiWeights, parseManifest, sha256 } from '../../../main/core/vision/faceapi-weights.js';
import { FACE_API_VERSION, FACE_NETWORKS } from '../../../main/core/vision/models.js';
import type { FaceNetworkId } from '../../../main/core/vision/models.js';
import { oracleWeights } from './oracle.js';

const DIR = faceApiModelDir() ?? '';
const IDS = Object.keys(FACE_NETWORKS) as FaceNetworkId[];

describe('face-api weights', () => {
  it('the installed package is the pinned version and its files have the pinned sha256', async () => {
    const pkg = JSON.parse(await readFile(join(DIR, '..', 'package.json'), 'utf8')) as { version: string; license: string };
    expect(pkg.version).toBe(FACE_API_VERSION);
    expect(pkg.license).toBe('MIT');
    for (const id of IDS) {
      const files = FACE_NETWORKS[id];
      const bin = await readFile(join(DIR, files.bin));
      expect(bin.length).toBe(files.binBytes);
      expect(sha256(bin)).toBe(files.binSha256);
      expect(sha256(await readFile(join(DIR, files.manifest)))).toBe(files.manifestSha256);
    }
  });

  it('parses every network with the expected shapes, value for value as tfjs decodes them', async () => {
    const expected: Record<FaceNetworkId, [number, Record<string, number[]>]> = {
      tinyFaceDetector: [19, { 'conv0/filters': [3, 3, 3, 16], 'conv5/depthwise_filter': [3, 3, 256, 1], 'conv5/pointwise_filter': [1, 1, 256, 512], 'conv8/filters': [1, 1, 512, 25], 'conv8/bias': [25] }],
      faceLandmark68: [49, { 'dense0/conv0/filters': [3, 3, 3, 32], 'dense3/conv3/pointwise_filter': [1, 1, 256, 256], 'fc/weights': [256, 136], 'fc/bias': [136] }],
      faceRecognition: [117, { 'conv32_down/conv/filters': [7, 7, 3, 32], 'conv256_down_out/conv2/scale/biases': [256], fc: [256, 128] }],
    };
    for (const id of IDS) {
      const ours = await loadFaceApiWeights(id);
      const [count, shapes] = expected[id];
      expect(ours.size, id).toBe(count);
      for (const [name, shape] of Object.entries(shapes)) expect(ours.get(name)?.shape, `${id} ${name}`).toEqual(shape);
      const theirs = await oracleWeights(id);
      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [name, w] of ours) {
        const t = theirs.get(name)!;
        expect(w.shape, name).toEqual(t.shape);
        expect(w.data.length, name).toBe(t.data.length);
        let same = 0;
        for (let i = 0; i < w.data.length; i++) if (w.data[i] === t.data[i]) same++;
        expect(same, `${id} ${name}: values equal to tfjs's`).toBe(w.data.length);
      }
    }
  });

  describe('corrupt files', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'faceapi-weights-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('a truncated or altered .bin fails its pinned hash, naming the file', async () => {
      const files = FACE_NETWORKS.tinyFaceDetector;
      await copyFile(join(DIR, files.manifest), join(dir, files.manifest));
      const bin = await readFile(join(DIR, files.bin));
      await writeFile(join(dir, files.bin), bin.subarray(0, bin.length - 100));
      await expect(loadFaceApiWeights('tinyFaceDetector', dir)).rejects.toThrow(/tiny_face_detector_model\.bin: sha256 [0-9a-f]{64} does not match the pinned/);
      const flipped = Buffer.from(bin);
      flipped[1000] = flipped[1000]! ^ 0xff;
      await writeFile(join(dir, files.bin), flipped);
      await expect(loadFaceApiWeights('tinyFaceDetector', dir)).rejects.toThrow(/corrupted, truncated or from another version/);
      await expect(loadFaceApiWeights('faceLandmark68', dir)).rejects.toThrow(/cannot read .*face_landmark_68_model-weights_manifest\.json/);
    });

    it('the decoder itself rejects a shard shorter or longer than its manifest', async () => {
      const files = FACE_NETWORKS.faceLandmark68;
      const groups = parseManifest(JSON.parse(await readFile(join(DIR, files.manifest), 'utf8')));
      const bin = new Uint8Array(await readFile(join(DIR, files.bin)));
      expect(() => decodeWeights(groups, new Map([[files.bin, bin.subarray(0, 1000)]]))).toThrow(/face_landmark_68_model\.bin is truncated: the manifest needs 356840 bytes, the file holds 1000/);
      const longer = new Uint8Array(bin.length + 4);
      longer.set(bin);
      expect(() => decodeWeights(groups, new Map([[files.bin, longer]]))).toThrow(/does not belong to this manifest/);
      expect(() => decodeWeights(groups, new Map())).toThrow(/names shard 'face_landmark_68_model\.bin', which was not provided/);
    });

    it('rejects malformed manifests and unsupported encodings', () => {
      expect(() => parseManifest({})).toThrow(/non-empty array/);
      expect(() => parseManifest([{ paths: ['a.bin'], weights: [{ name: 'w', shape: [2], dtype: 'string' }] }])).toThrow(/dtype string/);
      expect(() => parseManifest([{ paths: ['a.bin'], weights: [{ name: 'w', shape: [2], dtype: 'float32', quantization: { dtype: 'int8' } }] }])).toThrow(/quantization/);
    });
  });

  it('decodes float32, uint8/uint16 affine and float16 values', () => {
    const groups = parseManifest([
      {
        paths: ['x.bin'],
        weights: [
          { name: 'f', shape: [2], dtype: 'float32' },
          { name: 'q8', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
          { name: 'q16', shape: [1], dtype: 'float32', quantization: { dtype: 'uint16', scale: 2, min: 1 } },
          { name: 'h', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
      },
    ]);
    const bytes = new Uint8Array(8 + 2 + 2 + 4);
    const view = new DataView(bytes.buffer);
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2.25, true);
    bytes.set([0, 255], 8);
    view.setUint16(10, 300, true);
    view.setUint16(12, 0x3c00, true); // 1
    view.setUint16(14, 0xc100, true); // -2.5
    const w = decodeWeights(groups, new Map([['x.bin', bytes]]));
    expect([...w.get('f')!.data]).toEqual([1.5, -2.25]);
    expect([...w.get('q8')!.data]).toEqual([-1, 126.5]);
    expect([...w.get('q16')!.data]).toEqual([601]);
    expect([...w.get('h')!.data]).toEqual([1, -2.5]);
  });
});

describe('layouts and padding', () => {
  it('moves conv filters from HWIO to OIHW and depthwise filters to [C*M, 1, H, W]', () => {
    // HWIO [1, 2, 2, 3]: value = 100 h + 10 w... encoded as w*100 + i*10 + o.
    const hwio = Float32Array.from({ length: 12 }, (_, k) => {
      const o = k % 3;
      const i = Math.floor(k / 3) % 2;
      const x = Math.floor(k / 6);
      return x * 100 + i * 10 + o;
    });
    const oihw = hwioToOihw({ shape: [1, 2, 2, 3], data: hwio });
    // OIHW [3, 2, 1, 2]: index ((o * 2 + i) * 1 + 0) * 2 + x.
    for (let o = 0; o < 3; o++) for (let i = 0; i < 2; i++) for (let x = 0; x < 2; x++) expect(oihw[(o * 2 + i) * 2 + x]).toBe(x * 100 + i * 10 + o);
    // Depthwise [2, 1, 2, 2] (H, W, C, M): value = 100 h + 10 c + m.
    const dw = Float32Array.from({ length: 8 }, (_, k) => Math.floor(k / 4) * 100 + (Math.floor(k / 2) % 2) * 10 + (k % 2));
    const onnx = depthwiseToOnnx({ shape: [2, 1, 2, 2], data: dw });
    for (let c = 0; c < 2; c++) for (let m = 0; m < 2; m++) for (let h = 0; h < 2; h++) expect(onnx[(c * 2 + m) * 2 + h]).toBe(h * 100 + c * 10 + m);
  });

  it("computes TensorFlow 'same' padding with the odd pixel at the bottom/right", () => {
    expect(tfPads(112, 112, 3, 2, 'same')).toEqual([0, 0, 1, 1]);
    expect(tfPads(207, 207, 2, 2, 'same')).toEqual([0, 0, 1, 1]);
    expect(tfPads(13, 13, 2, 1, 'same')).toEqual([0, 0, 1, 1]);
    expect(tfPads(56, 56, 3, 1, 'same')).toEqual([1, 1, 1, 1]);
    expect(tfPads(7, 9, 5, 1, 'same')).toEqual([2, 2, 2, 2]);
    expect(tfPads(416, 416, 3, 1, 'valid')).toEqual([0, 0, 0, 0]);
  });
});
