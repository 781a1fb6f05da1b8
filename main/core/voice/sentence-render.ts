// One sentence from eSpeak NG's reading to the creator's voice at the target loudness (analysis, conversion, synthesis); main process, training worker and voice lane threads.
import { ESPEAK_SAMPLE_RATE } from '../speech/espeak.js';
import { normaliseLoudness } from '../speech/normalise.js';
import { VoiceConverter } from './convert.js';
import { creatorF0 } from './f0-map.js';
import { analyseVoice, synthesizeVoice } from './frames.js';
import { decodeVoiceModel } from './model-file.js';
import { VOICE_RATE } from './spec.js';
import type { VoiceModelParts } from './training.js';

/** What turns a reading into a finished sentence: in this thread (`SentenceRenderer`) or in lane threads (`SentenceLanes`). */
export interface SentenceRendering {
  /**
   * The sentence in the creator's voice at VOICE_RATE, preceded by `leadSamples` of silence and loudness-normalised with
   * it (so the whole text measures what each piece does). `reading` is eSpeak NG's, at ESPEAK_SAMPLE_RATE.
   */
  render(reading: Float32Array, leadSamples: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export class SentenceRenderer implements SentenceRendering {
  private constructor(
    private readonly converter: VoiceConverter,
    private readonly parts: VoiceModelParts,
  ) {}

  static async open(model: Uint8Array, options: { threads?: number } = {}): Promise<SentenceRenderer> {
    const { weights, parts } = decodeVoiceModel(model);
    const converter = await VoiceConverter.open(weights, parts.stats, { dims: parts.dims, threads: options.threads });
    return new SentenceRenderer(converter, parts);
  }

  /** The sentence as converted, not yet normalised. */
  async convert(reading: Float32Array): Promise<Float32Array> {
    const source = analyseVoice(reading, ESPEAK_SAMPLE_RATE);
    const converted = await this.converter.convert(source, (f0) => creatorF0(f0, this.parts.f0));
    return synthesizeVoice(converted);
  }

  async render(reading: Float32Array, leadSamples: number): Promise<Float32Array> {
    const speech = await this.convert(reading);
    const unit = new Float32Array(leadSamples + speech.length);
    unit.set(speech, leadSamples);
    return normaliseLoudness(unit, VOICE_RATE).samples;
  }

  async close(): Promise<void> {
    await this.converter.close();
  }
}
