// Sentences rendered in voice lane threads: the same samples as rendering in this thread, whichever lane takes which, in any
// number of lanes; a model a lane cannot open fails the opening, and closing rejects what is still waiting.
import { describe, expect, it } from 'vitest';
import { encodeWeights, initWeights } from '../../../main/core/ml/graph/index.js';
import { ESPEAK_SAMPLE_RATE } from '../../../main/core/speech/espeak.js';
import { type AlignedUtterance, voiceStats } from '../../../main/core/voice/dataset.js';
import { encodeVoiceModel } from '../../../main/core/voice/model-file.js';
import { buildVoiceNetwork } from '../../../main/core/voice/network.js';
import type { VoiceNetworkDims } from '../../../main/core/voice/network.js';
import { SentenceLanes } from '../../../main/core/voice/sentence-lanes.js';
import { SentenceRenderer } from '../../../main/core/voice/sentence-render.js';
import { MCEP_SIZE, VOICE_RATE } from '../../../main/core/voice/spec.js';
import type { VoiceFrames } from '../../../main/core/voice/spec.js';

const BANDS = 5;
const DIMS: VoiceNetworkDims = { context: 2, bands: BANDS, hidden: 32, blocks: 1, residual: true };

function frames(n: number, phase: number): VoiceFrames {
  return {
    f0: Float32Array.from({ length: n }, (_, i) => (Math.sin(0.2 * i + phase) > -0.3 ? 110 + 20 * Math.sin(0.05 * i) : 0)),
    mcep: Array.from({ length: n }, (_, i) => Float32Array.from({ length: MCEP_SIZE }, (_, d) => (d === 0 ? -4 : 0) + Math.sin(0.07 * i * (1 + d / 9) + phase + d) / (1 + d / 8))),
    bap: Array.from({ length: n }, (_, i) => Float32Array.from({ length: BANDS }, (_, b) => 0.5 + 0.45 * Math.sin(0.11 * i + b + phase))),
  };
}

function model(): Uint8Array {
  const pairs: AlignedUtterance[] = [0, 1, 2].map((k) => ({ source: frames(90, k), target: frames(80, k + 5), path: [[0, 0]] }));
  const graph = buildVoiceNetwork(1, DIMS).graph;
  const f0 = { mean: Math.log(120), std: 0.2, count: 100 };
  return encodeVoiceModel(encodeWeights(graph, initWeights(graph, 3)), { stats: voiceStats(pairs, DIMS.context), dims: DIMS, f0: { source: f0, target: { ...f0, mean: Math.log(180) } }, wordsPerMinute: 160 });
}

/** A voiced glide with a breathy onset, as eSpeak NG's reading would arrive. */
function reading(seconds: number, hz: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * ESPEAK_SAMPLE_RATE));
  let phase = 0;
  let seed = 7;
  for (let i = 0; i < out.length; i++) {
    const t = i / ESPEAK_SAMPLE_RATE;
    phase += (2 * Math.PI * hz * (1 + 0.2 * t)) / ESPEAK_SAMPLE_RATE;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const noise = seed / 2147483648 - 0.5;
    out[i] = t < 0.1 ? 0.05 * noise : 0.3 * Math.sin(phase) + 0.1 * Math.sin(2 * phase) + 0.01 * noise;
  }
  return out;
}

describe('voice lanes', () => {
  it('render the same samples as this thread, in order, whichever lane takes which sentence', async () => {
    const bytes = model();
    const readings = [reading(0.6, 110), reading(0.3, 150), reading(0.45, 95)];
    const local = await SentenceRenderer.open(bytes);
    const expected: Float32Array[] = [];
    try {
      for (const [i, r] of readings.entries()) expected.push(await local.render(r.slice(), i > 0 ? 600 : 0));
    } finally {
      await local.close();
    }
    expect(expected[1]!.length).toBe(600 + Math.round((0.3 * ESPEAK_SAMPLE_RATE * VOICE_RATE) / ESPEAK_SAMPLE_RATE / 120) * 120);
    for (const lanes of [1, 2]) {
      const pool = await SentenceLanes.open(bytes, { lanes });
      try {
        const rendered = await Promise.all(readings.map((r, i) => pool.render(r.slice(), i > 0 ? 600 : 0)));
        for (const [i, samples] of rendered.entries()) expect(samples, `${lanes} lanes, sentence ${i}`).toEqual(expected[i]);
      } finally {
        await pool.close();
      }
    }
  }, 60_000);

  it('fail to open on a model a lane cannot read, and reject what waits when closed', async () => {
    await expect(SentenceLanes.open(new Uint8Array([1, 2, 3]), { lanes: 1 })).rejects.toThrow(/voice lane/);
    await expect(SentenceLanes.open(model(), { lanes: 0 })).rejects.toThrow(/positive integer/);
    const pool = await SentenceLanes.open(model(), { lanes: 1 });
    const first = expect(pool.render(reading(0.3, 120), 0)).rejects.toThrow(/closed/);
    const waiting = expect(pool.render(reading(0.3, 120), 0)).rejects.toThrow(/closed/);
    await pool.close();
    await first;
    await waiting;
    await expect(pool.render(reading(0.1, 120), 0)).rejects.toThrow(/closed/);
  }, 60_000);
});
