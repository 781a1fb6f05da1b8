// The voice recipe end to end: takes analysed and aligned with eSpeak NG, refined alignment, the network trained, the held-out report; training worker.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VoiceReport } from '../../contract/models.js';
import { decodeAudioToArray } from '../media/ffmpeg.js';
import { type LoopIo, type LoopOptions, type StopReason, runTraining } from '../ml/train/loop.js';
import { EspeakRunner } from '../speech/espeak.js';
import { writeFileAtomic } from '../store/atomic.js';
import { type AffineMap, applyAffine, fitAffine } from './affine.js';
import { type Alignment, alignUtterances } from './align.js';
import { VoiceConverter } from './convert.js';
import { type AlignedUtterance, type VoiceStats, buildVoiceDataset } from './dataset.js';
import { type VoiceF0, creatorF0, fitF0Contour, logF0Stats } from './f0-map.js';
import { synthesizeVoice } from './frames.js';
import { espeakVoiceFor } from './languages.js';
import { logF0RmseCents, voicingError } from './metrics.js';
import { type VoiceNetworkDims, voiceNetworkDims, voiceRecipe } from './network.js';
import { type PreparedUtterance, decodePrepared, encodePrepared, prepareUtterance } from './prepare.js';
import { speakingRateRatio, espeakWordsPerMinute } from './rate.js';
import { FRAME_SECONDS, VOICE_RATE, type VoiceFrames } from './spec.js';

export interface VoiceTrainTake {
  id: string;
  /** The take's audio (48 kHz WAV in the blob store). */
  path: string;
  transcript: string;
  language: string;
  /** Held out for the quality report: never trained on. */
  heldOut: boolean;
}

export interface VoiceTrainStart {
  takes: VoiceTrainTake[];
  checkpointDir: string;
  loop: LoopOptions;
}

export interface VoiceTrainIo extends LoopIo {
  phase(done: number, total: number, message: string): void;
  loadBest(): Uint8Array | undefined;
}

/** What the studio stores as the voice model, beside the trained weights. */
export interface VoiceModelParts {
  stats: VoiceStats;
  dims: VoiceNetworkDims;
  f0: VoiceF0;
  wordsPerMinute: number;
}

export type VoiceTrainOutcome =
  | {
      kind: 'completed';
      parts: VoiceModelParts;
      report: Omit<VoiceReport, 'trainingSeconds'>;
      /** The first held-out take as eSpeak NG and converted, at VOICE_RATE, for the A/B/C player. */
      samples: { takeId: string; text: string; source: Float32Array; converted: Float32Array } | null;
    }
  | { kind: 'stopped'; reason: StopReason };

/** Rounds of alignment: raw, then twice after the affine map fitted on the previous round's paths. */
const ALIGN_ROUNDS = 3;

function frameWeightedMean(values: readonly { value: number; weight: number }[]): number {
  const usable = values.filter((v) => Number.isFinite(v.value) && v.weight > 0);
  const weight = usable.reduce((n, v) => n + v.weight, 0);
  return weight > 0 ? usable.reduce((n, v) => n + v.value * v.weight, 0) / weight : Number.NaN;
}

/** Realigns every utterance after converting its source with one affine map fitted on all current paths, keeping each utterance's cheaper path. */
function refineAlignments(prepared: readonly PreparedUtterance[]): { alignments: Alignment[]; costs: number[]; affine: AffineMap } {
  let alignments = prepared.map((p) => p.alignment);
  const costs = [frameWeightedMean(alignments.map((a) => ({ value: a.cost, weight: a.path.length })))];
  let affine = fitOn(prepared, alignments);
  for (let round = 1; round < ALIGN_ROUNDS; round++) {
    const next = prepared.map((p, i) => {
      const converted = applyAffine(affine, p.source.mcep);
      const again = alignUtterances(converted, p.target.mcep, {}, { source: alignments[i]!.source, target: alignments[i]!.target });
      return again.cost < alignments[i]!.cost ? { ...again } : alignments[i]!;
    });
    costs.push(frameWeightedMean(next.map((a) => ({ value: a.cost, weight: a.path.length }))));
    alignments = next;
    affine = fitOn(prepared, alignments);
  }
  return { alignments, costs, affine };
}

function fitOn(prepared: readonly PreparedUtterance[], alignments: readonly Alignment[]): AffineMap {
  const source: Float32Array[] = [];
  const target: Float32Array[] = [];
  prepared.forEach((p, i) => {
    for (const [s, t] of alignments[i]!.path) {
      source.push(p.source.mcep[s]!);
      target.push(p.target.mcep[t]!);
    }
  });
  return fitAffine(source, target);
}

/** The cost of aligning `mcep` to the real take: the DTW-aligned mel-cepstral distortion over the speech. */
function distortion(mcep: Float32Array[], p: PreparedUtterance): Alignment {
  return alignUtterances(mcep, p.target.mcep, {}, { source: p.alignment.source, target: p.alignment.target });
}

interface Prepared {
  take: VoiceTrainTake;
  utterance: PreparedUtterance;
}

/**
 * Takes prepared at once: while one waits for eSpeak NG (its own process) the next is decoded and analysed here, so both
 * cores work.
 */
const PREPARE_AHEAD = 2;

/** Analyses every take beside eSpeak NG's reading (cached per take, so a resumed job skips what is done); a take that cannot be aligned is skipped with a note. */
async function prepareAll(start: VoiceTrainStart, io: VoiceTrainIo, notes: string[]): Promise<Prepared[] | StopReason> {
  const cacheDir = join(start.checkpointDir, 'prepared');
  mkdirSync(cacheDir, { recursive: true });
  const espeak = await EspeakRunner.start();
  try {
    const voices = (await espeak.voices()).map((v) => v.language);
    // Per take, in take order whatever order they finish in: its prepared pair, or why it was skipped.
    const results: (Prepared | string)[] = [];
    const prepareOne = async (index: number, take: VoiceTrainTake): Promise<void> => {
      const cached = join(cacheDir, `${take.id}.bin`);
      const reused = existsSync(cached) ? decodePrepared(new Uint8Array(readFileSync(cached))) : undefined;
      if (reused) {
        results[index] = { take, utterance: reused };
        return;
      }
      const audio = await decodeAudioToArray(take.path, { sampleRate: VOICE_RATE });
      try {
        const utterance = await prepareUtterance({ samples: audio.samples, sampleRate: VOICE_RATE, transcript: take.transcript }, espeak, espeakVoiceFor(take.language, voices));
        writeFileAtomic(cached, encodePrepared(utterance));
        results[index] = { take, utterance };
      } catch (error) {
        results[index] = `take ${take.id} skipped: ${error instanceof Error ? error.message : String(error)} (does its transcript match what was said?)`;
      }
    };
    const running = new Set<Promise<void>>();
    let stopped: StopReason | undefined;
    for (const [index, take] of start.takes.entries()) {
      stopped = io.stopRequested();
      if (stopped) break;
      io.phase(index, start.takes.length, `Analysing take ${index + 1} of ${start.takes.length} with eSpeak NG beside it`);
      const work: Promise<void> = prepareOne(index, take).finally(() => running.delete(work));
      // A failure surfaces through the race or the final wait, whichever sees it first.
      work.catch(() => undefined);
      running.add(work);
      if (running.size >= PREPARE_AHEAD) await Promise.race(running);
    }
    // What started is finished and cached even when stopping, so a resumed job does not redo it.
    await Promise.all(running);
    if (stopped) return stopped;
    io.phase(start.takes.length, start.takes.length, 'Takes analysed');
    const prepared: Prepared[] = [];
    for (const result of results) {
      if (typeof result === 'string') notes.push(result);
      else prepared.push(result);
    }
    return prepared;
  } finally {
    await espeak.close();
  }
}

export async function trainVoice(start: VoiceTrainStart, io: VoiceTrainIo): Promise<VoiceTrainOutcome> {
  const notes: string[] = [];
  const prepared = await prepareAll(start, io, notes);
  if (!Array.isArray(prepared)) return { kind: 'stopped', reason: prepared };
  const held = prepared.filter((p) => p.take.heldOut);
  const training = prepared.filter((p) => !p.take.heldOut).map((p) => p.utterance);
  if (training.length < 2 || held.length === 0) throw new Error(`too few takes could be aligned with their transcripts (${training.length} to train on, ${held.length} held out): ${notes.join('; ')}`);

  io.phase(0, 1, 'Refining the alignment of eSpeak NG to your takes');
  const refined = refineAlignments(training);
  const pairs: AlignedUtterance[] = training.map((p, i) => ({ source: p.source, target: p.target, path: refined.alignments[i]!.path }));
  const dataset = buildVoiceDataset(pairs, { validationShare: 0.1 });
  const dims = voiceNetworkDims(dataset.stats);
  const recipe = voiceRecipe(dataset, { dims, epochs: start.loop.epochs });
  const outcome = await runTraining(recipe, start.loop, io);
  if (outcome.kind === 'stopped') return { kind: 'stopped', reason: outcome.reason };
  const best = io.loadBest();
  if (!best) throw new Error('training finished without a best checkpoint');

  const source = logF0Stats(training.map((p) => p.source.f0));
  const target = logF0Stats(training.map((p) => p.target.f0));
  const f0: VoiceF0 = { source, target, contour: fitF0Contour(pairs.map((p) => ({ source: p.source.f0, target: p.target.f0, path: p.path })), source, target) };
  const ratio = speakingRateRatio(training.map((p) => ({ source: { start: 0, end: p.defaultRateFrames }, target: { start: 0, end: p.targetSpeechFrames } })));
  const parts: VoiceModelParts = { stats: dataset.stats, dims, f0, wordsPerMinute: espeakWordsPerMinute(ratio) };

  io.phase(0, held.length, 'Measuring the model on the held-out takes');
  const converter = await VoiceConverter.open(best, dataset.stats, { dims, threads: start.loop.threads });
  const rows: { lang: string; frames: number; source: number; affine: number; converted: number; cents: number; voicing: number }[] = [];
  let samples: Extract<VoiceTrainOutcome, { kind: 'completed' }>['samples'] = null;
  try {
    for (const [n, { take, utterance: p }] of held.entries()) {
      const converted: VoiceFrames = await converter.convert(p.source, (x) => creatorF0(x, f0));
      const conv = distortion(converted.mcep, p);
      rows.push({
        lang: take.language,
        frames: conv.path.length,
        source: p.alignment.cost,
        affine: distortion(applyAffine(refined.affine, p.source.mcep), p).cost,
        converted: conv.cost,
        cents: logF0RmseCents(converted.f0, p.target.f0, conv.path),
        voicing: voicingError(converted.f0, p.target.f0, conv.path),
      });
      if (!samples) samples = { takeId: take.id, text: take.transcript, source: synthesizeVoice(p.source), converted: synthesizeVoice(converted) };
      io.phase(n + 1, held.length, `Measured ${n + 1} of ${held.length} held-out takes`);
    }
  } finally {
    await converter.close();
  }
  const mean = (key: 'source' | 'affine' | 'converted' | 'cents' | 'voicing', of = rows) => frameWeightedMean(of.map((r) => ({ value: r[key], weight: r.frames })));
  const languages = [...new Set(start.takes.map((t) => t.language))];
  const report: Omit<VoiceReport, 'trainingSeconds'> = {
    trainTakes: training.length,
    heldOutTakes: held.length,
    trainSpeechSeconds: training.reduce((n, p) => n + p.targetSpeechFrames, 0) * FRAME_SECONDS,
    mcdSourceDb: mean('source'),
    mcdAffineDb: mean('affine'),
    mcdConvertedDb: mean('converted'),
    mcdReduction: 1 - mean('converted') / mean('source'),
    mcdVsAffine: mean('converted') / mean('affine'),
    f0RmseCents: mean('cents'),
    voicingError: mean('voicing'),
    alignmentCosts: refined.costs,
    speakingRate: { ratio, wordsPerMinute: parts.wordsPerMinute },
    f0: { sourceMeanHz: Math.exp(f0.source.mean), targetMeanHz: Math.exp(f0.target.mean) },
    languages: languages.map((tag) => {
      const measured = rows.filter((r) => r.lang === tag);
      return { tag, measured: measured.length > 0, mcdConvertedDb: measured.length > 0 ? mean('converted', measured) : null };
    }),
    notes,
  };
  return { kind: 'completed', parts, report, samples };
}
