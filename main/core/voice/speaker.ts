// Speaks text in the creator's voice: eSpeak NG reads each sentence at the creator's pace, the model converts it, loudness is normalised; workers and CLI.
import { ESPEAK_RATE_RANGE } from '../speech/espeak-args.js';
import { ESPEAK_SAMPLE_RATE, type EspeakRunner } from '../speech/espeak.js';
import { LoudnessAnalyzer } from '../speech/loudness.js';
import { SPEECH_TARGET_LUFS, TRUE_PEAK_CEILING_DBTP, normaliseLoudness } from '../speech/normalise.js';
import { WavWriter } from '../speech/wav-writer.js';
import { wavSamples } from '../speech/wav.js';
import { VoiceConverter } from './convert.js';
import { mapF0 } from './f0-map.js';
import { analyseVoice, synthesizeVoice } from './frames.js';
import { espeakVoiceFor, sentencesOf } from './languages.js';
import { decodeVoiceModel } from './model-file.js';
import { VOICE_RATE } from './spec.js';
import type { VoiceModelParts } from './training.js';

/** Silence between sentences: a breath, as a reader leaves. */
export const SENTENCE_GAP_SECONDS = 0.25;
/** 0.5 = half the creator's pace, 2 = twice it. */
export const RATE_RANGE = { min: 0.5, max: 2 } as const;

export interface SpokenSentence {
  text: string;
  /** Where the sentence starts in the text (UTF-16 index). */
  offset: number;
  startSeconds: number;
  endSeconds: number;
}

export interface SpeakOptions {
  /** Pace relative to the creator's own; default 1. */
  rate?: number;
  signal?: AbortSignal;
  onSentence?: (sentence: SpokenSentence, index: number) => void;
}

export class Speaker {
  private constructor(
    private readonly converter: VoiceConverter,
    private readonly parts: VoiceModelParts,
    private readonly espeak: EspeakRunner,
    private readonly languages: string[],
  ) {}

  static async open(model: Uint8Array, espeak: EspeakRunner, options: { threads?: number } = {}): Promise<Speaker> {
    const { weights, parts } = decodeVoiceModel(model);
    const languages = (await espeak.voices()).map((v) => v.language);
    const converter = await VoiceConverter.open(weights, parts.stats, { dims: parts.dims, threads: options.threads });
    return new Speaker(converter, parts, espeak, languages);
  }

  /** eSpeak NG's rate for a pace relative to the creator's. */
  wordsPerMinute(rate = 1): number {
    if (!(rate >= RATE_RANGE.min && rate <= RATE_RANGE.max)) throw new RangeError(`the speaking rate must be from ${RATE_RANGE.min} to ${RATE_RANGE.max} (1 is your own pace), not ${rate}`);
    return Math.round(Math.min(ESPEAK_RATE_RANGE.max, Math.max(ESPEAK_RATE_RANGE.min, this.parts.wordsPerMinute * rate)));
  }

  /** One sentence in the creator's voice at VOICE_RATE, as converted (not yet normalised). */
  async sentence(text: string, language: string, rate = 1): Promise<Float32Array> {
    return this.convert(await this.read(text, language, rate));
  }

  /** eSpeak NG's reading of a sentence (its own process: it can run while the previous sentence converts). */
  private async read(text: string, language: string, rate = 1): Promise<Float32Array> {
    const voice = espeakVoiceFor(language, this.languages);
    return wavSamples((await this.espeak.synthesize(text, { voice, rate: this.wordsPerMinute(rate) })).wav);
  }

  private async convert(reading: Float32Array): Promise<Float32Array> {
    const source = analyseVoice(reading, ESPEAK_SAMPLE_RATE);
    const converted = await this.converter.convert(source, (f0) => mapF0(f0, this.parts.f0.source, this.parts.f0.target));
    return synthesizeVoice(converted);
  }

  /**
   * Speaks `text` into a WAV file sentence by sentence, so text of any length keeps memory flat; the file appears only
   * when complete. Returns each sentence's timing, for subtitles.
   */
  async speakToFile(text: string, language: string, out: string, options: SpeakOptions = {}): Promise<{ seconds: number; sentences: SpokenSentence[] }> {
    espeakVoiceFor(language, this.languages);
    this.wordsPerMinute(options.rate);
    const writer = new WavWriter(out, VOICE_RATE);
    const level = new LoudnessAnalyzer(VOICE_RATE);
    const write = (samples: Float32Array) => {
      writer.write(samples);
      level.push(samples);
    };
    const sentences: SpokenSentence[] = [];
    try {
      const pieces = sentencesOf(text);
      const readNext = () => {
        const next = pieces.next();
        if (next.done) return undefined;
        const reading = this.read(next.value.text, language, options.rate);
        reading.catch(() => undefined);
        return { piece: next.value, reading };
      };
      // eSpeak NG reads the next sentence in its process while this one converts here: both cores work.
      for (let current = readNext(); current; ) {
        options.signal?.throwIfAborted();
        const { piece, reading } = current;
        const samples = await reading;
        current = readNext();
        // The pause before a sentence is normalised with it, so the whole text measures what each piece does.
        const speech = await this.convert(samples);
        const gap = sentences.length > 0 ? Math.round(SENTENCE_GAP_SECONDS * VOICE_RATE) : 0;
        const unit = new Float32Array(gap + speech.length);
        unit.set(speech, gap);
        const startSeconds = writer.seconds + gap / VOICE_RATE;
        write(normaliseLoudness(unit, VOICE_RATE).samples);
        const spoken = { text: piece.text, offset: piece.start, startSeconds, endSeconds: writer.seconds };
        sentences.push(spoken);
        options.onSentence?.(spoken, sentences.length - 1);
      }
      if (sentences.length === 0) throw new RangeError('there is nothing to say: the text is empty');
      // Each sentence is at the target alone; the pauses between them lower the whole a little: one last gain, within the peak ceiling.
      const whole = level.result();
      const correction = whole.integratedLufs === null ? 0 : Math.min(SPEECH_TARGET_LUFS - whole.integratedLufs, TRUE_PEAK_CEILING_DBTP - whole.truePeakDbtp);
      writer.close(10 ** (correction / 20));
    } catch (error) {
      writer.abort();
      throw error;
    }
    return { seconds: writer.seconds, sentences };
  }

  async close(): Promise<void> {
    await this.converter.close();
  }
}
