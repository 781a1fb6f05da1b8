// The consent take's speech check (main process): did the person read this sentence, rather than any of
// the decoys? The recording's speech is aligned by DTW with eSpeak NG renderings of the sentence and of
// each decoy; the sentence must align best, by a calibrated margin.
//
// What works (measured while writing this; recording vs 5 decoys, relative margin = (best decoy − sentence) / sentence):
// - features: log-mel, 24 bands band-limited to 100–4000 Hz (formant region; drops the synthetic voice's
//   different high band), CMVN per utterance, cosine frame distance. Full-band 40-band log-mel, MFCC, and
//   MFCC + deltas with Euclidean distance were weaker (JFK own sentence margins 0.03–0.09, the test
//   creator's en-001 take even ranked a decoy first with MFCCs).
// - DTW with slope constraint (steps (1,1), (1,2), (2,1)), band 0.3: the plain symmetric steps let a
//   sequence collapse onto a few frames of any rendering and squeezed all costs together (margins 0.06–0.15
//   → 0.27–0.28 with the slope constraint).
// - pauses removed (only the VAD's speech segments, joined) and eSpeak's rate set so the sentence's
//   rendering lasts as long as that speech (JFK's slow delivery: 8.3 s of speech, rendered at 122 wpm);
//   the same rate for every decoy.
// Measured margins against different-sentence decoys: JFK own sentence 0.269, test creator en-001 own 0.278;
// a wrong sentence never ranked first (JFK vs a decoy −0.045, en-001 take vs en-002's text −0.049).
// The real consent decoys share the template and differ only in its four word slots, so most of the
// alignment is the same for every candidate and the relative margin is diluted (see SPEECH_MARGIN).
import { ESPEAK_SAMPLE_RATE } from '../../speech/espeak.js';
import type { EspeakRunner } from '../../speech/espeak.js';
import { cosineDistance, dtwFrames } from '../../speech/dtw.js';
import { cmvn, logMelSpectrogram, resample } from '../../speech/features.js';
import type { FeatureFrames } from '../../speech/features.js';
import { SileroVad, VAD_SAMPLE_RATE } from '../../speech/vad.js';
import { wavSamples } from '../../speech/wav.js';
import type { ConsentSentence } from './sentence.js';

/**
 * The sentence must beat the best decoy by this relative margin: (best decoy cost − sentence cost) / sentence cost.
 *
 * Calibrated on the real consent decoys (seeds 0–4 are checked in test/unit/consent/calibration.test.ts): Festival's CMU SLT voice
 * reading composeSentence('en', seededRng(i)) against decoys('en', 6, seededRng(100 + i), sentence). With eSpeak's default
 * voice only, the sentence read led by 0.040–0.088 (i = 0…7) and, through Opus as the in-app recorder stores it, by as
 * little as −0.01 (an e2e run rejected a true reading); a decoy taken as the sentence trailed by −0.034 to −0.164.
 * Scoring the closer of two eSpeak voices (renderVoices) widened both sides: seeds 0–4 lead by 0.068–0.164 and a decoy
 * taken as the sentence trails by −0.055 to −0.209; through Opus, 16 more seeds led by 0.048–0.207. Variants measured
 * with the default voice separated no better (+ deltas, 5 ms hop, z-scores among the candidates), so the ranking is
 * what separates; 0.02 asks for a small positive lead and stays well above the worst wrong one.
 */
export const SPEECH_MARGIN = 0.02;
/** Sakoe-Chiba band half-width, as a fraction of the longer sequence. */
export const SPEECH_DTW_BAND = 0.3;
const ESPEAK_DEFAULT_RATE = 175;
const MIN_SPEECH_SECONDS = 0.5;

/** eSpeak NG voice per language tag (others are passed through). */
const VOICES: Record<string, string> = { en: 'en-us', es: 'es', fr: 'fr-fr', de: 'de', hi: 'hi', zh: 'cmn', ja: 'ja' };

/**
 * eSpeak's variants rendered for every candidate: its default (male) voice and a female one. The variant whose
 * renderings lie closest to the recording on average over all candidates is the one scored; that choice does not
 * depend on which candidate is the sentence, so it cannot favour it. Measured on Festival's female voice through
 * Opus (16 seeded sentences): the default voice alone led by 0.016–0.138, the chosen +f2 by 0.048–0.207, while
 * a decoy taken as the sentence still trailed (−0.089 to −0.208).
 */
export function renderVoices(language: string): string[] {
  const base = VOICES[language] ?? language;
  return [base, `${base}+f2`];
}

export interface SpeechScore {
  text: string;
  /** Normalised DTW cost (mean cosine distance per aligned frame pair); Infinity when the lengths cannot align. */
  cost: number;
  isSentence: boolean;
}

export interface SpeechMatch {
  /** The sentence first, then the decoys in order. */
  scores: SpeechScore[];
  sentenceCost: number;
  bestDecoyCost: number;
  /** (bestDecoyCost − sentenceCost) / sentenceCost; negative when a decoy aligns better. */
  margin: number;
  requiredMargin: number;
  accepted: boolean;
  /** Seconds of speech the VAD found in the recording. */
  speechSeconds: number;
  /** eSpeak's speaking rate (wpm) used for the renderings. */
  rate: number;
  /** The eSpeak voice whose renderings were scored (see renderVoices). */
  voice: string;
  /** Why it was rejected, when it was. */
  reason?: 'no-speech' | 'decoy-closer' | 'margin-too-small';
}

export interface SpeechMatchOptions {
  /** A Silero VAD to reuse; default: one opened and closed for this call. */
  vad?: SileroVad;
  /** Default SPEECH_MARGIN. */
  margin?: number;
}

/** The speech features compared: band-limited log-mel with CMVN. */
export function consentFeatures(samples16k: Float32Array): FeatureFrames {
  return cmvn(logMelSpectrogram(samples16k, { sampleRate: VAD_SAMPLE_RATE, minHz: 100, maxHz: 4000, melBands: 24 }));
}

/** The VAD's speech segments of a 16 kHz recording, joined without the pauses. */
export async function speechOnly(samples16k: Float32Array, vad: SileroVad): Promise<Float32Array> {
  const activity = await vad.analyse(samples16k, VAD_SAMPLE_RATE);
  const parts = activity.segments.map((s) => samples16k.subarray(Math.floor(s.start * VAD_SAMPLE_RATE), Math.ceil(s.end * VAD_SAMPLE_RATE)));
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function textOf(s: string | ConsentSentence): string {
  return typeof s === 'string' ? s : s.text;
}

/**
 * Scores a 16 kHz mono consent recording against the sentence and its decoys. Accepted when the
 * sentence has the lowest DTW cost and beats the best decoy by the relative margin.
 */
export async function matchSpeech(
  recording16k: Float32Array,
  sentence: string | ConsentSentence,
  decoys: readonly (string | ConsentSentence)[],
  runner: EspeakRunner,
  language: string,
  options: SpeechMatchOptions = {},
): Promise<SpeechMatch> {
  if (decoys.length === 0) throw new Error('matchSpeech needs at least one decoy');
  const requiredMargin = options.margin ?? SPEECH_MARGIN;
  const texts = [textOf(sentence), ...decoys.map(textOf)];
  const voices = renderVoices(language);
  const vad = options.vad ?? (await SileroVad.open());
  try {
    const speech = await speechOnly(recording16k, vad);
    const speechSeconds = speech.length / VAD_SAMPLE_RATE;
    if (speechSeconds < MIN_SPEECH_SECONDS) {
      return { scores: [], sentenceCost: Infinity, bestDecoyCost: Infinity, margin: 0, requiredMargin, accepted: false, speechSeconds, rate: ESPEAK_DEFAULT_RATE, voice: voices[0]!, reason: 'no-speech' };
    }
    const render = async (text: string, voice: string, rate: number) => {
      const synthesis = await runner.synthesize(text, { voice, rate });
      return speechOnly(resample(wavSamples(synthesis.wav), ESPEAK_SAMPLE_RATE, VAD_SAMPLE_RATE), vad);
    };
    const recorded = consentFeatures(speech);
    let chosen: { voice: string; rate: number; scores: SpeechScore[]; mean: number } | undefined;
    for (const voice of voices) {
      // Match the speaking rate: render the sentence once at eSpeak's default rate, scale to the recording's speech length.
      const probe = await render(texts[0]!, voice, ESPEAK_DEFAULT_RATE);
      const rate = Math.max(80, Math.min(450, Math.round((ESPEAK_DEFAULT_RATE * probe.length) / Math.max(1, speech.length))));
      const scores: SpeechScore[] = [];
      for (const [index, text] of texts.entries()) {
        const rendered = consentFeatures(await render(text, voice, rate));
        let cost = Infinity;
        if (rendered.length > 0 && recorded.length > 0) {
          try {
            cost = dtwFrames(recorded, rendered, { band: SPEECH_DTW_BAND, steps: 'slope2', distance: cosineDistance }).cost;
          } catch {
            cost = Infinity; // more than 2× longer or shorter: cannot be this sentence
          }
        }
        scores.push({ text, cost, isSentence: index === 0 });
      }
      const finite = scores.map((s) => s.cost).filter(Number.isFinite);
      const mean = finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : Infinity;
      if (!chosen || mean < chosen.mean) chosen = { voice, rate, scores, mean };
    }
    const { voice, rate, scores } = chosen!;
    const sentenceCost = scores[0]!.cost;
    const bestDecoyCost = Math.min(...scores.slice(1).map((s) => s.cost));
    const margin = Number.isFinite(sentenceCost) && sentenceCost > 0 ? (bestDecoyCost - sentenceCost) / sentenceCost : -Infinity;
    const lowest = sentenceCost < bestDecoyCost;
    const accepted = lowest && margin >= requiredMargin;
    const result: SpeechMatch = { scores, sentenceCost, bestDecoyCost, margin, requiredMargin, accepted, speechSeconds, rate, voice };
    if (!accepted) result.reason = lowest ? 'margin-too-small' : 'decoy-closer';
    return result;
  } finally {
    if (!options.vad) await vad.close();
  }
}
