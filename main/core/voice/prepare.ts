// One training pair: the creator's take and eSpeak NG reading its transcript at the creator's pace, analysed and aligned; training worker.
import { ESPEAK_SAMPLE_RATE, type EspeakRunner } from '../speech/espeak.js';
import { wavSamples } from '../speech/wav.js';
import { type Alignment, alignUtterances, speechRange } from './align.js';
import { VOICE_ANALYSIS_VERSION, analyseVoice } from './frames.js';
import { ESPEAK_DEFAULT_WPM, espeakWordsPerMinute } from './rate.js';
import { FRAME_SECONDS, type VoiceFrames } from './spec.js';

export interface PreparedUtterance {
  /** eSpeak NG at the rate that matches this take's pace. */
  source: VoiceFrames;
  target: VoiceFrames;
  /** Speech frames of eSpeak NG at its default rate and of the take: the creator's speaking rate comes from these. */
  defaultRateFrames: number;
  targetSpeechFrames: number;
  /** The rate the source was rendered at. */
  wpm: number;
  alignment: Alignment;
}

/**
 * Mean log amplitude (nepers) per 5 ms frame over a 25 ms window: the same scale as c0, which is all `speechRange` reads,
 * at a fraction of a full analysis.
 */
export function logEnergyFrames(samples: Float32Array, sampleRate: number): Float32Array[] {
  const hop = FRAME_SECONDS * sampleRate;
  const half = Math.round(0.0125 * sampleRate);
  const frames = Math.floor(samples.length / hop) + 1;
  return Array.from({ length: frames }, (_, f) => {
    const centre = Math.round(f * hop);
    let sum = 0;
    let n = 0;
    for (let i = Math.max(0, centre - half); i < Math.min(samples.length, centre + half); i++, n++) sum += samples[i]! * samples[i]!;
    return Float32Array.of(0.5 * Math.log(sum / Math.max(1, n) + 1e-12));
  });
}

/**
 * Renders `transcript` once at eSpeak's default rate to measure the creator's pace on this take, then again at the
 * matching rate, so the alignment bridges small local differences, not a global tempo.
 */
export async function prepareUtterance(take: { samples: Float32Array; sampleRate: number; transcript: string }, espeak: EspeakRunner, voice: string): Promise<PreparedUtterance> {
  const render = async (rate: number) => wavSamples((await espeak.synthesize(take.transcript, { voice, rate })).wav);
  // eSpeak NG reads in its own process while the take is analysed here.
  const probing = render(ESPEAK_DEFAULT_WPM);
  probing.catch(() => undefined);
  const target = analyseVoice(take.samples, take.sampleRate);
  const targetRange = speechRange(target.mcep);
  const probe = await probing;
  const probeRange = speechRange(logEnergyFrames(probe, ESPEAK_SAMPLE_RATE));
  const defaultRateFrames = probeRange.end - probeRange.start;
  const targetSpeechFrames = targetRange.end - targetRange.start;
  const wpm = espeakWordsPerMinute(targetSpeechFrames / Math.max(1, defaultRateFrames));
  const source = analyseVoice(wpm === ESPEAK_DEFAULT_WPM ? probe : await render(wpm), ESPEAK_SAMPLE_RATE);
  const alignment = alignUtterances(source.mcep, target.mcep, {}, { source: speechRange(source.mcep), target: targetRange });
  return { source, target, defaultRateFrames, targetSpeechFrames, wpm, alignment };
}

/** Little-endian: a JSON header (shapes, alignment, rates) then the float32 arrays back to back. */
export function encodePrepared(p: PreparedUtterance): Uint8Array {
  const arrays: Float32Array[] = [];
  const frames = (f: VoiceFrames) => {
    arrays.push(f.f0, ...f.mcep, ...f.bap);
    return { frames: f.f0.length, mcep: f.mcep[0]?.length ?? 0, bap: f.bap[0]?.length ?? 0 };
  };
  const header = JSON.stringify({
    analysis: VOICE_ANALYSIS_VERSION,
    source: frames(p.source),
    target: frames(p.target),
    defaultRateFrames: p.defaultRateFrames,
    targetSpeechFrames: p.targetSpeechFrames,
    wpm: p.wpm,
    alignment: p.alignment,
  });
  const head = new TextEncoder().encode(header);
  const floats = arrays.reduce((n, a) => n + a.length, 0);
  const out = new Uint8Array(4 + head.length + ((4 - ((4 + head.length) % 4)) % 4) + floats * 4);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  let offset = out.length - floats * 4;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), offset);
    offset += a.byteLength;
  }
  return out;
}

interface Shape {
  frames: number;
  mcep: number;
  bap: number;
}

/** The pair in `bytes`, or undefined when another version of `analyseVoice` made it: prepare the take again. */
export function decodePrepared(bytes: Uint8Array): PreparedUtterance | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as Omit<PreparedUtterance, 'source' | 'target'> & {
    analysis?: number;
    source: Shape;
    target: Shape;
  };
  // Features another analysis made would train the network on a mix of two representations.
  if (header.analysis !== VOICE_ANALYSIS_VERSION) return undefined;
  const sizeOf = (s: Shape) => s.frames * (1 + s.mcep + s.bap);
  const floats = sizeOf(header.source) + sizeOf(header.target);
  const data = new Float32Array(bytes.slice(bytes.length - floats * 4).buffer);
  let at = 0;
  const take = (n: number) => data.subarray(at, (at += n));
  const frames = (s: Shape): VoiceFrames => ({
    f0: take(s.frames),
    mcep: Array.from({ length: s.frames }, () => take(s.mcep)),
    bap: Array.from({ length: s.frames }, () => take(s.bap)),
  });
  const source = frames(header.source);
  const target = frames(header.target);
  const { defaultRateFrames, targetSpeechFrames, wpm, alignment } = header;
  return { source, target, defaultRateFrames, targetSpeechFrames, wpm, alignment };
}
