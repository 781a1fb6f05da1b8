// Speaks text in the creator's voice: eSpeak NG reads each sentence at the creator's pace, the model converts it (in voice lane threads), loudness is normalised; workers and CLI.
import { ESPEAK_RATE_RANGE } from '../speech/espeak-args.js';
import type { EspeakRunner } from '../speech/espeak.js';
import { LoudnessAnalyzer } from '../speech/loudness.js';
import { SPEECH_TARGET_LUFS, TRUE_PEAK_CEILING_DBTP } from '../speech/normalise.js';
import { WavWriter } from '../speech/wav-writer.js';
import { wavSamples } from '../speech/wav.js';
import { espeakVoiceFor, sentencesOf } from './languages.js';
import { decodeVoiceModel } from './model-file.js';
import { SentenceLanes, defaultLaneCount } from './sentence-lanes.js';
import { SentenceRenderer, type SentenceRendering } from './sentence-render.js';
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

export interface SpeakerOptions {
  /** Intra-op threads of each conversion session; default 1. */
  threads?: number;
  /**
   * Threads that render sentences side by side; default `defaultLaneCount()` (one per core, two at most). 0 renders in
   * this thread, one sentence at a time.
   */
  lanes?: number;
}

export interface SpeakOptions {
  /** Pace relative to the creator's own; default 1. */
  rate?: number;
  signal?: AbortSignal;
  onSentence?: (sentence: SpokenSentence, index: number) => void;
}

export class Speaker {
  private constructor(
    private readonly renderer: SentenceRendering,
    private readonly parts: VoiceModelParts,
    private readonly espeak: EspeakRunner,
    private readonly languages: string[],
    /** Sentences started beyond the one awaited: one per lane, so each lane has the next while eSpeak NG reads on. */
    private readonly ahead: number,
  ) {}

  static async open(model: Uint8Array, espeak: EspeakRunner, options: SpeakerOptions = {}): Promise<Speaker> {
    const { parts } = decodeVoiceModel(model);
    const languages = (await espeak.voices()).map((v) => v.language);
    const lanes = options.lanes ?? defaultLaneCount();
    const renderer = lanes === 0 ? await SentenceRenderer.open(model, { threads: options.threads }) : await SentenceLanes.open(model, { lanes, threads: options.threads });
    return new Speaker(renderer, parts, espeak, languages, Math.max(1, lanes));
  }

  /** eSpeak NG's rate for a pace relative to the creator's. */
  wordsPerMinute(rate = 1): number {
    if (!(rate >= RATE_RANGE.min && rate <= RATE_RANGE.max)) throw new RangeError(`the speaking rate must be from ${RATE_RANGE.min} to ${RATE_RANGE.max} (1 is your own pace), not ${rate}`);
    return Math.round(Math.min(ESPEAK_RATE_RANGE.max, Math.max(ESPEAK_RATE_RANGE.min, this.parts.wordsPerMinute * rate)));
  }

  /** eSpeak NG's reading of a sentence (its own process: it can run while the previous sentence converts). */
  private async read(text: string, language: string, rate = 1): Promise<Float32Array> {
    const voice = espeakVoiceFor(language, this.languages);
    return wavSamples((await this.espeak.synthesize(text, { voice, rate: this.wordsPerMinute(rate) })).wav);
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
    const gap = Math.round(SENTENCE_GAP_SECONDS * VOICE_RATE);
    try {
      const pieces = sentencesOf(text);
      const flight: { piece: { text: string; start: number }; unit: Promise<Float32Array> }[] = [];
      let started = 0;
      // eSpeak NG reads ahead in its process while earlier sentences render in the lanes; units are written in order, so
      // memory holds only the sentences in flight.
      const fill = () => {
        while (flight.length < this.ahead) {
          const next = pieces.next();
          if (next.done) return;
          // The pause before a sentence is normalised with it, so the whole text measures what each piece does.
          const lead = started++ > 0 ? gap : 0;
          const unit = this.read(next.value.text, language, options.rate).then((reading) => this.renderer.render(reading, lead));
          unit.catch(() => undefined);
          flight.push({ piece: next.value, unit });
        }
      };
      fill();
      while (flight.length > 0) {
        options.signal?.throwIfAborted();
        const { piece, unit } = flight.shift()!;
        fill();
        const samples = await untilAborted(unit, options.signal);
        const startSeconds = writer.seconds + (sentences.length > 0 ? gap : 0) / VOICE_RATE;
        write(samples);
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
    await this.renderer.close();
  }
}

/** `work`, or the signal's reason as soon as it aborts (the work itself runs on, its result unused). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
