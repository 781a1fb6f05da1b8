// The `voice.train` job: picks the creator's usable takes, trains the voice model in the training worker, stores it with its report; main process.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LikenessError } from '../../contract/errors.js';
import { type Take, type VoiceModel, VoiceTrainOptions } from '../../contract/models.js';
import type { TakesRepository } from '../capture/takes-repository.js';
import type { JobRunner } from '../jobs/manager.js';
import { CHECKPOINT_EVERY_MS, type TrainingJobDeps, checkpointDirOf, runInTrainingWorker } from '../ml/train/job.js';
import { heldOutIndices } from '../ml/train/held-out.js';
import { BEST_WEIGHTS } from '../ml/train/protocol.js';
import type { EspeakRunner } from '../speech/espeak.js';
import { encodeWav } from '../speech/wav.js';
import { espeakVoiceFor } from './languages.js';
import { VOICE_MODEL_MEDIA_TYPE, encodeVoiceModel } from './model-file.js';
import type { VoiceModelsRepository } from './models-repository.js';
import { VOICE_RECIPE_DEFAULTS } from './network.js';
import { VOICE_RATE } from './spec.js';
import type { VoiceTrainOutcome, VoiceTrainTake } from './training.js';

/** Less usable speech than this cannot teach a voice. */
export const MIN_SPEECH_SECONDS = 120;
/** One take in ten is held out for the report (at least one). */
const HELD_OUT_EVERY = 10;
export const DEFAULT_VOICE_EPOCHS = VOICE_RECIPE_DEFAULTS.epochs;

export interface VoicePlan {
  takes: VoiceTrainTake[];
  speechSeconds: number;
  notes: string[];
}

function minutes(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m} min ${s} s` : `${s} s`;
}

/**
 * The takes the voice trains on: transcribed voice takes that did not fail their checks, in a language eSpeak NG reads.
 * Every tenth (by recording order) is held out for the report. Throws with how much more speech is needed.
 */
export function planVoiceTraining(all: readonly Take[], pathOf: (digest: string) => string, espeakLanguages: readonly string[]): VoicePlan {
  const notes: string[] = [];
  const voice = all.filter((t) => t.kind === 'voice');
  const untranscribed = voice.filter((t) => t.transcript === null).length;
  if (untranscribed > 0) notes.push(`${untranscribed} untranscribed take(s) skipped: the model learns from takes whose words are known`);
  const failed = voice.filter((t) => t.transcript !== null && t.status === 'fail');
  if (failed.length > 0) notes.push(`${failed.length} take(s) that failed their checks (silent, clipped, too noisy) skipped`);
  const unreadable = new Set<string>();
  const usable = voice
    .filter((t) => t.transcript !== null && t.status !== 'fail')
    .filter((t) => {
      try {
        espeakVoiceFor(t.language, espeakLanguages);
        return true;
      } catch {
        unreadable.add(t.language);
        return false;
      }
    })
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  if (unreadable.size > 0) notes.push(`takes in ${[...unreadable].join(', ')} skipped: eSpeak NG cannot read that language`);
  const speechSeconds = usable.reduce((n, t) => n + t.metrics.speechSeconds, 0);
  if (speechSeconds < MIN_SPEECH_SECONDS || usable.length < 3) {
    throw new LikenessError(
      'invalid-input',
      `${minutes(speechSeconds)} of usable speech in ${usable.length} take(s): record at least ${minutes(Math.max(MIN_SPEECH_SECONDS - speechSeconds, 0))} more (${minutes(MIN_SPEECH_SECONDS)} in at least 3 transcribed takes).${notes.length > 0 ? ` ${notes.join('; ')}.` : ''}`,
    );
  }
  const held = heldOutIndices(usable.length, HELD_OUT_EVERY);
  return {
    takes: usable.map((t, i) => ({ id: t.id, path: pathOf(t.audio), transcript: t.transcript!, language: t.language, heldOut: held.has(i) })),
    speechSeconds,
    notes,
  };
}

export interface VoiceJobDeps extends TrainingJobDeps {
  takes: TakesRepository;
  models: VoiceModelsRepository;
  espeak(): Promise<EspeakRunner>;
}

export function voiceTrainingJob(deps: VoiceJobDeps): JobRunner {
  return {
    title: 'Training your voice',
    async run(context, input) {
      const options = VoiceTrainOptions.parse(input);
      const started = Date.now();
      const languages = (await (await deps.espeak()).voices()).map((v) => v.language);
      const plan = planVoiceTraining(deps.takes.list(), (d) => deps.blobs.pathOf(d), languages);
      const outcome = (await runInTrainingWorker(deps, context, 'voice', {
        takes: plan.takes,
        loop: { epochs: options.epochs ?? DEFAULT_VOICE_EPOCHS, seed: options.seed ?? 1, provider: options.provider, threads: options.threads, checkpointEveryMs: CHECKPOINT_EVERY_MS },
      })) as VoiceTrainOutcome;
      if (outcome.kind === 'stopped') throw new Error(`training stopped (${outcome.reason})`);
      const best = join(checkpointDirOf(deps.home, context), BEST_WEIGHTS);
      if (!existsSync(best)) throw new Error('training finished without a best checkpoint');
      const owner = `job:${context.id}`;
      const model = await deps.blobs.put(encodeVoiceModel(new Uint8Array(readFileSync(best)), outcome.parts), { mediaType: VOICE_MODEL_MEDIA_TYPE, owner });
      let samples: VoiceModel['samples'] = null;
      if (outcome.samples) {
        const wav = (x: Float32Array) => deps.blobs.put(encodeWav(x, VOICE_RATE), { mediaType: 'audio/wav', owner });
        samples = {
          source: (await wav(outcome.samples.source)).digest,
          converted: (await wav(outcome.samples.converted)).digest,
          real: deps.takes.require(outcome.samples.takeId).audio,
          text: outcome.samples.text,
        };
      }
      const stored = deps.models.add({
        model: model.digest,
        report: { ...outcome.report, trainingSeconds: (Date.now() - started) / 1000, notes: [...plan.notes, ...outcome.report.notes] },
        samples,
        jobId: context.id,
      });
      const figures = { mcdConvertedDb: stored.report.mcdConvertedDb, mcdSourceDb: stored.report.mcdSourceDb, mcdAffineDb: stored.report.mcdAffineDb, f0RmseCents: stored.report.f0RmseCents };
      // A job result is JSON: a figure that could not be measured is left out rather than sent as NaN.
      return { model: stored.id, version: stored.version, ...Object.fromEntries(Object.entries(figures).filter(([, v]) => Number.isFinite(v))) };
    },
  };
}
