// Weights: seeded initialisation, the architecture hash, safetensors round trips and rejection of foreign or damaged files.
import { describe, expect, it } from 'vitest';
import * as nn from '../../../main/core/ml/graph/index.js';
import type { Graph } from '../../../main/core/ml/graph/index.js';

function model(o: { batch?: number; hidden?: number; loss?: 'l1' | 'l2'; activation?: 'relu' | 'tanh' } = {}): Graph {
  const batch = o.batch ?? 4;
  const g = new nn.Graph();
  const x = g.input('x', [batch, 6]);
  const t = g.input('t', [batch, 2]);
  const h = nn.linear(g, x, { name: 'fc1', inFeatures: 6, outFeatures: o.hidden ?? 8 });
  const a = o.activation === 'tanh' ? nn.tanh(g, h) : nn.relu(g, h);
  const y = nn.linear(g, nn.layerNorm(g, a, { name: 'ln', dim: o.hidden ?? 8 }), { name: 'fc2', inFeatures: o.hidden ?? 8, outFeatures: 2 });
  if (o.loss === 'l1') nn.l1Loss(g, y, t);
  else nn.l2Loss(g, y, t);
  return g;
}

function headerOf(bytes: Uint8Array): Record<string, unknown> {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length))) as Record<string, unknown>;
}

describe('weight initialisation', () => {
  it('is seeded, bounded by the fan-in, and zero or one where it should be', () => {
    const g = model();
    const a = nn.initWeights(g, 1);
    expect(nn.initWeights(g, 1)).toEqual(a);
    expect(nn.initWeights(g, 2).get('fc1.weight')).not.toEqual(a.get('fc1.weight'));
    const w = a.get('fc1.weight') ?? new Float32Array();
    const bound = Math.sqrt(6 / 6);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.5 * bound);
    expect([...(a.get('fc1.bias') ?? [])].every((v) => v === 0)).toBe(true);
    expect([...(a.get('ln.weight') ?? [])].every((v) => v === 1)).toBe(true);
  });
});

describe('architecture hash', () => {
  it('ignores batch size and loss layers but not the layers themselves', () => {
    const base = nn.architectureHash(model());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(nn.architectureHash(model({ batch: 32 }))).toBe(base);
    expect(nn.architectureHash(model({ loss: 'l1' }))).toBe(base);
    expect(nn.architectureHash(model({ hidden: 9 }))).not.toBe(base);
    expect(nn.architectureHash(model({ activation: 'tanh' }))).not.toBe(base);
  });

  it('is the sha256 of canonical JSON, whatever the key order', () => {
    expect(nn.canonicalJson({ b: [1, { d: 'x', c: null }], a: true })).toBe('{"a":true,"b":[1,{"c":null,"d":"x"}]}');
  });
});

describe('safetensors weights', () => {
  it('round-trips weights in the documented layout', () => {
    const g = model();
    const weights = nn.initWeights(g, 3);
    const bytes = nn.encodeWeights(g, weights);
    const header = headerOf(bytes);
    expect(header.__metadata__).toEqual({ 'likeness.architecture': nn.architectureHash(g), 'likeness.kind': 'weights' });
    // Tensors sorted by name, back to back.
    expect(header['fc1.bias']).toEqual({ dtype: 'F32', shape: [8], data_offsets: [0, 32] });
    expect(header['fc1.weight']).toEqual({ dtype: 'F32', shape: [6, 8], data_offsets: [32, 224] });
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    expect(nn.decodeWeights(g, bytes)).toEqual(weights);
    expect(nn.decodeWeights(model({ batch: 16 }), bytes)).toEqual(weights);
  });

  it('round-trips a train state with its moments and step', () => {
    const g = model();
    const weights = nn.initWeights(g, 4);
    const state = { ...nn.initialTrainState(weights), step: 17 };
    const restored = nn.decodeTrainState(g, nn.encodeTrainState(g, state));
    expect(restored).toEqual(state);
    expect(() => nn.decodeWeights(g, nn.encodeTrainState(g, state))).toThrow('weights: the file holds train-state, expected weights');
  });

  it('rejects weights saved for another architecture', () => {
    const bytes = nn.encodeWeights(model(), nn.initWeights(model(), 1));
    expect(() => nn.decodeWeights(model({ activation: 'tanh' }), bytes)).toThrow(/weights: the file was saved for architecture [0-9a-f]{12}…, this model is [0-9a-f]{12}…; the layers differ/);
    const plain = nn.encodeSafetensors({ tensors: new Map(), metadata: {} });
    expect(() => nn.decodeWeights(model(), plain)).toThrow('weights: the file has no architecture hash');
  });

  it('rejects truncated and corrupt files with a clear message', () => {
    const g = model();
    const bytes = nn.encodeWeights(g, nn.initWeights(g, 1));
    expect(() => nn.decodeWeights(g, bytes.subarray(0, 5))).toThrow('safetensors: the file is 5 bytes, too short for the 8-byte header length (truncated?)');
    expect(() => nn.decodeWeights(g, bytes.subarray(0, 40))).toThrow(/safetensors: the header length says \d+ bytes but 32 follow \(truncated or not a safetensors file\)/);
    expect(() => nn.decodeWeights(g, bytes.subarray(0, bytes.length - 10))).toThrow(/safetensors: the tensors need \d+ data bytes but the file holds \d+ \(truncated\?\)/);
    const corrupt = bytes.slice();
    corrupt[9] = 0xff;
    expect(() => nn.decodeWeights(g, corrupt)).toThrow('safetensors: the header is not valid UTF-8 JSON (corrupt file?)');
    const padded = new Uint8Array(bytes.length + 4);
    padded.set(bytes);
    expect(() => nn.decodeWeights(g, padded)).toThrow('safetensors: 4 trailing data bytes belong to no tensor (corrupt file?)');
  });

  it('rejects other dtypes and inconsistent offsets', () => {
    const file = (header: object, dataBytes: number): Uint8Array => {
      const json = new TextEncoder().encode(JSON.stringify(header));
      const out = new Uint8Array(8 + json.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
      out.set(json, 8);
      return out;
    };
    expect(() => nn.decodeSafetensors(file({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow("safetensors: tensor 'a' has dtype F16; only F32 is supported");
    expect(() => nn.decodeSafetensors(file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, 4))).toThrow("safetensors: tensor 'a' spans 4 bytes but shape [2] needs 8");
    expect(() =>
      nn.decodeSafetensors(
        file(
          {
            a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] },
            b: { dtype: 'F32', shape: [1], data_offsets: [2, 6] },
          },
          8,
        ),
      ),
    ).toThrow("safetensors: tensor 'b' starts at byte 2, expected 4: the data section has gaps or overlaps");
    expect(nn.decodeSafetensors(file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, 4)).tensors.get('a')?.shape).toEqual([1]);
  });
});
